/**
 * The ingestion engine the leader runs: a live `logsSubscribe` (mentions the program) for
 * latency, a backfill from the durable cursor on start, after every reconnect and periodically
 * (the only path that advances the cursor, over contiguous processed finalized history), and a
 * finality tracker that upgrades events to `finalized` or retracts them after a fork.
 *
 * @packageDocumentation
 */
import type {
    Address,
    GetSignaturesForAddressApi,
    GetSignatureStatusesApi,
    GetSlotApi,
    GetTransactionApi,
    LogsNotificationsApi,
    Rpc,
    RpcSubscriptions,
    Signature,
} from '@solana/kit';

import type { EventKey, FenceToken, WorkerStore } from '../store/types';
import { transactionUnavailable } from '../runtime/errors';
import { asError, emitSafely } from '../runtime/events';
import { backoffDelayMs, type BackoffPolicy, createWakeup, DEFAULT_RECONNECT_BACKOFF, sleep } from '../runtime/time';
import { extractProgramEvents } from './decoder';
import { contiguousFinalizedPrefix, type HistoryEntry, listHistorySince } from './history';
import { type InboxContext, type ObservedPayload, recordObservedEvents, recordTruncatedTransaction, transitionEvent } from './inbox';

/**
 * The RPC methods ingestion needs.
 *
 * @example
 * ```ts
 * const rpc: IngestionRpc = createSolanaRpc(url);
 * ```
 */
export type IngestionRpc = Rpc<GetSignaturesForAddressApi & GetTransactionApi & GetSignatureStatusesApi & GetSlotApi>;
/**
 * The subscriptions ingestion needs.
 *
 * @example
 * ```ts
 * const rpcSubscriptions: IngestionRpcSubscriptions = createSolanaRpcSubscriptions(wsUrl);
 * ```
 */
export type IngestionRpcSubscriptions = RpcSubscriptions<LogsNotificationsApi>;

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

/**
 * Timings and bounds of ingestion.
 *
 * @example
 * ```ts
 * const timings: IngestionOptions = { backfillIntervalMs: 2_000, finalityIntervalMs: 2_000, forkWindowSlots: 150 };
 * ```
 */
export interface IngestionOptions {
    /** Backfill at least this often, also without live events (default 5 s). */
    readonly backfillIntervalMs?: number;
    /** Check finality this often (default 5 s). */
    readonly finalityIntervalMs?: number;
    /** A confirmed signature not found this many slots after its slot is retracted (default 150). */
    readonly forkWindowSlots?: number;
    /** Reconnect backoff of the live subscription (default 250 ms doubling to 30 s, jittered). */
    readonly reconnectBackoff?: BackoffPolicy;
    /** `getSignaturesForAddress` page size (default 1000). */
    readonly pageSize?: number;
    /** Refuse a gap longer than this many signatures (default 100 000). */
    readonly maxBackfillSignatures?: number;
    /** Where to start without a cursor (default `latest`). */
    readonly startFrom?: IngestionStart;
    /** Disable the live subscription (backfill polling only). Default false. */
    readonly disableLive?: boolean;
}

/** The context ingestion needs. */
export interface IngestionContext extends InboxContext {
    readonly rpc: IngestionRpc;
    readonly rpcSubscriptions: IngestionRpcSubscriptions;
    readonly store: InboxContext['store'] & Pick<WorkerStore, 'getCursor' | 'setCursor' | 'listEvents'>;
    readonly programAddress: Address;
    /** The cursor's name. */
    readonly cursorName: string;
    readonly options?: IngestionOptions;
}

/** What ingestion reports for `worker.status()`. */
export interface IngestionState {
    /** True while the live subscription is up. */
    readonly live: boolean;
    /** The newest slot seen from the chain (live or backfill). */
    readonly chainSlot: bigint | null;
    /** When the last backfill pass ended (ms), null before the first. */
    readonly lastBackfillAt: number | null;
    /** Signatures processed and not yet behind the cursor. */
    readonly pendingSignatures: number;
}

