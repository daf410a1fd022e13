/**
 * Retry policy of handler jobs: a few quick in-process retries with p-retry (exponential backoff
 * with jitter), then durable retries rescheduled in the store with the same backoff, up to
 * `maxAttempts`; an {@link UnrecoverableError} skips every retry and dead-letters the job.
 *
 * @packageDocumentation
 */
import pRetry from 'p-retry';

import { isUnrecoverableError } from '../core/errors';
import { backoffDelayMs, type BackoffPolicy } from '../core/time';

/**
 * How a job is retried.
 *
 * @example
 * ```ts
 * const retry: RetryPolicy = { maxAttempts: 8, inProcessRetries: 2, backoff: { minMs: 1_000, maxMs: 60_000, jitter: 0.5 } };
 * ```
 */
export interface RetryPolicy {
    /** Claims of a job before it becomes a dead letter (durable attempts, default 5). */
    readonly maxAttempts?: number;
    /** Retries inside one attempt, with short backoff (default 2). */
    readonly inProcessRetries?: number;
    /** Backoff of in-process retries (default 100 ms doubling to 2 s, half random). */
    readonly inProcessBackoff?: BackoffPolicy;
    /** Backoff of rescheduled attempts (default 1 s doubling to 5 min, half random). */
    readonly backoff?: BackoffPolicy;
}

/**
 * A {@link RetryPolicy} with every default filled.
 *
 * @example
 * ```ts
 * const policy: ResolvedRetryPolicy = resolveRetryPolicy({ maxAttempts: 3 });
 * ```
 */
export interface ResolvedRetryPolicy {
    readonly maxAttempts: number;
    readonly inProcessRetries: number;
    readonly inProcessBackoff: BackoffPolicy;
    readonly backoff: BackoffPolicy;
}

/**
 * The default retry policy.
 *
 * @example
 * ```ts
 * const policy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 10 };
 * ```
 */
export const DEFAULT_RETRY_POLICY: ResolvedRetryPolicy = Object.freeze({
    maxAttempts: 5,
    inProcessRetries: 2,
    inProcessBackoff: Object.freeze({ minMs: 100, maxMs: 2_000, factor: 2, jitter: 0.5 }),
    backoff: Object.freeze({ minMs: 1_000, maxMs: 5 * 60_000, factor: 2, jitter: 0.5 }),
});

/**
 * Fills a policy's defaults.
 *
 * @param policy - a partial policy
 * @returns the complete policy
 * @example
 * ```ts
 * const policy = resolveRetryPolicy({ maxAttempts: 3 });
 * ```
 */
export function resolveRetryPolicy(policy: RetryPolicy | undefined): ResolvedRetryPolicy {
    return {
        maxAttempts: Math.max(1, Math.floor(policy?.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts)),
        inProcessRetries: Math.max(0, Math.floor(policy?.inProcessRetries ?? DEFAULT_RETRY_POLICY.inProcessRetries)),
        inProcessBackoff: policy?.inProcessBackoff ?? DEFAULT_RETRY_POLICY.inProcessBackoff,
        backoff: policy?.backoff ?? DEFAULT_RETRY_POLICY.backoff,
    };
}

/**
 * Options of {@link runWithRetries}.
 *
 * @example
 * ```ts
 * const options: RunWithRetriesOptions = { policy: resolveRetryPolicy({}), onRetry: ({ delayMs }) => log(delayMs) };
 * ```
 */
export interface RunWithRetriesOptions {
    /** The policy. */
    readonly policy: ResolvedRetryPolicy;
    /** Stops retrying (the last error is thrown). */
    readonly signal?: AbortSignal;
    /** Called before each in-process retry. */
    readonly onRetry?: (info: { readonly error: Error; readonly retry: number; readonly delayMs: number }) => void;
    /** Source of randomness (tests). */
    readonly random?: () => number;
}

/**
 * Runs `fn` with in-process retries (p-retry; exponential backoff with jitter). An
 * {@link UnrecoverableError} is thrown at once, without retrying.
 *
 * @param fn - the work; receives the attempt number from 1
 * @param options - policy, abort signal and retry callback
 * @returns what `fn` returns
 * @throws the last error
 * @example
 * ```ts
 * await runWithRetries(() => sendNotification(user), { policy: resolveRetryPolicy({ inProcessRetries: 3 }) });
 * ```
 */
export async function runWithRetries<T>(fn: (attempt: number) => Promise<T>, options: RunWithRetriesOptions): Promise<T> {
    const { policy } = options;
    const random = options.random ?? Math.random;
    let delay = 0;
    return pRetry(fn, {
        retries: policy.inProcessRetries,
        // p-retry's own delay is replaced by ours (jitter policy shared with durable retries).
        minTimeout: 0,
        maxTimeout: 0,
        factor: 1,
        randomize: false,
        ...(options.signal ? { signal: options.signal } : {}),
        shouldRetry: ({ error }) => !isUnrecoverableError(error) && !options.signal?.aborted,
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
            if (retriesLeft <= 0 || isUnrecoverableError(error) || options.signal?.aborted) return;
            delay = backoffDelayMs(policy.inProcessBackoff, attemptNumber, random);
            options.onRetry?.({ error, retry: attemptNumber, delayMs: delay });
            await new Promise<void>(resolve => {
                const timer = setTimeout(resolve, delay);
                options.signal?.addEventListener('abort', () => {
                    clearTimeout(timer);
                    resolve();
                }, { once: true });
            });
        },
    });
}

/**
 * Decides what happens after an attempt failed for good (in-process retries spent).
 *
 * @param input - the error, the attempts used and the policy
 * @returns `dead` (unrecoverable or out of attempts) or `retry` with the delay before the next attempt
 * @example
 * ```ts
 * const decision = decideAfterFailure({ error, attempts: job.attempts, maxAttempts: job.maxAttempts, policy });
 * ```
 */
export function decideAfterFailure(input: {
    readonly error: unknown;
    readonly attempts: number;
    readonly maxAttempts: number;
    readonly policy: ResolvedRetryPolicy;
    readonly random?: () => number;
}): { readonly outcome: 'dead'; readonly unrecoverable: boolean } | { readonly outcome: 'retry'; readonly delayMs: number } {
    if (isUnrecoverableError(input.error)) return { outcome: 'dead', unrecoverable: true };
    if (input.attempts >= input.maxAttempts) return { outcome: 'dead', unrecoverable: false };
    return { outcome: 'retry', delayMs: backoffDelayMs(input.policy.backoff, input.attempts, input.random) };
}
