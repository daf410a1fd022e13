/**
 * The chain-time scheduler: timers that fire when the cluster's clock (the Clock sysvar's unix
 * timestamp and slot) passes a due time, not the worker's wall clock. A raffle's deadline is
 * judged by the program against the Clock sysvar, so the worker judges it the same way; a clock
 * warp on a local cluster fires every timer it passed within one poll.
 *
 * Timers live in memory. What they stand for must be derivable from the chain (a raffle's
 * deadline is in its account): whoever owns them re-arms them from chain state after a restart,
 * as the raffle automations' reconciliation does.
 *
 * @packageDocumentation
 */
import { type Address, address, fetchEncodedAccount, type GetAccountInfoApi, getI64Decoder, getU64Decoder, type Rpc } from '@solana/kit';

import { workerConfigInvalid } from '../core/errors';
import { sleep } from '../core/time';

/**
 * The Clock sysvar's address.
 *
 * @example
 * ```ts
 * const account = await fetchEncodedAccount(rpc, CLOCK_SYSVAR_ADDRESS);
 * ```
 */
export const CLOCK_SYSVAR_ADDRESS: Address = /* @__PURE__ */ address('SysvarC1ock11111111111111111111111111111111');

/**
 * The cluster's clock as the programs see it.
 *
 * @example
 * ```ts
 * const { slot, unixTimestamp }: ChainTime = await readChainTime(rpc);
 * ```
 */
export interface ChainTime {
    /** The slot of the Clock sysvar read. */
    readonly slot: bigint;
    /** The cluster's unix time in seconds. */
    readonly unixTimestamp: bigint;
}

/**
 * When a timer is due: at a chain unix time, at a slot, or at whichever of both comes first.
 *
 * @example
 * ```ts
 * const deadline: ChainDue = { unixTimestamp: raffle.deadline };
 * const timeout: ChainDue = { slot: raffle.drawRequestedSlot + 150n };
 * ```
 */
export interface ChainDue {
    /** Due when the chain's unix time is at least this (seconds). */
    readonly unixTimestamp?: bigint;
    /** Due when the chain's slot is at least this. */
    readonly slot?: bigint;
}

/**
 * Reads the Clock sysvar.
 *
 * @param rpc - an RPC with `getAccountInfo`
 * @param commitment - default `confirmed`
 * @returns the chain time
 * @throws when the sysvar is missing or malformed (hostile RPC)
 * @example
 * ```ts
 * const now = await readChainTime(rpc);
 * if (now.unixTimestamp >= raffle.deadline) await refund();
 * ```
 */
export async function readChainTime(rpc: Rpc<GetAccountInfoApi>, commitment: 'confirmed' | 'finalized' = 'confirmed'): Promise<ChainTime> {
    const account = await fetchEncodedAccount(rpc, CLOCK_SYSVAR_ADDRESS, { commitment });
    if (!account.exists || account.data.length < 40) throw new Error('the RPC returned no valid Clock sysvar');
    const slot = getU64Decoder().decode(account.data, 0);
    const unixTimestamp = getI64Decoder().decode(account.data, 32);
    return { slot, unixTimestamp };
}

/**
 * Whether `due` has come at `now`.
 *
 * @param due - the due time
 * @param now - the chain time
 * @returns true when either bound is reached
 * @example
 * ```ts
 * isChainDue({ unixTimestamp: 100n }, { slot: 5n, unixTimestamp: 100n }); // true
 * ```
 */
export function isChainDue(due: ChainDue, now: ChainTime): boolean {
    return (due.unixTimestamp !== undefined && now.unixTimestamp >= due.unixTimestamp) || (due.slot !== undefined && now.slot >= due.slot);
}

/**
 * Options of {@link createChainScheduler}.
 *
 * @example
 * ```ts
 * const options: ChainSchedulerOptions = { rpc, pollMs: 1_000 };
 * ```
 */
export interface ChainSchedulerOptions {
    /** An RPC with `getAccountInfo` (the Clock sysvar). */
    readonly rpc: Rpc<GetAccountInfoApi>;
    /** How often the clock is read while timers are pending (default 1,000 ms). */
    readonly pollMs?: number;
    /** Called when a timer's callback throws or the clock cannot be read (default: ignored). */
    readonly onError?: (error: unknown, key: string | null) => void;
}

