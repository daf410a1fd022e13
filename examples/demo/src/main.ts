/**
 * The demo: a whole raffle lifecycle on a local cluster, over real JSON-RPC, websockets and
 * HTTP. The script only does what users do; the worker does everything else.
 *
 * 1. Starts @raffle/localnet in-process (LiteSVM with the reference program and fixtures), the
 *    permit server (@raffle/permit/server) and the worker (@raffle/worker-kit with the raffle
 *    automations and its HTTP surface), each on 127.0.0.1.
 * 2. The backend operator approves the organizer (permit server admin API). The organizer signs
 *    in with its wallet and gets permits over HTTP (`createPermitApiClient` from @raffle/client).
 * 3. Raffle #1 sells out: the worker requests the draw, answers it as the draw authority with the
 *    next value of its hash chain, and claims the winner's prize and the organizer's proceeds.
 * 4. Raffle #2 misses its deadline (a clock warp): the worker refunds its entries, mints one
 *    refund ticket (MRFT voucher) per ticket to each buyer, returns the prize to the organizer
 *    and sends the payments to the treasury.
 *
 * What the worker did is printed from its activity stream (`GET /events`), as another backend
 * would follow it. Run: `pnpm demo` (from the repository root).
 */
import {
    createPermitApiClient,
    createRaffleWithPermitTx,
    fetchRaffleView,
    findAssociatedTokenAddress,
    findRaffleAddresses,
    joinWithTokenTx,
    parseRaffleEventsFromTransaction,
    type RaffleTransactionMessage,
    type RwaRaffleEvent,
    sendAndConfirmRaffleTransactionFactory,
    walletFromMessageSigner,
} from '@raffle/client';
import { startLocalnet } from '@raffle/localnet';
import { createSolanaRpc, createSolanaRpcSubscriptions, fetchEncodedAccount, getU64Decoder, type Rpc, type Signature, type SolanaRpcApi, type TransactionSigner } from '@solana/kit';

import { type ActivityEntry, followActivity } from './activity';
import { approveOrganizer, startPermitServer, startWorker } from './services';
import { detail, section, short, step, tokens } from './timeline';

const TICKET_PRICE = 5_000_000n; // 5 MOGA (6 decimals)
const ENTERPRISE_ID = '64656d6f2d656e74657270726973652d'; // 16 bytes, hex
const WORKER_ACTIONS: Record<string, string> = {
    'request-draw': 'worker requested the draw',
    'answer-draw': 'worker answered the draw as the draw authority (next hash-chain value)',
    refund: 'worker sent a refund batch',
    'issue-tickets': 'worker minted refund tickets (MRFT vouchers, several buyers per transaction)',
    'claim-prize': 'worker claimed the prize',
    'claim-proceeds': 'worker claimed the proceeds',
};

