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

import { workerConfigInvalid, workerStateInvalid } from './core/errors';
import { asError, createWorkerEmitter, emitSafely } from './core/events';
import { eventId } from './core/identity';
import { checkedCursorName, ingestionLagSlots } from './ingestion/cursor';
import { createTruncatedJobKind, createUndecodableJobKind } from './ingestion/dead-letter-jobs';
import { TRUNCATED_JOB_NAME, UNDECODABLE_JOB_NAME } from './ingestion/dead-letters';
import { createEventDecoder, type EventDecoder, type EventDecoderTable, type EventMapOf } from './ingestion/decoder';
import { enqueueDeliveries, type InboxContext, type JobDispatch } from './ingestion/inbox';
import { createIngestion } from './ingestion/ingestor';
import { createPushSource } from './ingestion/sources/push';
import { createProjectionRegistry } from './projections/engine';
import { createProjectionReader } from './projections/reader';
import type { ProjectionDefinition } from './projections/types';
import { createHandlerRegistry, type EventHandler, type HandlerOptions } from './runtime/handlers';
import { createJobRegistry } from './runtime/job-registry';
import { createJobRunner, type JobRunner } from './runtime/job-runner';
import { runLeaderElection } from './runtime/leader';
import { assertWorkerOptions } from './runtime/options';
import { checkRetentionKeep, type RetentionContext, type RetentionKeep, resolveRetentionPolicy, runRetentionLoop, runRetentionPass } from './runtime/retention';
import { resolveRetryPolicy } from './runtime/retry';
import type { LeaseRecord } from './store/types';
import { createHandlerJobs, createTaskJobKind, taskJobId, taskJobName } from './worker-jobs';
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
    const owner = options.owner ?? `worker-${randomUUID()}`;
    const queue = options.queue ?? `events:${options.programAddress}`;
    const leaseName = options.leader?.name ?? `leader:${options.programAddress}`;
    const cursorName = `ingest:${options.programAddress}`;
    const retry = resolveRetryPolicy(options.retry);
    const { store, rpc } = options;
    const events = createWorkerEmitter();
    const handlers = createHandlerRegistry(tableDecoder.names);
    const projections = createProjectionRegistry(tableDecoder.names);
    const handlerJobs = createHandlerJobs({ store, rpc, events, decoder: tableDecoder });
    const jobs = createJobRegistry(owner);
    const services: WorkerService[] = [];
    /** The attempts of each task kind. */
    const tasks = new Map<string, { maxAttempts: number }>();
    const startedServices: WorkerService[] = [];
    let runner: JobRunner | null = null;
    let state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
    let leading: LeaseRecord | null = null;
    const stopController = new AbortController();
    let election: Promise<void> | null = null;
    let stopping: Promise<void> | null = null;

    const dispatch: JobDispatch = {
        owner,
        get leaseMs() {
            return runner?.leaseMs ?? 30_000;
        },
        reserve: n => runner?.reserve(n) ?? 0,
        adopt(job, event) {
            handlerJobs.handOver(job.id, event);
            if (!runner?.adopt(job)) handlerJobs.forget(job.id);
        },
        unreserve: n => runner?.unreserve(n),
    };
    const inbox: InboxContext = {
        store,
        decoder: handlerJobs.decoder,
        handlers,
        events,
        queue,
        maxAttempts: retry.maxAttempts,
        onEnqueued: () => runner?.poke(),
        dispatch,
        storeFields: options.storeDecodedFields ?? true,
        projections,
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

    const kept: RetentionKeep[] = [];
    const retention: RetentionContext | null =
        options.retention === false
            ? null
            : {
                  store,
                  handlers,
                  events,
                  cursorName,
                  forkWindowSlots: BigInt(options.ingestion?.forkWindowSlots ?? 150),
                  policy: resolveRetentionPolicy(options.retention),
                  keep: () => ({
                      effectKeyPrefixes: kept.flatMap(k => k.effectKeyPrefixes ?? []),
                      auditActionPrefixes: kept.flatMap(k => k.auditActionPrefixes ?? []),
                      auditSubjectPrefixes: kept.flatMap(k => k.auditSubjectPrefixes ?? []),
                      auditMinAgeMs: Math.max(0, ...kept.map(k => k.auditMinAgeMs ?? 0)),
                  }),
              };

    // Pushed transactions (webhooks) are accepted on every replica until the worker stops.
    const push = createPushSource();
    void push.run(ingestion.sink, stopController.signal);
    jobs.define(UNDECODABLE_JOB_NAME, createUndecodableJobKind(inbox));
    jobs.define(TRUNCATED_JOB_NAME, createTruncatedJobKind({ rpc, programAddress: options.programAddress, sink: ingestion.sink }));

    const worker: Worker<EventMapOf<TTable>> = {
        events,
        owner,
        store,
        handle(eventName, handlerName, handler, handlerOptions) {
            if (state !== 'idle') throw workerStateInvalid('register a handler', state);
            const registered = handlers.add(eventName, handlerName, handler as EventHandler<string, unknown>, (handlerOptions ?? {}) as HandlerOptions<string, unknown>);
            jobs.define(registered.jobName, handlerJobs.kind(registered));
            return worker;
        },
        project(name, definition) {
            if (state !== 'idle') throw workerStateInvalid('register a projection', state);
            projections.add(name, definition as unknown as ProjectionDefinition);
            return worker;
        },
        projection(name) {
            if (!projections.has(name)) throw workerConfigInvalid('projection name', `"${String(name)}" is not registered (worker.project first)`);
            return createProjectionReader(store, name);
        },
        task(name, run, taskOptions) {
            if (state !== 'idle') throw workerStateInvalid('define a task', state);
            if (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(name)) throw workerConfigInvalid('task name', 'must be 1-100 letters, digits, dots, dashes or underscores');
            if (tasks.has(name)) throw workerConfigInvalid('task name', `"${name}" is already defined`);
            if (typeof run !== 'function') throw workerConfigInvalid('task', 'must be a function');
            const maxAttempts = taskOptions?.maxAttempts ?? retry.maxAttempts;
            if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 1_000) throw workerConfigInvalid('maxAttempts', 'must be an integer from 1 to 1000');
            jobs.define(taskJobName(name), createTaskJobKind(name, run as TaskFunction));
            tasks.set(name, { maxAttempts });
            return worker;
        },
        async enqueueTask(name, input) {
            const task = tasks.get(name);
            if (!task) throw workerConfigInvalid('task name', `"${String(name)}" is not defined (worker.task first)`);
            if (!input || typeof input !== 'object' || typeof input.id !== 'string' || input.id === '' || input.id.length > 400) {
                throw workerConfigInvalid('id', 'must be a string of 1-400 characters');
            }
            if (input.runAt !== undefined && (!Number.isFinite(input.runAt) || input.runAt < 0)) throw workerConfigInvalid('runAt', 'must be a time in ms');
            const jobId = taskJobId(name, input.id);
            const result = await store.enqueueJob({
                id: jobId,
                queue,
                name: taskJobName(name),
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
                execute: jobs.execute,
                describe: jobs.describe,
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
                    leaseMs: options.leader?.leaseMs ?? options.leader?.ttlMs, // `ttlMs`: the deprecated name
                    ...(options.leader?.renewMs === undefined ? {} : { renewMs: options.leader.renewMs }),
                    onChange: lease => {
                        leading = lease;
                    },
                    lead: async (fence, signal) => {
                        // Retention runs beside ingestion for the leader's term, and ends with it.
                        const term = new AbortController();
                        const end = () => term.abort();
                        signal.addEventListener('abort', end, { once: true });
                        const pruning = retention ? runRetentionLoop(retention, term.signal) : Promise.resolve();
                        try {
                            await ingestion.run(fence, signal);
                        } finally {
                            end();
                            signal.removeEventListener('abort', end);
                            await pruning;
                        }
                    },
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
                store.getCursor(cursorName),
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
                lagSlots: ingestionLagSlots(chainSlot, cursor, checked),
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
            return push.push(transactions);
        },
        retain(keep) {
            if (state !== 'idle') throw workerStateInvalid('register what retention keeps', state);
            kept.push(checkRetentionKeep(keep));
            return worker;
        },
        async prune() {
            if (!retention) throw workerConfigInvalid('retention', 'is off (createWorker({ retention: false }))');
            return runRetentionPass(retention);
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
