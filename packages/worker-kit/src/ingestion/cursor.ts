/**
 * The durable ingestion cursor: where the history the backfill lists starts (chosen once, on
 * first use, by `startFrom`), its moves over contiguous, processed, finalized history, and the
 * `:checked` cursor recording the finalized slot a caught-up pass checked through, from which
 * `status().lagSlots` stays flat while the program is idle. Every write carries the leader's
 * fencing token: a deposed leader cannot move the cursor.
 *
 * @packageDocumentation
 */
import type { Address, GetSignaturesForAddressApi, Rpc } from '@solana/kit';

import type { CursorRecord, CursorStore, FenceToken, SetCursorResult } from '../store/types';
import { asError, emitSafely, type WorkerEmitter } from '../core/events';
import { backoffDelayMs, type BackoffPolicy, sleep } from '../core/time';

/**
 * Where ingestion starts when no cursor exists: `latest` (the newest finalized transaction of
 * the program when ingestion first reaches the RPC node, stored as the cursor before anything is
 * observed; older history is ignored) or `genesis` (the whole history the node keeps).
 *
 * @example
 * ```ts
 * createWorker({ ..., startFrom: 'genesis' });
 * ```
 */
export type IngestionStart = 'latest' | 'genesis';

/** A cursor write was refused because another replica holds the leader lease now. @internal */
export class FencedError extends Error {
    override readonly name = 'FencedError';
}

/**
 * The name of the cursor recording the finalized slot ingestion has checked through (the
 * program may have had no transaction since the main cursor's slot).
 *
 * @param cursorName - the main cursor's name
 * @returns the name of its `:checked` companion
 * @example
 * ```ts
 * const checked = await store.getCursor(checkedCursorName(`ingest:${programAddress}`));
 * ```
 */
export function checkedCursorName(cursorName: string): string {
    return `${cursorName}:checked`;
}

/**
 * Slots between the chain and what ingestion has checked: the cursor, or the finalized slot a
 * caught-up pass saw (the `:checked` cursor) when that is newer.
 *
 * @param chainSlot - the chain's slot, null when unknown
 * @param cursor - the main cursor
 * @param checked - the `:checked` cursor
 * @returns the lag in slots (0 when ahead), null when the chain slot or the cursor is unknown
 * @example
 * ```ts
 * const lagSlots = ingestionLagSlots(chainSlot, await store.getCursor(name), await store.getCursor(checkedCursorName(name)));
 * ```
 */
export function ingestionLagSlots(chainSlot: bigint | null, cursor: CursorRecord | null, checked: CursorRecord | null): bigint | null {
    if (chainSlot === null || cursor === null) return null;
    const through = checked !== null && checked.slot > cursor.slot ? checked.slot : cursor.slot;
    return chainSlot > through ? chainSlot - through : 0n;
}

/** The context of {@link createIngestionCursor}. */
export interface IngestionCursorContext {
    readonly store: CursorStore;
    readonly rpc: Rpc<GetSignaturesForAddressApi>;
    readonly programAddress: Address;
    /** The cursor's name. */
    readonly name: string;
    /** Where to start without a cursor (default `latest`). */
    readonly startFrom?: IngestionStart;
    /** The leader's fencing token, carried by every write (null without leases). */
    readonly fence: FenceToken | null;
    /** Backoff of {@link IngestionCursor.establish}. */
    readonly backoff: BackoffPolicy;
    readonly events: WorkerEmitter;
}

/**
 * The cursor of one leadership term. Writes throw a {@link FencedError} once another replica
 * leads.
 *
 * @example
 * ```ts
 * const cursor = createIngestionCursor({ store, rpc, programAddress, name, fence, backoff, events });
 * const until = await cursor.start();
 * ```
 */
export interface IngestionCursor {
    /** The signature the history starts after (null: the whole history); stores where history starts on first use. */
    start(): Promise<string | null>;
    /**
     * Makes where history starts durable before anything is observed, retrying with backoff;
     * false when stopped or fenced. With `startFrom: 'latest'` a cursor chosen later (e.g. after
     * the first lookups failed) would be newer than events that happened since the start, and
     * the backfill would never list them.
     */
    establish(signal: AbortSignal): Promise<boolean>;
    /** Moves the cursor to a processed, finalized transaction; true when it moved (emits `cursor:advanced`). */
    advance(to: { readonly slot: bigint; readonly signature: string }): Promise<boolean>;
    /** Records that every transaction up to this finalized slot is behind the cursor (the `:checked` cursor). */
    markChecked(slot: bigint): Promise<void>;
}

/**
 * Creates the cursor of a leadership term.
 *
 * @param ctx - store, RPC, program, name, start and fence
 * @returns the cursor
 * @example
 * ```ts
 * const cursor = createIngestionCursor({ store, rpc, programAddress, name: `ingest:${programAddress}`, fence, backoff: DEFAULT_RECONNECT_BACKOFF, events });
 * ```
 */
export function createIngestionCursor(ctx: IngestionCursorContext): IngestionCursor {
    const fence = ctx.fence ? { fence: ctx.fence } : {};
    const refuseFenced = (result: SetCursorResult) => {
        if (!result.applied && result.reason === 'fenced') throw new FencedError('lost the leader lease');
    };

    async function start(): Promise<string | null> {
        const cursor = await ctx.store.getCursor(ctx.name);
        if (cursor !== null) return cursor.signature;
        if ((ctx.startFrom ?? 'latest') === 'genesis') return null;
        const [newest] = await ctx.rpc.getSignaturesForAddress(ctx.programAddress, { commitment: 'finalized', limit: 1 }).send();
        // No finalized history yet: everything from now on is new. That is stored too (a cursor
        // without a signature: the whole history), else a later pass would choose a newer "latest"
        // and skip what happened in between.
        const result = await ctx.store.setCursor({
            name: ctx.name,
            slot: newest === undefined ? 0n : BigInt(newest.slot),
            signature: newest === undefined ? null : newest.signature,
            expectedVersion: 0,
            ...fence,
        });
        refuseFenced(result);
        return result.cursor?.signature ?? null;
    }

    return {
        start,
        async establish(signal) {
            for (let failures = 0; !signal.aborted; ) {
                try {
                    await start();
                    return true;
                } catch (e) {
                    if (e instanceof FencedError || signal.aborted) return false;
                    failures++;
                    emitSafely(ctx.events, 'worker:error', { scope: 'ingestion', error: asError(e) });
                    await sleep(backoffDelayMs(ctx.backoff, failures), signal);
                }
            }
            return false;
        },
        async advance(to) {
            const result = await ctx.store.setCursor({ name: ctx.name, slot: to.slot, signature: to.signature, ...fence });
            refuseFenced(result);
            if (result.applied) emitSafely(ctx.events, 'cursor:advanced', { name: ctx.name, slot: to.slot, signature: to.signature });
            return result.applied;
        },
        async markChecked(slot) {
            refuseFenced(await ctx.store.setCursor({ name: checkedCursorName(ctx.name), slot, signature: null, ...fence }));
        },
    };
}
