/**
 * The demo: a whole raffle lifecycle on a local cluster, over real JSON-RPC and websockets. The
 * script only does what users do; the worker does everything else.
 *
 * 1. Starts @raffle/localnet in-process (LiteSVM with the reference program and fixtures) and a
 *    worker (@raffle/worker-kit) with the raffle automations (@raffle/worker-kit/raffle).
 * 2. Raffle #1: the backend issues a permit (@raffle/permit), the organizer creates the raffle
 *    (@raffle/client), buyers join until it sells out. The worker requests the draw, answers it
 *    as the draw authority with the next value of its hash chain, and claims the winner's prize
 *    and the organizer's proceeds (minus the protocol fee).
 * 3. Raffle #2 misses its deadline (a clock warp): the worker refunds its entries, mints one
 *    refund ticket (MRFT voucher) per ticket to each buyer, returns the prize to the organizer
 *    and sends the payments to the treasury.
 *
 * Run: `pnpm demo` (from the repository root).
 */
import {
    createRaffleWithPermitTx,
    fetchRaffleView,
    findAssociatedTokenAddress,
    findRaffleAddresses,
    joinWithTokenTx,
    parseRaffleEventsFromTransaction,
    RWA_RAFFLE_EVENTS,
    sendAndConfirmRaffleTransactionFactory,
    type RaffleTransactionMessage,
    type RwaRaffleEvent,
} from '@raffle/client';
import { startLocalnet } from '@raffle/localnet';
import { issuePermit, type Permit } from '@raffle/permit';
import { createKeypairSigner } from '@raffle/permit/node';
import { createMemoryWorkerStore, createWorker } from '@raffle/worker-kit';
import { createHashChainDrawProvider, createSplVoucherIssuer, registerRaffleAutomations } from '@raffle/worker-kit/raffle';
import {
    type Address,
    createSolanaRpc,
    createSolanaRpcSubscriptions,
    fetchEncodedAccount,
    getU64Decoder,
    type Rpc,
    type Signature,
    type SolanaRpcApi,
    type TransactionSigner,
} from '@solana/kit';

import { detail, section, short, step, tokens } from './timeline';

const TICKET_PRICE = 5_000_000n; // 5 MOGA (6 decimals)
const ENTERPRISE_ID = new TextEncoder().encode('demo-enterprise!'); // 16 bytes
const WORKER_ACTIONS: Record<string, string> = {
    'request-draw': 'worker requested the draw',
    'answer-draw': 'worker answered the draw as the draw authority (next hash-chain value)',
    refund: 'worker sent a refund batch',
    'issue-tickets': 'worker minted refund tickets (MRFT vouchers, several buyers per transaction)',
    'claim-prize': 'worker claimed the prize',
    'claim-proceeds': 'worker claimed the proceeds',
};

