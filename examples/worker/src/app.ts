/**
 * The worker's life: check the chain, open the store, assemble, start, serve HTTP, and on
 * SIGTERM / SIGINT shut down in order (event streams, listener, worker drain, store). One JSON
 * log line per step; keys, tokens, secrets and passwords are never logged.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { serve } from '@hono/node-server';
import type { WorkerStore } from '@raffle/worker-kit';
import { redactSecrets } from '@raffle/worker-kit/ops';
import { pino, type Logger } from 'pino';

import { type AssembledWorker, assembleWorker, createClients, createStore } from './assemble';
import { checkChain } from './chain-check';
import { ConfigError, configSecrets, safeUrl, type WorkerConfig } from './config';
import type { WorkerKeys } from './keys';

/** HTTP server limits: slow clients cannot hold sockets open (SSE streams are responses, not requests). */
const HTTP_LIMITS = { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000, maxHeaderSize: 16_384 };
/** How long `worker.stop()` may take beyond the drain timeout before the process moves on. */
const STOP_GRACE_MS = 5_000;
/** How long closing the listener may wait for idle keep-alive sockets before they are cut. */
const LISTENER_CLOSE_MS = 2_000;

/** An error's message with its causes (`fetch failed` alone says little). */
function describeError(e: unknown): string {
    let text = e instanceof Error ? e.message : String(e);
    let cause = e instanceof Error ? e.cause : undefined;
    for (let depth = 0; depth < 3 && cause !== undefined && cause !== null; depth++) {
        const message = cause instanceof Error ? `${cause.message}${(cause as NodeJS.ErrnoException).code ? ` [${(cause as NodeJS.ErrnoException).code}]` : ''}` : String(cause);
        if (!text.includes(message)) text += ` (cause: ${message})`;
        cause = cause instanceof Error ? cause.cause : undefined;
    }
    return text;
}

function storeVariable(config: WorkerConfig): string {
    return config.store.kind === 'postgres' ? 'DATABASE_URL' : config.store.kind === 'redis' ? 'REDIS_URL' : 'WORKER_DATA_DIR';
}

function storeSummary(config: WorkerConfig): Record<string, string> {
    const s = config.store;
    switch (s.kind) {
        case 'postgres':
            return { store: 'postgres', at: safeUrl(s.url), schema: s.schema };
        case 'redis':
            return { store: 'redis', at: safeUrl(s.url), keyPrefix: s.keyPrefix };
        case 'sqlite':
            return { store: 'sqlite', file: s.path };
        case 'pglite':
            return { store: 'pglite', dataDir: s.dataDir, schema: s.schema };
    }
}

/**
 * Runs the worker until a signal stops it.
 *
 * @param config - from `loadConfig`
 * @param keys - from `loadKeys`
 * @returns the exit code once stopped (0 after a graceful stop)
 * @throws {@link ConfigError} for a configuration the cluster or the store refuses; an `Error` (its message redacted) when the worker fails to start
 * @example
 * ```ts
 * const config = loadConfig(process.env);
 * process.exit(await runWorkerApp(config, await loadKeys(config)));
 * ```
 */
