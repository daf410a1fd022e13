/**
 * The types of the permit server client: its configuration, inputs and the typed answers of
 * the organizer routes (`/auth/*`, `/organizers/me`, `/permits`).
 *
 * @packageDocumentation
 */
import type { Permit, PermitRefundMode } from '@raffle/permit';
import type { Address } from '@solana/kit';

/**
 * Options of `createPermitApiClient`.
 *
 * @example
 * ```ts
 * const config: PermitApiClientConfig = { baseUrl: 'https://permits.example.com', timeoutMs: 5_000 };
 * ```
 */
export interface PermitApiClientConfig {
    /** The server's URL, with the `basePath` it is mounted under (e.g. `https://app.example.com/permit-api`). */
    readonly baseUrl: string;
    /** The fetch to use; default the global `fetch`. */
    readonly fetch?: (input: string, init: RequestInit) => Promise<Response>;
    /** How long one request may take, body included, in ms; default 10,000. */
    readonly timeoutMs?: number;
    /**
     * The permit signers you trust (the program's `config.permit_signers`). When set, a
     * permit signed by another key is refused; the signature is checked either way.
     */
    readonly trustedSigners?: readonly Address[];
}

/**
 * Options of one request.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const options: PermitApiCallOptions = { signal: controller.signal };
 * ```
 */
export interface PermitApiCallOptions {
    /** Aborts the request (the error is `RAFFLE_ERROR__CLIENT__PERMIT_API_UNREACHABLE`, kind `aborted`). */
    readonly signal?: AbortSignal;
}

/**
 * Options of `requestPermit`.
 *
 * @example
 * ```ts
 * const options: RequestPermitOptions = { idempotencyKey: `order-${orderId}` };
 * ```
 */
export interface RequestPermitOptions extends PermitApiCallOptions {
    /**
     * 1-255 printable ASCII characters. The same key with the same request returns the same
     * permit for 24 h, so a retry after a lost answer never allocates a second raffle id.
     */
    readonly idempotencyKey?: string;
}

/**
 * What signs the sign-in message: the organizer's wallet. A wallet-standard
 * `solana:signMessage` feature adapts in one line; a kit `MessagePartialSigner` (a keypair on
 * a backend) through `walletFromMessageSigner`.
 *
 * @example
 * ```ts
 * const wallet: PermitApiWallet = {
 *     address: account.address as Address,
 *     signMessage: async message => (await signMessageFeature.signMessage({ account, message }))[0]!.signature,
 * };
 * ```
 */
export interface PermitApiWallet {
    /** The organizer's address. */
    readonly address: Address;
    /**
     * Signs bytes with the wallet's ed25519 key.
     *
     * @param message - the UTF-8 bytes of the sign-in message
     * @returns the 64-byte signature
     */
    signMessage(message: Uint8Array): Promise<Uint8Array>;
}

/**
 * The signed-in state. The session token itself is never exposed.
 *
 * @example
 * ```ts
 * if (permits.session === undefined || permits.session.expiresAt.getTime() < Date.now()) await permits.signIn(wallet);
 * ```
 */
export interface PermitApiSession {
    /** The signed-in organizer. */
    readonly organizer: Address;
    /** When the server forgets the session (15 min after sign-in by default). */
    readonly expiresAt: Date;
    /** False for a deactivated organizer: it may read `me()` but gets no permit. */
    readonly active: boolean;
}

/**
 * What `requestPermit` asks for. The organizer, raffle id, tier, program and expiry come from
 * the server.
 *
 * @example
 * ```ts
 * const input: PermitApiRequest = {
 *     prizeMint, prizeAmount: 1n, paymentMint: USDC_MINT, ticketPrice: 5_000_000n,
 *     maxTickets: 500, deadline: BigInt(Math.floor(Date.now() / 1000) + 7 * 86_400), refundMode: 'vouchers',
 * };
 * ```
 */
export interface PermitApiRequest {
    /** The prize mint (an NFT or a token). */
    readonly prizeMint: Address;
    /** Prize amount in base units (1 for an NFT), u64. */
    readonly prizeAmount: bigint;
    /** The mint buyers pay in. */
    readonly paymentMint: Address;
    /** Price of one ticket in base units of the payment mint, u64. */
    readonly ticketPrice: bigint;
    /** Number of tickets, 1 to 1,000,000. */
    readonly maxTickets: number;
    /** Unix seconds after which an unsold raffle is refunded. */
    readonly deadline: bigint;
    /** How buyers are refunded if the raffle fails. */
    readonly refundMode: PermitRefundMode;
}

/**
 * What `requestPermit` returns.
 *
 * @example
 * ```ts
 * const { raffleId, permit }: RequestPermitResult = await permits.requestPermit(input);
 * const message = await createRaffleWithPermitTx({ organizer, permit });
 * ```
 */