async function main(): Promise<void> {
    section('Local cluster, permit server, worker');
    const net = await startLocalnet({ rpcPort: 0, slotIntervalMs: 50, confirmationLag: 1, finalizationLag: 4, fixtures: { wallets: 6, prizeNfts: 2 } });
    const fixtures = net.fixtures!;
    step(`cluster: RPC ${net.rpcUrl}, websocket ${net.wsUrl}`);
    detail(`program ${fixtures.programAddress}, organizer ${short(fixtures.organizer.address)}, ${fixtures.wallets.length} buyers, fee ${fixtures.feeBps} bps`);
    const rpc = createSolanaRpc(net.rpcUrl) as Rpc<SolanaRpcApi>;
    const rpcSubscriptions = createSolanaRpcSubscriptions(net.wsUrl);
    const permitServer = await startPermitServer(net);
    step(`permit server ${permitServer.url}: signs with the fixtures' permit signer, prizes from the fixtures' collection`);
    const worker = await startWorker(net);
    step(`worker ${short(worker.owner)} at ${worker.url}: hash-chain draws, deadline refunds, MRFT vouchers, claims`);

    // The timeline of what the worker did, from its activity stream.
    const following = new AbortController();
    const printed = new Set<string>(); // several entries' vouchers share one transaction: print it once
    let lastActivity = Date.now();
    const onActivity = async (entry: ActivityEntry) => {
        lastActivity = Date.now();
        const data = entry.data as { action?: string; signature?: string | null; error?: string } | null;
        if (entry.action === 'effect:error' && data?.action) detail(`(worker: ${data.action} failed, will retry: ${data.error ?? '?'})`);
        if (entry.action !== 'effect:confirmed' || !data?.action || !data.signature || printed.has(data.signature)) return;
        printed.add(data.signature);
        step(`${WORKER_ACTIONS[data.action] ?? data.action}  [${short(data.signature)}]`);
        for (const event of await eventsOf(rpc, data.signature as Signature)) detail(describe(event));
    };
    const follower = followActivity(worker.url, onActivity, following.signal);
    const settled = async () => {
        // The stream has caught up with the worker's last action.
        while (Date.now() - lastActivity < 400) await new Promise(r => setTimeout(r, 100));
    };

    try {
        const sendAndConfirm = sendAndConfirmRaffleTransactionFactory({ rpc, rpcSubscriptions });
        const send = async (what: string, build: () => Promise<RaffleTransactionMessage>, feePayer: TransactionSigner) => {
            const { signature } = await sendAndConfirm(build, { feePayer, commitment: 'confirmed' });
            step(`${what}  [${short(signature)}]`);
            for (const event of await eventsOf(rpc, signature)) detail(describe(event));
        };
        const organizer = fixtures.organizer.keypair.signer;
        const now = () => BigInt(net.control.status().unixTimestamp);
        const until = async (what: string, check: () => Promise<boolean>) => {
            const end = Date.now() + 60_000;
            while (!(await check())) {
                if (Date.now() > end) throw new Error(`the worker did not ${what} within 60 s`);
                await new Promise(r => setTimeout(r, 100));
            }
            await settled();
        };

        section('The backend approves the organizer; the organizer signs in');
        await approveOrganizer(permitServer, { address: organizer.address, enterpriseId: ENTERPRISE_ID, collection: fixtures.collection.mint });
        step(`operator approved organizer ${short(organizer.address)} (tier pro, prizes from collection ${short(fixtures.collection.mint)})`);
        const permits = createPermitApiClient({ baseUrl: permitServer.url });
        const session = await permits.signIn(walletFromMessageSigner(organizer));
        step(`organizer signed in with its wallet (Sign-In With Solana), session until ${session.expiresAt}`);
        const requestPermit = async (prizeMint: (typeof fixtures.prizeNfts)[number]['mint'], maxTickets: number, deadline: bigint, refundMode: 'tokens' | 'vouchers') => {
            const { raffleId, permit } = await permits.requestPermit({ prizeMint, prizeAmount: 1n, paymentMint: fixtures.mints.MOGA.address, ticketPrice: TICKET_PRICE, maxTickets, deadline, refundMode });
            step(`organizer got permit for raffle #${raffleId} over HTTP: ${maxTickets} tickets at ${tokens(TICKET_PRICE)} MOGA, refunds in ${refundMode}`);
            detail(`signed by ${short(permit.signer)}, expires at ${permit.expiresAt}`);
            return { raffleId, permit };
        };

        section('Raffle #1: sells out; the worker draws and claims');
        const first = await requestPermit(fixtures.prizeNfts[0]!.mint, 10, now() + 7_200n, 'tokens');
        await send('organizer created the raffle', () => createRaffleWithPermitTx({ organizer, permit: first.permit }), organizer);
        const { raffle: raffle1 } = await findRaffleAddresses({ organizer: organizer.address, raffleId: first.raffleId });
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
        const deadline2 = now() + 3_700n; // the permit policy's shortest deadline is one hour
        const second = await requestPermit(fixtures.prizeNfts[1]!.mint, 20, deadline2, 'vouchers');
        await send('organizer created the raffle', () => createRaffleWithPermitTx({ organizer, permit: second.permit }), organizer);
        const { raffle: raffle2 } = await findRaffleAddresses({ organizer: organizer.address, raffleId: second.raffleId });
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
        const status = (await (await fetch(`${worker.url}/status`)).json()) as { worker: { queue: { deadLetters: number }; lagSlots: string | null } };
        detail(`${printed.size} worker transactions, each in the worker's audit log and its activity stream; ${status.worker.queue.deadLetters} dead letters`);
    } finally {
        following.abort();
        await follower;
        await worker.stop();
        await permitServer.stop();
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
