/**
 * The errors of the permit server client, all `RaffleError`s. Texts that come from the server
 * are cleaned before they reach an error: control characters removed, length bounded, and any
 * secret the client holds (session token, signature, signed message) redacted, so a hostile
 * server that echoes them cannot get them into logs.
 *
 * @packageDocumentation
 */
import {
    RAFFLE_ERROR__CLIENT__MESSAGE_SIGNING_FAILED,
    RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR,
    RAFFLE_ERROR__CLIENT__PERMIT_API_RESPONSE_INVALID,
    RAFFLE_ERROR__CLIENT__PERMIT_API_UNREACHABLE,
    RAFFLE_ERROR__INVALID_ARGUMENT,
    RaffleError,
    type RaffleErrorContext,
} from '@raffle/errors';

/**
 * Any error a permit server client method throws: the server's HTTP error, an unreachable
 * server or a timeout, an unacceptable response, a wallet that did not sign, or invalid input.
 *
 * @example
 * ```ts
 * try {
 *     await permits.requestPermit(input);
 * } catch (e) {
 *     const error = e as PermitApiError;
 *     if (isRaffleError(error, RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR) && error.context.status === 429) {
 *         await sleep((error.context.retryAfter ?? 1) * 1000);
 *     }
 * }
 * ```
 */
export type PermitApiError = RaffleError<
    | typeof RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR
    | typeof RAFFLE_ERROR__CLIENT__PERMIT_API_UNREACHABLE
    | typeof RAFFLE_ERROR__CLIENT__PERMIT_API_RESPONSE_INVALID
    | typeof RAFFLE_ERROR__CLIENT__MESSAGE_SIGNING_FAILED
    | typeof RAFFLE_ERROR__INVALID_ARGUMENT
>;

/** Longest server text kept in an error. */
const MAX_TEXT = 300;
/** Secrets shorter than this are not redacted (they would match everywhere). */
const MIN_SECRET = 8;

/**
 * Cleans a text that comes from the server before it enters an error.
 *
 * @internal
 * @param text - server text
 * @param secrets - values to redact
 * @returns printable text of at most {@link MAX_TEXT} characters, without the secrets
 */
export function cleanServerText(text: string, secrets: readonly string[]): string {
    let out = text;
    for (const secret of secrets) {
        if (secret.length >= MIN_SECRET) out = out.split(secret).join('[redacted]');
    }
    out = out.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
    return out.length > MAX_TEXT ? `${out.slice(0, MAX_TEXT)}…` : out;
}

/**
 * @internal
 * @param context - what the server answered, already cleaned
 * @returns `RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR`
 */
export function permitApiHttpError(context: RaffleErrorContext<typeof RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR>): PermitApiError {
    return new RaffleError(RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR, context);
}

/**
 * @internal
 * @param endpoint - e.g. `POST /permits`
 * @param kind - `timeout`, `network` or `aborted`
 * @param reason - what happened
 * @param cause - the fetch error, if any
 * @returns `RAFFLE_ERROR__CLIENT__PERMIT_API_UNREACHABLE`
 */
export function permitApiUnreachable(endpoint: string, kind: 'timeout' | 'network' | 'aborted', reason: string, cause?: unknown): PermitApiError {
    return new RaffleError(RAFFLE_ERROR__CLIENT__PERMIT_API_UNREACHABLE, { endpoint, kind, reason }, cause === undefined ? {} : { cause });
}

/**
 * @internal
 * @param endpoint - e.g. `POST /permits`
 * @param status - the HTTP status of the answer
 * @param requestId - the server's request id, when known
 * @param reason - what is wrong with the answer (no server text)
 * @param cause - e.g. the permit validation error
 * @returns `RAFFLE_ERROR__CLIENT__PERMIT_API_RESPONSE_INVALID`
 */
export function permitApiResponseInvalid(
    endpoint: string,
    status: number,
    requestId: string | undefined,
    reason: string,
    cause?: unknown,
): PermitApiError {
    return new RaffleError(
        RAFFLE_ERROR__CLIENT__PERMIT_API_RESPONSE_INVALID,
        { endpoint, status, ...(requestId !== undefined && { requestId }), reason },
        cause === undefined ? {} : { cause },
    );
}

/**
 * @internal
 * @param address - the wallet
 * @param reason - what went wrong
 * @param cause - the wallet's error, if any
 * @returns `RAFFLE_ERROR__CLIENT__MESSAGE_SIGNING_FAILED`
 */
export function messageSigningFailed(address: string, reason: string, cause?: unknown): PermitApiError {
    return new RaffleError(RAFFLE_ERROR__CLIENT__MESSAGE_SIGNING_FAILED, { address, reason }, cause === undefined ? {} : { cause });
}