/**
 * A chain-time scheduler. Timers have keys: arming a key again replaces its timer.
 *
 * @example
 * ```ts
 * const scheduler = createChainScheduler({ rpc });
 * scheduler.start();
 * scheduler.at(`deadline:${raffle}`, { unixTimestamp: deadline }, () => refund(raffle));
 * await scheduler.stop();
 * ```
 */
export interface ChainScheduler {
    /** Arms (or re-arms) the timer `key`: `fire` runs once when the chain passes `due`. */
    at(key: string, due: ChainDue, fire: (now: ChainTime) => Promise<void> | void): void;
    /** Disarms `key`; true when it was armed. */
    cancel(key: string): boolean;
    /** Whether `key` is armed. */
    has(key: string): boolean;
    /** Armed timers. */
    readonly size: number;
    /** The last chain time read (null before the first read). */
    readonly lastChainTime: ChainTime | null;
    /** Reads the clock now and fires what is due (also what the poll loop does). */
    tick(): Promise<void>;
    /** Starts the poll loop. */
    start(): void;
    /** Stops the loop and waits for callbacks in flight. Armed timers stay armed. */
    stop(): Promise<void>;
}

interface Timer {
    readonly due: ChainDue;
    readonly fire: (now: ChainTime) => Promise<void> | void;
}

/**
 * Creates a {@link ChainScheduler}. The loop reads the Clock sysvar every `pollMs` while timers
 * are armed (and not at all otherwise), and runs due callbacks concurrently.
 *
 * @param options - rpc and poll interval
 * @returns the scheduler (not started)
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` for a bad option
 * @example
 * ```ts
 * const scheduler = createChainScheduler({ rpc: createSolanaRpc(url), pollMs: 500 });
 * scheduler.start();
 * ```
 */
export function createChainScheduler(options: ChainSchedulerOptions): ChainScheduler {
    if (!options || typeof options !== 'object' || !options.rpc) throw workerConfigInvalid('rpc', 'is required');
    const pollMs = options.pollMs ?? 1_000;
    if (!Number.isInteger(pollMs) || pollMs < 10 || pollMs > 3_600_000) throw workerConfigInvalid('pollMs', 'must be an integer from 10 to 3,600,000 ms');
    const timers = new Map<string, Timer>();
    const inFlight = new Set<Promise<void>>();
    let controller: AbortController | null = null;
    let loop: Promise<void> | null = null;
    let last: ChainTime | null = null;
    const report = (error: unknown, key: string | null) => {
        try {
            options.onError?.(error, key);
        } catch {
            // a throwing listener never breaks the scheduler
        }
    };

    async function tick(): Promise<void> {
        if (timers.size === 0) return;
        let now: ChainTime;
        try {
            now = await readChainTime(options.rpc);
        } catch (e) {
            report(e, null);
            return;
        }
        last = now;
        for (const [key, timer] of [...timers]) {
            if (!isChainDue(timer.due, now)) continue;
            timers.delete(key);
            const run = (async () => {
                try {
                    await timer.fire(now);
                } catch (e) {
                    report(e, key);
                }
            })();
            inFlight.add(run);
            void run.finally(() => inFlight.delete(run));
        }
    }

    return {
        at(key, due, fire) {
            if (typeof key !== 'string' || key.length === 0) throw workerConfigInvalid('key', 'must be a non-empty string');
            if (!due || (due.unixTimestamp === undefined && due.slot === undefined)) throw workerConfigInvalid('due', 'needs unixTimestamp or slot');
            if ((due.unixTimestamp !== undefined && typeof due.unixTimestamp !== 'bigint') || (due.slot !== undefined && typeof due.slot !== 'bigint')) {
                throw workerConfigInvalid('due', 'unixTimestamp and slot must be bigints');
            }
            if (typeof fire !== 'function') throw workerConfigInvalid('fire', 'must be a function');
            timers.set(key, { due, fire });
        },
        cancel: key => timers.delete(key),
        has: key => timers.has(key),
        get size() {
            return timers.size;
        },
        get lastChainTime() {
            return last;
        },
        tick,
        start() {
            if (controller) return;
            const c = new AbortController();
            controller = c;
            loop = (async () => {
                while (!c.signal.aborted) {
                    await tick();
                    await sleep(pollMs, c.signal);
                }
            })();
        },
        async stop() {
            controller?.abort();
            controller = null;
            await loop;
            loop = null;
            await Promise.allSettled([...inFlight]);
        },
    };
}
