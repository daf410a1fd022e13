/**
 * The one backoff policy of the package: job retries (in process and rescheduled by the store),
 * reconnects and polling loops all use {@link BackoffPolicy} and {@link backoffDelayMs}.
 *
 * @packageDocumentation
 */

/**
 * Exponential backoff with jitter: the delay before retry `n` is `d = min(maxMs, minMs·factor^(n-1))`
 * of which the share `jitter` (0..1) is random, i.e. uniform in `[(1-jitter)·d, d]`.
 *
 * @example
 * ```ts
 * const policy: BackoffPolicy = { minMs: 500, maxMs: 30_000, factor: 2, jitter: 0.5 };
 * ```
 */
export interface BackoffPolicy {
    /** Delay before the first retry (ms). */
    readonly minMs: number;
    /** Upper bound of a delay (ms). */
    readonly maxMs: number;
    /** Growth per attempt (default 2). */
    readonly factor?: number;
    /** Share of the delay that is random, 0..1 (default 0.5). */
    readonly jitter?: number;
}

/** The largest exponent applied, so that `factor ** exp` stays finite. */
const MAX_EXPONENT = 60;

/**
 * Computes the delay before retry number `attempt` (1 = first retry).
 *
 * @param policy - the backoff policy
 * @param attempt - the retry number, from 1
 * @param random - a source of randomness in [0, 1) (injectable for tests)
 * @returns the delay in ms, in `[ (1-jitter)·d, d ]` where `d = min(maxMs, minMs·factor^(attempt-1))`
 * @example
 * ```ts
 * backoffDelayMs({ minMs: 100, maxMs: 1000, jitter: 0 }, 3); // 400
 * ```
 */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
    const { factor, jitter } = backoffShape(policy);
    const exp = Math.min(Math.max(attempt - 1, 0), MAX_EXPONENT);
    const base = Math.min(policy.maxMs, policy.minMs * factor ** exp);
    return Math.round(base * (1 - jitter) + base * jitter * random());
}

/**
 * A policy's growth factor and jitter with their defaults applied (jitter clamped to 0..1), for
 * the stores that compute {@link backoffDelayMs} inside the database.
 *
 * @internal
 */
export function backoffShape(policy: BackoffPolicy): { factor: number; jitter: number } {
    return { factor: policy.factor ?? 2, jitter: Math.min(Math.max(policy.jitter ?? 0.5, 0), 1) };
}
