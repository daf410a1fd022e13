/**
 * The live logs source: a `logsSubscribe` (mentions the program, at `confirmed`) for latency.
 * It reconnects with backoff and wakes the backfill on every (re)connection and notification, so
 * whatever it misses (a dropped connection, a dropped notification) is filled from the cursor.
 * A notification whose logs are truncated is read again with `getTransaction`.
 *
 * @packageDocumentation
 */
import type { Address, GetTransactionApi, LogsNotificationsApi, Rpc, RpcSubscriptions } from '@solana/kit';

import { asError, emitSafely, type WorkerEmitter } from '../../core/events';
import { backoffDelayMs, type BackoffPolicy, sleep } from '../../core/time';
import { extractProgramEvents } from '../decoder';
import { succeeded } from '../pipeline';
import type { RecentTransactions } from '../recent';
import { fetchObservedTransaction } from './fetch-transaction';
import type { EventSink, EventSource } from './types';

/** The context of {@link createLiveLogsSource}. */
export interface LiveLogsSourceContext {
    readonly rpcSubscriptions: RpcSubscriptions<LogsNotificationsApi>;
    /** Reads transactions whose notified logs are truncated. */
    readonly rpc: Rpc<GetTransactionApi>;
    readonly programAddress: Address;
    /** The transactions recorded in this term: skipped when notified again; what this source records is added. */
    readonly recent: RecentTransactions;
    /** Reconnect backoff. */
    readonly backoff: BackoffPolicy;
    readonly events: WorkerEmitter;
    /** Told the slot of every notification. */
    readonly onSlot: (slot: bigint) => void;
    /** Told when the subscription goes up (true) or down (false). */
    readonly onConnection: (up: boolean) => void;
    /** Called on every connection and notification: the backfill should run soon. */
    readonly onActivity: () => void;
}

/**
 * Creates the live logs source.
 *
 * @param ctx - subscriptions, RPC, program, recent transactions, backoff and callbacks
 * @returns the source
 * @example
 * ```ts
 * const live = createLiveLogsSource({ rpcSubscriptions, rpc, programAddress, recent, backoff, events, onSlot, onConnection, onActivity: () => backfill.wake() });
 * await live.run(sink, leaderSignal);
 * ```
 */
export function createLiveLogsSource(ctx: LiveLogsSourceContext): EventSource {
    /** Records one notified transaction (reading it again when its logs are truncated). */
    async function observe(sink: EventSink, signature: string, slot: bigint, logs: readonly string[], signal: AbortSignal): Promise<void> {
        let complete = logs;
        if (extractProgramEvents(logs, ctx.programAddress).truncated) {
            const tx = await fetchObservedTransaction(ctx.rpc, signature, signal);
            if (tx === null || !succeeded(tx)) return; // the backfill gets it once the node serves it
            complete = tx.logs;
        }
        const {
            keys: [keys],
        } = await sink.record([{ signature, slot, logs: complete, err: null }], { origin: 'live' });
        ctx.recent.remember(signature, { slot, commitment: 'confirmed', keys: keys ?? [] });
        ctx.onActivity();
    }

    return {
        name: 'live-logs',
        async run(sink, signal) {
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
                    ctx.onConnection(true);
                    attempt = 0;
                    emitSafely(ctx.events, 'ingest:connected', { attempt });
                    // Gap-fill from the cursor now that the subscription is up: nothing falls between.
                    ctx.onActivity();
                    for await (const notification of notifications) {
                        const slot = BigInt(notification.context.slot);
                        ctx.onSlot(slot);
                        const { signature, logs, err } = notification.value;
                        if (err !== null || ctx.recent.has(signature)) continue;
                        try {
                            await observe(sink, signature, slot, logs, signal);
                        } catch (e) {
                            emitSafely(ctx.events, 'worker:error', { scope: 'ingestion', error: asError(e) });
                            ctx.onActivity();
                        }
                    }
                } catch (e) {
                    error = asError(e);
                } finally {
                    ctx.onConnection(false);
                    signal.removeEventListener('abort', onAbort);
                    connection.abort();
                }
                if (signal.aborted) break;
                attempt++;
                const delayMs = backoffDelayMs(ctx.backoff, attempt);
                emitSafely(ctx.events, 'ingest:disconnected', { error, attempt, delayMs });
                await sleep(delayMs, signal);
            }
        },
    };
}