export async function runWorkerApp(config: WorkerConfig, keys: WorkerKeys): Promise<number> {
    const secrets = configSecrets(config);
    const redact = (e: unknown) => redactSecrets(describeError(e), secrets).slice(0, 1_000);
    const logger: Logger = pino({ level: config.logLevel, base: { service: 'example-worker', pid: process.pid } }, pino.destination({ dest: 1, sync: true }));
    // A library's stray rejection is logged (redacted), not a crash; a thrown exception leaves
    // the process in an unknown state: log it and exit 1 (the next run finishes the work).
    process.on('unhandledRejection', reason => logger.error({ error: redact(reason) }, 'unhandled rejection'));
    process.on('uncaughtException', error => {
        logger.fatal({ error: redact(error) }, 'uncaught exception: exiting');
        process.exit(1);
    });
    // Signals are handled from the start (a signal before a listener exists would kill the
    // process outright): one during start-up stops the worker as soon as it runs; a second one,
    // at any time, exits at once.
    let signalled: NodeJS.Signals | null = null;
    let stopWith: ((signal: NodeJS.Signals) => void) | null = null;
    const onSignal = (signal: NodeJS.Signals) => {
        if (signalled !== null) {
            logger.warn({ step: 'forced-exit', signal }, 'second signal: exiting now');
            process.exit(1);
        }
        signalled = signal;
        if (stopWith) stopWith(signal);
        else logger.info({ signal }, 'signal during start-up: stopping once started');
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    logger.info({ rpc: safeUrl(config.rpcUrl), ws: safeUrl(config.wsUrl), program: config.programAddress, worker: keys.worker.address, ...storeSummary(config), step: 'starting' }, 'starting');

    // The store first: opening a store can take seconds (PGlite's first start creates its
    // database), which would leave the RPC client's idle keep-alive sockets closed under it.
    // An embedded store's directory is made private to this user.
    let store: WorkerStore;
    try {
        store = await createStore(config.store, error => logger.warn({ error: redact(error) }, 'store connection error (reconnecting)'));
        if (config.store.kind === 'sqlite' || config.store.kind === 'pglite') mkdirSync(config.store.dataDir, { recursive: true, mode: 0o700 });
        await store.ready();
    } catch (e) {
        throw new ConfigError([{ variable: storeVariable(config), reason: `store cannot be opened (${redact(e)})` }]);
    }
    logger.info({ step: 'store-ready', ...storeSummary(config) }, 'store ready');

    // The chain: the config account, the authorities, the MRFT mint.
    const clients = createClients(config);
    let checked;
    try {
        checked = await checkChain(clients.rpc, config, keys);
    } catch (e) {
        checked = { problems: [{ variable: 'SOLANA_RPC_URL', reason: `did not answer as a Solana JSON-RPC node (${redact(e)})` }] };
    }
    if (!('facts' in checked) || checked.problems.length > 0) {
        await store.close().catch(() => undefined);
        throw new ConfigError(checked.problems);
    }
    const { facts } = checked;
    if (facts.mrftOff) logger.warn({ reason: facts.mrftOff }, 'refund tickets are off: buyers refunded in vouchers get none');
    if (!config.hashChain && !config.settleAuthorityKeypairPath) {
        logger.warn({}, 'draws are off (draw: false): set DRAW_HASH_CHAIN_SEED, DRAW_HASH_CHAIN_LENGTH and DRAW_AUTHORITY_KEYPAIR_PATH (or SETTLE_AUTHORITY_KEYPAIR_PATH on a dev cluster)');
    }
    if (config.issuer.kind === 'bubblegum' && config.issuer.dasRpcUrl === null) {
        logger.warn({}, 'HELIUS_DAS_RPC is unset: describing an issuance falls back to nothing when the RPC node returns no inner instructions');
    }
    if (facts.workerLamports < 50_000_000n) logger.warn({ worker: keys.worker.address, lamports: facts.workerLamports.toString() }, 'the worker key holds less than 0.05 SOL: cranks will fail when it runs out');
    logger.info({ step: 'chain-checked', mrftMint: facts.mrftMint }, 'chain checked');

    let parts: AssembledWorker;
    try {
        parts = assembleWorker({ config, keys, facts, clients, store, logger, secrets });
        await parts.worker.start();
    } catch (e) {
        logger.error({ error: redact(e) }, 'start failed');
        await store.close().catch(() => undefined);
        throw new Error(redact(e));
    }
    const { worker, handler } = parts;
    logger.info({ step: 'worker-started', ...parts.summary }, 'worker running');

    const server = serve({ fetch: handler, hostname: config.http.host, port: config.http.port, serverOptions: HTTP_LIMITS }) as Server;
    server.maxHeadersCount = 100;
    const listening = await new Promise<AddressInfo | Error>(resolve => {
        server.once('listening', () => resolve(server.address() as AddressInfo));
        server.once('error', resolve);
    });
    if (listening instanceof Error) {
        logger.error({ error: redact(listening) }, 'http listen failed');
        await worker.stop();
        await store.close().catch(() => undefined);
        throw new ConfigError([{ variable: 'WORKER_HTTP_PORT', reason: `cannot listen on ${config.http.host}:${config.http.port} (${(listening as NodeJS.ErrnoException).code ?? listening.message})` }]);
    }
    const host = listening.family === 'IPv6' ? `[${listening.address}]` : listening.address;
    logger.info({ step: 'http-listening', url: `http://${host}:${listening.port}`, admin: config.adminToken !== null, webhook: config.webhookSecret !== null }, 'http listening');

    return new Promise<number>(resolve => {
        stopWith = signal =>
            void shutdown(signal).then(resolve, e => {
                logger.error({ error: redact(e) }, 'shutdown failed');
                resolve(1);
            });
        if (signalled !== null) stopWith(signalled);

        async function shutdown(signal: NodeJS.Signals): Promise<number> {
            const started = Date.now();
            logger.info({ step: 'shutdown', signal, drainTimeoutMs: config.drainTimeoutMs }, 'shutdown started');
            handler.close();
            logger.info({ step: 'streams-closed' }, 'event streams closed');
            await new Promise<void>(done => {
                const cut = setTimeout(() => server.closeAllConnections(), LISTENER_CLOSE_MS);
                server.close(() => (clearTimeout(cut), done()));
                server.closeIdleConnections();
            });
            logger.info({ step: 'http-closed' }, 'http closed');
            // The drain is bounded by WORKER_DRAIN_TIMEOUT_MS; a stop that still hangs (a loop that
            // does not hear the abort) is cut: whatever did not finish is retried by the next run,
            // and the effect ledger keeps it from being done twice.
            const stopping = worker.stop().then(() => true);
            let timer: NodeJS.Timeout | undefined;
            const drained = await Promise.race([stopping, new Promise<false>(done => (timer = setTimeout(() => done(false), config.drainTimeoutMs + STOP_GRACE_MS)))]);
            clearTimeout(timer);
            if (drained) logger.info({ step: 'worker-drained', ms: Date.now() - started }, 'worker drained');
            else logger.warn({ step: 'worker-drain-timeout', ms: Date.now() - started }, 'the worker did not stop in time; closing anyway (unfinished jobs are retried by the next run)');
            parts.detachLogger();
            await store.close();
            logger.info({ step: 'store-closed' }, 'store closed');
            logger.info({ step: 'stopped', ms: Date.now() - started }, 'stopped');
            return 0;
        }
    });
}
