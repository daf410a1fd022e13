/**
 * `waitFor`: the one bounded poll of the repository's tests. Every test that waits for
 * something asynchronous (a transaction to confirm, a worker to act, a server to answer)
 * uses it, so every wait is bounded in time and in attempts and fails with a message that
 * names what was awaited.
 */

/**
 * Options of {@link waitFor}.
 *
 * @example
 * ```ts
 * const options: WaitForOptions = { timeoutMs: 5_000, intervalMs: 10 };
 * ```
 */
export interface WaitForOptions {
    /** Give up after this many milliseconds (default 10,000). */
    readonly timeoutMs?: number;
    /** Pause between two checks in milliseconds (default 20). */
    readonly intervalMs?: number;
}

/**
 * Thrown by {@link waitFor} when the condition did not hold in time. Its message names what was
 * awaited and how long and how often it was checked.
 *
 * @example
 * ```ts
 * await waitFor('the worker to draw', check).catch((e: unknown) => {
 *     if (e instanceof WaitForTimeoutError) console.error(e.what, e.attempts);
 *     throw e;
 * });
 * ```
 */
export class WaitForTimeoutError extends Error {
    override readonly name = 'WaitForTimeoutError';

    /**
     * @param what - what was awaited
     * @param timeoutMs - the time bound
     * @param attempts - how many times the condition was checked
     */
    constructor(
        readonly what: string,
        readonly timeoutMs: number,
        readonly attempts: number,
    ) {
        super(`timed out after ${timeoutMs} ms (${attempts} checks) waiting for ${what}`);
    }
}

/** What a check returns while the condition does not hold yet. */
type NotYet = undefined | null | false;

/**
 * Polls `check` until it returns a value (anything but `undefined`, `null` or `false`) and
 * returns that value. An error thrown by the check ends the wait at once (a failed `expect`
 * inside it fails the test, it is not retried). Bounded by `timeoutMs` and by the number of
 * checks that fit in it.
 *
 * @param what - what is awaited, for the timeout message (`'the draw to land'`)
 * @param check - returns the awaited value, or `undefined`/`null`/`false` while it is not there
 * @param options - time bound and pause between checks
 * @returns the first value the check returned
 * @throws {@link WaitForTimeoutError} when the condition did not hold in time; whatever the check throws
 * @example
 * ```ts
 * import { waitFor } from '@raffle/test-support';
 *
 * const status = await waitFor('the transfer to be confirmed', async () => {
 *     const { value } = await rpc.getSignatureStatuses([signature]).send();
 *     return value[0]?.confirmationStatus === 'confirmed' ? value[0] : undefined;
 * });
 * ```
 */
export async function waitFor<T>(what: string, check: () => T | NotYet | Promise<T | NotYet>, options: WaitForOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const intervalMs = options.intervalMs ?? 20;
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new RangeError(`waitFor: timeoutMs must be a positive number, got ${timeoutMs}`);
    if (!(intervalMs >= 0) || !Number.isFinite(intervalMs)) throw new RangeError(`waitFor: intervalMs must be a number >= 0, got ${intervalMs}`);
    const deadline = Date.now() + timeoutMs;
    const maxAttempts = Math.ceil(timeoutMs / Math.max(intervalMs, 1)) + 1;
    let attempts = 0;
    while (attempts < maxAttempts) {
        attempts++;
        const value = await check();
        if (value !== undefined && value !== null && value !== false) return value;
        if (Date.now() >= deadline) break;
        await new Promise(resolve => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
    }
    throw new WaitForTimeoutError(what, timeoutMs, attempts);
}