async function main(): Promise<void> {
    section('Local cluster');
    const net = await startLocalnet({ rpcPort: 0, slotIntervalMs: 50, confirmationLag: 1, finalizationLag: 4, fixtures: { wallets: 6, prizeNfts: 2 } });
    const fixtures = net.fixtures!;
    step(`RPC ${net.rpcUrl}, websocket ${net.wsUrl}`);
    detail(`program ${fixtures.programAddress}, config ${fixtures.configAddress}`);
    detail(`organizer ${short(fixtures.organizer.address)}, ${fixtures.wallets.length} buyers, fee ${fixtures.feeBps} bps`);
    const rpc = createSolanaRpc(net.rpcUrl) as Rpc<SolanaRpcApi>;
    const rpcSubscriptions = createSolanaRpcSubscriptions(net.wsUrl);

    section('Worker');
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
    // The timeline of what the worker did, from its own results.
    let printing = Promise.resolve();
    const printed = new Set<string>(); // several entries' vouchers share one transaction: print it once
    automations.events.on('automation:done', ({ action, signature, alreadyDone }) => {
        if (alreadyDone || signature === null || printed.has(signature)) return;
        printed.add(signature);
        printing = printing.then(async () => {
            step(`${WORKER_ACTIONS[action] ?? action}  [${short(signature)}]`);
            for (const event of await eventsOf(rpc, signature as Signature)) detail(describe(event));
        });
    });
    automations.events.on('automation:failed', ({ action, error, willRetry }) => detail(`(worker: ${action} failed${willRetry ? ', will retry' : ''}: ${error.message})`));
    await worker.start();
    step(`worker ${short(worker.owner)} started: hash-chain draws, deadline refunds, MRFT vouchers, claims`);

    try {
        const sendAndConfirm = sendAndConfirmRaffleTransactionFactory({ rpc, rpcSubscriptions });
        const send = async (what: string, build: () => Promise<RaffleTransactionMessage>, feePayer: TransactionSigner) => {
            const { signature } = await sendAndConfirm(build, { feePayer, commitment: 'confirmed' });
            await printing;
            step(`${what}  [${short(signature)}]`);
            for (const event of await eventsOf(rpc, signature)) detail(describe(event));
        };
        const permitSigner = createKeypairSigner(fixtures.permitSigner.secretKey);
        const organizer = fixtures.organizer.keypair.signer;
        const now = () => net.control.status().unixTimestamp;
        const issue = async (raffleId: bigint, prizeMint: Address, maxTickets: number, deadline: bigint, refundMode: 'tokens' | 'vouchers'): Promise<Permit> => {
            const permit = await issuePermit(
                {
                    programId: fixtures.programAddress,
                    config: fixtures.configAddress,
                    organizer: organizer.address,
                    raffleId,
                    tier: 1,
                    enterpriseId: ENTERPRISE_ID,
                    prizeMint,
                    prizeAmount: 1n,
                    paymentMint: fixtures.mints.MOGA.address,
                    ticketPrice: TICKET_PRICE,
                    maxTickets,
                    deadline,
                    refundMode,
                },
                { signer: permitSigner, now: Number(now()), ttlSeconds: 300 },
            );
            step(`backend issued permit for raffle #${raffleId}: ${maxTickets} tickets at ${tokens(TICKET_PRICE)} MOGA, refunds in ${refundMode}`);
            detail(`signed by ${short(permit.signer)}, expires at ${permit.expiresAt}`);
            return permit;
        };
        const until = async (what: string, check: () => Promise<boolean>) => {
            const end = Date.now() + 60_000;
            while (!(await check())) {
                if (Date.now() > end) throw new Error(`the worker did not ${what} within 60 s`);
                await new Promise(r => setTimeout(r, 100));
            }
            await printing;
        };

        section('Raffle #1: sells out; the worker draws and claims');
        const permit1 = await issue(1n, fixtures.prizeNfts[0]!.mint, 10, BigInt(now()) + 3_600n, 'tokens');
        await send('organizer created the raffle', () => createRaffleWithPermitTx({ organizer, permit: permit1 }), organizer);
        const { raffle: raffle1 } = await findRaffleAddresses({ organizer: organizer.address, raffleId: 1n });
        for (const [i, count] of [3, 3, 2, 2].entries()) {
            const buyer = fixtures.wallets[i]!.keypair.signer;
            await send(`buyer ${i + 1} bought ${count} tickets`, () => joinWithTokenTx({ rpc, buyer, raffle: raffle1, ticketCount: count }), buyer);
        }
        await until('finish raffle #1', async () => {
            const r = (await fetchRaffleView(rpc, raffle1, { skipWinner: true })).raffle;
            return r.prizeClaimed && r.proceedsClaimed;
        });
        const view1 = await fetchRaffleView(rpc, raffle1);
        step(`winner: ticket ${view1.raffle.winnerTicket}, held by ${short(view1.winner?.buyer ?? '?')}`);

        section('Raffle #2: misses its deadline; the worker refunds it and issues refund tickets');
        const deadline2 = BigInt(now()) + 600n;
        const permit2 = await issue(2n, fixtures.prizeNfts[1]!.mint, 20, deadline2, 'vouchers');
        await send('organizer created the raffle', () => createRaffleWithPermitTx({ organizer, permit: permit2 }), organizer);
        const { raffle: raffle2 } = await findRaffleAddresses({ organizer: organizer.address, raffleId: 2n });
        const owed = [2, 1, 3, 1, 2];
        for (const [i, count] of owed.entries()) {
            const buyer = fixtures.wallets[i]!.keypair.signer;
            await send(`buyer ${i + 1} bought ${count} tickets`, () => joinWithTokenTx({ rpc, buyer, raffle: raffle2, ticketCount: count }), buyer);
        }
        net.control.warpClock(deadline2 + 1n);
        step(`clock warped past the deadline: 9 of 20 tickets sold, the raffle failed`);
        const vouchers = async (i: number) => {
            const account = await fetchEncodedAccount(rpc, await findAssociatedTokenAddress({ owner: fixtures.wallets[i]!.address, mint: fixtures.mints.MRFT.address }), { commitment: 'confirmed' });
            return account.exists ? getU64Decoder().decode(account.data, 64) : 0n;
        };
        await until('finish raffle #2', async () => {
            const r = (await fetchRaffleView(rpc, raffle2)).raffle;
            const held = await Promise.all(owed.map((_, i) => vouchers(i)));
            return r.prizeClaimed && r.proceedsClaimed && held.every((n, i) => n === BigInt(owed[i]!));
        });
        step(`every buyer holds one MRFT voucher per ticket: ${owed.map((n, i) => `buyer ${i + 1}: ${n}`).join(', ')}`);
        const view2 = await fetchRaffleView(rpc, raffle2);

        section('Done');
        step(`raffle #1 ${view1.statusName}, raffle #2 ${view2.statusName}: the worker did every step after the users'`);
        const audit = await store.listAudit({ limit: 1000 });
        detail(`${audit.filter(a => a.action === 'effect:confirmed').length} effects confirmed, each recorded in the worker's audit log`);
    } finally {
        await worker.stop();
        await store.close();
        await net.stop();
    }
}

