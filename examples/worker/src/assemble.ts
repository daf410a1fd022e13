/**
 * The worker assembled from its configuration: the store, the clients, `createWorker` with the
 * raffle automations, the activity feed, metrics, the logger hook, notifications, the spend guard
 * and the HTTP handler. Nothing starts here; `app.ts` starts and stops it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { RWA_RAFFLE_EVENTS } from '@raffle/client';
import { createWorker, type Worker, type WorkerStore } from '@raffle/worker-kit';
import {
    attachActivityFeed,
    attachWorkerLogger,
    createWebhookNotifier,
    createWorkerHttpHandler,
    createWorkerMetrics,
    instrumentRpc,
    operatorPage,
    type WorkerHttpHandler,
    type WorkerLogger,
    type WorkerMetrics,
} from '@raffle/worker-kit/ops';
import {
    createBubblegumIssuer,
    createHashChainDrawProvider,
    createSettleDrawProvider,
    createSpendGuard,
    createSplVoucherIssuer,
    type MrftIssuer,
    type RaffleAutomations,
    type RaffleAutomationsOptions,
    type RaffleEvents,
    registerRaffleAutomations,
    registerRaffleNotifications,
    type SpendGuard,
    type SpendGuardOptions,
    type SpendLimit,
} from '@raffle/worker-kit/raffle';
import { createSolanaRpc, createSolanaRpcSubscriptions } from '@solana/kit';

import type { ChainFacts } from './chain-check';
import type { SpendLimitsConfig, StoreConfig, WorkerConfig } from './config';
import type { WorkerKeys } from './keys';

/**
 * The assembled worker, not started.
 *
 * @example
 * ```ts
 * const { worker, handler } = assembleWorker({ config, keys, facts, clients, store, logger, secrets });
 * await worker.start();
 * ```
 */
export interface AssembledWorker {
    readonly worker: Worker<RaffleEvents>;
    readonly automations: RaffleAutomations;
    readonly handler: WorkerHttpHandler;
    readonly spendGuard: SpendGuard | null;
    /** Removes the logger hook (after the worker stopped). */
    readonly detachLogger: () => void;
    /** What is on and off, for the start-up log line. */
    readonly summary: Record<string, unknown>;
}

/**
 * The store the configuration names (not opened: call `ready()`). Only the chosen adapter's
 * subpath is imported, so only its driver is loaded (`pg`, `ioredis`, better-sqlite3 or PGlite).
 * The SQLite store refuses a data directory that holds the PGlite store of an earlier version of
 * this worker (starting an empty store beside it would lose its cursor and effect ledger).
 *
 * @param config - the store settings
 * @param onBackendError - told about connection errors of idle clients (they reconnect by themselves)
 * @returns the store
 * @throws an `Error` when the SQLite store's directory holds a PGlite store and no SQLite file
 * @example
 * ```ts
 * const store = await createStore(config.store, error => logger.warn({ error: error.message }, 'store connection error'));
 * await store.ready();
 * ```
 */
export async function createStore(config: StoreConfig, onBackendError: (error: Error) => void): Promise<WorkerStore> {
    switch (config.kind) {
        case 'postgres': {
            const { createPostgresWorkerStore } = await import('@raffle/worker-kit/postgres');
            return createPostgresWorkerStore({ connectionString: config.url, schema: config.schema, poolConfig: { application_name: 'raffle-example-worker' }, onPoolError: onBackendError });
        }
        case 'redis': {
            const { createRedisWorkerStore } = await import('@raffle/worker-kit/redis');
            return createRedisWorkerStore({ url: config.url, keyPrefix: config.keyPrefix, onError: onBackendError });
        }
        case 'sqlite': {
            if (existsSync(join(config.dataDir, 'PG_VERSION')) && !existsSync(config.path)) {
                throw new Error(
                    `${config.dataDir} holds a PGlite store (the embedded default of earlier versions): set WORKER_EMBEDDED_STORE=pglite to keep using it, or point WORKER_DATA_DIR at another directory for a new SQLite store`,
                );
            }
            const { createSqliteWorkerStore } = await import('@raffle/worker-kit/sqlite');
            return createSqliteWorkerStore({ path: config.path });
        }
        case 'pglite': {
            const { createPgliteWorkerStore } = await import('@raffle/worker-kit/pglite');
            return createPgliteWorkerStore({ dataDir: config.dataDir, schema: config.schema });
        }
    }
}

/**
 * The JSON-RPC and PubSub clients of the configuration.
 *
 * @param config - from `loadConfig`
 * @returns `{ rpc, rpcSubscriptions }`
 * @example
 * ```ts
 * const { rpc } = createClients(config);
 * const slot = await rpc.getSlot().send();
 * ```
 */
export function createClients(config: WorkerConfig) {
    const raw = createSolanaRpc(config.rpcUrl);
    // The metrics exist only once the worker does: calls go through `current`, which becomes the
    // instrumented client (requests and errors per method) as soon as the metrics are made.
    let current: typeof raw = raw;
    const rpc = new Proxy(Object.create(null) as typeof raw, {
        has: (_target, property) => Reflect.has(current, property),
        get: (_target, property) => Reflect.get(current, property, current) as unknown,
    });
    return {
        rpc,
        rpcSubscriptions: createSolanaRpcSubscriptions(config.wsUrl),
        /** Counts every later call in the metrics' registry. */
        instrument(metrics: WorkerMetrics): void {
            current = instrumentRpc(raw, metrics);
        },
    };
}

type Clients = ReturnType<typeof createClients>;

