/**
 * Prometheus metrics of a worker (prom-client): counters fed by the worker's and the automations'
 * events, gauges read from `worker.status()` at scrape time, and an RPC client wrapper counting
 * calls and failures. Every label takes a bounded set of values.
 *
 * @packageDocumentation
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

import type { RaffleAutomations } from '../raffle/automations';
import type { RaffleAutomationEvents } from '../raffle/context';
import { workerConfigInvalid } from '../core/errors';
import type { WorkerEvents } from '../core/events';
import type { Worker, WorkerStatus } from '../worker';

const DEFAULT_PREFIX = 'raffle_worker_';
/** A scrape never waits longer than this for `worker.status()`. */
const STATUS_TIMEOUT_MS = 5_000;

/**
 * Options of {@link createWorkerMetrics}.
 *
 * @example
 * ```ts
 * const options: WorkerMetricsOptions = { worker, automations, defaultMetrics: true };
 * ```
 */
export interface WorkerMetricsOptions {
    /** The worker (its events and `status()`). */
    readonly worker: Pick<Worker<Record<string, unknown>>, 'events' | 'status'>;
    /** The automations (`registerRaffleAutomations`): their events and `status()`. */
    readonly automations?: Pick<RaffleAutomations, 'events' | 'status'>;
    /** A spend guard: its numeric `usage()` fields (and the count of `holds()`) become gauges. */
    readonly spendGuard?: {
        /** The guard's usage now (an object; sync or async). */
        usage(): unknown;
        /** The holds waiting for an operator. */
        holds?(): readonly unknown[];
    };
    /** The registry (default a new one, so nothing global is touched). */
    readonly registry?: Registry;
    /** Metric name prefix (default `raffle_worker_`). */
    readonly prefix?: string;
    /** Also collect prom-client's process metrics (CPU, memory, event loop) into the registry (default false). */
    readonly defaultMetrics?: boolean;
    /** Reuse one `worker.status()` for this long across scrapes (default 1,000 ms). */
    readonly statusCacheMs?: number;
}

/**
 * The metrics of a worker.
 *
 * @example
 * ```ts
 * const metrics = createWorkerMetrics({ worker });
 * const response = new Response(await metrics.render(), { headers: { 'content-type': metrics.contentType } });
 * ```
 */
export interface WorkerMetrics {
    /** The registry holding them. */
    readonly registry: Registry;
    /** The metric name prefix. */
    readonly prefix: string;
    /** The content type of {@link WorkerMetrics.render}'s text. */
    readonly contentType: string;
    /** The registry in Prometheus text format (reads the status first; a failing status never fails it). */
    render(): Promise<string>;
    /** Removes the event listeners (the metrics stay registered with their last values). */
    close(): void;
}

/**
 * Where {@link instrumentRpc} counts: a {@link WorkerMetrics}, or a registry (and prefix) before
 * the metrics exist.
 *
 * @example
 * ```ts
 * const target: RpcMetricsTarget = { registry: new Registry() };
 * ```
 */
export interface RpcMetricsTarget {
    /** The registry to count in. */
    readonly registry: Registry;
    /** The metric name prefix (default `raffle_worker_`). */
    readonly prefix?: string;
}

type Listener = (payload: never) => void;
type LooseEmitter = { on(name: string, fn: Listener): unknown; off(name: string, fn: Listener): unknown };

/** Keeps the first `max` well-formed values of a label; everything else is `other`. */
function boundedLabel(known: readonly string[], max: number): (value: unknown) => string {
    const seen = new Set(known);
    return value => {
        if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9_.:-]{0,47}$/.test(value)) return 'other';
        if (seen.has(value)) return value;
        if (seen.size >= max) return 'other';
        seen.add(value);
        return value;
    };
}

function jobKind(name: unknown): string {
    const n = String(name);
    return n.startsWith('handler:') ? 'handler' : n.startsWith('task:') ? 'task' : n.startsWith('ingest:') ? 'ingest' : 'other';
}