async function eventsOf(rpc: Rpc<SolanaRpcApi>, signature: Signature): Promise<RwaRaffleEvent[]> {
    const transaction = await rpc.getTransaction(signature, { commitment: 'confirmed', encoding: 'json', maxSupportedTransactionVersion: 0 }).send();
    return parseRaffleEventsFromTransaction(transaction);
}

function describe(event: RwaRaffleEvent): string {
    switch (event.name) {
        case 'RaffleCreated':
            return `RaffleCreated ${short(event.data.raffle)}: prize ${short(event.data.prizeMint)}, deadline ${event.data.deadline}`;
        case 'TicketsPurchased':
            return `TicketsPurchased: tickets ${event.data.firstTicket}-${event.data.firstTicket + event.data.ticketCount - 1}, ${event.data.ticketsSold} sold, paid ${tokens(event.data.amountPaid)} MOGA`;
        case 'ThresholdReached':
            return `ThresholdReached: sold out at ${event.data.ticketsSold} tickets, draw seed fixed`;
        case 'DrawRequested':
            return `DrawRequested at slot ${event.data.slot}`;
        case 'WinnerDrawn':
            return `WinnerDrawn: winning ticket ${event.data.winnerTicket}`;
        case 'EntryRefunded':
            return `EntryRefunded: ${tokens(event.data.amount)} MOGA back to ${short(event.data.buyer)}`;
        case 'RefundTicketsRequested':
            return `RefundTicketsRequested: ${event.data.tickets} MRFT voucher(s) owed to ${short(event.data.buyer)}`;
        case 'PrizeClaimed':
            return `PrizeClaimed: to ${short(event.data.recipient)}${event.data.toWinner ? ' (winner)' : ' (organizer)'}`;
        case 'ProceedsClaimed':
            return `ProceedsClaimed: organizer ${tokens(event.data.organizerAmount)} MOGA, treasury ${tokens(event.data.treasuryAmount)} MOGA`;
        default:
            return event.name;
    }
}

main().then(
    () => process.exit(0),
    (error: unknown) => {
        console.error('\ndemo failed:', error);
        process.exit(1);
    },
);
