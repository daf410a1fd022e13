/**
 * The typed client of the permit server's organizer API (`@raffle/permit/server`): wallet
 * sign-in, permits, the organizer's profile and ledger.
 *
 * @packageDocumentation
 */
import { isRaffleError, RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR } from '@raffle/errors';
import { PERMIT_MAX_TICKETS } from '@raffle/permit';
import { getBase64Decoder } from '@solana/kit';

import { inputInvalid } from '../errors/client-errors';
import { assertAddress, assertInteger, assertObject, describeValue, I64_MAX, toBigIntInRange, U64_MAX } from '../internal/validate';
import { type PermitApiCall, type PermitApiTransport, sendPermitApiRequest } from './http';
import { readIssuedPermit, readPermitPage, readProfile, readSignIn, readSignInMessage } from './responses';
import type {
    ListPermitsOptions,
    PermitApiCallOptions,
    PermitApiClientConfig,
    PermitApiPermitPage,
    PermitApiProfile,
    PermitApiRequest,
    PermitApiSession,
    PermitApiWallet,
    RequestPermitOptions,
    RequestPermitResult,
} from './types';
import { assertWallet, signText } from './wallet';

/**
 * Default time one request to the permit server may take, body included, in ms.
 *
 * @example
 * ```ts
 * const permits = createPermitApiClient({ baseUrl, timeoutMs: 3 * DEFAULT_PERMIT_API_TIMEOUT_MS });
 * ```
 */
export const DEFAULT_PERMIT_API_TIMEOUT_MS = 10_000;
const MAX_TIMEOUT_MS = 600_000;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * A client of one permit server. It holds at most one session (the last `signIn`), in
 * memory only: the token is sent as `Authorization: Bearer` and never exposed, logged or put
 * in an error. Every method throws only `RaffleError`s (see `PermitApiError`).
 *
 * @example
 * ```ts
 * const permits: PermitApiClient = createPermitApiClient({ baseUrl: 'https://permits.example.com' });
 * ```
 */
export interface PermitApiClient {
    /** The current session, or `undefined` before `signIn` and after `signOut` or a 401. */
    readonly session: PermitApiSession | undefined;
    /**
     * Signs in with the organizer's wallet: `POST /auth/nonce`, the wallet signs the message
     * (checked to be a sign-in message for this wallet), `POST /auth/sign-in`. Replaces any
     * previous session.
     *
     * @param wallet - the organizer's wallet
     * @param options - `signal`
     * @returns the session
     * @throws `PERMIT_API_HTTP_ERROR` (403 `ORGANIZER_UNKNOWN` for an unregistered wallet,
     * 401 `SIGN_IN_INVALID`), `MESSAGE_SIGNING_FAILED` when the wallet refuses
     */
    signIn(wallet: PermitApiWallet, options?: PermitApiCallOptions): Promise<PermitApiSession>;
    /**
     * Ends the session on the server (`POST /auth/sign-out`) and forgets it; without a session,
     * does nothing. The session is forgotten even when the server cannot be reached.
     *
     * @param options - `signal`
     */
    signOut(options?: PermitApiCallOptions): Promise<void>;
    /**
     * `GET /organizers/me`: the organizer, its tier limits, its unexpired permits.
     *
     * @param options - `signal`
     * @returns the profile
     */
    me(options?: PermitApiCallOptions): Promise<PermitApiProfile>;
    /**
     * `POST /permits`: asks for a permit. The answer is checked (structure, signature, and that
     * it is for this organizer and exactly this request) before it is returned.
     *
     * @param input - the raffle's parameters
     * @param options - `idempotencyKey`, `signal`
     * @returns the raffle id and the permit for `createRaffleWithPermitTx`
     * @throws `PERMIT_API_HTTP_ERROR` with the policy's refusal code (e.g. 422
     * `TICKETS_ABOVE_TIER_LIMIT`), `PERMIT_API_RESPONSE_INVALID` for a bad permit
     */
    requestPermit(input: PermitApiRequest, options?: RequestPermitOptions): Promise<RequestPermitResult>;
    /**
     * `GET /permits`: the organizer's permits, newest first.
     *
     * @param options - `limit`, `before` (a previous page's `nextCursor`), `signal`
     * @returns one page
     */
    listPermits(options?: ListPermitsOptions): Promise<PermitApiPermitPage>;
}

