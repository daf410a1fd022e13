/**
 * Time as permits see it: unix seconds.
 *
 * @packageDocumentation
 */
import { RAFFLE_ERROR__INVALID_ARGUMENT, RaffleError } from '@raffle/errors';

import { describeValue } from './internal/describe';

/**
 * The current time for issuing or verifying permits: unix seconds (`number` or `bigint`), a
 * `Date`, or a function returning one of those (an injectable clock for tests). Fractional
 * seconds are rounded down.
 *
 * @example
 * ```ts
 * const now: PermitClock = () => 1_750_000_000; // a frozen clock
 * ```
 */
export type PermitClock = number | bigint | Date | (() => number | bigint | Date);

/** Beyond this a "seconds" value is almost surely milliseconds (year 5138). */
const MAX_PLAUSIBLE_SECONDS = 100_000_000_000;

/**
 * Resolves a {@link PermitClock} to whole unix seconds.
 *
 * @param clock - the clock; the system clock when undefined
 * @returns unix seconds
 * @throws `RaffleError` `RAFFLE_ERROR__INVALID_ARGUMENT` for a negative, non-finite or
 * millisecond-looking value
 * @example
 * ```ts
 * resolvePermitClock(new Date('2030-01-01T00:00:00Z')); // 1893456000n
 * ```
 */
export function resolvePermitClock(clock?: PermitClock): bigint {
    const value = typeof clock === 'function' ? clock() : clock;
    if (value === undefined) return BigInt(Math.floor(Date.now() / 1000));
    let seconds: bigint;
    if (value instanceof Date) {
        const ms = value.getTime();
        if (!Number.isFinite(ms)) throw invalidNow('is an invalid Date');
        seconds = BigInt(Math.floor(ms / 1000));
    } else if (typeof value === 'number') {
        if (!Number.isFinite(value)) throw invalidNow(`must be finite, got ${describeValue(value)}`);
        seconds = BigInt(Math.floor(value));
    } else if (typeof value === 'bigint') {
        seconds = value;
    } else {
        throw invalidNow(`must be unix seconds or a Date, got ${describeValue(value)}`);
    }
    if (seconds < 0n) throw invalidNow(`must not be negative, got ${seconds}`);
    if (seconds > MAX_PLAUSIBLE_SECONDS) {
        throw invalidNow(`${seconds} looks like milliseconds; pass unix seconds or a Date`);
    }
    return seconds;
}

function invalidNow(reason: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__INVALID_ARGUMENT, { name: 'now', reason });
}
