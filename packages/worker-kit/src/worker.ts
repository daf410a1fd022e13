/**
 * `createWorker`: the generic event worker. It ingests any Anchor program's events given its
 * decoder table (the raffle program's `RWA_RAFFLE_EVENTS` gives typed raffle handlers), delivers
 * them to handlers as durable jobs at the commitment each handler asks for, and tells handlers
 * later when an event was finalized or retracted. One replica (the lease holder) ingests; every
 * replica runs jobs.
 *
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';

import type { Signature } from '@solana/kit';

import { createEventDecoder, type DecodeResult, type EventDecoder, type EventDecoderTable, type EventMapOf } from './ingestion/decoder';
import { eventId } from './ingestion/identity';
import { enqueueDeliveries, type InboxContext, type JobDispatch, rawOf, recordObservedEvents } from './ingestion/inbox';
import { checkedCursorName, createIngestion, type ObservedTransaction } from './ingestion/ingestor';
import { type EffectFunction, runEffect } from './runtime/effect';
import { eventRetracted, UnrecoverableError, workerConfigInvalid, workerStateInvalid } from './runtime/errors';
import { asError, createWorkerEmitter, emitSafely } from './runtime/events';
import {
    createHandlerRegistry,
    type DeliveredEvent,
    type EventHandler,
    type HandlerJobPayload,
    type HandlerOptions,
    TRUNCATED_JOB_NAME,
    type TruncatedJobPayload,
    UNDECODABLE_JOB_NAME,
    type UndecodableJobPayload,
} from './runtime/handlers';
import { createJobRunner, type JobControl, type JobRunner } from './runtime/job-runner';
import { runLeaderElection } from './runtime/leader';
import { assertWorkerOptions } from './runtime/options';
import { resolveRetryPolicy } from './runtime/retry';
import { createBatcher } from './runtime/batcher';
import { type CursorRecord, type EventKey, type InboxEvent, type JobRecord, type LeaseRecord, MAX_BATCH_SIZE } from './store/types';
import type { CreateWorkerOptions, TaskFunction, Worker, WorkerService, WorkerServiceContext, WorkerStatus } from './worker-types';

export type {
    CreateWorkerOptions,
    EnqueueTaskInput,
    ReplayInput,
    TaskFunction,
    TaskOptions,
    Worker,
    WorkerHealth,
    WorkerRpc,
    WorkerService,
    WorkerServiceContext,
    WorkerStatus,
} from './worker-types';

const TASK_PREFIX = 'task:';

function isDecoder(value: unknown): value is EventDecoder {
    return typeof value === 'object' && value !== null && typeof (value as EventDecoder).decode === 'function' && 'table' in value;
}

/**
 * Creates a worker for one program.
 *
 * @param options - rpc, subscriptions, store, program, decoder table and tuning
 * @returns the worker (not started)
 * @throws a RaffleError when an option is invalid
 * @example
 * ```ts
 * import { RWA_RAFFLE_EVENTS, RWA_RAFFLE_PROGRAM_ADDRESS } from '@raffle/client';
 * const worker = createWorker({ rpc, rpcSubscriptions, store, programAddress: RWA_RAFFLE_PROGRAM_ADDRESS, decoder: RWA_RAFFLE_EVENTS });
 * worker.events.on('job:dead', ({ jobId, error }) => alert(jobId, error));
 * await worker.start();
 * ```
 */
