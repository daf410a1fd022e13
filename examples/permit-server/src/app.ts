/**
 * The permit server: `@raffle/permit/server`'s handler mounted in Hono, with the store and
 * signers the configuration names.
 */
import { PGlite } from '@electric-sql/pglite';
import { type PermitSigner, signerFromEnv, signerFromKeypairFile } from '@raffle/permit/node';
import {
    type PermitHandler,
    type PermitServerStore,
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
    /** Deletes expired nonces, sessions, idempotency records and rate-limit windows. */
    prune(): Promise<void>;
    close(): Promise<void>;
}

/** What @hono/node-server passes as `c.env`. */
interface NodeBindings {
    incoming?: { socket?: { remoteAddress?: string } };
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

    const store =
        config.databaseUrl !== undefined
            ? createPostgresPermitStore({ connectionString: config.databaseUrl, Pool: pg.Pool, schema: config.schema })
            : createPglitePermitStore({ dataDir: config.dataDir, PGlite, schema: config.schema });
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
        ...(config.trustProxy && {
            clientAddress: (request: Request) => request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || undefined,
        }),
        onError: (error, info) => {
            // Errors never carry key material; log the request id so operators can match reports.
            console.error(`[permit-server] ${info.requestId} ${info.method} ${info.path}:`, error);
        },
    });

    const app = new Hono<{ Bindings: NodeBindings }>();
    app.all('*', c => {
        const remote = config.trustProxy ? undefined : c.env?.incoming?.socket?.remoteAddress;
        return handler(c.req.raw, remote === undefined ? {} : { clientAddress: remote });
    });

    return {
        app,
        handler,
        store,
        async prune() {
            await store.prune(Date.now());
        },
        async close() {
            await store.close();
        },
    };
}
