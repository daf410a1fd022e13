/**
 * POST /permits throughput of the permit server over real HTTP on loopback, against raw
 * issuePermit in the same run.
 *
 *     npx tsx packages/permit/bench/permit-server.bench.ts
 *
 * The server: `createPermitHandler` with the memory store, a node:crypto signer, the default
 * rate limits raised so they never trip (the counters are still kept), the prize collection
 * check on (a recorded Metaplex metadata account, cached as in production), served by
 * node:http through `createNodeRequestListener` on 127.0.0.1. The load: autocannon in a worker
 * thread (the machine's second core), keep-alive connections, every request authenticated
 * with a session token from a real wallet sign-in, each one issuing a new permit (fresh
 * raffle id, signature, ledger record, audit entry).
 *
 * Baselines in the same process: raw `issuePermit` (node:crypto, sequential) and `GET /health`
 * over the same HTTP stack (the transport's ceiling). Prints req/s and the ratios; the target
 * is >= 5,000 POST /permits per second on the project's 2-core machine.
 *
 * Env: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 16).
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { type Address, getAddressDecoder, getAddressEncoder } from '@solana/kit';
import autocannonModule from 'autocannon';

import { createNodeCryptoSigner } from '../src/entries/node';
import {
    TOKEN_METADATA_PROGRAM_ADDRESS,
    createMemoryPermitStore,
    createNodeRequestListener,
    createPermitHandler,
    createPrizeCollectionResolver,
    registerApiKey,
} from '../src/entries/server';
import { type PermitRequest, issuePermit } from '../src/index';

interface AutocannonResult {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number; average: number };
    non2xx: number;
    errors: number;
    timeouts: number;
}
const autocannon = autocannonModule as unknown as (options: Record<string, unknown>) => Promise<AutocannonResult>;

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const TARGET = 5_000;
const PROGRAM_ID = 'HMxaKAkT6CdHhm7Gyf83LrxhLTdQNfXdmdGuhHpArH9' as Address;
const decoder = getAddressDecoder();
const randomAddress = (): Address => decoder.decode(randomBytes(32));

/** A Token Metadata MetadataV1 account naming a verified collection (Borsh, by hand). */
function recordedMetadata(mint: Address, collection: Address): Uint8Array {
    const encoder = getAddressEncoder();
    const text = (s: string) => {
        const b = new TextEncoder().encode(s);
        const out = new Uint8Array(4 + b.length);
        new DataView(out.buffer).setUint32(0, b.length, true);
        out.set(b, 4);
        return out;
    };
    const parts = [
        Uint8Array.of(4),
        encoder.encode(randomAddress()),
        encoder.encode(mint),
        text('Bench NFT'),
        text('RWA'),
        text('https://example.com/nft.json'),
        Uint8Array.of(0, 0), // seller fee
        Uint8Array.of(0), // creators: None
        Uint8Array.of(0, 1), // primary sale, mutable
        Uint8Array.of(1, 255), // edition nonce
        Uint8Array.of(1, 0), // token standard NonFungible
        Uint8Array.of(1, 1), // collection: Some, verified
        encoder.encode(collection),
        Uint8Array.of(0, 0, 0), // uses, collection details, programmable config
    ];
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
        out.set(p, at);
        at += p.length;
    }
    return out;
}

