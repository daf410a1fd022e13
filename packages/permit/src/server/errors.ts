/**
 * Errors of the permit server. Thrown errors are `RaffleError`s; until the server's own codes
 * exist (see `errors-proposal.md`), they use `RAFFLE_ERROR__INVALID_ARGUMENT` with a `name`
 * naming what is wrong. HTTP responses carry the stable string codes of
 * {@link PermitServerErrorCode}.
 *
 * @packageDocumentation
 */
import { RAFFLE_ERROR__INVALID_ARGUMENT, RaffleError } from '@raffle/errors';

/**
 * @internal
 * @param name - what is invalid (an option, an argument, a store state)
 * @param reason - why, without secrets
 * @returns the error to throw
 */
export function invalidArgument(name: string, reason: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__INVALID_ARGUMENT, { name, reason });
}

/**
 * Why a permit was refused: the `reason` of a `permit.refused` audit entry, and the `code` of
 * the HTTP error body. Stable: never renamed.
 *
 * | code | HTTP | meaning |
 * |---|---|---|
 * | `ORGANIZER_UNKNOWN` | 403 | the wallet is not a registered organizer |
 * | `ORGANIZER_INACTIVE` | 403 | the organizer was deactivated |
 * | `RAFFLE_ID_EXHAUSTED` | 409 | the organizer's raffle id counter reached `2^64 - 1`: no u64 raffle id is left for this wallet |
 * | `ACTIVE_PERMIT_LIMIT` | 422 | the tier's limit of unexpired permits is reached |
 * | `OPEN_RAFFLE_LIMIT` | 422 | the tier's limit of open raffles is reached |
 * | `TICKETS_ABOVE_TIER_LIMIT` | 422 | `maxTickets` above the tier's limit |
 * | `PAYMENT_MINT_NOT_ALLOWED` | 422 | the payment mint is not allowed for the tier |
 * | `REFUND_MODE_NOT_ALLOWED` | 422 | the refund mode is not allowed for the tier |
 * | `PRIZE_AMOUNT_ABOVE_TIER_LIMIT` | 422 | `prizeAmount` above the tier's limit |
 * | `DEADLINE_TOO_SOON` | 422 | the deadline is nearer than the tier's minimum |
 * | `DEADLINE_TOO_FAR` | 422 | the deadline is further than the tier's maximum |
 * | `PRIZE_METADATA_MISSING` | 422 | the prize mint has no Metaplex metadata account |
 * | `PRIZE_COLLECTION_MISSING` | 422 | the prize's metadata names no collection |
 * | `PRIZE_COLLECTION_UNVERIFIED` | 422 | the prize's collection is not verified |
 * | `PRIZE_COLLECTION_NOT_ALLOWED` | 422 | the verified collection is not one of the organizer's |
 *
 * @example
 * ```ts
 * if (body.error.code === 'TICKETS_ABOVE_TIER_LIMIT') showUpgradeDialog();
 * ```
 */
export type PermitRefusalReason =
    | 'ORGANIZER_UNKNOWN'
    | 'ORGANIZER_INACTIVE'
    | 'RAFFLE_ID_EXHAUSTED'
    | 'ACTIVE_PERMIT_LIMIT'
    | 'OPEN_RAFFLE_LIMIT'
    | 'TICKETS_ABOVE_TIER_LIMIT'
    | 'PAYMENT_MINT_NOT_ALLOWED'
    | 'REFUND_MODE_NOT_ALLOWED'
    | 'PRIZE_AMOUNT_ABOVE_TIER_LIMIT'
    | 'DEADLINE_TOO_SOON'
    | 'DEADLINE_TOO_FAR'
    | 'PRIZE_METADATA_MISSING'
    | 'PRIZE_COLLECTION_MISSING'
    | 'PRIZE_COLLECTION_UNVERIFIED'
    | 'PRIZE_COLLECTION_NOT_ALLOWED';

