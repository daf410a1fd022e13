/**
 * The examples' services, each in-process and over real HTTP on 127.0.0.1, as a team would run
 * them: the permit server (@raffle/permit/server) and the worker with the raffle automations
 * and its HTTP surface (@raffle/worker-kit/ops). The one implementation for examples/demo
 * (src/main.ts) and examples/web (dev/stack.ts, which adds CORS for the page's origin).
 */
import { createServer, type Server } from 'node:http';

import { serve, type ServerType } from '@hono/node-server';
import { RWA_RAFFLE_EVENTS } from '@raffle/client';
import type { Localnet } from '@raffle/localnet';
import { createKeypairSigner } from '@raffle/permit/node';
import {
    createMemoryPermitStore,
    createNodeRequestListener,
    createPermitHandler,
    createPrizeCollectionResolver,
    createRpcAccountReader,
    registerApiKey,
} from '@raffle/permit/server';
import { createMemoryWorkerStore, createWorker } from '@raffle/worker-kit';
import { attachActivityFeed, createWorkerHttpHandler } from '@raffle/worker-kit/ops';
import { createHashChainDrawProvider, createSplVoucherIssuer, type RaffleAutomations, registerRaffleAutomations } from '@raffle/worker-kit/raffle';
import { createSolanaRpc, createSolanaRpcSubscriptions } from '@solana/kit';

/** A running service: its URL and how to stop it. */
export interface RunningService {
    readonly url: string;
    stop(): Promise<void>;
}

/** Options of {@link startPermitServer} and {@link startWorker}. */
export interface ServiceOptions {
    /** Browser origins allowed to call the service (CORS), e.g. a dev server's page; none by default. */
    readonly corsOrigins?: readonly string[];
}

/** The running permit server. */
export interface RunningPermitServer extends RunningService {
    /** The admin API key the backend operator uses (local test key). */
    readonly adminKey: string;
}

/** The running worker. */
export interface RunningWorker extends RunningService {
    /** The worker's owner id. */
    readonly owner: string;
    /** Its raffle automations (tests pause them to hold a raffle past its deadline). */
    readonly automations: RaffleAutomations;
}

/** What {@link approveOrganizer} grants. */
export interface OrganizerApproval {
    readonly address: string;
    /** 16 bytes, hex. */
    readonly enterpriseId: string;
    /** The collection prizes must belong to. */
    readonly collection: string;
}

async function listen(server: Server): Promise<string> {
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    return `http://127.0.0.1:${address.port}`;
}

function close(server: Server | ServerType): Promise<void> {
    return new Promise(resolve => server.close(() => resolve()));
}

/**
 * Starts the permit server on the cluster: the fixtures' permit signer signs, prizes must be in
 * the fixtures' collection, payments in MOGA, and its clock is the chain's (the examples warp it).
 *
 * @param net - the local cluster, started with fixtures
 * @param options - CORS origins
 * @returns its URL, the admin API key the backend operator uses, and how to stop it
 */
export async function startPermitServer(net: Localnet, options: ServiceOptions = {}): Promise<RunningPermitServer> {
    const fixtures = net.fixtures!;
    const store = createMemoryPermitStore();
    await store.ready();
    const adminKey = `rpk_demo_${'x'.repeat(40)}`;
    await registerApiKey(store, { key: adminKey, scopes: ['admin'], label: 'demo operator' });
    const server = createServer();
    const url = await listen(server);
    const handler = createPermitHandler({
        store,
        signers: [createKeypairSigner(fixtures.permitSigner.secretKey)],
        programId: fixtures.programAddress,
        domain: new URL(url).host,
        now: () => Number(net.control.status().unixTimestamp) * 1000,
        prizeCollections: createPrizeCollectionResolver({ reader: createRpcAccountReader(net.rpcUrl) }),
        policy: { all: { allowedPaymentMints: [fixtures.mints.MOGA.address] } },
        corsOrigins: options.corsOrigins,
    });
    server.on('request', createNodeRequestListener(handler));
    return {
        url,
        adminKey,
        stop: async () => {
            server.closeAllConnections();
            await close(server);
            await store.close();
        },
    };
}

/**
 * Approves an organizer through the permit server's admin API (tier pro, prizes from one
 * collection), as a backend operator would.
 *
 * @param permitServer - the running permit server
 * @param approval - the organizer's address, enterprise id and allowed collection
 * @returns when the permit server has answered 201; throws with its answer otherwise
 */
export async function approveOrganizer(permitServer: RunningPermitServer, approval: OrganizerApproval): Promise<void> {
    const approved = await fetch(`${permitServer.url}/admin/organizers`, {
        method: 'POST',
        headers: { 'x-api-key': permitServer.adminKey, 'content-type': 'application/json' },
        body: JSON.stringify({ address: approval.address, enterpriseId: approval.enterpriseId, tier: 'pro', allowedCollections: [approval.collection] }),
    });
    if (approved.status !== 201) throw new Error(`approving the organizer failed: ${approved.status} ${await approved.text()}`);
}

/**
 * Starts the worker: the raffle automations (hash-chain draws, deadline refunds, MRFT vouchers,
 * claims), the activity feed of the program's events, and its HTTP surface. The fixtures' last
 * wallet pays its fees, so start the cluster with one wallet more than the users need.
 *
 * @param net - the local cluster, started with fixtures
 * @param options - CORS origins
 * @returns its URL, its owner id, its automations, and how to stop it
 */
export async function startWorker(net: Localnet, options: ServiceOptions = {}): Promise<RunningWorker> {
    const fixtures = net.fixtures!;
    const rpc = createSolanaRpc(net.rpcUrl);
    const rpcSubscriptions = createSolanaRpcSubscriptions(net.wsUrl);
    const store = createMemoryWorkerStore();
    await store.ready();
    const worker = createWorker({ rpc, rpcSubscriptions, store, programAddress: fixtures.programAddress, decoder: RWA_RAFFLE_EVENTS, concurrency: 8, pollMs: 50 });
    const automations = registerRaffleAutomations(worker, {
        rpc,
        rpcSubscriptions,
        programAddress: fixtures.programAddress,
        cranker: fixtures.wallets.at(-1)!.keypair.signer,
        draw: { provider: createHashChainDrawProvider({ drawAuthority: fixtures.drawAuthority.signer, seed: fixtures.drawHashChain.seed, length: fixtures.drawHashChain.length }) },
        issuer: createSplVoucherIssuer({ rpc, mint: fixtures.mints.MRFT.address, mintAuthority: fixtures.mrftMintAuthority.signer }),
        clockPollMs: 200,
    });
    attachActivityFeed(worker, { eventNames: Object.keys(RWA_RAFFLE_EVENTS) });
    const cors = options.corsOrigins && { origins: options.corsOrigins };
    const handler = createWorkerHttpHandler({ worker, automations, sse: { pollMs: 200 }, cors });
    await worker.start();
    let url = '';
    const server = await new Promise<ServerType>(resolve => {
        const s = serve({ fetch: handler, hostname: '127.0.0.1', port: 0 }, info => {
            url = `http://127.0.0.1:${info.port}`;
            resolve(s);
        });
    });
    return {
        url,
        owner: worker.owner,
        automations,
        stop: async () => {
            handler.close();
            await close(server);
            await worker.stop();
            await store.close();
        },
    };
}
