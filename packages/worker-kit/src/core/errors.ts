/**
 * Errors of the ingestion engine and the handler runtime. Worker codes (4100+) are proposed in
 * `errors-proposal.md`; until they exist these helpers use the general codes, so switching to
 * the proposed codes changes this file only.
 *
 * @packageDocumentation
 */
import {
    RAFFLE_ERROR__INVALID_ARGUMENT,
    RAFFLE_ERROR__WORKER__BACKFILL_TOO_LARGE,
    RAFFLE_ERROR__WORKER__EFFECT_FAILED,
    RAFFLE_ERROR__WORKER__EFFECT_IN_DOUBT,
    RAFFLE_ERROR__WORKER__EVENT_RETRACTED,
    RAFFLE_ERROR__WORKER__EVENT_UNDECODABLE,
    RAFFLE_ERROR__WORKER__EVENT_UNKNOWN,
    RAFFLE_ERROR__WORKER__HANDLER_DUPLICATE,
    RAFFLE_ERROR__WORKER__STATE_INVALID,
    RAFFLE_ERROR__WORKER__TRANSACTION_UNAVAILABLE,
    RaffleError,
} from '@raffle/errors';

/**
 * Thrown by a handler (or an effect) to say that retrying cannot help: the job becomes a dead
 * letter at once, without spending its remaining attempts (BullMQ's `UnrecoverableError`).
 *
 * @example
 * ```ts
 * worker.handle('ThresholdReached', 'draw', async ({ event }) => {
 *     if (!isSupported(event.data)) throw new UnrecoverableError('raffle uses an unsupported mint');
 * });
 * ```
 */
export class UnrecoverableError extends Error {
    override readonly name = 'UnrecoverableError';
    /**
     * @param message - why retrying cannot help (no secrets: it is stored with the dead letter)
     * @param options - `cause` to chain the underlying error
     */
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
    }
}

/**
 * Tells whether `e` is an {@link UnrecoverableError} (also across module copies, by name).
 *
 * @param e - anything caught
 * @returns true when retrying cannot help
 * @example
 * ```ts
 * if (isUnrecoverableError(e)) console.warn('dead-lettered at once');
 * ```
 */
export function isUnrecoverableError(e: unknown): e is UnrecoverableError {
    return e instanceof UnrecoverableError || (e instanceof Error && e.name === 'UnrecoverableError');
}

/** An option of the worker is invalid. Code: RAFFLE_ERROR__INVALID_ARGUMENT. @internal */
export function workerConfigInvalid(name: string, reason: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__INVALID_ARGUMENT, { name, reason });
}

/** A handler name is registered twice. Code: RAFFLE_ERROR__WORKER__HANDLER_DUPLICATE. @internal */
export function handlerDuplicate(eventName: string, handlerName: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__WORKER__HANDLER_DUPLICATE, { eventName, handlerName });
}

/** The event name is not in the decoder table. Code: RAFFLE_ERROR__WORKER__EVENT_UNKNOWN. @internal */
export function eventUnknown(eventName: string, known: readonly string[]): RaffleError {
    return new RaffleError(RAFFLE_ERROR__WORKER__EVENT_UNKNOWN, { eventName, known: known.join(', ') || 'none' });
}

/** An event payload did not decode. Code: RAFFLE_ERROR__WORKER__EVENT_UNDECODABLE. @internal */
export function eventUndecodable(signature: string, detail: string, cause?: unknown): RaffleError {
    return new RaffleError(RAFFLE_ERROR__WORKER__EVENT_UNDECODABLE, { signature, reason: detail }, { cause });
}

/** A transaction the ingestion needs is not available. Code: RAFFLE_ERROR__WORKER__TRANSACTION_UNAVAILABLE. @internal */
export function transactionUnavailable(signature: string, reason: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__WORKER__TRANSACTION_UNAVAILABLE, { signature, reason });
}

/** A backfill exceeded its bound. Code: RAFFLE_ERROR__WORKER__BACKFILL_TOO_LARGE. @internal */
export function backfillTooLarge(limit: number): RaffleError {
    return new RaffleError(RAFFLE_ERROR__WORKER__BACKFILL_TOO_LARGE, { limit });
}

/** An effect runs for a retracted event. Code: RAFFLE_ERROR__WORKER__EVENT_RETRACTED. @internal */
export function eventRetracted(eventId: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__WORKER__EVENT_RETRACTED, { eventId });
}

/** An effect's transaction may still land. Code: RAFFLE_ERROR__WORKER__EFFECT_IN_DOUBT. @internal */
export function effectInDoubt(key: string, signature: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__WORKER__EFFECT_IN_DOUBT, { key, signature });
}

/** An effect's transaction failed on chain. Code: RAFFLE_ERROR__WORKER__EFFECT_FAILED. @internal */
export function effectFailedOnChain(key: string, signature: string, detail: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__WORKER__EFFECT_FAILED, { key, signature, detail });
}

/** The worker is not running / already started. Code: RAFFLE_ERROR__WORKER__STATE_INVALID. @internal */
export function workerStateInvalid(action: string, state: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__WORKER__STATE_INVALID, { action, state });
}

/** Text of an error safe to store (no stack, clipped). @internal */
export function errorText(e: unknown): string {
    const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