const ERROR_SCOPES = new Set(['ingestion', 'finality', 'jobs', 'lease', 'effects', 'retention']);

/** The RPC counters of a registry, made once (so the rpc can be wrapped before the metrics exist). */
function rpcCounters(registry: Registry, prefix: string): { requests: Counter<'method'>; errors: Counter<'method'> } {
    const get = (name: string, help: string): Counter<'method'> => {
        const existing = registry.getSingleMetric(name);
        if (existing instanceof Counter) return existing as Counter<'method'>;
        if (existing) throw workerConfigInvalid('registry', `already has a metric ${name} that is not a counter`);
        return new Counter({ name, help, labelNames: ['method'], registers: [registry] });
    };
    return { requests: get(`${prefix}rpc_requests_total`, 'JSON-RPC requests sent, by method.'), errors: get(`${prefix}rpc_errors_total`, 'JSON-RPC requests that failed, by method.') };
}

/**
 * Creates the Prometheus metrics of a worker (and its automations and spend guard): events
 * ingested, finalized, retracted and undecodable; jobs succeeded, failed, retried and
 * dead-lettered; jobs by state, dead letters, cursor and chain slots and lag, unfinalized events
 * and leadership read from `worker.status()` at scrape time (`status_ok` is 0 when it failed and
 * those gauges read NaN, written `Nan` by prom-client, or vanish); lease changes; worker errors by scope; ingestion
 * disconnects; automation outcomes, resolved effects, reconciliation passes and the paused flag.
 *
 * To count the RPC calls of the worker itself, wrap its rpc with {@link instrumentRpc} on the
 * same registry before creating the worker, then pass that registry here.
 *
 * @param options - the worker, optionally the automations, a spend guard, a registry, prefix and timings
 * @returns the metrics (`render()` for `/metrics`, `close()` on shutdown)
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` naming the bad option (also when the registry already has these metrics)
 * @example
 * ```ts
 * const registry = new Registry();
 * const rpc = instrumentRpc(createSolanaRpc(url), { registry });
 * const worker = createWorker({ rpc, rpcSubscriptions, store, programAddress, decoder: RWA_RAFFLE_EVENTS });
 * const automations = registerRaffleAutomations(worker, { rpc, rpcSubscriptions, cranker, draw, issuer });
 * const metrics = createWorkerMetrics({ worker, automations, registry, defaultMetrics: true });
 * ```
 */