/**
 * The ingestion engine.
 *
 * @example
 * ```ts
 * const ingestion = createIngestion(ctx);
 * await ingestion.run(fence, leaderSignal); // until the signal aborts
 * ```
 */
export interface Ingestion {
    /** Runs live + backfill + finality until `signal` aborts. Cursor writes carry `fence`. */
    run(fence: FenceToken | null, signal: AbortSignal): Promise<void>;
    /** One backfill pass; returns the number of signatures processed. */
    backfillOnce(fence: FenceToken | null, signal?: AbortSignal): Promise<number>;
    /** One finality pass; returns the number of events that changed. */
    trackFinalityOnce(signal?: AbortSignal): Promise<number>;
    /** The state for status reports. */
    state(): IngestionState;
    /**
     * Reads a transaction again and records its events (redrive of a truncated-logs dead
     * letter); reports `truncated` when the node's logs are still cut (nothing recorded then).
     */
    reprocessTransaction(signature: string): Promise<{ events: number; truncated: boolean }>;
    /** Records the events of transactions observed elsewhere, in batches (see {@link ObservedTransaction}). */
    ingestTransactions(transactions: readonly ObservedTransaction[]): Promise<{ events: number; truncated: number }>;
}

/**
 * A transaction seen by another source than the worker's own RPC ingestion: a webhook, a
 * Geyser stream, a file of historical transactions.
 *
 * @example
 * ```ts
 * const tx: ObservedTransaction = { signature, slot: BigInt(body.slot), logs: body.meta.logMessages, err: body.meta.err };
 * ```
 */
export interface ObservedTransaction {
    /** The transaction signature (base58). */
    readonly signature: string;
    /** The slot it landed in. */
    readonly slot: bigint;
    /** Its log messages (`meta.logMessages`). */
    readonly logs: readonly string[];
    /** Its error as the RPC reports it (`meta.err`): null when it succeeded. A failed transaction's events are ignored (its effects were rolled back). */
    readonly err: unknown;
    /** How final it is (default `confirmed`); the worker's finality tracker takes it from there. */
    readonly commitment?: 'confirmed' | 'finalized';
}

interface Processed {
    readonly slot: bigint;
    commitment: 'confirmed' | 'finalized';
    readonly keys: EventKey[];
}

class FencedError extends Error {
    override readonly name = 'FencedError';
}

/**
 * The name of the cursor recording the finalized slot ingestion has checked through (the
 * program may have had no transaction since the main cursor's slot).
 *
 * @internal
 */
export function checkedCursorName(cursorName: string): string {
    return `${cursorName}:checked`;
}

/**
 * Creates the ingestion engine.
 *
 * @param ctx - rpc, subscriptions, store, program, decoder, handlers, events and timings
 * @returns the engine
 * @example
 * ```ts
 * const ingestion = createIngestion({ rpc, rpcSubscriptions, store, programAddress, decoder, handlers, events, queue: 'default', maxAttempts: 5, cursorName: `ingest:${programAddress}` });
 * ```
 */
