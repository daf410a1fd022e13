/**
 * Transaction throughput of the local cluster against LiteSVM called directly.
 *
 *     npx tsx packages/localnet/bench/throughput.bench.ts
 *
 * Every task executes the same kind of transaction (a System transfer of a distinct amount,
 * pre-signed with node:crypto so signing is outside the measurement) on the same runtime:
 *
 * - `LiteSVM.sendTransaction (direct)`: the baseline, kit `Transaction` objects into LiteSVM.
 * - `Ledger.sendTransaction (in-process)`: the ledger layer (wire parsing, preflight
 *   simulation, a new slot per transaction, balances/token balances, history, events).
 * - `HTTP sendTransaction`: JSON-RPC over HTTP with preflight, one request at a time.
 * - `HTTP sendTransaction + getSignatureStatuses`: send, then poll until `confirmed`.
 * - `kit sendAndConfirmTransaction`: unmodified kit over HTTP and the PubSub websocket.
 * - `HTTP sendTransaction x16 concurrent`: 16 requests in flight (figures per transaction).
 *
 * The cluster runs with `confirmationLag: 0` (confirmed as soon as processed: the benchmark
 * measures the server, not the configured finality delay), no slot timer, and a blockhash
 * validity long enough for the pre-signed pools. Prints a table and ratios against the
 * direct-LiteSVM baseline measured in the same run.
 */
import { createPrivateKey, type KeyObject, sign } from 'node:crypto';

import {
    type Address,
    type Blockhash,
    type Transaction,
    appendTransactionMessageInstructions,
    compileTransaction,
    createSolanaRpc,
    createSolanaRpcSubscriptions,
    createTransactionMessage,
    getBase58Decoder,
    getTransactionDecoder,
    pipe,
    sendAndConfirmTransactionFactory,
    setTransactionMessageFeePayer,
    setTransactionMessageLifetimeUsingBlockhash,
} from '@solana/kit';
import { getTransferSolInstruction } from '@solana-program/system';
import { FailedTransactionMetadata } from 'litesvm';
import { Bench } from 'tinybench';

import { createRaffleSvm, type FixtureKeypair, Ledger, startLocalnet } from '../src/index';

const TIME_MS = 1_500;
const SENTINEL = 0x0123_4567_89ab_cdefn;

/** Pre-signed transfers: a message template with the amount patched, signed with node:crypto. */
function makePool(payer: FixtureKeypair, destination: Address, blockhash: string, count: number, firstAmount: bigint): Uint8Array[] {
    const message = pipe(
        createTransactionMessage({ version: 0 }),
        (m) => setTransactionMessageFeePayer(payer.address, m),
        (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: blockhash as Blockhash, lastValidBlockHeight: 0n }, m),
        (m) => appendTransactionMessageInstructions([getTransferSolInstruction({ source: { address: payer.address } as never, destination, amount: SENTINEL })], m),
    );
    const template = new Uint8Array(compileTransaction(message).messageBytes);
    const sentinel = new Uint8Array(8);
    new DataView(sentinel.buffer).setBigUint64(0, SENTINEL, true);
    const at = findBytes(template, sentinel);
    const key: KeyObject = createPrivateKey({
        key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(payer.secretKey.subarray(0, 32))]),
        format: 'der',
        type: 'pkcs8',
    });
    const pool: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
        const msg = template.slice();
        new DataView(msg.buffer).setBigUint64(at, firstAmount + BigInt(i), true);
        const wire = new Uint8Array(1 + 64 + msg.length);
        wire[0] = 1;
        wire.set(sign(null, msg, key), 1);
        wire.set(msg, 65);
        pool.push(wire);
    }
    return pool;
}

function findBytes(haystack: Uint8Array, needle: Uint8Array): number {
    outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
        for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
        return i;
    }
    throw new Error('sentinel not found');
}

function take<T>(pool: T[], name: string): T {
    const next = pool.pop();
    if (next === undefined) throw new Error(`${name}: pool exhausted; raise its size`);
    return next;
}

const base64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

async function rpcCall(url: string, method: string, params: unknown[]): Promise<{ result?: any; error?: { message: string } }> {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    return (await res.json()) as { result?: any; error?: { message: string } };
}

// Direct LiteSVM baseline.
const direct = await createRaffleSvm({ wallets: 2, prizeNfts: 0, walletLamports: 10n ** 15n });
const directPayer = direct.fixtures.wallets[0]!;
const directDestination = direct.fixtures.wallets[1]!.address;
const decoder = getTransactionDecoder();
const directPool = makePool(directPayer.keypair, directDestination, direct.svm.latestBlockhash(), 60_000, 1n).map((w) => decoder.decode(w) as Transaction);

