/**
 * Abortable timers, the reconnect backoff and (re-exported from `./backoff`) the backoff policy
 * shared by reconnects, job retries and polling loops.
 *
 * @packageDocumentation
 */

import type { BackoffPolicy } from './backoff';

export { backoffDelayMs, type BackoffPolicy } from './backoff';

/**
 * The default backoff of reconnects: 250 ms doubling to 30 s, half of it random.
 *
 * @example
 * ```ts
 * const delay = backoffDelayMs(DEFAULT_RECONNECT_BACKOFF, 3);
 * ```
 */
export const DEFAULT_RECONNECT_BACKOFF: BackoffPolicy = Object.freeze({ minMs: 250, maxMs: 30_000, factor: 2, jitter: 0.5 });

/**
 * Waits `ms`, or less when `signal` aborts (it then resolves, it never rejects): loops check
 * `signal.aborted` after it.
 *
 * @param ms - how long to wait
 * @param signal - stops the wait early
 * @returns when the time passed or the signal aborted
 * @example
 * ```ts
 * while (!signal.aborted) { await poll(); await sleep(1_000, signal); }
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || ms <= 0) return Promise.resolve();
    return new Promise(resolve => {
        const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
    });
}

/**
 * A wake-up flag for a polling loop: `wait(ms)` resolves after `ms`, on `notify()`, or on abort,
 * whichever comes first. A `notify()` before `wait()` is remembered.
 *
 * @example
 * ```ts
 * const wake = createWakeup();
 * onLiveEvent(() => wake.notify());
 * while (!signal.aborted) { await backfill(); await wake.wait(5_000, signal); }
 * ```
 */
export interface Wakeup {
    /** Wakes the waiter (or the next one). */
    notify(): void;
    /** Waits at most `ms`. */
    wait(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Creates a {@link Wakeup}.
 *
 * @returns a wake-up flag
 * @example
 * ```ts
 * const wake = createWakeup(); wake.notify(); await wake.wait(10_000); // resolves at once
 * ```
 */
export function createWakeup(): Wakeup {
    let pending = false;
    let resolveWait: (() => void) | null = null;
    return {
        notify() {
            if (resolveWait) {
                const r = resolveWait;
                resolveWait = null;
                r();
            } else pending = true;
        },
        async wait(ms, signal) {
            if (pending) {
                pending = false;
                return;
            }
            const controller = new AbortController();
            const onAbort = () => controller.abort();
            signal?.addEventListener('abort', onAbort, { once: true });
            const woken = new Promise<void>(resolve => {
                resolveWait = resolve;
            });
            try {
                await Promise.race([sleep(ms, controller.signal), woken, ...(signal?.aborted ? [Promise.resolve()] : [])]);
            } finally {
                resolveWait = null;
                controller.abort();
                signal?.removeEventListener('abort', onAbort);
            }
        },
    };
}

/**
 * An abort signal made on first use. Creating an `AbortController` costs more than most
 * handlers take, and most never look at their signal; this keeps the reason of an abort that
 * happens before anyone asked, and hands out an already-aborted signal then.
 *
 * @example
 * ```ts
 * const abort = new LazyAbort();
 * abort.abort(new Error('lost the lease'));
 * abort.signal.aborted; // true (the signal is created now, already aborted)
 * ```
 */
export class LazyAbort {
    #controller: AbortController | null = null;
    #aborted = false;
    #reason: unknown = undefined;

    /** The signal (created now if nobody asked before). */
    get signal(): AbortSignal {
        if (this.#controller === null) {
            this.#controller = new AbortController();
            if (this.#aborted) this.#controller.abort(this.#reason);
        }
        return this.#controller.signal;
    }

    /** Whether it was aborted (without creating the signal). */
    get aborted(): boolean {
        return this.#aborted;
    }

    /** The abort reason, if aborted. */
    get reason(): unknown {
        return this.#reason;
    }

    /** Aborts (the first call wins). */
    abort(reason: unknown): void {
        if (this.#aborted) return;
        this.#aborted = true;
        this.#reason = reason;
        this.#controller?.abort(reason);
    }
}
