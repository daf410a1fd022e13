/**
 * The backend the page talks to, each over real HTTP on 127.0.0.1 (as in examples/demo, plus
 * CORS for the page's origin): the permit server and the worker with the raffle automations.
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

function close(server: Server | ServerType): Promise<void> {
    return new Promise(resolve => server.close(() => resolve()));
}

/**
 * The permit server: signs with the fixtures' permit signer, accepts prizes of the fixtures'
 * collection and payments in MOGA, judges time by the chain's clock (tests warp it), and answers
 * CORS requests from the page. The fixtures' organizer is approved (tier pro), as a backend
 * operator would do through the admin API.
 */
export async function startPermitServer(net: Localnet, corsOrigins: readonly string[]): Promise<RunningService> {
    const fixtures = net.fixtures!;
    const store = createMemoryPermitStore();
    await store.ready();
    const adminKey = `rpk_dev_${'x'.repeat(40)}`;
    await registerApiKey(store, { key: adminKey, scopes: ['admin'], label: 'dev stack' });
    const server = createServer();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const handler = createPermitHandler({
        store,
        signers: [createKeypairSigner(fixtures.permitSigner.secretKey)],
        programId: fixtures.programAddress,
        domain: new URL(url).host,
        now: () => Number(net.control.status().unixTimestamp) * 1000,
        prizeCollections: createPrizeCollectionResolver({ reader: createRpcAccountReader(net.rpcUrl) }),
        policy: { all: { allowedPaymentMints: [fixtures.mints.MOGA.address] } },
        corsOrigins,
    });
    server.on('request', createNodeRequestListener(handler));
    const approved = await fetch(`${url}/admin/organizers`, {
        method: 'POST',
        headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
        body: JSON.stringify({ address: fixtures.organizer.address, enterpriseId: '6465762d656e74657270726973652d31', tier: 'pro', allowedCollections: [fixtures.collection.mint] }),
    });
    if (approved.status !== 201) throw new Error(`approving the organizer failed: ${approved.status} ${await approved.text()}`);
    return {
        url,
        stop: async () => {
            server.closeAllConnections();
            await close(server);
            await store.close();
        },
    };
}

/**
 * The worker: draws (hash chain), deadline refunds, MRFT refund tickets and claims, with its
 * HTTP surface (the activity stream the page follows) open to the page's origin.
 */
export async function startWorker(net: Localnet, corsOrigins: readonly string[], cranker = net.fixtures!.wallets.at(-1)!): Promise<RunningService & { readonly automations: RaffleAutomations }> {
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
        cranker: cranker.keypair.signer,
        draw: { provider: createHashChainDrawProvider({ drawAuthority: fixtures.drawAuthority.signer, seed: fixtures.drawHashChain.seed, length: fixtures.drawHashChain.length }) },
        issuer: createSplVoucherIssuer({ rpc, mint: fixtures.mints.MRFT.address, mintAuthority: fixtures.mrftMintAuthority.signer }),
        clockPollMs: 200,
    });
    attachActivityFeed(worker, { eventNames: Object.keys(RWA_RAFFLE_EVENTS) });
    const handler = createWorkerHttpHandler({ worker, automations, sse: { pollMs: 200 }, cors: { origins: [...corsOrigins] } });
    await worker.start();
    const server = await new Promise<ServerType>(resolve => {
        const s = serve({ fetch: handler, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    return {
        url,
        automations,
        stop: async () => {
            handler.close();
            await close(server);
            await worker.stop();
            await store.close();
        },
    };
}