async function main(): Promise<void> {
    const seed = randomBytes(32);
    const signer = createNodeCryptoSigner(seed);
    const collection = randomAddress();
    const prizeMint = randomAddress();
    const paymentMint = randomAddress();
    const metadata = recordedMetadata(prizeMint, collection);

    // ---- raw issuePermit baseline
    const request: PermitRequest = {
        programId: PROGRAM_ID,
        config: randomAddress(),
        organizer: randomAddress(),
        raffleId: 0n,
        tier: 2,
        enterpriseId: randomBytes(16),
        prizeMint,
        prizeAmount: 1n,
        paymentMint,
        ticketPrice: 5_000_000n,
        maxTickets: 1_000,
        deadline: BigInt(Math.floor(Date.now() / 1000) + 7 * 86_400),
        refundMode: 'vouchers',
    };
    let raw = 0;
    const rawUntil = performance.now() + Math.min(5, SECONDS) * 1000;
    const warm = performance.now() + 500;
    while (performance.now() < warm) await issuePermit({ ...request, raffleId: BigInt(raw++) }, { signer });
    raw = 0;
    const rawStart = performance.now();
    while (performance.now() < rawUntil) await issuePermit({ ...request, raffleId: BigInt(raw++) }, { signer });
    const rawPerSecond = raw / ((performance.now() - rawStart) / 1000);

    // ---- the server
    const store = createMemoryPermitStore();
    await store.ready();
    const adminKey = `bench-${randomBytes(24).toString('hex')}`;
    await registerApiKey(store, { key: adminKey, scopes: ['admin'] });
    const handler = createPermitHandler({
        store,
        signers: [signer],
        programId: PROGRAM_ID,
        domain: '127.0.0.1',
        prizeCollections: createPrizeCollectionResolver({
            reader: async () => ({ owner: TOKEN_METADATA_PROGRAM_ADDRESS, data: metadata }),
        }),
        policy: { tiers: { enterprise: { maxActivePermits: 100_000_000 } } },
        rateLimits: {
            perIp: { limit: 1_000_000_000, windowSeconds: 60 },
            perOrganizer: { limit: 1_000_000_000, windowSeconds: 60 },
            signInPerIp: { limit: 1_000, windowSeconds: 60 },
        },
        sessionTtlSeconds: 3_600,
    });
    const server = createServer(createNodeRequestListener(handler));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    try {
        // An organizer signs in with its wallet.
        const { privateKey, publicKey } = generateKeyPairSync('ed25519');
        const wallet = decoder.decode(Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url'));
        const created = await fetch(`${base}/admin/organizers`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': adminKey },
            body: JSON.stringify({ address: wallet, enterpriseId: randomBytes(16).toString('hex'), tier: 'enterprise', allowedCollections: [collection] }),
        });
        if (created.status !== 201) throw new Error(`create organizer: ${created.status} ${await created.text()}`);
        const { message } = (await (await fetch(`${base}/auth/nonce`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address: wallet }) })).json()) as { message: string };
        const signature = sign(null, Buffer.from(message), privateKey).toString('base64');
        const signedIn = await fetch(`${base}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message, signature }) });
        const { token } = (await signedIn.json()) as { token: string };

        const body = JSON.stringify({
            prizeMint,
            prizeAmount: '1',
            paymentMint,
            ticketPrice: '5000000',
            maxTickets: 1000,
            deadline: String(Math.floor(Date.now() / 1000) + 7 * 86_400),
            refundMode: 'vouchers',
        });
        const check = await fetch(`${base}/permits`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
        if (check.status !== 201) throw new Error(`POST /permits: ${check.status} ${await check.text()}`);

        const load = (path: string, method: string, extra: Record<string, unknown> = {}) =>
            autocannon({ url: `${base}${path}`, method, connections: CONNECTIONS, duration: SECONDS, workers: 1, ...extra });

        const health = await load('/health', 'GET');
        const before = (await store.listPermits({ limit: 1 }))[0]!.raffleId;
        const permits = await load('/permits', 'POST', {
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body,
        });
        const after = (await store.listPermits({ limit: 1 }))[0]!.raffleId;

        const rows = [
            { task: 'raw issuePermit (node:crypto, in-process)', 'req/s': Math.round(rawPerSecond), 'p50 ms': '-', 'p99 ms': '-', 'non-2xx': '-' },
            { task: 'GET /health (HTTP ceiling)', 'req/s': Math.round(health.requests.average), 'p50 ms': health.latency.p50, 'p99 ms': health.latency.p99, 'non-2xx': health.non2xx },
            {
                task: 'POST /permits (auth, policy, store, sign, audit)',
                'req/s': Math.round(permits.requests.average),
                'p50 ms': permits.latency.p50,
                'p99 ms': permits.latency.p99,
                'non-2xx': permits.non2xx,
            },
        ];
        console.log(`permit server on loopback: ${CONNECTIONS} connections, ${SECONDS} s per run, Node ${process.version}`);
        console.table(rows);
        const ratio = permits.requests.average / rawPerSecond;
        console.log(`POST /permits / raw issuePermit = ${ratio.toFixed(2)}`);
        console.log(`POST /permits / GET /health     = ${(permits.requests.average / health.requests.average).toFixed(2)}`);
        console.log(`permits issued during the run: ${after - before} (autocannon counted ${permits.requests.total} requests)`);
        const failures = permits.non2xx + permits.errors + permits.timeouts;
        const ok = permits.requests.average >= TARGET && failures === 0;
        console.log(`target >= ${TARGET} req/s with no errors: ${ok ? 'met' : 'NOT met'}`);
        if (failures > 0) process.exitCode = 1;
    } finally {
        server.closeAllConnections();
        await new Promise<void>(resolve => server.close(() => resolve()));
        await store.close();
    }
}

await main();
