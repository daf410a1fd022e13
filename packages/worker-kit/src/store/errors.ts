/**
 * The errors the stores throw: invalid arguments are `RAFFLE_ERROR__INVALID_ARGUMENT` (one code
 * for bad arguments across packages), the rest are `RAFFLE_ERROR__WORKER__*` (4000-4999).
 *
 * @internal
 */
import {
    RAFFLE_ERROR__INVALID_ARGUMENT,
    RAFFLE_ERROR__WORKER__EFFECT_NOT_FOUND,
    RAFFLE_ERROR__WORKER__EFFECT_SEND_CONFLICT,
    RAFFLE_ERROR__WORKER__EFFECT_TRANSITION_INVALID,
    RAFFLE_ERROR__WORKER__STORE_BACKEND_FAILED,
    RAFFLE_ERROR__WORKER__STORE_CLOSED,
    RAFFLE_ERROR__WORKER__STORE_CONTENDED,
    RAFFLE_ERROR__WORKER__STORE_MIGRATION_FAILED,
    RaffleError,
} from '@raffle/errors';

/** An argument failed validation. Code: RAFFLE_ERROR__WORKER__STORE_ARGUMENT_INVALID. */
export function invalidArgument(name: string, reason: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__INVALID_ARGUMENT, { name, reason });
}

/** An operation on a closed store. Code: RAFFLE_ERROR__WORKER__STORE_CLOSED. */
export function storeClosed(kind: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__WORKER__STORE_CLOSED, { store: kind });
}

/** The effect does not exist. Code: RAFFLE_ERROR__WORKER__EFFECT_NOT_FOUND. */
export function effectNotFound(key: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__WORKER__EFFECT_NOT_FOUND, { key });
}

/** A disallowed effect transition. Code: RAFFLE_ERROR__WORKER__EFFECT_TRANSITION_INVALID. */
export function effectTransitionInvalid(key: string, from: string, to: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__WORKER__EFFECT_TRANSITION_INVALID, { key, from, to });
}

/** The storage backend failed or returned something impossible. Code: RAFFLE_ERROR__WORKER__STORE_BACKEND_FAILED. */
export function backendFailed(kind: string, detail: string, cause?: unknown): RaffleError {
    return new RaffleError(RAFFLE_ERROR__WORKER__STORE_BACKEND_FAILED, { store: kind, detail }, { cause });
}

/** An atomic step conflicted with concurrent steps `attempts` times and was given up. Code: RAFFLE_ERROR__WORKER__STORE_CONTENDED. */
export function stepContended(kind: string, attempts: number): RaffleError {
    return new RaffleError(RAFFLE_ERROR__WORKER__STORE_CONTENDED, { store: kind, attempts });
}

/** Schema migrations cannot be applied. Code: RAFFLE_ERROR__WORKER__STORE_MIGRATION_FAILED. */
export function migrationFailed(schema: string, detail: string, cause?: unknown): RaffleError {
    return new RaffleError(RAFFLE_ERROR__WORKER__STORE_MIGRATION_FAILED, { schema, reason: detail }, { cause });
}

/** A send was recorded by another runner after the caller read the effect. @internal */
export function effectSendConflict(key: string, expected: number, actual: number): RaffleError {
    return new RaffleError(RAFFLE_ERROR__WORKER__EFFECT_SEND_CONFLICT, { key, expected, actual });
}