export function createWorkerMetrics(options: WorkerMetricsOptions): WorkerMetrics {
    if (!options || typeof options !== 'object') throw workerConfigInvalid('options', 'pass { worker }');
    const { worker, automations, spendGuard } = options;
    if (!worker || typeof worker.status !== 'function' || typeof worker.events?.on !== 'function') throw workerConfigInvalid('worker', 'expected a worker made by createWorker');
    if (automations !== undefined && (typeof automations?.events?.on !== 'function' || typeof automations.status !== 'function')) {
        throw workerConfigInvalid('automations', 'expected the object registerRaffleAutomations returned');
    }
    if (spendGuard !== undefined && typeof spendGuard?.usage !== 'function') throw workerConfigInvalid('spendGuard', 'expected { usage() }');
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    if (typeof prefix !== 'string' || !/^([a-zA-Z_:][a-zA-Z0-9_:]{0,99})?$/.test(prefix)) throw workerConfigInvalid('prefix', 'must be a Prometheus name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*)');
    const statusCacheMs = options.statusCacheMs ?? 1_000;
    if (!Number.isInteger(statusCacheMs) || statusCacheMs < 0 || statusCacheMs > 3_600_000) throw workerConfigInvalid('statusCacheMs', 'must be an integer from 0 to 3600000');
    if (options.defaultMetrics !== undefined && typeof options.defaultMetrics !== 'boolean') throw workerConfigInvalid('defaultMetrics', 'must be a boolean');
    const registry = options.registry ?? new Registry();
    if (!(registry instanceof Registry)) throw workerConfigInvalid('registry', 'must be a prom-client Registry');

    // `worker.status()` once per scrape (a call in flight is shared) or per statusCacheMs, for every gauge; null when it failed.
    let cached: { at: number; pending: boolean; value: Promise<WorkerStatus | null> } | null = null;
    function snapshot(): Promise<WorkerStatus | null> {
        const now = Date.now();
        if (cached && (cached.pending || now - cached.at < statusCacheMs)) return cached.value;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<null>(resolve => {
            timer = setTimeout(() => resolve(null), STATUS_TIMEOUT_MS);
            timer.unref?.();
        });
        const entry: { at: number; pending: boolean; value: Promise<WorkerStatus | null> } = { at: now, pending: true, value: timeout };
        entry.value = Promise.race([Promise.resolve().then(() => worker.status()).then(s => s, () => null), timeout]).finally(() => {
            clearTimeout(timer);
            entry.pending = false;
        });
        cached = entry;
        return entry.value;
    }

    const created: string[] = [];
    const counter = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) => {
        const metric = new Counter<L>({ name: prefix + name, help, labelNames, registers: [registry] });
        created.push(prefix + name);
        return metric;
    };
    const gauge = <L extends string = never>(name: string, help: string, labelNames: readonly L[], collect?: (g: Gauge<L>) => Promise<void> | void) => {
        const metric = new Gauge<L>({ name: prefix + name, help, labelNames, registers: [registry], ...(collect ? { collect() { return collect(this); } } : {}) });
        created.push(prefix + name);
        return metric;
    };
    /** A gauge read from the status: NaN (or no series, with labels) when the status is unknown. */
    const statusGauge = <L extends string = never>(name: string, help: string, labelNames: readonly L[], apply: (g: Gauge<L>, s: WorkerStatus) => void) =>
        gauge(name, help, labelNames, async g => {
            const s = await snapshot();
            if (s !== null) apply(g, s);
            else if (labelNames.length > 0) g.reset();
            else (g as Gauge).set(NaN);
        });

    const listeners: (readonly [LooseEmitter, string, Listener])[] = [];
    const removeListeners = () => listeners.splice(0).forEach(([emitter, name, listener]) => emitter.off(name, listener));
    function on<T>(emitter: LooseEmitter, name: string, fn: (payload: T) => void): void {
        const listener = ((payload: T) => {
            try {
                fn(payload);
            } catch {
                // Metrics never break the emitter.
            }
        }) as Listener;
        emitter.on(name, listener);
        listeners.push([emitter, name, listener]);
    }

    try {
        if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix });
        const w = worker.events as unknown as LooseEmitter;
        gauge('status_ok', '1 when the last worker.status() answered, 0 when it failed or timed out.', [], async g => g.set((await snapshot()) === null ? 0 : 1));
        const received = counter('events_received_total', 'Events that entered the inbox, by source.', ['source'] as const);
        for (const source of ['live', 'backfill', 'redrive']) received.inc({ source }, 0);
        const finalized = counter('events_finalized_total', 'Events that became finalized.');
        const retracted = counter('events_retracted_total', 'Events retracted by a fork.');
        const undecodable = counter('events_undecodable_total', 'Program events that did not decode (dead-lettered with their raw data).');
        const succeeded = counter('jobs_succeeded_total', 'Jobs completed, by kind (handler, task, ingest).', ['kind'] as const);
        const failed = counter('jobs_failed_total', 'Job attempts failed, by kind.', ['kind'] as const);
        const retries = counter('job_retries_total', 'Job retries, by scope (in-process or rescheduled).', ['scope'] as const);
        for (const scope of ['in-process', 'rescheduled']) retries.inc({ scope }, 0);
        const dead = counter('dead_letters_total', 'Jobs that became dead letters.');
        const leaseChanges = counter('lease_changes_total', 'Leadership changes of this replica (acquired, lost, released).', ['change'] as const);
        const errors = counter('errors_total', 'Background loop failures, by scope (service scopes count as service).', ['scope'] as const);
        const disconnects = counter('ingest_disconnects_total', 'Drops of the live log subscription.');
        const resolved = counter('effects_resolved_total', 'Effects resolved from the chain after a crash or an error, by status.', ['status'] as const);
        for (const status of ['confirmed', 'failed', 'expired']) resolved.inc({ status }, 0);
        const pruned = counter('retention_pruned_total', 'Records deleted by retention, by kind (jobs, events, effects, audit).', ['kind'] as const);
        for (const kind of ['jobs', 'events', 'effects', 'audit']) pruned.inc({ kind }, 0);
        rpcCounters(registry, prefix);

        statusGauge('dead_letters', 'Dead letters of the queue now.', [], (g, s) => g.set(s.queue.deadLetters));
        statusGauge('jobs', 'Jobs by state: pending (waiting or running, any replica), in_flight (running here), dead.', ['state'] as const, (g, s) => {
            g.set({ state: 'pending' }, s.queue.pending);
            g.set({ state: 'in_flight' }, s.queue.inFlight);
            g.set({ state: 'dead' }, s.queue.deadLetters);
        });
        statusGauge('cursor_slot', 'Slot of the durable ingestion cursor (NaN before the first).', [], (g, s) => g.set(s.cursor ? Number(s.cursor.slot) : NaN));
        statusGauge('chain_slot', "The chain's confirmed slot (NaN when the RPC did not answer).", [], (g, s) => g.set(s.chainSlot === null ? NaN : Number(s.chainSlot)));
        statusGauge('slot_lag', 'Slots between the chain and the cursor (NaN when unknown).', [], (g, s) => g.set(s.lagSlots === null ? NaN : Number(s.lagSlots)));
        statusGauge('unfinalized_events', 'Events not finalized yet (at most 1000 counted).', [], (g, s) => g.set(s.unfinalizedEvents));
        const leader = gauge('leader', '1 while this replica is the ingestion leader, 0 as a follower or stopped.', [], async g => {
            const s = await snapshot();
            if (s !== null) g.set(s.role === 'leader' ? 1 : 0);
        });
        on<WorkerEvents['event:received']>(w, 'event:received', p => received.inc({ source: ['live', 'backfill', 'redrive'].includes(p.source) ? p.source : 'other' }));
        on(w, 'event:finalized', () => finalized.inc());
        on(w, 'event:retracted', () => retracted.inc());
        on(w, 'event:undecodable', () => undecodable.inc());
        on<WorkerEvents['handler:succeeded']>(w, 'handler:succeeded', p => succeeded.inc({ kind: jobKind(p.name) }));
        on<WorkerEvents['handler:failed']>(w, 'handler:failed', p => failed.inc({ kind: jobKind(p.name) }));
        on<WorkerEvents['job:retry']>(w, 'job:retry', p => retries.inc({ scope: p.scope === 'in-process' || p.scope === 'rescheduled' ? p.scope : 'other' }));
        on(w, 'job:dead', () => dead.inc());
        on(w, 'lease:acquired', () => (leaseChanges.inc({ change: 'acquired' }), leader.set(1)));
        on(w, 'lease:lost', () => (leaseChanges.inc({ change: 'lost' }), leader.set(0)));
        on(w, 'lease:released', () => (leaseChanges.inc({ change: 'released' }), leader.set(0)));
        on(w, 'worker:stopped', () => leader.set(0));
        on<WorkerEvents['worker:error']>(w, 'worker:error', p => {
            const scope = String(p.scope);
            errors.inc({ scope: scope.startsWith('service:') ? 'service' : ERROR_SCOPES.has(scope) ? scope : 'other' });
        });
        on(w, 'ingest:disconnected', () => disconnects.inc());
        on<WorkerEvents['retention:pruned']>(w, 'retention:pruned', p => {
            for (const kind of ['jobs', 'events', 'effects', 'audit'] as const) if (Number.isSafeInteger(p[kind]) && p[kind] > 0) pruned.inc({ kind }, p[kind]);
        });
        on<WorkerEvents['effect:resolved']>(w, 'effect:resolved', p => resolved.inc({ status: ['confirmed', 'failed', 'expired'].includes(p.status) ? p.status : 'other' }));

        if (automations) {
            const a = automations.events as unknown as LooseEmitter;
            const action = boundedLabel(['request-draw', 'answer-draw', 'claim-prize', 'claim-proceeds', 'refund', 'issue-tickets', 'timer', 'advance', 'reconcile'], 32);
            const done = counter('automations_done_total', 'Automation effects done, by action and outcome (sent, already_done).', ['action', 'outcome'] as const);
            const failures = counter('automations_failed_total', 'Automation steps failed, by action and whether they are retried.', ['action', 'will_retry'] as const);
            const passes = counter('reconcile_passes_total', 'Reconciliation sweeps completed.');
            const lastPass = gauge('reconcile_last_duration_seconds', 'Duration of the last reconciliation sweep (NaN before the first).', []);
            lastPass.set(NaN);
            gauge('automations_paused', '1 while the automations are paused.', [], g => {
                try {
                    g.set(automations.status().paused ? 1 : 0);
                } catch {
                    g.set(NaN);
                }
            });
            on<RaffleAutomationEvents['automation:done']>(a, 'automation:done', p => done.inc({ action: action(p.action), outcome: p.alreadyDone ? 'already_done' : 'sent' }));
            on<RaffleAutomationEvents['automation:failed']>(a, 'automation:failed', p => failures.inc({ action: action(p.action), will_retry: p.willRetry ? 'true' : 'false' }));
            on<RaffleAutomationEvents['reconcile:done']>(a, 'reconcile:done', p => {
                passes.inc();
                if (Number.isFinite(p.ms)) lastPass.set(p.ms / 1000);
            });
        }
        if (spendGuard) {
            const field = boundedLabel([], 32);
            gauge('spend_usage', "The spend guard's numeric usage fields (nested names joined with _).", ['field'] as const, async g => {
                g.reset();
                let usage: unknown;
                try {
                    usage = await spendGuard.usage();
                } catch {
                    return;
                }
                for (const [name, value] of numericFields(usage)) {
                    const label = field(name);
                    if (label !== 'other') g.set({ field: label }, value);
                }
            });
            if (typeof spendGuard.holds === 'function') {
                gauge('spend_holds', 'Spending held for an operator now.', [], g => {
                    try {
                        g.set(spendGuard.holds!().length);
                    } catch {
                        g.set(NaN);
                    }
                });
            }
        }
    } catch (e) {
        removeListeners();
        for (const name of created) registry.removeSingleMetric(name);
        if (e instanceof Error && /already been registered/.test(e.message)) throw workerConfigInvalid('registry', `${e.message} (use another registry or prefix)`);
        throw e;
    }

    return {
        registry,
        prefix,
        get contentType() {
            return registry.contentType;
        },
        render: () => registry.metrics(),
        close: removeListeners,
    };
}