export function createIngestion(ctx: IngestionContext): Ingestion {
    const o = ctx.options ?? {};
    const backfillIntervalMs = Math.max(10, o.backfillIntervalMs ?? 5_000);
    const finalityIntervalMs = Math.max(10, o.finalityIntervalMs ?? 5_000);
    const forkWindowSlots = BigInt(Math.max(1, o.forkWindowSlots ?? 150));
    const reconnectBackoff = o.reconnectBackoff ?? DEFAULT_RECONNECT_BACKOFF;
    const processed = new Map<string, Processed>();
    const wakeBackfill = createWakeup();
    let live = false;
    let chainSlot: bigint | null = null;
    let lastBackfillAt: number | null = null;
    let backfilling: Promise<number> | null = null;
    /** Signatures backfill passes processed, failed passes included (their backoff restarts when they progressed). */
    let backfillProgress = 0;
    /** Signatures finality passes settled, failed passes included (same rule). */
    let finalityProgress = 0;

    function seeSlot(slot: bigint) {
        if (chainSlot === null || slot > chainSlot) chainSlot = slot;
    }

    /**
     * Records the events in the logs of successful transactions, with one batch of store calls
     * for all of them; returns each transaction's event keys and how many were truncated.
     */
    async function processTransactions(
        transactions: readonly { signature: string; slot: bigint; logs: readonly string[] }[],
        commitment: 'confirmed' | 'finalized',
        source: 'live' | 'backfill',
    ): Promise<{ keys: EventKey[][]; truncated: number }> {
        const payloads: ObservedPayload[] = [];
        const keys: EventKey[][] = [];
        let truncatedCount = 0;
        for (const { signature, slot, logs } of transactions) {
            const { events, truncated } = extractProgramEvents(logs, ctx.programAddress);
            if (truncated) {
                // Even the node's copy lost lines: record what is there (the numbering of a prefix is
                // stable) and dead-letter the transaction, so that nobody silently misses its tail.
                truncatedCount++;
                emitSafely(ctx.events, 'ingest:truncated', { signature });
                await recordTruncatedTransaction(ctx, { signature, slot });
            }
            const mine: EventKey[] = [];
            for (const e of events) {
                mine.push({ signature, instructionIndex: e.instructionIndex, eventIndex: e.eventIndex });
                payloads.push({ signature, instructionIndex: e.instructionIndex, eventIndex: e.eventIndex, slot, raw: e.base64 });
            }
            keys.push(mine);
        }
        await recordObservedEvents(ctx, payloads, commitment, source);
        return { keys, truncated: truncatedCount };
    }

    async function processLogs(
        signature: string,
        slot: bigint,
        logs: readonly string[],
        commitment: 'confirmed' | 'finalized',
        source: 'live' | 'backfill',
    ): Promise<EventKey[]> {
        return (await processTransactions([{ signature, slot, logs }], commitment, source)).keys[0]!;
    }

    /** Fetches a transaction's complete logs; null when the node does not have it (yet). */
    async function fetchLogs(signature: string, signal?: AbortSignal): Promise<{ slot: bigint; logs: readonly string[]; failed: boolean } | null> {
        const tx = await ctx.rpc
            .getTransaction(signature as Signature, { commitment: 'confirmed', encoding: 'base64', maxSupportedTransactionVersion: 0 })
            .send(signal ? { abortSignal: signal } : undefined);
        if (tx === null) return null;
        const logs = tx.meta?.logMessages;
        if (!Array.isArray(logs)) throw transactionUnavailable(signature, 'the node returned no log messages');
        return { slot: BigInt(tx.slot), logs, failed: tx.meta?.err !== null && tx.meta?.err !== undefined };
    }

    async function processEntry(entry: HistoryEntry, signal?: AbortSignal): Promise<boolean> {
        const commitment = entry.confirmationStatus === 'finalized' ? 'finalized' : 'confirmed';
        const known = processed.get(entry.signature);
        if (known) {
            if (commitment === 'finalized' && known.commitment === 'confirmed') {
                // The events of one transaction are independent: one round of store calls, not one per event.
                await Promise.all(known.keys.map(key => transitionEvent(ctx, key, 'finalized')));
                known.commitment = 'finalized';
            }
            return true;
        }
        if (entry.failed) {
            processed.set(entry.signature, { slot: entry.slot, commitment, keys: [] });
            return true;
        }
        const tx = await fetchLogs(entry.signature, signal);
        if (tx === null) return false;
        const keys = tx.failed ? [] : await processLogs(entry.signature, tx.slot, tx.logs, commitment, 'backfill');
        processed.set(entry.signature, { slot: tx.slot, commitment, keys });
        return true;
    }

    async function initialCursor(fence: FenceToken | null): Promise<string | null> {
        const cursor = await ctx.store.getCursor(ctx.cursorName);
        if (cursor !== null) return cursor.signature;
        if ((o.startFrom ?? 'latest') === 'genesis') return null;
        const [newest] = await ctx.rpc.getSignaturesForAddress(ctx.programAddress, { commitment: 'finalized', limit: 1 }).send();
        // No finalized history yet: everything from now on is new. That is stored too (a cursor
        // without a signature: the whole history), else a later pass would choose a newer "latest"
        // and skip what happened in between.
        const result = await ctx.store.setCursor({
            name: ctx.cursorName,
            slot: newest === undefined ? 0n : BigInt(newest.slot),
            signature: newest === undefined ? null : newest.signature,
            expectedVersion: 0,
            ...(fence ? { fence } : {}),
        });
        if (!result.applied && result.reason === 'fenced') throw new FencedError('lost the leader lease');
        return result.cursor?.signature ?? null;
    }

    /**
     * Makes where history starts durable before anything is observed, retrying with backoff;
     * false when stopped or fenced. With `startFrom: 'latest'` a cursor chosen later (e.g. after
     * the first lookups failed) would be newer than events that happened since the start, and the
     * backfill would never list them.
     */
    async function establishCursor(fence: FenceToken | null, signal: AbortSignal): Promise<boolean> {
        for (let failures = 0; !signal.aborted; ) {
            try {
                await initialCursor(fence);
                return true;
            } catch (e) {
                if (e instanceof FencedError || signal.aborted) return false;
                failures++;
                emitSafely(ctx.events, 'worker:error', { scope: 'ingestion', error: asError(e) });
                await sleep(backoffDelayMs(reconnectBackoff, failures), signal);
            }
        }
        return false;
    }

    /** The finalized slot now, or null (a failing or partial RPC only delays the caught-up mark). */
    async function finalizedSlot(): Promise<bigint | null> {
        try {
            return BigInt(await ctx.rpc.getSlot({ commitment: 'finalized' }).send());
        } catch {
            return null;
        }
    }

    async function backfillPass(fence: FenceToken | null, signal?: AbortSignal): Promise<number> {
        const until = await initialCursor(fence);
        // Read before listing: every finalized transaction up to this slot is in the listing.
        const finalizedBefore = await finalizedSlot();
        const history = await listHistorySince({
            rpc: ctx.rpc,
            programAddress: ctx.programAddress,
            until,
            ...(o.pageSize === undefined ? {} : { pageSize: o.pageSize }),
            ...(o.maxBackfillSignatures === undefined ? {} : { maxSignatures: o.maxBackfillSignatures }),
            ...(signal ? { signal } : {}),
        });
        let count = 0;
        let events = 0;
        for (const entry of history) {
            if (signal?.aborted) break;
            seeSlot(entry.slot);
            // Oldest first; stop at the first transaction the node cannot serve yet (no gaps).
            const before = processed.get(entry.signature);
            if (!(await processEntry(entry, signal))) break;
            if (!before) {
                count++;
                backfillProgress++;
                events += processed.get(entry.signature)?.keys.length ?? 0;
            }
        }
        const last = contiguousFinalizedPrefix(history, e => processed.has(e.signature));
        let cursorSlot: bigint | null = null;
        if (last >= 0) {
            const entry = history[last]!;
            const result = await ctx.store.setCursor({ name: ctx.cursorName, slot: entry.slot, signature: entry.signature, ...(fence ? { fence } : {}) });
            if (!result.applied && result.reason === 'fenced') throw new FencedError('lost the leader lease');
            if (result.applied) {
                cursorSlot = entry.slot;
                emitSafely(ctx.events, 'cursor:advanced', { name: ctx.cursorName, slot: entry.slot, signature: entry.signature });
                for (let i = 0; i <= last; i++) processed.delete(history[i]!.signature);
                for (const [sig, p] of processed) if (p.slot < entry.slot) processed.delete(sig);
            }
        }
        // Caught up through `finalizedBefore` when every listed transaction up to it is behind
        // the cursor: recorded as the `:checked` cursor, so the lag of an idle program stays flat.
        if (finalizedBefore !== null && !signal?.aborted && history.every((entry, i) => i <= last || entry.slot > finalizedBefore)) {
            const result = await ctx.store.setCursor({ name: checkedCursorName(ctx.cursorName), slot: finalizedBefore, signature: null, ...(fence ? { fence } : {}) });
            if (!result.applied && result.reason === 'fenced') throw new FencedError('lost the leader lease');
        }
        lastBackfillAt = Date.now();
        emitSafely(ctx.events, 'ingest:backfilled', { signatures: count, events, cursorSlot });
        return count;
    }

    function backfillOnce(fence: FenceToken | null, signal?: AbortSignal): Promise<number> {
        // One pass at a time; callers during a pass share it.
        backfilling ??= backfillPass(fence, signal).finally(() => {
            backfilling = null;
        });
        return backfilling;
    }

    async function trackFinalityOnce(signal?: AbortSignal): Promise<number> {
        const open = await ctx.store.listEvents({ commitments: ['seen', 'confirmed'], limit: 1000 });
        if (open.length === 0) return 0;
        const bySignature = new Map<string, typeof open>();
        for (const e of open) bySignature.set(e.signature, [...(bySignature.get(e.signature) ?? []), e]);
        const signatures = [...bySignature.keys()];
        const slot = BigInt(await ctx.rpc.getSlot({ commitment: 'confirmed' }).send());
        seeSlot(slot);
        let changed = 0;
        for (let i = 0; i < signatures.length && !signal?.aborted; i += 256) {
            const chunk = signatures.slice(i, i + 256);
            const { value } = await ctx.rpc.getSignatureStatuses(chunk as Signature[], { searchTransactionHistory: true }).send(signal ? { abortSignal: signal } : undefined);
            for (let j = 0; j < chunk.length && !signal?.aborted; j++) {
                const status = value[j] ?? null;
                const events = bySignature.get(chunk[j]!)!;
                let target: 'finalized' | 'retracted' | null = null;
                if (status === null) {
                    if (events[0]!.slot + forkWindowSlots < slot) target = 'retracted';
                } else if (status.err !== null) target = 'retracted';
                else if (status.confirmationStatus === 'finalized') target = 'finalized';
                if (target === null) continue;
                for (const moved of await Promise.all(events.map(event => transitionEvent(ctx, event, target)))) if (moved) changed++;
                finalityProgress++;
                const p = processed.get(chunk[j]!);
                if (p && target === 'finalized') p.commitment = 'finalized';
            }
        }
        return changed;
    }

    async function liveLoop(signal: AbortSignal): Promise<void> {
        let attempt = 0;
        while (!signal.aborted) {
            const connection = new AbortController();
            const onAbort = () => connection.abort();
            signal.addEventListener('abort', onAbort, { once: true });
            let error: Error | null = null;
            try {
                const notifications = await ctx.rpcSubscriptions
                    .logsNotifications({ mentions: [ctx.programAddress] }, { commitment: 'confirmed' })
                    .subscribe({ abortSignal: connection.signal });
                live = true;
                attempt = 0;
                emitSafely(ctx.events, 'ingest:connected', { attempt });
                // Gap-fill from the cursor now that the subscription is up: nothing falls between.
                wakeBackfill.notify();
                for await (const notification of notifications) {
                    const slot = BigInt(notification.context.slot);
                    seeSlot(slot);
                    const { signature, logs, err } = notification.value;
                    if (err !== null || processed.has(signature)) continue;
                    try {
                        let source = logs;
                        if (extractProgramEvents(logs, ctx.programAddress).truncated) {
                            const tx = await fetchLogs(signature, signal);
                            if (tx === null || tx.failed) continue; // the backfill gets it once the node serves it
                            source = tx.logs;
                        }
                        const keys = await processLogs(signature, slot, source, 'confirmed', 'live');
                        processed.set(signature, { slot, commitment: 'confirmed', keys });
                    } catch (e) {
                        emitSafely(ctx.events, 'worker:error', { scope: 'ingestion', error: asError(e) });
                    }
                    wakeBackfill.notify();
                }
            } catch (e) {
                error = asError(e);
            } finally {
                live = false;
                signal.removeEventListener('abort', onAbort);
                connection.abort();
            }
            if (signal.aborted) break;
            attempt++;
            const delayMs = backoffDelayMs(reconnectBackoff, attempt);
            emitSafely(ctx.events, 'ingest:disconnected', { error, attempt, delayMs });
            await sleep(delayMs, signal);
        }
    }

    async function backfillLoop(fence: FenceToken | null, signal: AbortSignal, fenced: AbortController): Promise<void> {
        let failures = 0;
        while (!signal.aborted) {
            const progressBefore = backfillProgress;
            try {
                await backfillOnce(fence, signal);
                failures = 0;
                await wakeBackfill.wait(backfillIntervalMs, signal);
            } catch (e) {
                if (e instanceof FencedError) {
                    fenced.abort();
                    return;
                }
                if (signal.aborted) return;
                // A pass that processed signatures before a call failed (a flaky RPC, not a dead
                // one) backs off from the start: else a long gap is crawled at one pass per max delay.
                failures = backfillProgress === progressBefore ? failures + 1 : 1;
                emitSafely(ctx.events, 'worker:error', { scope: 'ingestion', error: asError(e) });
                await sleep(backoffDelayMs(reconnectBackoff, failures), signal);
            }
        }
    }

    async function finalityLoop(signal: AbortSignal): Promise<void> {
        let failures = 0;
        while (!signal.aborted) {
            const progressBefore = finalityProgress;
            try {
                await trackFinalityOnce(signal);
                failures = 0;
                await sleep(finalityIntervalMs, signal);
            } catch (e) {
                if (signal.aborted) return;
                // Like the backfill: a pass that settled signatures before a call failed backs off from the start.
                failures = finalityProgress === progressBefore ? failures + 1 : 1;
                emitSafely(ctx.events, 'worker:error', { scope: 'finality', error: asError(e) });
                await sleep(backoffDelayMs(reconnectBackoff, failures), signal);
            }
        }
    }

    return {
        async ingestTransactions(transactions) {
            let events = 0;
            let truncated = 0;
            for (const commitment of ['confirmed', 'finalized'] as const) {
                const mine = transactions.filter(tx => (tx.commitment ?? 'confirmed') === commitment && (tx.err === null || tx.err === undefined));
                if (mine.length === 0) continue;
                for (const tx of mine) seeSlot(tx.slot);
                const result = await processTransactions(mine, commitment, 'live');
                events += result.keys.reduce((n, k) => n + k.length, 0);
                truncated += result.truncated;
            }
            return { events, truncated };
        },
        async reprocessTransaction(signature) {
            const tx = await fetchLogs(signature);
            if (tx === null) throw transactionUnavailable(signature, 'the node does not return it');
            if (tx.failed) return { events: 0, truncated: false };
            const { truncated } = extractProgramEvents(tx.logs, ctx.programAddress);
            if (truncated) return { events: 0, truncated: true };
            const keys = await processLogs(signature, tx.slot, tx.logs, 'confirmed', 'backfill');
            return { events: keys.length, truncated: false };
        },
        async run(fence, signal) {
            const inner = new AbortController();
            const onAbort = () => inner.abort();
            signal.addEventListener('abort', onAbort, { once: true });
            if (signal.aborted) inner.abort();
            try {
                if (!(await establishCursor(fence, inner.signal))) return;
                await Promise.all([
                    o.disableLive ? Promise.resolve() : liveLoop(inner.signal),
                    backfillLoop(fence, inner.signal, inner),
                    finalityLoop(inner.signal),
                ]);
            } finally {
                signal.removeEventListener('abort', onAbort);
                processed.clear();
            }
        },
        backfillOnce,
        trackFinalityOnce,
        state: () => ({ live, chainSlot, lastBackfillAt, pendingSignatures: processed.size }),
    };
}
