/**
 * How far the clock and the slot may be moved. Beyond these the cluster would keep answering but
 * its arithmetic would not: the clock sysvar is an i64 kept in JavaScript milliseconds, and
 * slots past 2^53 are no longer exact for clients that read them as numbers (web3.js 1.x).
 */
import { invalidArgument } from '../errors';

/**
 * The latest slot `warpToSlot` accepts: 2^52, leaving 2^52 more slots that every client reads
 * exactly (about 57 million years at 400 ms a slot).
 *
 * @example
 * ```ts
 * net.control.warpToSlot(MAX_WARP_SLOT); // accepted; MAX_WARP_SLOT + 1n is refused
 * ```
 */
export const MAX_WARP_SLOT = 2n ** 52n;

/**
 * The latest time `warpClock` accepts (unix seconds): the last second a JavaScript `Date` can
 * hold (year 275760), so that `new Date(blockTime * 1000)` stays valid and the clock keeps
 * ticking in exact milliseconds.
 *
 * @example
 * ```ts
 * net.control.warpClock(MAX_WARP_UNIX_TIMESTAMP); // accepted; one second more is refused
 * ```
 */
export const MAX_WARP_UNIX_TIMESTAMP = 8_640_000_000_000n;

/**
 * Refuses a warp target slot beyond {@link MAX_WARP_SLOT}.
 *
 * @internal
 * @param slot - the requested slot
 * @example
 * ```ts
 * checkWarpSlot(2n ** 64n - 1n); // throws RAFFLE_ERROR__INVALID_ARGUMENT naming `slot`
 * ```
 */
export function checkWarpSlot(slot: bigint): void {
    if (slot > MAX_WARP_SLOT) throw invalidArgument('slot', `must be at most ${MAX_WARP_SLOT}`);
}

/**
 * Refuses a warp target time beyond {@link MAX_WARP_UNIX_TIMESTAMP}.
 *
 * @internal
 * @param unixTimestamp - the requested time in seconds
 * @example
 * ```ts
 * checkWarpUnixTimestamp(2n ** 63n - 1n); // throws RAFFLE_ERROR__INVALID_ARGUMENT naming `unixTimestamp`
 * ```
 */
export function checkWarpUnixTimestamp(unixTimestamp: bigint): void {
    if (unixTimestamp > MAX_WARP_UNIX_TIMESTAMP) throw invalidArgument('unixTimestamp', `must be at most ${MAX_WARP_UNIX_TIMESTAMP} (the last second a JavaScript Date holds)`);
}
