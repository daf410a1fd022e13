/**
 * The loop shared by the backfill and the finality tracker: one pass, a wait, again; a failed
 * pass is reported and retried after a backoff that restarts when the pass made progress before
 * it failed (a flaky RPC, not a dead one: else a long gap is crawled at one pass per maximum
 * delay).
 *
 * @packageDocumentation
 */
import { asError, emitSafely, type WorkerEmitter } from '../core/events';
import { backoffDelayMs, type BackoffPolicy, sleep } from '../core/time';

/** Options of {@link runPassLoop}. */
export interface PassLoopOptions {
    /** One pass. */
    readonly pass: (signal: AbortSignal) => Promise<unknown>;
    /** Waits after a successful pass (resolves early when `signal` aborts). */
    readonly idle: (signal: AbortSignal) => Promise<void>;
    /** A counter of the work passes did, failed passes included. */
    readonly progress: () => number;
    /** Errors that end the loop (rethrown) instead of being retried. */
    readonly isFatal?: (error: unknown) => boolean;
    readonly backoff: BackoffPolicy;
    readonly events: WorkerEmitter;
    /** The `worker:error` scope of failed passes. */
    readonly scope: 'ingestion' | 'finality';
}

/**
 * Runs passes until `signal` aborts.
 *
 * @param options - the pass, the wait, the progress counter and the backoff
 * @param signal - stops the loop
 * @returns when stopped
 * @throws what the pass threw when `isFatal` says so
 * @example
 * ```ts
 * await runPassLoop({ pass: s => trackOnce(s), idle: s => sleep(5_000, s), progress: () => settled, backoff, events, scope: 'finality' }, signal);
 * ```
 */
export async function runPassLoop(options: PassLoopOptions, signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
        const progressBefore = options.progress();
        try {
            await options.pass(signal);
            failures = 0;
            await options.idle(signal);
        } catch (e) {
            if (options.isFatal?.(e)) throw e;
            if (signal.aborted) return;
            failures = options.progress() === progressBefore ? failures + 1 : 1;
            emitSafely(options.events, 'worker:error', { scope: options.scope, error: asError(e) });
            await sleep(backoffDelayMs(options.backoff, failures), signal);
        }
    }
}