export function createWorker<TTable extends EventDecoderTable>(options: CreateWorkerOptions<TTable>): Worker<EventMapOf<TTable>> {
    if (!options || typeof options !== 'object') throw workerConfigInvalid('options', 'pass { rpc, rpcSubscriptions, store, programAddress, decoder }');
    for (const key of ['rpc', 'rpcSubscriptions', 'store', 'programAddress', 'decoder'] as const) {
        if (!options[key]) throw workerConfigInvalid(key, 'is required');
    }
    assertWorkerOptions(options);
    const tableDecoder: EventDecoder<TTable> = isDecoder(options.decoder) ? (options.decoder as EventDecoder<TTable>) : createEventDecoder(options.decoder as TTable);
    // An event recorded by this process is usually handled by it moments later: its first handler
    // job takes the decoding done at ingestion instead of decoding again (each decoding is handed
    // to one consumer only, so handlers never share a mutable object).
    const recentlyDecoded = new Map<string, DecodeResult>();
    const decoder: EventDecoder<TTable> = {
        table: tableDecoder.table,
        names: tableDecoder.names,
        decode(raw) {
            const result = tableDecoder.decode(raw);
            if (result.kind === 'decoded') {
                recentlyDecoded.set(raw, result);
                if (recentlyDecoded.size > 10_000) recentlyDecoded.delete(recentlyDecoded.keys().next().value!);
            }
            return result;
        },
    };
    /** The decoding for a handler: the ingestion's one when still there (taken), else a fresh one. */
    function decodeForHandler(raw: string): DecodeResult {
        const cached = recentlyDecoded.get(raw);
        if (cached === undefined) return tableDecoder.decode(raw);
        recentlyDecoded.delete(raw);
        return cached;
    }
    const owner = options.owner ?? `worker-${randomUUID()}`;
    const queue = options.queue ?? `events:${options.programAddress}`;
    const leaseName = options.leader?.name ?? `leader:${options.programAddress}`;
    const cursorName = `ingest:${options.programAddress}`;
    const retry = resolveRetryPolicy(options.retry);
    const { store, rpc } = options;
    const events = createWorkerEmitter();
    const handlers = createHandlerRegistry(decoder.names);
    const services: WorkerService[] = [];
    const tasks = new Map<string, { run: TaskFunction; maxAttempts: number }>();
    const startedServices: WorkerService[] = [];
    let runner: JobRunner | null = null;
    let state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
    let leading: LeaseRecord | null = null;
    const stopController = new AbortController();
    let election: Promise<void> | null = null;
    let stopping: Promise<void> | null = null;

    // Jobs that start in the same turn read their events with one store call.
    const readEvent = createBatcher((keys: EventKey[]) => store.getEvents(keys), MAX_BATCH_SIZE);

    /** Events handed over with jobs this replica enqueued claimed (direct dispatch): no read-back. */
    const prefetched = new Map<string, InboxEvent>();
    const dispatch: JobDispatch = {
        owner,
        get leaseMs() {
            return runner?.leaseMs ?? 30_000;
        },
        reserve: n => runner?.reserve(n) ?? 0,
        adopt(job, event) {
            prefetched.set(job.id, event);
            if (!runner?.adopt(job)) prefetched.delete(job.id);
        },
        unreserve: n => runner?.unreserve(n),
    };
    const inbox: InboxContext = {
        store,
        decoder: decoder as unknown as EventDecoder,
        handlers,
        events,
        queue,
        maxAttempts: retry.maxAttempts,
        onEnqueued: () => runner?.poke(),
        dispatch,
        storeFields: options.storeDecodedFields ?? true,
    };
    const ingestion = createIngestion({
        ...inbox,
        rpc,
        rpcSubscriptions: options.rpcSubscriptions,
        store,
        programAddress: options.programAddress,
        cursorName,
        ...(options.ingestion ? { options: options.ingestion } : {}),
    });

    async function executeUndecodable(job: JobRecord): Promise<void> {
        const p = job.payload as unknown as UndecodableJobPayload;
        const result = decoder.decode(p.raw);
        if (result.kind !== 'decoded') throw new UnrecoverableError(`undecodable event ${p.signature}:${p.instructionIndex}:${p.eventIndex}: ${p.reason}`);
        // Redriven after the decoder table learnt the event: record it like a fresh observation.
        await recordObservedEvents(inbox, [{ signature: p.signature, instructionIndex: p.instructionIndex, eventIndex: p.eventIndex, slot: BigInt(p.slot), raw: p.raw }], 'confirmed', 'redrive');
    }

    async function executeTruncated(job: JobRecord): Promise<void> {
        const p = job.payload as unknown as TruncatedJobPayload;
        const { truncated } = await ingestion.reprocessTransaction(p.signature);
        if (truncated) throw new UnrecoverableError(`transaction ${p.signature}: ${p.reason}`);
    }

    async function executeTask(job: JobRecord, control: JobControl): Promise<void> {
        const name = job.name.slice(TASK_PREFIX.length);
        const task = tasks.get(name);
        if (!task) throw new Error(`no task "${name}" on replica ${owner}; define it on every replica`);
        const id = job.id.slice(TASK_PREFIX.length + name.length + 1);
        await task.run({
            payload: job.payload,
            id,
            attempt: job.attempts,
            get signal() {
                return control.signal;
            },
        });
    }

    async function executeHandler(job: JobRecord, control: JobControl): Promise<void> {
        const p = job.payload as unknown as HandlerJobPayload;
        const handler = handlers.get(p.eventName, p.handler);
        if (!handler) throw new Error(`no handler "${p.handler}" for ${p.eventName} on replica ${owner}; register it on every replica`);
        const key: EventKey = { signature: p.signature, instructionIndex: p.instructionIndex, eventIndex: p.eventIndex };
        // The event as this replica recorded it a moment ago (first attempt of a dispatched job), else as stored now.
        const handedOver = prefetched.get(job.id);
        if (handedOver) prefetched.delete(job.id);
        const stored = handedOver ?? (await readEvent(key));
        // Nothing runs for a retracted event, except the retraction notice itself.
        if (stored?.commitment === 'retracted' && p.kind !== 'retracted') return;
        const raw = (stored ? rawOf(stored) : null) ?? (p as { raw?: unknown }).raw; // version-1 jobs carried raw
        if (typeof raw !== 'string') throw new UnrecoverableError(`event ${eventId(key)} is not in the inbox; a handler job needs its event`);
        const decoded = decodeForHandler(raw);
        if (decoded.kind !== 'decoded') throw new UnrecoverableError(`event ${eventId(key)} no longer decodes with this decoder table`);
        const run = p.kind === 'deliver' ? handler.run : p.kind === 'finalized' ? handler.onFinalized : handler.onRetracted;
        if (!run) return;
        const effect: EffectFunction = async (effectKey, intent, effectRun) => {
            const now = await store.getEvent(key);
            if (now?.commitment === 'retracted') throw new UnrecoverableError(eventRetracted(eventId(key)).message);
            return runEffect(
                { rpc, store, onResolved: info => emitSafely(events, 'effect:resolved', info) },
                { key: effectKey, intent, run: effectRun, signal: control.signal },
            );
        };
        const event: DeliveredEvent = {
            signature: key.signature,
            instructionIndex: key.instructionIndex,
            eventIndex: key.eventIndex,
            id: eventId(key),
            name: p.eventName,
            data: decoded.data,
            slot: BigInt(p.slot),
        };
        await run({
            event,
            kind: p.kind,
            attempt: job.attempts,
            // The job's signal is made only if the handler reads it.
            get signal() {
                return control.signal;
            },
            effect,
        });
    }

    const worker: Worker<EventMapOf<TTable>> = {
        events,
        owner,
        store,
        handle(eventName, handlerName, handler, handlerOptions) {
            if (state !== 'idle') throw workerStateInvalid('register a handler', state);
            handlers.add(eventName, handlerName, handler as EventHandler<string, unknown>, (handlerOptions ?? {}) as HandlerOptions<string, unknown>);
            return worker;
        },
        task(name, run, taskOptions) {
            if (state !== 'idle') throw workerStateInvalid('define a task', state);
            if (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(name)) throw workerConfigInvalid('task name', 'must be 1-100 letters, digits, dots, dashes or underscores');
            if (tasks.has(name)) throw workerConfigInvalid('task name', `"${name}" is already defined`);
            if (typeof run !== 'function') throw workerConfigInvalid('task', 'must be a function');
            const maxAttempts = taskOptions?.maxAttempts ?? retry.maxAttempts;
            if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 1_000) throw workerConfigInvalid('maxAttempts', 'must be an integer from 1 to 1000');
            tasks.set(name, { run: run as TaskFunction, maxAttempts });
            return worker;
        },
        async enqueueTask(name, input) {
            const task = tasks.get(name);
            if (!task) throw workerConfigInvalid('task name', `"${String(name)}" is not defined (worker.task first)`);
            if (!input || typeof input !== 'object' || typeof input.id !== 'string' || input.id === '' || input.id.length > 400) {
                throw workerConfigInvalid('id', 'must be a string of 1-400 characters');
            }
            if (input.runAt !== undefined && (!Number.isFinite(input.runAt) || input.runAt < 0)) throw workerConfigInvalid('runAt', 'must be a time in ms');
            const jobId = `${TASK_PREFIX}${name}:${input.id}`;
            const result = await store.enqueueJob({
                id: jobId,
                queue,
                name: `${TASK_PREFIX}${name}`,
                payload: input.payload ?? null,
                maxAttempts: task.maxAttempts,
                ...(input.runAt === undefined ? {} : { runAt: input.runAt }),
            });
            runner?.poke();
            return { created: result.created, jobId };
        },
        attach(service) {
            if (state !== 'idle') throw workerStateInvalid('attach a service', state);
            if (!service || typeof service !== 'object' || typeof service.start !== 'function' || typeof service.stop !== 'function' || typeof service.name !== 'string') {
                throw workerConfigInvalid('service', 'expected { name, start(context), stop() }');
            }
            services.push(service);
            return worker;
        },
        async start() {
            if (state !== 'idle') throw workerStateInvalid('start', state);
            state = 'running';
            try {
                await store.ready();
            } catch (e) {
                state = 'idle';
                throw e;
            }
            runner = createJobRunner({
                store,
                owner,
                queue,
                retry,
                events,
                execute: (job, control) =>
                    job.name === UNDECODABLE_JOB_NAME
                        ? executeUndecodable(job)
                        : job.name === TRUNCATED_JOB_NAME
                          ? executeTruncated(job)
                          : job.name.startsWith(TASK_PREFIX)
                            ? executeTask(job, control)
                            : executeHandler(job, control),
                describe: job => {
                    if (job.name.startsWith(TASK_PREFIX)) return { eventId: null, handler: null };
                    const p = job.payload as { signature?: string; instructionIndex?: number; eventIndex?: number; handler?: string } | null;
                    const id = p && typeof p.signature === 'string' ? eventId({ signature: p.signature, instructionIndex: p.instructionIndex ?? 0, eventIndex: p.eventIndex ?? 0 }) : null;
                    return { eventId: id, handler: p && typeof p.handler === 'string' ? p.handler : null };
                },
                ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
                ...(options.jobLeaseMs === undefined ? {} : { leaseMs: options.jobLeaseMs }),
                ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
                ...(options.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: options.drainTimeoutMs }),
            });
            runner.start();
            if ((options.role ?? 'leader-eligible') === 'leader-eligible') {
                election = runLeaderElection({
                    store,
                    name: leaseName,
                    owner,
                    events,
                    signal: stopController.signal,
                    ...(options.leader?.ttlMs === undefined ? {} : { ttlMs: options.leader.ttlMs }),
                    ...(options.leader?.renewMs === undefined ? {} : { renewMs: options.leader.renewMs }),
                    onChange: lease => {
                        leading = lease;
                    },
                    lead: (fence, signal) => ingestion.run(fence, signal),
                }).catch(e => emitSafely(events, 'worker:error', { scope: 'lease', error: asError(e) }));
            }
            const context: WorkerServiceContext = { store, owner, events, isLeader: () => leading !== null && state === 'running' };
            for (const service of services) {
                try {
                    await service.start(context);
                    startedServices.push(service);
                } catch (e) {
                    await worker.stop();
                    throw e;
                }
            }
            emitSafely(events, 'worker:started', { owner });
        },
        stop() {
            stopping ??= (async () => {
                if (state === 'idle') {
                    state = 'stopped';
                    return;
                }
                state = 'stopping';
                // Intake stops first (no job is claimed any more, ingestion ends), then the
                // services stop while in-flight jobs drain: a job that fails because a service it
                // used stopped is handed back, its attempt not spent.
                stopController.abort();
                const draining = runner ? runner.stop() : Promise.resolve({ abandoned: 0 });
                for (const service of startedServices.splice(0).reverse()) {
                    try {
                        await service.stop();
                    } catch (e) {
                        emitSafely(events, 'worker:error', { scope: `service:${service.name}`, error: asError(e) });
                    }
                }
                const { abandoned } = await draining;
                await election;
                state = 'stopped';
                emitSafely(events, 'worker:stopped', { owner, abandonedJobs: abandoned });
            })();
            return stopping;
        },
        async status() {
            const [cursor, checked, lease, dead, open, chainSlot, pending] = await Promise.all([
                store.getCursor(cursorName) as Promise<CursorRecord | null>,
                store.getCursor(checkedCursorName(cursorName)),
                store.getLease(leaseName),
                store.countJobs({ queue, statuses: ['dead'] }),
                store.listEvents({ commitments: ['seen', 'confirmed'], limit: 1000 }),
                rpc
                    .getSlot({ commitment: 'confirmed' })
                    .send()
                    .then(s => BigInt(s), () => null),
                store.countJobs({ queue, statuses: ['pending', 'running'] }),
            ]);
            const ing = ingestion.state();
            return {
                owner,
                role: state !== 'running' ? 'stopped' : leading !== null ? 'leader' : 'follower',
                lease,
                cursor: cursor ? { slot: cursor.slot, signature: cursor.signature, updatedAt: cursor.updatedAt } : null,
                chainSlot,
                lagSlots: lagOf(chainSlot, cursor, checked),
                ingestion: { live: ing.live, lastBackfillAt: ing.lastBackfillAt, pendingSignatures: ing.pendingSignatures },
                queue: { name: queue, inFlight: runner?.inFlight ?? 0, pending, deadLetters: dead },
                unfinalizedEvents: open.length,
            };
        },
        async health() {
            let status: WorkerStatus | null = null;
            let storeOk = true;
            try {
                status = await worker.status();
            } catch {
                storeOk = false;
            }
            const rpcOk = status?.chainSlot !== null && status !== null;
            const interval = options.ingestion?.backfillIntervalMs ?? 5_000;
            const ingestionOk =
                status === null ? false : status.role !== 'leader' || (status.ingestion.lastBackfillAt !== null && Date.now() - status.ingestion.lastBackfillAt < interval * 5 + 30_000);
            return { ok: storeOk && rpcOk && ingestionOk && state === 'running', checks: { store: storeOk, rpc: rpcOk, ingestion: ingestionOk }, status };
        },
        deadLetters: {
            list: input => store.listDeadLetters({ ...input, queue }),
            inspect: async id => {
                const job = await store.getJob(id);
                return job && job.queue === queue ? job : null;
            },
            redrive: async (id, redriveOptions) => {
                const job = await store.redriveDeadLetter({ id, ...(redriveOptions?.runAt === undefined ? {} : { runAt: redriveOptions.runAt }) });
                if (job) {
                    emitSafely(events, 'job:redriven', { jobId: id });
                    runner?.poke();
                }
                return job;
            },
        },
        async replay(input) {
            let fromSlot = input.fromSlot;
            if (fromSlot === undefined && input.fromSignature !== undefined) {
                const { value } = await rpc.getSignatureStatuses([input.fromSignature as Signature], { searchTransactionHistory: true }).send();
                const status = value[0];
                if (!status) throw workerConfigInvalid('fromSignature', 'the RPC node does not know this signature');
                fromSlot = BigInt(status.slot);
            }
            if (fromSlot === undefined) throw workerConfigInvalid('fromSlot', 'pass fromSlot or fromSignature');
            const generation = input.generation ?? String(Date.now());
            const only = input.handlers ? new Set(input.handlers) : null;
            const replayInbox: InboxContext = only
                ? { ...inbox, handlers: { ...handlers, forEvent: name => handlers.forEvent(name).filter(h => only.has(h.handlerName)) } }
                : inbox;
            let count = 0;
            let jobs = 0;
            const seen = new Set<string>();
            let minSlot = fromSlot;
            for (;;) {
                const page = await store.listEvents({ minSlot, ...(input.toSlot === undefined ? {} : { maxSlot: input.toSlot }), limit: 1000 });
                const fresh = page.filter(event => {
                    const id = eventId(event);
                    if (seen.has(id)) return false;
                    seen.add(id);
                    return true;
                });
                const live = fresh.filter(event => event.commitment !== 'retracted');
                count += live.length;
                jobs += await enqueueDeliveries(replayInbox, live, generation);
                if (page.length < 1000 || fresh.length === 0) break;
                minSlot = page[page.length - 1]!.slot;
            }
            return { events: count, jobs };
        },
        async ingestTransactions(transactions) {
            if (state === 'stopping' || state === 'stopped') throw workerStateInvalid('ingest transactions', state);
            if (!Array.isArray(transactions)) throw workerConfigInvalid('transactions', 'expected an array');
            transactions.forEach(checkObservedTransaction);
            return ingestion.ingestTransactions(transactions);
        },
        installSignalHandlers(signals = ['SIGTERM', 'SIGINT']) {
            const onSignal = () => void worker.stop();
            for (const s of signals) process.once(s, onSignal);
            return () => {
                for (const s of signals) process.off(s, onSignal);
            };
        },
    };
    return worker;
}

