/**
 * Fixed-window rate limits, counted in the store so that replicas share them.
 *
 * @internal
 * @packageDocumentation
 */
import type { RateLimitRule } from '../handler';
import type { PermitServerStore } from '../store/types';
import { HttpError } from './respond';

/** Counts one request in `bucket`; throws 429 `RATE_LIMITED` (with `Retry-After`) past the limit. */
export type RateLimiter = (bucket: string, rule: RateLimitRule | false) => Promise<void>;

/**
 * Creates the limiter the handler applies per IP, per organizer and to sign-ins.
 *
 * @param store - counts the hits of each window
 * @param now - the clock, milliseconds
 * @returns the limiter; a `false` rule counts nothing
 */
export function createRateLimiter(store: Pick<PermitServerStore, 'hitRateLimit'>, now: () => number): RateLimiter {
    return async (bucket: string, rule: RateLimitRule | false): Promise<void> => {
        if (rule === false) return;
        const t = now();
        const windowMs = rule.windowSeconds * 1000;
        const windowStart = Math.floor(t / windowMs) * windowMs;
        const count = await store.hitRateLimit(bucket, windowStart, windowStart + windowMs);
        if (count > rule.limit) {
            const retryAfter = Math.max(1, Math.ceil((windowStart + windowMs - t) / 1000));
            throw new HttpError(429, 'RATE_LIMITED', `too many requests; retry in ${retryAfter} s`, { retryAfterSeconds: retryAfter }, {
                'retry-after': String(retryAfter),
            });
        }
    };
}