// In-process ledger.
const inProcess = await createRaffleSvm({ wallets: 2, prizeNfts: 0, walletLamports: 10n ** 15n });
const ledger = new Ledger(inProcess.svm, { confirmationLag: 0, blockhashValidity: 1_000_000_000 });
const ledgerPool = makePool(inProcess.fixtures.wallets[0]!.keypair, inProcess.fixtures.wallets[1]!.address, ledger.latestBlockhash('processed').blockhash, 30_000, 1n);

// The server.
const net = await startLocalnet({
    rpcPort: 0,
    slotIntervalMs: null,
    confirmationLag: 0,
    finalizationLag: 31,
    blockhashValidity: 1_000_000_000,
    fixtures: { wallets: 6, prizeNfts: 0, walletLamports: 10n ** 15n },
});
const f = net.fixtures!;
const sink = f.wallets[5]!.address;
const bh = net.ledger.latestBlockhash('processed').blockhash;
const httpPool = makePool(f.wallets[0]!.keypair, sink, bh, 12_000, 1n);
const httpStatusPool = makePool(f.wallets[1]!.keypair, sink, bh, 8_000, 1n);
const kitPool = makePool(f.wallets[2]!.keypair, sink, bh, 8_000, 1n).map((w) => ({
    ...(decoder.decode(w) as Transaction),
    lifetimeConstraint: { blockhash: bh as Blockhash, lastValidBlockHeight: 1_000_000_000n },
}));
const concurrentPool = makePool(f.wallets[3]!.keypair, sink, bh, 40_000, 1n);
const CONCURRENCY = 16;

const rpc = createSolanaRpc(net.rpcUrl);
const rpcSubscriptions = createSolanaRpcSubscriptions(net.wsUrl);
const sendAndConfirm = sendAndConfirmTransactionFactory({ rpc, rpcSubscriptions });
const b58 = getBase58Decoder();

const bench = new Bench({ name: 'localnet throughput', time: TIME_MS, warmup: true, warmupTime: 200, warmupIterations: 20 });
bench
    .add('LiteSVM.sendTransaction (direct)', () => {
        const result = direct.svm.sendTransaction(take(directPool, 'direct'));
        if (result instanceof FailedTransactionMetadata) throw new Error(`direct send failed: ${result.toString()}`);
    })
    .add('Ledger.sendTransaction (in-process)', () => {
        const outcome = ledger.sendTransaction(take(ledgerPool, 'ledger'));
        if (outcome.kind !== 'landed') throw new Error(`ledger: ${outcome.kind}`);
    })
    .add('HTTP sendTransaction', async () => {
        const r = await rpcCall(net.rpcUrl, 'sendTransaction', [base64(take(httpPool, 'http')), { encoding: 'base64' }]);
        if (r.error) throw new Error(r.error.message);
    })
    .add('HTTP sendTransaction + getSignatureStatuses', async () => {
        const wire = take(httpStatusPool, 'http+status');
        const r = await rpcCall(net.rpcUrl, 'sendTransaction', [base64(wire), { encoding: 'base64' }]);
        if (r.error) throw new Error(r.error.message);
        const signature = b58.decode(wire.subarray(1, 65));
        for (let i = 0; i < 100; i++) {
            const s = await rpcCall(net.rpcUrl, 'getSignatureStatuses', [[signature]]);
            const status = s.result?.value?.[0]?.confirmationStatus;
            if (status === 'confirmed' || status === 'finalized') return;
        }
        throw new Error('not confirmed');
    })
    .add('kit sendAndConfirmTransaction (HTTP + websocket)', async () => {
        await sendAndConfirm(take(kitPool, 'kit') as never, { commitment: 'confirmed', skipPreflight: false });
    })
    .add(`HTTP sendTransaction x${CONCURRENCY} concurrent`, async () => {
        const batch = Array.from({ length: CONCURRENCY }, () => take(concurrentPool, 'concurrent'));
        const results = await Promise.all(batch.map((w) => rpcCall(net.rpcUrl, 'sendTransaction', [base64(w), { encoding: 'base64' }])));
        for (const r of results) if (r.error) throw new Error(r.error.message);
    });

try {
    await bench.run();
} finally {
    await net.stop();
}

const rows = bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`${task.name}: ${result.state} ${'error' in result ? String(result.error) : ''}`);
    const perTx = task.name.includes('concurrent') ? CONCURRENCY : 1;
    return { name: task.name, txPerSecond: result.throughput.mean * perTx, meanMicros: (result.latency.mean * 1000) / perTx };
});
const baseline = rows[0]!.txPerSecond;
console.table(
    rows.map((r) => ({
        task: r.name,
        'tx/s': Math.round(r.txPerSecond),
        'µs per tx': r.meanMicros.toFixed(1),
        'vs direct LiteSVM': `${(r.txPerSecond / baseline).toFixed(3)}x`,
    })),
);
for (const r of rows.slice(1)) console.log(`${r.name} / direct LiteSVM = ${(r.txPerSecond / baseline).toFixed(3)}x`);