function drawOption(config: WorkerConfig, keys: WorkerKeys): RaffleAutomationsOptions['draw'] {
    const hashChain = config.hashChain && keys.drawAuthority ? createHashChainDrawProvider({ drawAuthority: keys.drawAuthority, seed: config.hashChain.seedHex, length: config.hashChain.length }) : null;
    const settle = keys.settleAuthority ? createSettleDrawProvider({ settleAuthority: keys.settleAuthority }) : null;
    if (hashChain) return settle ? { provider: hashChain, fallback: settle } : { provider: hashChain };
    return settle ? { provider: settle } : false;
}

function issuerOption(config: WorkerConfig, keys: WorkerKeys, facts: ChainFacts, rpc: Clients['rpc']): MrftIssuer | false {
    const issuer = config.issuer;
    if (issuer.kind === 'spl') return facts.mrftMint === null ? false : createSplVoucherIssuer({ rpc, mint: facts.mrftMint, mintAuthority: keys.mrftAuthority });
    if (issuer.kind === 'bubblegum') {
        return createBubblegumIssuer({
            rpc,
            merkleTree: issuer.merkleTree,
            collectionMint: issuer.collectionMint,
            treeDelegate: keys.mrftAuthority,
            metadataBaseUri: issuer.metadataBaseUri,
            ...(keys.collectionAuthority && { collectionAuthority: keys.collectionAuthority }),
            ...(issuer.collectionAuthorityRecord && { collectionAuthorityRecord: issuer.collectionAuthorityRecord }),
            ...(issuer.slotsPerTransaction !== null && { slotsPerTransaction: issuer.slotsPerTransaction }),
            ...(issuer.dasRpcUrl !== null && { dasRpcUrl: issuer.dasRpcUrl }),
        });
    }
    return false;
}

/** The guard's windows from the configured limits (a limit left out is not checked). */
function spendLimits(spend: SpendLimitsConfig): SpendGuardOptions['limits'] {
    const window = (lamports: bigint | null, tickets: number | null): SpendLimit | undefined =>
        lamports === null && tickets === null ? undefined : { ...(lamports !== null && { lamports }), ...(tickets !== null && { tickets }) };
    const perHour = window(spend.lamportsPerHour, spend.ticketsPerHour);
    const perDay = window(spend.lamportsPerDay, spend.ticketsPerDay);
    return { ...(perHour && { perHour }), ...(perDay && { perDay }) };
}

/**
 * Builds the worker and everything around it.
 *
 * @param input - configuration, keys, chain facts, clients, the opened store, the logger and the secrets to redact
 * @returns the parts, not started
 * @example
 * ```ts
 * const parts = assembleWorker({ config, keys, facts, clients, store, logger: pino(), secrets: configSecrets(config) });
 * await parts.worker.start();
 * ```
 */
export function assembleWorker(input: {
    config: WorkerConfig;
    keys: WorkerKeys;
    facts: ChainFacts;
    clients: Clients;
    store: WorkerStore;
    logger: WorkerLogger;
    secrets: readonly string[];
}): AssembledWorker {
    const { config, keys, facts, clients, store, logger, secrets } = input;
    const { rpc, rpcSubscriptions } = clients;
    const worker = createWorker({
        rpc,
        rpcSubscriptions,
        store,
        programAddress: config.programAddress,
        decoder: RWA_RAFFLE_EVENTS,
        drainTimeoutMs: config.drainTimeoutMs,
        concurrency: config.tuning.concurrency,
        pollMs: config.tuning.pollMs,
        role: config.role,
        ingestion: { backfillIntervalMs: config.tuning.backfillIntervalMs },
        ...(config.retention ? {} : { retention: false as const }),
    });
    const spendGuard = config.spend ? createSpendGuard({ limits: spendLimits(config.spend) }) : null;
    const draw = drawOption(config, keys);
    const issuer = issuerOption(config, keys, facts, rpc);
    const automations = registerRaffleAutomations(worker, {
        rpc,
        rpcSubscriptions,
        programAddress: config.programAddress,
        cranker: keys.worker,
        draw,
        issuer,
        clockPollMs: config.tuning.clockPollMs,
        reconcileIntervalMs: config.tuning.reconcileIntervalMs,
        ...(spendGuard && { spendGuard }),
    });
    attachActivityFeed(worker, { eventNames: Object.keys(RWA_RAFFLE_EVENTS) });
    const metrics = createWorkerMetrics({ worker, automations, defaultMetrics: true, ...(spendGuard && { spendGuard }) });
    clients.instrument(metrics);
    const detachLogger = attachWorkerLogger(worker, logger, { automations, secrets });
    if (config.notify) registerRaffleNotifications(worker, { automations, notifier: createWebhookNotifier({ url: config.notify.url, secret: config.notify.secret }) });
    const handler = createWorkerHttpHandler({
        worker,
        automations,
        metrics,
        ...(spendGuard && { spendGuard }),
        ...(config.adminToken !== null && { adminToken: config.adminToken }),
        ...(config.webhookSecret !== null && { webhook: { secret: config.webhookSecret } }),
        operatorPage: operatorPage(),
        logger,
    });
    const summary = {
        owner: worker.owner,
        role: config.role,
        worker: keys.worker.address,
        workerLamports: facts.workerLamports.toString(),
        draw: draw === false ? false : config.hashChain ? (keys.settleAuthority ? 'hash-chain+settle-fallback' : 'hash-chain') : 'settle',
        issuer: issuer === false ? false : issuer.name,
        ...(facts.mrftMint && { mrftMint: facts.mrftMint }),
        admin: config.adminToken !== null,
        webhook: config.webhookSecret !== null,
        notify: config.notify !== null,
        spendGuard: spendGuard !== null,
    };
    return { worker, automations, handler, spendGuard, detachLogger, summary };
}