/** Numeric leaves of a usage object, two levels deep (`{ lamports: { used } }` -> `lamports_used`), at most 64. */
function numericFields(value: unknown): [string, number][] {
    const out: [string, number][] = [];
    const visit = (v: unknown, path: string, depth: number) => {
        if (out.length >= 64) return;
        const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && /^-?\d{1,30}(\.\d{1,18})?$/.test(v) ? Number(v) : null;
        if (n !== null && path !== '') {
            if (Number.isFinite(n)) out.push([path, n]);
            return;
        }
        if (typeof v !== 'object' || v === null || Array.isArray(v) || depth >= 2) return;
        for (const [key, child] of Object.entries(v).slice(0, 64)) if (/^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(key)) visit(child, path === '' ? key : `${path}_${key}`, depth + 1);
    };
    visit(value, '', 0);
    return out;
}

/** The Solana JSON-RPC (and DAS) method names that get their own label; any other name counts as `other`. */
const RPC_METHODS = new Set(
    `getAccountInfo getBalance getBlock getBlockCommitment getBlockHeight getBlockProduction getBlockTime getBlocks getBlocksWithLimit getClusterNodes
    getEpochInfo getEpochSchedule getFeeForMessage getFirstAvailableBlock getGenesisHash getHealth getHighestSnapshotSlot getIdentity
    getInflationGovernor getInflationRate getInflationReward getLargestAccounts getLatestBlockhash getLeaderSchedule getMaxRetransmitSlot
    getMaxShredInsertSlot getMinimumBalanceForRentExemption getMultipleAccounts getProgramAccounts getRecentPerformanceSamples
    getRecentPrioritizationFees getSignatureStatuses getSignaturesForAddress getSlot getSlotLeader getSlotLeaders getStakeMinimumDelegation getSupply
    getTokenAccountBalance getTokenAccountsByDelegate getTokenAccountsByOwner getTokenLargestAccounts getTokenSupply getTransaction getTransactionCount
    getVersion getVoteAccounts isBlockhashValid minimumLedgerSlot requestAirdrop sendTransaction simulateTransaction getAsset getAssetProof
    getAssetsByOwner getAssetsByGroup searchAssets`
        .trim()
        .split(/\s+/),
);

