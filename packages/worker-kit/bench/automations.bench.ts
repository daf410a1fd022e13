/**
 * The raffle automations on `@raffle/localnet` (real program, JSON-RPC and websockets):
 *
 * 1. Draw latency: from the moment the cluster confirms the sell-out join (`ThresholdReached`) to
 *    the moment it confirms the worker's `request_draw_arcium`, p50 / p99. Baseline in the same
 *    run: a hand-written script that listens to the program's logs and sends the request itself.
 *    Target (issue 13): p99 < 500 ms.
 * 2. Refund of a raffle with BENCH_ENTRIES entries (default 10,000) in vouchers mode, from the
 *    clock warp past its deadline to `RaffleRefunded` with every voucher issued. Baseline in the
 *    same run: a script doing the same work (refund batches, one voucher mint per entry, 8 in
 *    flight) with no worker, store or ledger. Target: < 60 s.
 *
 *     pnpm bench automations      (BENCH_ENTRIES=2000 BENCH_DRAWS=50 for a quick run)
 *
 * The joins of the setup go straight into the cluster's ledger in this process (not measured).
 */
import {
    createRaffleWithPermitTx,
    fetchEntries,
    fetchRaffle,
    findRaffleAddresses,
    joinWithTokenTx,
    type RaffleTransactionMessage,
    refundBatchTx,
    requestDrawTx,
    RWA_RAFFLE_EVENTS,
    sendAndConfirmRaffleTransactionFactory,
} from '@raffle/client';
import { startLocalnet } from '@raffle/localnet';
import { createKeypairSigner, issuePermit } from '@raffle/permit';
import {
    type Address,
    appendTransactionMessageInstructions,
    type Blockhash,
    createDefaultRpcTransport,
    createSolanaRpcFromTransport,
    createSolanaRpcSubscriptions,
    createTransactionMessage,
    getTransactionEncoder,
    pipe,
    setTransactionMessageFeePayerSigner,
    setTransactionMessageLifetimeUsingBlockhash,
    signTransactionMessageWithSigners,
    type TransactionSigner,
} from '@solana/kit';

import { createMemoryWorkerStore, createWorker } from '../src/index';
import { claimOf } from '../src/raffle/tickets';
import { createHashChainDrawProvider, createSplVoucherIssuer, registerRaffleAutomations } from '../src/entries/raffle';

const ENTRIES = Math.max(100, Number(process.env.BENCH_ENTRIES ?? 10_000));
const DRAWS = Math.max(10, Number(process.env.BENCH_DRAWS ?? 100));
const WALLETS = 100;
const PRICE = 1_000_000n;

const net = await startLocalnet({
    rpcPort: 0,
    slotIntervalMs: 20,
    confirmationLag: 1,
    finalizationLag: 32,
    fixtures: { wallets: WALLETS, prizeNfts: DRAWS * 2 + 2 },
    onError: () => undefined,
});
const f = net.fixtures!;
// Retries a request whose connection was reset (the client reusing a keep-alive connection the
// server is closing while this process is busy with the setup), as a production RPC client would.
const http = createDefaultRpcTransport({ url: net.rpcUrl });
const transport: typeof http = async request => {
    for (let attempt = 1; ; attempt++) {
        try {
            return await http(request);
        } catch (e) {
            if (attempt >= 3 || !(e instanceof TypeError)) throw e;
        }
    }
};
const rpc = createSolanaRpcFromTransport(transport);
const rpcSubscriptions = createSolanaRpcSubscriptions(net.wsUrl);
const sendAndConfirm = sendAndConfirmRaffleTransactionFactory({ rpc, rpcSubscriptions });
const organizer = f.organizer.keypair.signer;
const cranker = f.wallets[WALLETS - 1]!.keypair.signer;
const confirmedAt = new Map<string, number>();
net.ledger.events.on('commitment', ({ commitment, records }) => {
    if (commitment !== 'confirmed') return;
    const now = performance.now();
    for (const r of records) if (!confirmedAt.has(r.signature)) confirmedAt.set(r.signature, now);
});
let nextId = 1n;
let nextPrize = 0;