function checkConfig(config: PermitApiClientConfig): PermitApiTransport['fetch'] {
    assertObject('config', config);
    let url: URL | undefined;
    try {
        url = typeof config.baseUrl === 'string' ? new URL(config.baseUrl) : undefined;
    } catch {
        url = undefined;
    }
    if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '' || url.username !== '') {
        throw inputInvalid('baseUrl', `must be an http(s) URL without query, fragment or credentials, got ${describeValue(config.baseUrl)}`);
    }
    if (config.timeoutMs !== undefined) assertInteger('timeoutMs', config.timeoutMs, 1, MAX_TIMEOUT_MS);
    if (config.fetch !== undefined && typeof config.fetch !== 'function') {
        throw inputInvalid('fetch', `must be a fetch function, got ${describeValue(config.fetch)}`);
    }
    if (config.trustedSigners !== undefined) {
        if (!Array.isArray(config.trustedSigners) || config.trustedSigners.length === 0) {
            throw inputInvalid('trustedSigners', 'must be a non-empty array of addresses');
        }
        config.trustedSigners.forEach((signer, i) => assertAddress(`trustedSigners[${i}]`, signer));
    }
    // Called through globalThis: a detached `window.fetch` throws "Illegal invocation".
    return config.fetch ?? ((input, init) => globalThis.fetch(input, init));
}

function checkRequest(input: PermitApiRequest): PermitApiRequest {
    assertObject('input', input);
    assertAddress('prizeMint', input.prizeMint);
    assertAddress('paymentMint', input.paymentMint);
    assertInteger('maxTickets', input.maxTickets, 1, PERMIT_MAX_TICKETS);
    if (input.refundMode !== 'tokens' && input.refundMode !== 'vouchers') {
        throw inputInvalid('refundMode', `must be "tokens" or "vouchers", got ${describeValue(input.refundMode)}`);
    }
    return {
        prizeMint: input.prizeMint,
        prizeAmount: toBigIntInRange('prizeAmount', input.prizeAmount, 1n, U64_MAX),
        paymentMint: input.paymentMint,
        ticketPrice: toBigIntInRange('ticketPrice', input.ticketPrice, 1n, U64_MAX),
        maxTickets: input.maxTickets,
        deadline: toBigIntInRange('deadline', input.deadline, 0n, I64_MAX),
        refundMode: input.refundMode,
    };
}

/**
 * Creates a client of the permit server's organizer API. Works in browsers, edge runtimes and
 * Node 20+ (it needs only `fetch` and `TextEncoder`). Set the server's `corsOrigins` to your
 * app's origin to call it from a browser.
 *
 * @param config - `baseUrl`, and optionally `fetch`, `timeoutMs` (default 10 s per request,
 * body included) and `trustedSigners`
 * @returns the client
 * @throws `RaffleError` `RAFFLE_ERROR__INVALID_ARGUMENT` naming the bad option
 * @example
 * ```ts
 * const permits = createPermitApiClient({ baseUrl: 'https://permits.example.com' });
 * await permits.signIn(wallet); // the wallet signs a sign-in message, not a transaction
 * const { permit } = await permits.requestPermit(
 *     { prizeMint, prizeAmount: 1n, paymentMint, ticketPrice: 5_000_000n, maxTickets: 500, deadline, refundMode: 'vouchers' },
 *     { idempotencyKey: `order-${orderId}` },
 * );
 * const message = await createRaffleWithPermitTx({ organizer, permit });
 * ```
 */
