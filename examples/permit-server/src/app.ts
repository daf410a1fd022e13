/**
 * The permit server: `@raffle/permit/server`'s handler mounted in Hono, with the store and
 * signers the configuration names.
 */
import { mkdirSync } from 'node:fs';

import { PGlite } from '@electric-sql/pglite';
import { type PermitSigner, signerFromEnv, signerFromKeypairFile } from '@raffle/permit/node';
import {
    type PermitHandler,
    type PermitServerStore,
    type PruneResult,
    createClientAddressResolver,
    createOpenRaffleCounter,
    createPermitHandler,
    createPglitePermitStore,
    createPostgresPermitStore,
    createPrizeCollectionResolver,
    createRpcAccountReader,
    registerApiKey,
} from '@raffle/permit/server';
import { Hono } from 'hono';
import pg from 'pg';

import type { PermitServerConfig } from './config';

/** The assembled server. */
export interface PermitServerApp {
    /** The Hono app; `app.fetch` serves requests. */
    app: Hono<{ Bindings: NodeBindings }>;
    handler: PermitHandler;
    store: PermitServerStore;
    /**
     * Applies the retention policy: expired nonces, sessions, idempotency records and
     * rate-limit windows, old permits and audit entries (`PERMIT_RETENTION_DAYS`,
     * `AUDIT_RETENTION_DAYS`).
     */
    prune(now?: number): Promise<PruneResult>;
    close(): Promise<void>;
}

/** What @hono/node-server passes as `c.env`. */
interface NodeBindings {
    incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * One line about an error, for logs: name, code and message, never the error's other fields
 * (a `pg` error may reference its connection, whose fields hold the password).
 */
export function describeError(error: unknown): string {
    if (!(error instanceof Error)) return typeof error === 'string' ? error.slice(0, 300) : 'non-Error value thrown';
    const code = (error as { code?: unknown }).code;
    return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message.slice(0, 300)}`;
}

async function loadSigner(source: { file: string } | { env: string }, env: Record<string, string | undefined>): Promise<PermitSigner> {
    return 'file' in source ? signerFromKeypairFile(source.file) : signerFromEnv(source.env, env);
}

/**
 * Builds the server from a configuration.
 *
 * @param config - see `loadConfig`
 * @param env - where `PERMIT_SIGNER_KEY`-style variables are read
 * @returns the app, ready to serve
 */
export async function createPermitServerApp(config: PermitServerConfig, env: Record<string, string | undefined> = process.env): Promise<PermitServerApp> {
    const signers = [await loadSigner(config.signer, env)];
    if (config.secondarySigner !== undefined) signers.push(await loadSigner(config.secondarySigner, env));

    let store: PermitServerStore;
    if (config.databaseUrl !== undefined) {
        store = createPostgresPermitStore({
            connectionString: config.databaseUrl,
            Pool: pg.Pool,
            schema: config.schema,
            // A dropped connection (restart, failover, pg_terminate_backend): logged without
            // secrets; the pool reconnects on the next query.
            onError: e => console.warn(`[permit-server] database connection lost (${e.source}): ${e.code ?? '-'} ${e.message}`),
        });
    } else {
        // PGlite creates the data directory but not its parents (./data on a first start).
        if (!config.dataDir.startsWith('memory://')) mkdirSync(config.dataDir, { recursive: true });
        store = createPglitePermitStore({ dataDir: config.dataDir, PGlite, schema: config.schema });
    }
    await store.ready();
    if (config.adminApiKey !== undefined) await registerApiKey(store, { key: config.adminApiKey, scopes: ['admin'], label: 'PERMIT_ADMIN_API_KEY' });

    const handler = createPermitHandler({
        store,
        signers,
        programId: config.programId,
        domain: config.domain,
        ...(config.chainId !== undefined && { chainId: config.chainId }),
        ...(config.rpcUrl !== undefined && {
            prizeCollections: createPrizeCollectionResolver({ reader: createRpcAccountReader(config.rpcUrl) }),
            // Enforces the tiers' maxOpenRaffles (getProgramAccounts on the RPC node).
            openRaffles: createOpenRaffleCounter({ rpc: config.rpcUrl, programId: config.programId }),
        }),
        policy: {
            all: { allowedPaymentMints: config.allowedPaymentMints },
            requirePrizeCollection: config.requirePrizeCollection,
        },
        ...(config.corsOrigins.length > 0 && { corsOrigins: config.corsOrigins }),
        onError: (error, info) => {
            // Log the request id so operators can match reports; only the error's name, code and message.
            console.error(`[permit-server] ${info.requestId} ${info.method} ${info.path}: ${describeError(error)}`);
        },
    });

    const app = new Hono<{ Bindings: NodeBindings }>();
    // The socket's peer, or with TRUST_PROXY the client your proxies name in X-Forwarded-For.
    const clientAddressOf = createClientAddressResolver(config.trustProxy);
    app.all('*', c => {
        const client = clientAddressOf(c.env?.incoming?.socket?.remoteAddress, c.req.header('x-forwarded-for'));
        return handler(c.req.raw, client === undefined ? {} : { clientAddress: client });
    });

    return {
        app,
        handler,
        store,
        prune(now = Date.now()) {
            return store.prune({ now, ...config.retention });
        },
        async close() {
            await store.close();
        },
    };
}