async function createRaffle(maxTickets: number, refundMode: 'tokens' | 'vouchers', deadlineIn = 3_600n): Promise<Address> {
    const now = BigInt(net.control.status().unixTimestamp);
    const raffleId = nextId++;
    const permit = await issuePermit(
        {
            programId: f.programAddress,
            config: f.configAddress,
            organizer: organizer.address,
            raffleId,
            tier: 1,
            enterpriseId: new Uint8Array(16).fill(7),
            prizeMint: f.prizeNfts[nextPrize++]!.mint,
            prizeAmount: 1n,
            paymentMint: f.mints.MOGA.address,
            ticketPrice: PRICE,
            maxTickets,
            deadline: now + deadlineIn,
            refundMode,
        },
        { signer: createKeypairSigner(f.permitSigner.secretKey), now: Number(now), ttlSeconds: 300 },
    );
    await sendAndConfirm(() => createRaffleWithPermitTx({ organizer, permit }), { feePayer: organizer });
    return (await findRaffleAddresses({ organizer: organizer.address, raffleId })).raffle;
}

function percentile(sorted: readonly number[], p: number): number {
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function sellOut(raffle: Address): Promise<string> {
    const buyer = f.wallets[0]!.keypair.signer;
    return (await sendAndConfirm(() => joinWithTokenTx({ rpc, buyer, raffle, ticketCount: 1 }), { feePayer: buyer })).signature;
}

// ---------------------------------------------------------------------------------------------
// 1. Draw latency
// ---------------------------------------------------------------------------------------------

async function scriptDrawLatencies(): Promise<number[]> {
    const abort = new AbortController();
    const pending = new Map<string, Address>();
    const requests: Promise<{ join: string; request: string }>[] = [];
    const logs = await rpcSubscriptions.logsNotifications({ mentions: [f.programAddress] }, { commitment: 'confirmed' }).subscribe({ abortSignal: abort.signal });
    void (async () => {
        try {
            for await (const n of logs) {
                const raffle = pending.get(n.value.signature);
                if (!raffle || n.value.err !== null) continue;
                pending.delete(n.value.signature);
                const join = n.value.signature;
                requests.push(sendAndConfirm(() => requestDrawTx({ requester: cranker, raffle }), { feePayer: cranker }).then(r => ({ join, request: r.signature })));
            }
        } catch {
            // aborted
        }
    })();
    for (let i = 0; i < DRAWS; i++) {
        const raffle = await createRaffle(1, 'tokens');
        const buyer = f.wallets[0]!.keypair.signer;
        await sendAndConfirm(() => joinWithTokenTx({ rpc, buyer, raffle, ticketCount: 1 }), {
            feePayer: buyer,
            onSigned: ({ signature }) => void pending.set(signature, raffle),
        });
        while (requests.length <= i) await new Promise(r => setTimeout(r, 5));
        await requests[i];
    }
    abort.abort();
    const done = await Promise.all(requests);
    return done.map(({ join, request }) => confirmedAt.get(request)! - confirmedAt.get(join)!).sort((a, b) => a - b);
}

async function workerDrawLatencies(): Promise<number[]> {
    const store = createMemoryWorkerStore();
    const worker = createWorker({ rpc, rpcSubscriptions, store, programAddress: f.programAddress, decoder: RWA_RAFFLE_EVENTS, concurrency: 16, pollMs: 500 });
    const automations = registerRaffleAutomations(worker, {
        rpc,
        rpcSubscriptions,
        programAddress: f.programAddress,
        cranker,
        // Answered at once (as in production): unanswered requests would be re-requested every 150 slots.
        draw: { provider: createHashChainDrawProvider({ drawAuthority: f.drawAuthority.signer, seed: f.drawHashChain.seed, length: f.drawHashChain.length }) },
        issuer: false,
        claims: { prize: false, proceeds: false },
        reconcileIntervalMs: 0,
    });
    const requested = new Map<string, string>();
    automations.events.on('automation:failed', ({ action, error }) => console.warn(`worker: ${action} failed: ${error.message}`));
    worker.events.on('handler:failed', ({ jobId, error }) => console.warn(`worker: ${jobId} failed: ${error.message}`));
    automations.events.on('automation:done', ({ action, raffle, signature }) => {
        if (action === 'request-draw' && signature) requested.set(raffle, signature);
    });
    const connected = new Promise(resolve => worker.events.once('ingest:connected', resolve));
    await worker.start();
    await connected;
    const latencies: number[] = [];
    try {
        for (let i = 0; i < DRAWS; i++) {
            const raffle = await createRaffle(1, 'tokens');
            const join = await sellOut(raffle);
            const end = Date.now() + 10_000;
            while (!requested.has(raffle)) {
                if (Date.now() > end) throw new Error(`the worker did not request the draw of ${raffle}`);
                await new Promise(r => setTimeout(r, 2));
            }
            const request = requested.get(raffle)!;
            while (!confirmedAt.has(request)) await new Promise(r => setTimeout(r, 2));
            latencies.push(confirmedAt.get(request)! - confirmedAt.get(join)!);
        }
    } finally {
        await worker.stop();
    }
    return latencies.sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// 2. Refund of a large raffle
// ---------------------------------------------------------------------------------------------

/** ENTRIES joins of one ticket each, sent straight into the ledger (setup, not measured). */
async function fillRaffle(raffle: Address): Promise<void> {
    let account = await fetchRaffle(rpc, raffle, { commitment: 'processed' });
    const encoder = getTransactionEncoder();
    for (let i = 0; i < ENTRIES; i++) {
        const buyer = f.wallets[i % (WALLETS - 1)]!.keypair.signer;
        const message = await joinWithTokenTx({ buyer, raffle: account, ticketCount: 1 });
        const { blockhash, lastValidBlockHeight } = net.ledger.latestBlockhash('processed');
        const signed = await signTransactionMessageWithSigners(
            pipe(
                message,
                m => setTransactionMessageFeePayerSigner(buyer, m),
                m => setTransactionMessageLifetimeUsingBlockhash({ blockhash: blockhash as Blockhash, lastValidBlockHeight }, m),
            ),
        );
        const outcome = net.ledger.sendTransaction(new Uint8Array(encoder.encode(signed)), { skipPreflight: true });
        if (outcome.kind !== 'landed') throw new Error(`join ${i} did not land: ${outcome.kind}`);
        account = { ...account, data: { ...account.data, entriesCount: account.data.entriesCount + 1, ticketsSold: account.data.ticketsSold + 1 } };
    }
}

async function runLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    await Promise.all(Array.from({ length: limit }, async () => {
        while (next < items.length) await task(items[next++]!);
    }));
}

async function scriptRefund(raffle: Address): Promise<{ seconds: number; refundTxs: number; mintTxs: number }> {
    const issuer = createSplVoucherIssuer({ rpc, mint: f.mints.MRFT.address, mintAuthority: f.mrftMintAuthority.signer });
    const started = performance.now();
    const entries = await fetchEntries(rpc, raffle);
    const batches = await refundBatchTx({ rpc, cranker, raffle, entries });
    await runLimited(batches, 8, async message => void (await sendAndConfirm(message, { feePayer: cranker })));
    const state = await fetchRaffle(rpc, raffle, { commitment: 'confirmed' });
    const now = { slot: 0n, unixTimestamp: BigInt(net.control.status().unixTimestamp) };
    await runLimited(entries, 8, async entry => {
        const claim = claimOf(state, entry, now);
        const built = await issuer.buildIssue(claim, { from: 0, to: claim.tickets }, { payer: cranker });
        await sendAndConfirm(appendTransactionMessageInstructions(built.instructions, createTransactionMessage({ version: 0 })) as RaffleTransactionMessage, { feePayer: cranker });
    });
    return { seconds: (performance.now() - started) / 1000, refundTxs: batches.length, mintTxs: entries.length };
}

async function workerRefund(raffle: Address): Promise<{ seconds: number; refundTxs: number; mintTxs: number }> {
    const store = createMemoryWorkerStore();
    const worker = createWorker({ rpc, rpcSubscriptions, store, programAddress: f.programAddress, decoder: RWA_RAFFLE_EVENTS, concurrency: 16, pollMs: 100 });
    const automations = registerRaffleAutomations(worker, {
        rpc,
        rpcSubscriptions,
        programAddress: f.programAddress,
        cranker,
        draw: { provider: createHashChainDrawProvider({ drawAuthority: f.drawAuthority.signer, seed: f.drawHashChain.seed, length: f.drawHashChain.length }) },
        issuer: createSplVoucherIssuer({ rpc, mint: f.mints.MRFT.address, mintAuthority: f.mrftMintAuthority.signer }),
        claims: { prize: false, proceeds: false },
        reconcileIntervalMs: 0,
        clockPollMs: 200,
        concurrency: 8,
    });
    let refundTxs = 0;
    let issued = 0;
    let started = performance.now();
    const mintSignatures = new Set<string>();
    automations.events.on('automation:done', ({ action, alreadyDone, signature }) => {
        if (alreadyDone) return;
        if (action === 'refund' && ++refundTxs > 0 && process.env.BENCH_TRACE) console.log(`${((performance.now() - started) / 1000).toFixed(2)} refund ${refundTxs}`);
        if (action === 'issue-tickets') {
            if (process.env.BENCH_TRACE && issued % 500 === 0) console.log(`${((performance.now() - started) / 1000).toFixed(2)} issued ${issued}`);
            issued++;
            if (signature) mintSignatures.add(signature);
        }
    });
    await worker.start();
    while (automations.status().lastReconcile === null) await new Promise(r => setTimeout(r, 20));
    net.control.warpClock(BigInt(net.control.status().unixTimestamp) + 3_601n);
    started = performance.now();
    const end = Date.now() + 600_000;
    while (issued < ENTRIES) {
        if (Date.now() > end) throw new Error(`the worker issued ${issued} of ${ENTRIES} in 10 minutes`);
        await new Promise(r => setTimeout(r, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    await worker.stop();
    const state = await fetchRaffle(rpc, raffle, { commitment: 'confirmed' });
    if (state.data.entriesRefunded !== ENTRIES) throw new Error(`only ${state.data.entriesRefunded} entries refunded`);
    return { seconds, refundTxs, mintTxs: mintSignatures.size };
}

try {
    console.log(`draw latency: ${DRAWS} sold-out raffles each for the script and for the worker`);
    const script = await scriptDrawLatencies();
    const worker = await workerDrawLatencies();
    console.table([
        { task: 'script: logs -> request_draw (baseline)', samples: script.length, 'p50 ms': percentile(script, 50).toFixed(1), 'p99 ms': percentile(script, 99).toFixed(1), 'max ms': script[script.length - 1]!.toFixed(1), 'p50 vs script': '1.00x' },
        {
            task: 'worker automations',
            samples: worker.length,
            'p50 ms': percentile(worker, 50).toFixed(1),
            'p99 ms': percentile(worker, 99).toFixed(1),
            'max ms': worker[worker.length - 1]!.toFixed(1),
            'p50 vs script': `${(percentile(worker, 50) / percentile(script, 50)).toFixed(2)}x`,
        },
    ]);
    console.log('target: worker p99 < 500 ms');

    console.log(`\nrefund of ${ENTRIES} entries (vouchers mode): setup...`);
    const baselineRaffle = await createRaffle(1_000_000, 'vouchers', 1_800n);
    await fillRaffle(baselineRaffle);
    net.control.warpClock(BigInt(net.control.status().unixTimestamp) + 1_801n);
    const base = await scriptRefund(baselineRaffle);
    const workerRaffle = await createRaffle(1_000_000, 'vouchers', 3_600n);
    await fillRaffle(workerRaffle);
    const measured = await workerRefund(workerRaffle);
    const row = (task: string, r: { seconds: number; refundTxs: number; mintTxs: number }) => ({
        task,
        entries: ENTRIES,
        's': r.seconds.toFixed(1),
        'refund txs': r.refundTxs,
        'entries/refund tx': (ENTRIES / r.refundTxs).toFixed(1),
        'mint txs': r.mintTxs,
        'entries/mint tx': (ENTRIES / r.mintTxs).toFixed(1),
        'tx/s': ((r.refundTxs + r.mintTxs) / r.seconds).toFixed(0),
        'time vs script': `${(r.seconds / base.seconds).toFixed(2)}x`,
    });
    console.table([row('script: refund batches + one mint per entry, 8 in flight (baseline)', base), row('worker automations (memory store)', measured)]);
    console.log('target: worker < 60 s for 10,000 entries');
} finally {
    await net.stop();
}
process.exit(0);
