/**
 * Issuing permits: what a backend calls once it has decided an organizer may create a
 * raffle.
 *
 * @packageDocumentation
 */
import { RAFFLE_ERROR__INVALID_ARGUMENT, RAFFLE_ERROR__PERMIT__TTL_INVALID, RaffleError, isRaffleError } from '@raffle/errors';

import { type PermitClock, resolvePermitClock } from './clock';
import { describeValue } from './internal/describe';
import { toBase64 } from './internal/encoding';
import { signerFailed } from './internal/signer-object';
import { type PermitFields, encodePermitMessage } from './message';
import { type Permit, PERMIT_VERSION, toPermitFieldsJson } from './permit';
import type { PermitSigner } from './signer';

/**
 * What a backend asks to be signed: every permit field except `expiresAt`, which
 * {@link issuePermit} sets from its clock and TTL.
 *
 * @example
 * ```ts
 * const request: PermitRequest = {
 *     programId, config, organizer, raffleId: 7n, tier: 1, enterpriseId,
 *     prizeMint, prizeAmount: 1n, paymentMint, ticketPrice: 5_000_000n,
 *     maxTickets: 500, deadline: 1_900_000_000n, refundMode: 'vouchers',
 * };
 * ```
 */
export type PermitRequest = Omit<PermitFields, 'expiresAt'>;

/**
 * Options of {@link issuePermit}.
 *
 * @example
 * ```ts
 * const config: IssuePermitConfig = { signer, ttlSeconds: 120 };
 * ```
 */
export interface IssuePermitConfig {
    /** Signs the message; its address must be one of the program's `config.permit_signers`. */
    readonly signer: PermitSigner;
    /** The current time; default the system clock. Inject a fixed one in tests. */
    readonly now?: PermitClock;
    /**
     * Seconds the permit stays valid: `expiresAt = now + ttlSeconds`. A positive whole
     * number; default {@link DEFAULT_PERMIT_TTL_SECONDS}. Keep it short: the organizer only
     * needs the time to send one transaction.
     */
    readonly ttlSeconds?: number | bigint;
    /**
     * Called with the raw error when the signer throws, before it is replaced by a
     * `RAFFLE_ERROR__PERMIT__SIGNER_FAILED` error that does not carry it (a signer's error
     * may describe its key). Log it here if your signer's errors are safe to log.
     */
    readonly onSignerError?: (error: unknown) => void;
}

/**
 * Default lifetime of a permit: 5 minutes.
 *
 * @example
 * ```ts
 * issuePermit(request, { signer, ttlSeconds: DEFAULT_PERMIT_TTL_SECONDS * 2 });
 * ```
 */
export const DEFAULT_PERMIT_TTL_SECONDS = 300;

function resolveTtl(ttl: number | bigint | undefined): bigint {
    if (ttl === undefined) return BigInt(DEFAULT_PERMIT_TTL_SECONDS);
    if (typeof ttl === 'number' && Number.isSafeInteger(ttl) && ttl > 0) return BigInt(ttl);
    if (typeof ttl === 'bigint' && ttl > 0n) return ttl;
    throw new RaffleError(RAFFLE_ERROR__PERMIT__TTL_INVALID, {
        ttlSeconds: typeof ttl === 'number' || typeof ttl === 'bigint' ? String(ttl) : describeValue(ttl),
    });
}

/**
 * Issues a permit: sets `expiresAt = now + ttlSeconds`, encodes and checks the 242-byte
 * message, has the signer sign it and returns the JSON-safe {@link Permit}.
 *
 * Issuing does not decide *whether* an organizer may get a permit (allowlist, tier limits,
 * allowed prize collections): do that first, then bind what you checked through the fields.
 *
 * @param request - every permit field except `expiresAt`
 * @param config - the signer, and optionally a clock, a TTL and a signer error hook
 * @returns the signed permit, ready for `JSON.stringify`
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__FIELD_INVALID` (a field is out of range),
 * `RAFFLE_ERROR__PERMIT__TTL_INVALID`, `RAFFLE_ERROR__PERMIT__SIGNER_FAILED` (the signer threw or
 * returned something other than 64 bytes), `RAFFLE_ERROR__INVALID_ARGUMENT` (bad clock)
 * @example
 * ```ts
 * import { issuePermit } from '@raffle/permit';
 * import { signerFromEnv } from '@raffle/permit/node';
 *
 * const signer = signerFromEnv('PERMIT_SIGNER_KEY', process.env);
 * const permit = await issuePermit(request, { signer, ttlSeconds: 300 });
 * return Response.json(permit);
 * ```
 */
export async function issuePermit(request: PermitRequest, config: IssuePermitConfig): Promise<Permit> {
    const signer = config?.signer;
    if (typeof signer !== 'object' || signer === null || typeof signer.sign !== 'function' || typeof signer.address !== 'string') {
        throw new RaffleError(RAFFLE_ERROR__INVALID_ARGUMENT, {
            name: 'signer',
            reason: 'must be a PermitSigner: an object with an address and a sign(message) method',
        });
    }
    if (typeof request !== 'object' || request === null) {
        throw new RaffleError(RAFFLE_ERROR__INVALID_ARGUMENT, {
            name: 'request',
            reason: `must be a PermitRequest object, got ${describeValue(request)}`,
        });
    }
    const ttl = resolveTtl(config.ttlSeconds);
    const expiresAt = resolvePermitClock(config.now) + ttl;
    // An explicit literal (not a spread): one hidden class for every permit, so that the
    // encoder's and the JSON view's property reads stay monomorphic; extra request
    // properties are dropped.
    const fields: PermitFields = {
        programId: request.programId,
        config: request.config,
        organizer: request.organizer,
        raffleId: request.raffleId,
        tier: request.tier,
        enterpriseId: request.enterpriseId,
        prizeMint: request.prizeMint,
        prizeAmount: request.prizeAmount,
        paymentMint: request.paymentMint,
        ticketPrice: request.ticketPrice,
        maxTickets: request.maxTickets,
        deadline: request.deadline,
        refundMode: request.refundMode,
        expiresAt,
    };
    const message = encodePermitMessage(fields);
    // Serialized before signing: a signer that mutates its input cannot desynchronize the
    // permit from what it signed.
    const messageBase64 = toBase64(message);

    let signature: unknown;
    try {
        signature = await signer.sign(message);
    } catch (error) {
        if (isRaffleError(error)) throw error;
        try {
            config.onSignerError?.(error);
        } catch {
            // A failing hook must not replace the signer error.
        }
        const name = error instanceof Error && /^[A-Za-z_$][\w$]{0,40}$/.test(error.name) ? error.name : 'an error';
        throw signerFailed(signer.address, `sign() threw ${name} (details withheld; see the onSignerError option)`);
    }
    if (!(signature instanceof Uint8Array) || signature.length !== 64) {
        throw signerFailed(signer.address, `sign() returned ${describeValue(signature)}, expected a 64-byte ed25519 signature`);
    }

    return {
        version: PERMIT_VERSION,
        message: messageBase64,
        signature: toBase64(signature),
        signer: signer.address,
        expiresAt: fields.expiresAt.toString(),
        fields: toPermitFieldsJson(fields),
    };
}
