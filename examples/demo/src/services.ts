/**
 * The demo's services, each in-process and over real HTTP on 127.0.0.1, as a team would run
 * them: the permit server (@raffle/permit/server) and the worker with the raffle automations
 * and its HTTP surface (@raffle/worker-kit/ops).
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
import { createHashChainDrawProvider, createSplVoucherIssuer, registerRaffleAutomations } from '@raffle/worker-kit/raffle';
import { createSolanaRpc, createSolanaRpcSubscriptions } from '@solana/kit';

/** A running service: its URL and how to stop it. */
export interface RunningService {
    readonly url: string;
    stop(): Promise<void>;
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
 * the fixtures' collection, and its clock is the chain's (the demo warps the chain's clock).
 *
 * @returns its URL and the admin API key the backend operator uses
 */
export async function startPermitServer(net: Localnet): Promise<RunningService & { readonly adminKey: string }> {
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
 * Starts the worker: the raffle automations (hash-chain draws, deadline refunds, MRFT vouchers,
 * claims), the activity feed of the program's events, and its HTTP surface.
 *
 * @returns its URL and its owner id
 */
export async function startWorker(net: Localnet): Promise<RunningService & { readonly owner: string }> {
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
        cranker: fixtures.wallets[5]!.keypair.signer,
        draw: { provider: createHashChainDrawProvider({ drawAuthority: fixtures.drawAuthority.signer, seed: fixtures.drawHashChain.seed, length: fixtures.drawHashChain.length }) },
        issuer: createSplVoucherIssuer({ rpc, mint: fixtures.mints.MRFT.address, mintAuthority: fixtures.mrftMintAuthority.signer }),
        clockPollMs: 200,
    });
    attachActivityFeed(worker, { eventNames: Object.keys(RWA_RAFFLE_EVENTS) });
    const handler = createWorkerHttpHandler({ worker, automations, sse: { pollMs: 200 } });
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
        stop: async () => {
            handler.close();
            await close(server);
            await worker.stop();
            await store.close();
        },
    };
}