/**
 * Every refusal reason, for validation and documentation.
 *
 * @example
 * ```ts
 * PERMIT_REFUSAL_REASONS.includes(entry.reason as PermitRefusalReason);
 * ```
 */
export const PERMIT_REFUSAL_REASONS: readonly PermitRefusalReason[] = Object.freeze([
    'ORGANIZER_UNKNOWN',
    'ORGANIZER_INACTIVE',
    'RAFFLE_ID_EXHAUSTED',
    'ACTIVE_PERMIT_LIMIT',
    'OPEN_RAFFLE_LIMIT',
    'TICKETS_ABOVE_TIER_LIMIT',
    'PAYMENT_MINT_NOT_ALLOWED',
    'REFUND_MODE_NOT_ALLOWED',
    'PRIZE_AMOUNT_ABOVE_TIER_LIMIT',
    'DEADLINE_TOO_SOON',
    'DEADLINE_TOO_FAR',
    'PRIZE_METADATA_MISSING',
    'PRIZE_COLLECTION_MISSING',
    'PRIZE_COLLECTION_UNVERIFIED',
    'PRIZE_COLLECTION_NOT_ALLOWED',
]);

/**
 * The `code` of every JSON error body the permit handler returns: a {@link PermitRefusalReason}
 * or one of these. Stable: never renamed.
 *
 * | code | HTTP |
 * |---|---|
 * | `NOT_FOUND` | 404 |
 * | `METHOD_NOT_ALLOWED` | 405 |
 * | `UNSUPPORTED_MEDIA_TYPE` | 415 (a body that is not `application/json`) |
 * | `BODY_TOO_LARGE` | 413 |
 * | `INVALID_JSON` | 400 |
 * | `INVALID_REQUEST` | 400 (a field is missing, of the wrong type or out of range; `details.field` names it) |
 * | `INVALID_IDEMPOTENCY_KEY` | 400 |
 * | `UNAUTHENTICATED` | 401 (no, unknown or expired session token / API key) |
 * | `FORBIDDEN` | 403 (the API key lacks the scope) |
 * | `SIGN_IN_INVALID` | 401 (bad message, signature, domain, nonce reuse, expiry) |
 * | `RATE_LIMITED` | 429 (with `Retry-After`) |
 * | `IDEMPOTENCY_KEY_REUSED` | 422 (the key was used with another body) |
 * | `IDEMPOTENCY_IN_PROGRESS` | 409 (the first request with this key is still running) |
 * | `ORGANIZER_EXISTS` | 409 |
 * | `ORGANIZER_NOT_FOUND` | 404 |
 * | `API_KEY_NOT_FOUND` | 404 |
 * | `CHAIN_UNAVAILABLE` | 503 (the RPC node did not answer the collection or open-raffle check; retry) |
 * | `INTERNAL` | 500 (logged through `onError`; the body says nothing more) |
 *
 * @example
 * ```ts
 * const { error } = await response.json();
 * if (error.code === 'RATE_LIMITED') await sleep(Number(response.headers.get('retry-after')) * 1000);
 * ```
 */
export type PermitServerErrorCode =
    | PermitRefusalReason
    | 'NOT_FOUND'
    | 'METHOD_NOT_ALLOWED'
    | 'UNSUPPORTED_MEDIA_TYPE'
    | 'BODY_TOO_LARGE'
    | 'INVALID_JSON'
    | 'INVALID_REQUEST'
    | 'INVALID_IDEMPOTENCY_KEY'
    | 'UNAUTHENTICATED'
    | 'FORBIDDEN'
    | 'SIGN_IN_INVALID'
    | 'RATE_LIMITED'
    | 'IDEMPOTENCY_KEY_REUSED'
    | 'IDEMPOTENCY_IN_PROGRESS'
    | 'ORGANIZER_EXISTS'
    | 'ORGANIZER_NOT_FOUND'
    | 'API_KEY_NOT_FOUND'
    | 'CHAIN_UNAVAILABLE'
    | 'INTERNAL';
