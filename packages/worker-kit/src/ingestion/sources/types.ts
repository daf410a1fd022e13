/**
 * The seam between where a program's transactions come from and what the worker does with them:
 * an {@link EventSource} observes transactions (the live logs subscription, the signature
 * backfill, transactions pushed by webhooks, or a source of your own such as a Geyser stream) and
 * hands them to an {@link EventSink}, the one pipeline step that records their events in the
 * inbox and enqueues their handlers' jobs.
 *
 * @packageDocumentation
 */
import type { EventKey } from '../../store/types';

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

/**
 * Options of {@link EventSink.record}.
 *
 * @example
 * ```ts
 * await sink.record(transactions, { origin: 'backfill' });
 * ```
 */
export interface EventSinkOptions {
    /** How the `event:received` events of new events name their source: `live` (default) or `backfill` (history read again). */
    readonly origin?: 'live' | 'backfill';
}

/**
 * What {@link EventSink.record} did.
 *
 * @example
 * ```ts
 * const { events, truncated, keys } = await sink.record([tx]);
 * ```
 */
export interface RecordedTransactions {
    /** Program events found in the logs of the successful transactions (new or already recorded). */
    readonly events: number;
    /** Transactions whose logs were truncated: the events before the cut are recorded, the transaction is dead-lettered for a redrive. */
    readonly truncated: number;
    /** Each transaction's event keys, in input order (none for a failed transaction). */
    readonly keys: readonly (readonly EventKey[])[];
}

/**
 * Where sources deliver what they observe: the ingestion pipeline. Recording is idempotent (an
 * event is inserted once, its handlers' job ids are deterministic), so sources that overlap
 * (a live subscription and a backfill, a webhook and the worker's own ingestion) never deliver
 * an event twice.
 *
 * @example
 * ```ts
 * const { keys: [keys] } = await sink.record([{ signature, slot, logs, err: null }]);
 * ```
 */
export interface EventSink {
    /**
     * Records the program events in the logs of `transactions` (failed transactions are
     * skipped) with one batch of store calls per commitment, and enqueues their handlers' jobs.
     */
    record(transactions: readonly ObservedTransaction[], options?: EventSinkOptions): Promise<RecordedTransactions>;
}

/**
 * A source of a program's transactions, in the manner of Carbon's `Datasource` and Vixen's
 * sources: it observes transactions and hands them to the sink it runs with until its signal
 * aborts. The worker's ingestion is made of three: the live logs subscription (latency), the
 * signature backfill from the durable cursor (completeness; the only source that advances the
 * cursor) and the push source behind `worker.ingestTransactions` (webhooks). The sink is
 * idempotent, so a source may deliver a transaction more than once and may overlap with others;
 * the backfill fills whatever a source misses, and the finality tracker finalizes or retracts
 * what any source recorded.
 *
 * @example
 * ```ts
 * // A Geyser stream as a source (subscribeTransactions is your client's).
 * const geyser: EventSource = {
 *     name: 'geyser',
 *     async run(sink, signal) {
 *         for await (const tx of subscribeTransactions({ accountInclude: [programAddress], signal })) {
 *             await sink.record([{ signature: tx.signature, slot: tx.slot, logs: tx.meta.logMessages, err: tx.meta.err }]);
 *         }
 *     },
 * };
 * ```
 */
export interface EventSource {
    /** A short name for errors and logs (`live-logs`, `backfill`, `push`, ...). */
    readonly name: string;
    /**
     * Observes transactions and records them through `sink` until `signal` aborts, then
     * resolves. Transient failures (a dropped connection, a failing RPC) are retried inside;
     * a throw means the source cannot go on.
     */
    run(sink: EventSink, signal: AbortSignal): Promise<void>;
}