export function createPermitApiClient(config: PermitApiClientConfig): PermitApiClient {
    const fetch = checkConfig(config);
    const trustedSigners = config.trustedSigners === undefined ? undefined : [...config.trustedSigners];
    let token: string | undefined;
    let session: PermitApiSession | undefined;
    /** The sign-in message and signature while a sign-in is under way. */
    let signing: string[] = [];
    const transport: PermitApiTransport = {
        baseUrl: config.baseUrl.replace(/\/+$/, ''),
        fetch,
        timeoutMs: config.timeoutMs ?? DEFAULT_PERMIT_API_TIMEOUT_MS,
        secrets: () => (token === undefined ? signing : [token, ...signing]),
    };

    /** A call with the session; a 401 means the session is gone, so it is forgotten. */
    const authorized = async (call: PermitApiCall) => {
        const sent = token;
        try {
            return await sendPermitApiRequest(transport, { ...call, ...(sent !== undefined && { token: sent }) });
        } catch (e) {
            if (isRaffleError(e, RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR) && e.context.status === 401 && token === sent) {
                token = undefined;
                session = undefined;
            }
            throw e;
        }
    };
    const signal = (options: PermitApiCallOptions | undefined) => (options?.signal === undefined ? {} : { signal: options.signal });

    return {
        get session() {
            return session;
        },
        async signIn(wallet, options) {
            assertWallet(wallet);
            const address = wallet.address;
            try {
                const nonce = await sendPermitApiRequest(transport, { method: 'POST', path: '/auth/nonce', body: { address }, ...signal(options) });
                const message = readSignInMessage(nonce, address);
                signing = [message];
                const signature = getBase64Decoder().decode(await signText(wallet, message));
                signing = [message, signature];
                const answer = await sendPermitApiRequest(transport, {
                    method: 'POST',
                    path: '/auth/sign-in',
                    body: { message, signature },
                    ...signal(options),
                });
                const signedIn = readSignIn(answer, address);
                token = signedIn.token;
                session = signedIn.session;
                return session;
            } finally {
                signing = [];
            }
        },
        async signOut(options) {
            if (token === undefined) return;
            const sent = token;
            token = undefined;
            session = undefined;
            signing = [sent]; // still redacted from this call's errors
            try {
                await sendPermitApiRequest(transport, { method: 'POST', path: '/auth/sign-out', token: sent, ...signal(options) });
            } finally {
                signing = [];
            }
        },
        async me(options) {
            return readProfile(await authorized({ method: 'GET', path: '/organizers/me', ...signal(options) }));
        },
        async requestPermit(input, options = {}) {
            const request = checkRequest(input);
            const key = options.idempotencyKey;
            if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
                throw inputInvalid('idempotencyKey', 'must be 1 to 255 printable ASCII characters (no spaces)');
            }
            const organizer = session?.organizer;
            const answer = await authorized({
                method: 'POST',
                path: '/permits',
                body: {
                    prizeMint: request.prizeMint,
                    prizeAmount: request.prizeAmount.toString(),
                    paymentMint: request.paymentMint,
                    ticketPrice: request.ticketPrice.toString(),
                    maxTickets: request.maxTickets,
                    deadline: request.deadline.toString(),
                    refundMode: request.refundMode,
                },
                ...(key !== undefined && { headers: { 'idempotency-key': key } }),
                ...signal(options),
            });
            const { raffleId, permit } = await readIssuedPermit(answer, request, organizer, trustedSigners);
            return { raffleId, permit, replayed: answer.headers.get('idempotent-replayed') === 'true' };
        },
        async listPermits(options = {}) {
            const query = new URLSearchParams();
            if (options.limit !== undefined) {
                assertInteger('limit', options.limit, 1, 1000);
                query.set('limit', String(options.limit));
            }
            if (options.before !== undefined) {
                if (typeof options.before !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(options.before)) {
                    throw inputInvalid('before', `must be the nextCursor of a previous page, got ${describeValue(options.before)}`);
                }
                query.set('before', options.before);
            }
            const search = query.toString();
            const path = search === '' ? '/permits' : `/permits?${search}`;
            return readPermitPage(await authorized({ method: 'GET', path, ...signal(options) }));
        },
    };
}
