/**
 * The ingestion the leader runs, assembled from its parts: the live logs source (latency) and
 * the signature backfill source (completeness; the only path that advances the cursor, see
 * `cursor.ts`) feed the pipeline's sink, and the finality tracker upgrades events to
 * `finalized` or retracts them after a fork. The parts share the transactions recorded in the
 * current leadership term (`recent.ts`). The push source behind `worker.ingestTransactions`
 * feeds the same sink on every replica.
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
} from '@solana/kit';

import type { CursorStore, EventInbox, FenceToken } from '../store/types';
import { asError, emitSafely } from '../core/events';
import { type BackoffPolicy, DEFAULT_RECONNECT_BACKOFF } from '../core/time';
import { createIngestionCursor, FencedError, type IngestionStart } from './cursor';
import { createFinalityTracker } from './finality';
import type { InboxContext } from './inbox';
import { createEventSink } from './pipeline';
import { createRecentTransactions } from './recent';
import { createBackfillSource } from './sources/backfill';
import { createLiveLogsSource } from './sources/live-logs';
import type { EventSink, EventSource } from './sources/types';

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
    readonly store: InboxContext['store'] & CursorStore & Pick<EventInbox, 'listEvents'>;
    readonly programAddress: Address;
    /** The cursor's name. */
    readonly cursorName: string;
    readonly options?: IngestionOptions;
}

/** What ingestion reports for `worker.status()`. */
export interface IngestionState {
    /** True while the live subscription is up. */
    readonly live: boolean;
    /** The newest slot seen from the chain (live, backfill, finality or pushed transactions). */
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
    /** The pipeline's sink: every source records through it (the push source included). */
    readonly sink: EventSink;
    /** Runs the live and backfill sources and the finality tracker until `signal` aborts or the cursor is fenced. Cursor writes carry `fence`. */
    run(fence: FenceToken | null, signal: AbortSignal): Promise<void>;
    /** The state for status reports. */
    state(): IngestionState;
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
    const backoff = o.reconnectBackoff ?? DEFAULT_RECONNECT_BACKOFF;
    const recent = createRecentTransactions();
    let live = false;
    let chainSlot: bigint | null = null;
    let lastBackfillAt: number | null = null;
    const onSlot = (slot: bigint) => {
        if (chainSlot === null || slot > chainSlot) chainSlot = slot;
    };
    const sink = createEventSink({ ...ctx, onSlot });
    const finality = createFinalityTracker({
        rpc: ctx.rpc,
        inbox: ctx,
        recent,
        forkWindowSlots: BigInt(Math.max(1, o.forkWindowSlots ?? 150)),
        intervalMs: Math.max(10, o.finalityIntervalMs ?? 5_000),
        backoff,
        events: ctx.events,
        onSlot,
    });

    /**
     * Runs a source until the term ends. A source that throws cannot go on, and the term ends with
     * it (every source and the tracker stop): a fenced cursor write means another replica leads
     * now; anything else is reported.
     */
    async function runSource(source: EventSource, term: AbortController): Promise<void> {
        try {
            await source.run(sink, term.signal);
        } catch (e) {
            if (!(e instanceof FencedError) && !term.signal.aborted) emitSafely(ctx.events, 'worker:error', { scope: 'ingestion', error: asError(e) });
            term.abort();
        }
    }

    return {
        sink,
        async run(fence, signal) {
            const term = new AbortController();
            const onAbort = () => term.abort();
            signal.addEventListener('abort', onAbort, { once: true });
            if (signal.aborted) term.abort();
            try {
                const cursor = createIngestionCursor({
                    store: ctx.store,
                    rpc: ctx.rpc,
                    programAddress: ctx.programAddress,
                    name: ctx.cursorName,
                    ...(o.startFrom === undefined ? {} : { startFrom: o.startFrom }),
                    fence,
                    backoff,
                    events: ctx.events,
                });
                if (!(await cursor.establish(term.signal))) return;
                const backfill = createBackfillSource({
                    rpc: ctx.rpc,
                    programAddress: ctx.programAddress,
                    cursor,
                    recent,
                    finality,
                    intervalMs: Math.max(10, o.backfillIntervalMs ?? 5_000),
                    ...(o.pageSize === undefined ? {} : { pageSize: o.pageSize }),
                    ...(o.maxBackfillSignatures === undefined ? {} : { maxSignatures: o.maxBackfillSignatures }),
                    backoff,
                    events: ctx.events,
                    onSlot,
                    onPassEnd: at => {
                        lastBackfillAt = at;
                    },
                });
                // The live source first: it subscribes while the backfill's first pass reads the cursor.
                const sources: EventSource[] = o.disableLive
                    ? [backfill]
                    : [
                          createLiveLogsSource({
                              rpcSubscriptions: ctx.rpcSubscriptions,
                              rpc: ctx.rpc,
                              programAddress: ctx.programAddress,
                              recent,
                              backoff,
                              events: ctx.events,
                              onSlot,
                              onConnection: up => {
                                  live = up;
                              },
                              onActivity: () => backfill.wake(),
                          }),
                          backfill,
                      ];
                await Promise.all([...sources.map(source => runSource(source, term)), finality.run(term.signal)]);
            } finally {
                signal.removeEventListener('abort', onAbort);
                recent.clear();
            }
        },
        state: () => ({ live, chainSlot, lastBackfillAt, pendingSignatures: recent.size }),
    };
}
