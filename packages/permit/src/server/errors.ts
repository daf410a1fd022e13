/**
 * Errors of the permit server. Thrown errors are `RaffleError`s with the server's codes
 * (1100-1108, listed in docs/errors.md); no context field ever holds key material, API keys,
 * session tokens or request bodies. HTTP responses carry the stable string codes of
 * {@link PermitServerErrorCode}.
 *
 * @packageDocumentation
 */
import {
    RAFFLE_ERROR__PERMIT__API_KEY_INVALID,
    RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID,
    RAFFLE_ERROR__PERMIT__POLICY_INVALID,
    RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID,
    RAFFLE_ERROR__PERMIT__SIGNER_SET_INVALID,
    RAFFLE_ERROR__PERMIT__STORE_CLOSED,
    RAFFLE_ERROR__PERMIT__STORE_CURSOR_INVALID,
    RAFFLE_ERROR__PERMIT__STORE_ROW_INVALID,
    RAFFLE_ERROR__PERMIT__STORE_SCHEMA_NEWER,
    RaffleError,
} from '@raffle/errors';

/**
 * @internal
 * @param option - the option (of the issuer, handler, listener, a store or `prune`)
 * @param reason - why, without secrets
 * @returns the error to throw
 */
export function serverOptionInvalid(option: string, reason: string): RaffleError<typeof RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID> {
    return new RaffleError(RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID, { option, reason });
}

/**
 * @internal
 * @param field - the limit, e.g. `policy.tiers.free.maxTickets`
 * @param reason - why
 * @returns the error to throw
 */
export function policyInvalid(field: string, reason: string): RaffleError<typeof RAFFLE_ERROR__PERMIT__POLICY_INVALID> {
    return new RaffleError(RAFFLE_ERROR__PERMIT__POLICY_INVALID, { field, reason });
}

/**
 * @internal
 * @param reason - what is wrong with the signer list
 * @returns the error to throw
 */
export function signerSetInvalid(reason: string): RaffleError<typeof RAFFLE_ERROR__PERMIT__SIGNER_SET_INVALID> {
    return new RaffleError(RAFFLE_ERROR__PERMIT__SIGNER_SET_INVALID, { reason });
}

/**
 * @internal
 * @param field - the field, e.g. `organizer.tier` or `patch.active`
 * @param reason - why
 * @returns the error to throw
 */
export function organizerInvalid(field: string, reason: string): RaffleError<typeof RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID> {
    return new RaffleError(RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID, { field, reason });
}

/**
 * @internal
 * @param field - `key`, `scopes` or `label`
 * @param reason - why, never showing the key
 * @returns the error to throw
 */
export function apiKeyInvalid(field: 'key' | 'scopes' | 'label', reason: string): RaffleError<typeof RAFFLE_ERROR__PERMIT__API_KEY_INVALID> {
    return new RaffleError(RAFFLE_ERROR__PERMIT__API_KEY_INVALID, { field, reason });
}

/**
 * @internal
 * @param schema - the SQL schema
 * @param applied - the newest migration applied there
 * @param known - the newest migration this version knows
 * @returns the error to throw
 */
export function storeSchemaNewer(schema: string, applied: number, known: number): RaffleError<typeof RAFFLE_ERROR__PERMIT__STORE_SCHEMA_NEWER> {
    return new RaffleError(RAFFLE_ERROR__PERMIT__STORE_SCHEMA_NEWER, { schema, applied, known });
}

/**
 * @internal
 * @param store - which store (`memory`, ...)
 * @returns the error to throw
 */
export function storeClosed(store: string): RaffleError<typeof RAFFLE_ERROR__PERMIT__STORE_CLOSED> {
    return new RaffleError(RAFFLE_ERROR__PERMIT__STORE_CLOSED, { store });
}

/**
 * @internal
 * @param name - the cursor parameter, e.g. `before`
 * @returns the error to throw
 */
export function storeCursorInvalid(name: string): RaffleError<typeof RAFFLE_ERROR__PERMIT__STORE_CURSOR_INVALID> {
    return new RaffleError(RAFFLE_ERROR__PERMIT__STORE_CURSOR_INVALID, { name });
}

/**
 * @internal
 * @param table - the table
 * @param column - the column holding the unexpected value
 * @returns the error to throw
 */
export function storeRowInvalid(table: string, column: string): RaffleError<typeof RAFFLE_ERROR__PERMIT__STORE_ROW_INVALID> {
    return new RaffleError(RAFFLE_ERROR__PERMIT__STORE_ROW_INVALID, { table, column });
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
