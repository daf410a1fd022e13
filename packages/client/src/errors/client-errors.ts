/**
 * Every client-side error `@raffle/client` throws is built here: invalid input is
 * `RAFFLE_ERROR__INVALID_ARGUMENT` (the one code for bad arguments across packages), the rest
 * are the `RAFFLE_ERROR__CLIENT__*` codes (2000-2999).
 *
 * @internal
 * @packageDocumentation
 */
import {
    RAFFLE_ERROR__CLIENT__ACCOUNT_NOT_FOUND,
    RAFFLE_ERROR__CLIENT__EVENT_MALFORMED,
    RAFFLE_ERROR__CLIENT__LOGS_TRUNCATED,
    RAFFLE_ERROR__CLIENT__LOGS_UNAVAILABLE,
    RAFFLE_ERROR__CLIENT__RAFFLE_STATE_INVALID,
    RAFFLE_ERROR__CLIENT__TRANSACTION_EXPIRED,
    RAFFLE_ERROR__CLIENT__TRANSACTION_FAILED,
    RAFFLE_ERROR__CLIENT__TRANSACTION_TOO_LARGE,
    RAFFLE_ERROR__CLIENT__WINNING_ENTRY_NOT_FOUND,
    RAFFLE_ERROR__INVALID_ARGUMENT,
    RaffleError,
} from '@raffle/errors';

/** Any error a client function throws on its own (program errors are separate, see program-errors.ts). */
export type RaffleClientError = RaffleError<
    | typeof RAFFLE_ERROR__INVALID_ARGUMENT
    | typeof RAFFLE_ERROR__CLIENT__RAFFLE_STATE_INVALID
    | typeof RAFFLE_ERROR__CLIENT__ACCOUNT_NOT_FOUND
    | typeof RAFFLE_ERROR__CLIENT__WINNING_ENTRY_NOT_FOUND
    | typeof RAFFLE_ERROR__CLIENT__LOGS_TRUNCATED
    | typeof RAFFLE_ERROR__CLIENT__LOGS_UNAVAILABLE
    | typeof RAFFLE_ERROR__CLIENT__EVENT_MALFORMED
    | typeof RAFFLE_ERROR__CLIENT__TRANSACTION_TOO_LARGE
    | typeof RAFFLE_ERROR__CLIENT__TRANSACTION_EXPIRED
    | typeof RAFFLE_ERROR__CLIENT__TRANSACTION_FAILED
>;

function withCause(cause: unknown): { cause?: unknown } {
    return cause === undefined ? {} : { cause };
}

/**
 * An input field is invalid. Code: `RAFFLE_ERROR__INVALID_ARGUMENT { name, reason }`.
 *
 * @param field - the input field, e.g. `ticketCount` or `entries[3]`
 * @param reason - what is wrong and what is expected
 */
export function inputInvalid(field: string, reason: string): RaffleClientError {
    return new RaffleError(RAFFLE_ERROR__INVALID_ARGUMENT, { name: field, reason });
}

/**
 * The raffle is not in a state that allows the action. Code: `RAFFLE_ERROR__CLIENT__RAFFLE_STATE_INVALID`.
 *
 * @param raffle - the raffle address
 * @param reason - e.g. `is Completed; joins need an Open raffle`
 */
export function raffleStateInvalid(raffle: string, reason: string): RaffleClientError {
    return new RaffleError(RAFFLE_ERROR__CLIENT__RAFFLE_STATE_INVALID, { raffle, reason });
}

/**
 * An account the action needs does not exist. Code: `RAFFLE_ERROR__CLIENT__ACCOUNT_NOT_FOUND`.
 *
 * @param account - what it is (`raffle`, `config`)
 * @param address - where it was looked up
 */
export function accountNotFound(account: string, address: string): RaffleClientError {
    return new RaffleError(RAFFLE_ERROR__CLIENT__ACCOUNT_NOT_FOUND, { account, address });
}

/**
 * No entry holds the winning ticket. Code: `RAFFLE_ERROR__CLIENT__WINNING_ENTRY_NOT_FOUND`.
 *
 * @param raffle - the raffle address
 * @param winnerTicket - the winning ticket number
 */
export function winningEntryNotFound(raffle: string, winnerTicket: number): RaffleClientError {
    return new RaffleError(RAFFLE_ERROR__CLIENT__WINNING_ENTRY_NOT_FOUND, { raffle, winnerTicket });
}

/**
 * Logs were cut by the runtime's log limit. Code: `RAFFLE_ERROR__CLIENT__LOGS_TRUNCATED`.
 *
 * @param signature - the transaction signature when known
 */
export function logsTruncated(signature: string | undefined): RaffleClientError {
    return new RaffleError(RAFFLE_ERROR__CLIENT__LOGS_TRUNCATED, { signature: signature ?? '(unknown signature)' });
}

/**
 * A transaction result has no log messages to parse. Code: `RAFFLE_ERROR__CLIENT__LOGS_UNAVAILABLE`.
 *
 * @param signature - the transaction signature when known
 */
export function logsUnavailable(signature: string | undefined): RaffleClientError {
    return new RaffleError(RAFFLE_ERROR__CLIENT__LOGS_UNAVAILABLE, { signature: signature ?? '(unknown signature)' });
}

/**
 * A `Program data:` line of our program carries a known event discriminator but does not
 * decode. Code: `RAFFLE_ERROR__CLIENT__EVENT_MALFORMED`.
 *
 * @param event - the event name
 * @param cause - the decoder error
 */
export function eventMalformed(event: string, cause: unknown): RaffleClientError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new RaffleError(RAFFLE_ERROR__CLIENT__EVENT_MALFORMED, { event, reason }, withCause(cause));
}

/**
 * A built transaction does not fit in one transaction. Code: `RAFFLE_ERROR__CLIENT__TRANSACTION_TOO_LARGE`.
 *
 * @param size - the serialized size in bytes
 * @param limit - the size limit
 */
export function transactionTooLarge(size: number, limit: number): RaffleClientError {
    return new RaffleError(RAFFLE_ERROR__CLIENT__TRANSACTION_TOO_LARGE, { size, limit });
}

/**
 * Every attempt of a send expired without landing. Code: `RAFFLE_ERROR__CLIENT__TRANSACTION_EXPIRED`.
 *
 * @param attempts - how many signed versions were sent
 * @param signatures - their signatures, none of which landed
 * @param cause - the last expiry error
 */
export function transactionExpired(attempts: number, signatures: readonly string[], cause: unknown): RaffleClientError {
    return new RaffleError(
        RAFFLE_ERROR__CLIENT__TRANSACTION_EXPIRED,
        { attempts, signatures: signatures.join(', ') },
        withCause(cause),
    );
}

/**
 * A landed transaction failed with an error that is not one of the program's. Code: `RAFFLE_ERROR__CLIENT__TRANSACTION_FAILED`.
 *
 * @param signature - the failed transaction
 * @param cause - the transaction error
 */
export function transactionFailed(signature: string, cause: unknown): RaffleClientError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new RaffleError(RAFFLE_ERROR__CLIENT__TRANSACTION_FAILED, { signature, reason }, withCause(cause));
}