export interface RequestPermitResult {
    /** The raffle id the server allocated (the permit carries it too). */
    readonly raffleId: bigint;
    /** The signed permit, checked: pass it to `createRaffleWithPermitTx` before `permit.expiresAt`. */
    readonly permit: Permit;
    /** True when the server replayed an earlier answer for the same idempotency key. */
    readonly replayed: boolean;
}

/**
 * An organizer as the server knows it.
 *
 * @example
 * ```ts
 * const { organizer }: { organizer: PermitApiOrganizer } = await permits.me();
 * ```
 */
export interface PermitApiOrganizer {
    /** The organizer's wallet. */
    readonly address: Address;
    /** The business partner id, 32 hex characters. */
    readonly enterpriseId: string;
    /** `free`, `pro`, `enterprise` (or a tier a newer server adds). */
    readonly tier: string;
    /** Verified collections the organizer's prizes may belong to. */
    readonly allowedCollections: readonly Address[];
    /** Inactive organizers get no permit. */
    readonly active: boolean;
    /** The raffle id of the next permit. */
    readonly nextRaffleId: bigint;
    /** When the organizer was registered. */
    readonly createdAt: Date;
    /** Last change. */
    readonly updatedAt: Date;
}

/**
 * The issuing limits of the organizer's tier.
 *
 * @example
 * ```ts
 * const { limits }: { limits: PermitApiTierLimits } = await permits.me();
 * if (maxTickets > limits.maxTickets) showUpgradeDialog();
 * ```
 */
export interface PermitApiTierLimits {
    /** Most unexpired permits at once (`null`: unlimited). */
    readonly maxActivePermits: number | null;
    /** Most open raffles on-chain (`null`: unlimited). */
    readonly maxOpenRaffles: number | null;
    /** Largest `maxTickets`. */
    readonly maxTickets: number;
    /** Largest `prizeAmount` (`null`: any). */
    readonly maxPrizeAmount: bigint | null;
    /** Payment mints allowed, or `'any'`. */
    readonly allowedPaymentMints: readonly Address[] | 'any';
    /** Refund modes allowed. */
    readonly allowedRefundModes: readonly PermitRefundMode[];
    /** Lifetime of an issued permit, seconds. */
    readonly permitTtlSeconds: number;
    /** Nearest allowed deadline, seconds from now. */
    readonly minDeadlineSeconds: number;
    /** Furthest allowed deadline, seconds from now. */
    readonly maxDeadlineSeconds: number;
}

/**
 * What `me()` returns: the organizer, its limits and how many unexpired permits it holds.
 *
 * @example
 * ```ts
 * const profile: PermitApiProfile = await permits.me();
 * console.log(`${profile.activePermits} of ${profile.limits.maxActivePermits ?? '∞'} permits in use`);
 * ```
 */
export interface PermitApiProfile {
    /** The signed-in organizer. */
    readonly organizer: PermitApiOrganizer;
    /** Its tier's limits. */
    readonly limits: PermitApiTierLimits;
    /** Its unexpired permits. */
    readonly activePermits: number;
}

/**
 * One entry of the organizer's permit ledger.
 *
 * @example
 * ```ts
 * const unused: PermitApiRecord[] = (await permits.listPermits()).permits.filter(p => p.status === 'issued');
 * ```
 */
export interface PermitApiRecord {
    /** Position in the ledger, the pagination cursor. */
    readonly seq: string;
    /** The organizer. */
    readonly organizer: Address;
    /** The allocated raffle id. */
    readonly raffleId: bigint;
    /** `reserved` while signing, `issued`, or `failed` (the id is skipped). */
    readonly status: string;
    /** When it was requested. */
    readonly createdAt: Date;
    /** When the permit expires. */
    readonly expiresAt: Date;
    /** The signer, once issued. */
    readonly signer: Address | null;
    /** The permit (structure checked), once issued. */
    readonly permit: Permit | null;
}

/**
 * Options of `listPermits`.
 *
 * @example
 * ```ts
 * const next = await permits.listPermits({ limit: 50, before: page.nextCursor ?? undefined });
 * ```
 */
export interface ListPermitsOptions extends PermitApiCallOptions {
    /** 1-1000, default 100 (server side). */
    readonly limit?: number;
    /** The `nextCursor` of the previous page. */
    readonly before?: string;
}

/**
 * A page of the organizer's permits, newest first.
 *
 * @example
 * ```ts
 * const page: PermitApiPermitPage = await permits.listPermits();
 * ```
 */
export interface PermitApiPermitPage {
    /** The permits. */
    readonly permits: readonly PermitApiRecord[];
    /** Pass as `before` for the next page; `null` on the last. */
    readonly nextCursor: string | null;
}