/**
 * Wraps a kit RPC client (`createSolanaRpc`) so that every `send()` counts in
 * `<prefix>rpc_requests_total{method}` and every failure in `<prefix>rpc_errors_total{method}`
 * (a request aborted by its caller is not a failure). The method label is the Solana RPC method
 * name for known methods and `other` for any other name, so the label stays bounded; series
 * appear only for methods actually called. The result has the input's type and behaves the same.
 *
 * @param rpc - the RPC client
 * @param metrics - the {@link WorkerMetrics}, or `{ registry, prefix? }` to wrap before the metrics exist
 * @returns the instrumented client, typed exactly as `rpc`
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` when `rpc` or `metrics` is not usable
 * @example
 * ```ts
 * const registry = new Registry();
 * const rpc = instrumentRpc(createSolanaRpc(url), { registry });
 * const slot = await rpc.getSlot().send(); // counts rpc_requests_total{method="getSlot"}
 * ```
 */
export function instrumentRpc<TRpc extends object>(rpc: TRpc, metrics: RpcMetricsTarget): TRpc {
    if ((typeof rpc !== 'object' && typeof rpc !== 'function') || rpc === null) throw workerConfigInvalid('rpc', 'expected an RPC client (createSolanaRpc)');
    if (!metrics || !(metrics.registry instanceof Registry)) throw workerConfigInvalid('metrics', 'expected the worker metrics or { registry }');
    const { requests, errors } = rpcCounters(metrics.registry, metrics.prefix ?? DEFAULT_PREFIX);
    // The proxy's own target is empty, so wrapping a frozen client breaks no proxy invariant.
    return new Proxy(Object.create(null) as TRpc, {
        has: (_target, property) => Reflect.has(rpc, property),
        get(_target, property) {
            const value = Reflect.get(rpc, property, rpc) as unknown;
            if (typeof property !== 'string' || property === 'then' || typeof value !== 'function') return value;
            const method = RPC_METHODS.has(property) ? property : 'other';
            return (...args: unknown[]) => {
                const pending = (value as (...a: unknown[]) => unknown).apply(rpc, args);
                if (typeof pending !== 'object' || pending === null || typeof (pending as { send?: unknown }).send !== 'function') return pending;
                const send = (pending as { send: (options?: { abortSignal?: AbortSignal }) => Promise<unknown> }).send;
                const wrapped = Object.create(pending) as object;
                Object.defineProperty(wrapped, 'send', {
                    enumerable: true,
                    value: async (options?: { abortSignal?: AbortSignal }) => {
                        requests.inc({ method });
                        try {
                            return await send.call(pending, options);
                        } catch (e) {
                            if (!options?.abortSignal?.aborted) errors.inc({ method });
                            throw e;
                        }
                    },
                });
                return wrapped;
            };
        },
    });
}