/** Slots between the chain and what ingestion has checked (the cursor, or the finalized slot a caught-up pass saw). */
function lagOf(chainSlot: bigint | null, cursor: CursorRecord | null, checked: CursorRecord | null): bigint | null {
    if (chainSlot === null || cursor === null) return null;
    const through = checked !== null && checked.slot > cursor.slot ? checked.slot : cursor.slot;
    return chainSlot > through ? chainSlot - through : 0n;
}

/** Checks a transaction handed to `ingestTransactions` (hostile input: a webhook body). */
function checkObservedTransaction(tx: ObservedTransaction, index: number): void {
    const at = `transactions[${index}]`;
    if (!tx || typeof tx !== 'object') throw workerConfigInvalid(at, 'expected { signature, slot, logs, err }');
    if (typeof tx.signature !== 'string' || !/^[1-9A-HJ-NP-Za-km-z]{64,88}$/.test(tx.signature)) throw workerConfigInvalid(`${at}.signature`, 'expected a base58 transaction signature');
    if (typeof tx.slot !== 'bigint' || tx.slot < 0n) throw workerConfigInvalid(`${at}.slot`, 'expected a non-negative bigint');
    if (!Array.isArray(tx.logs) || !tx.logs.every(line => typeof line === 'string')) throw workerConfigInvalid(`${at}.logs`, 'expected an array of strings');
    if (!('err' in tx)) throw workerConfigInvalid(`${at}.err`, 'is required: null for a successful transaction, the error otherwise');
    if (tx.commitment !== undefined && tx.commitment !== 'confirmed' && tx.commitment !== 'finalized') throw workerConfigInvalid(`${at}.commitment`, 'expected confirmed or finalized');
}
