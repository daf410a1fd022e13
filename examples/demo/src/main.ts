/**
 * The demo: a whole raffle lifecycle on a local cluster, over real JSON-RPC and websockets.
 *
 * 1. Starts @raffle/localnet in-process (LiteSVM with the reference program and fixtures).
 * 2. Raffle #1: the backend issues a permit (@raffle/permit), the organizer creates the raffle
 *    (@raffle/client), buyers join until it sells out, the draw is requested and answered by
 *    the draw authority with the next value of its hash chain, the winner's prize and the
 *    organizer's proceeds (minus the protocol fee) are claimed.
 * 3. Raffle #2 misses its deadline (clock warp): its entries are refunded in batches, the
 *    buyers owed vouchers are listed, the prize goes back to the organizer and the payments
 *    to the treasury.
 *
 * Run: `pnpm demo` (from the repository root).
 */
import { startLocalnet } from '@raffle/localnet';
import { issuePermit, type Permit } from '@raffle/permit';
import { createKeypairSigner } from '@raffle/permit/node';
import {
    claimPrizeTx,
    claimProceedsTx,
    createRaffleWithPermitTx,
    drawCallbackTx,
    fetchEntries,
    fetchRaffleView,
    findRaffleAddresses,
    joinWithTokenTx,
    parseRaffleEventsFromTransaction,
    refundBatchTx,
    requestDrawTx,
    sendAndConfirmRaffleTransactionFactory,
    type RaffleTransactionMessage,
    type RwaRaffleEvent,
} from '@raffle/client';
import {
    type Address,
    type Rpc,
    type Signature,
    type SolanaRpcApi,
    type TransactionSigner,
    createSolanaRpc,
    createSolanaRpcSubscriptions,
} from '@solana/kit';

import { detail, section, short, step, tokens } from './timeline';

const TICKET_PRICE = 5_000_000n; // 5 MOGA (6 decimals)
const ENTERPRISE_ID = new TextEncoder().encode('demo-enterprise!'); // 16 bytes

async function main(): Promise<void> {
    section('Local cluster');
    const net = await startLocalnet({ rpcPort: 0, slotIntervalMs: 50, fixtures: { wallets: 6, prizeNfts: 2 } });
    try {
        const fixtures = net.fixtures!;
        step(`RPC ${net.rpcUrl}, websocket ${net.wsUrl}`);
        detail(`program ${fixtures.programAddress}, config ${fixtures.configAddress}`);
        detail(`organizer ${short(fixtures.organizer.address)}, ${fixtures.wallets.length} buyers, fee ${fixtures.feeBps} bps`);

        const rpc = createSolanaRpc(net.rpcUrl) as Rpc<SolanaRpcApi>;
        const sendAndConfirm = sendAndConfirmRaffleTransactionFactory({ rpc, rpcSubscriptions: createSolanaRpcSubscriptions(net.wsUrl) });
        const send = async (what: string, build: () => Promise<RaffleTransactionMessage>, feePayer: TransactionSigner) => {
            const { signature } = await sendAndConfirm(build, { feePayer, commitment: 'confirmed' });
            const events = await eventsOf(rpc, signature);
            step(`${what}  [${short(signature)}]`);
            for (const event of events) detail(describe(event));
            return events;
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

        section('Raffle #1: sells out, draw, claims');
        const permit1 = await issue(1n, fixtures.prizeNfts[0]!.mint, 10, now() + 3_600n, 'tokens');
        await send('organizer created the raffle', () => createRaffleWithPermitTx({ organizer, permit: permit1 }), organizer);
        const { raffle: raffle1 } = await findRaffleAddresses({ organizer: organizer.address, raffleId: 1n });
        const purchases = [3, 3, 2, 2];
        for (const [i, count] of purchases.entries()) {
            const buyer = fixtures.wallets[i]!.keypair.signer;
            await send(`buyer ${i + 1} bought ${count} tickets`, () => joinWithTokenTx({ rpc, buyer, raffle: raffle1, ticketCount: count }), buyer);
        }
        const cranker = fixtures.wallets[5]!.keypair.signer;
        await send('worker requested the draw', () => requestDrawTx({ requester: cranker, raffle: raffle1 }), cranker);
        const drawAuthority = fixtures.drawAuthority.signer;
        const reveal = fixtures.drawHashChain.reveals[0]!;
        await send('draw authority revealed the next hash-chain value', () => drawCallbackTx({ drawAuthority, raffle: raffle1, reveal }), drawAuthority);
        const view1 = await fetchRaffleView(rpc, raffle1);
        step(`winner: ticket ${view1.raffle.winnerTicket}, held by ${short(view1.winner?.buyer ?? '?')}`);
        await send('prize claimed for the winner', () => claimPrizeTx({ rpc, cranker, raffle: raffle1 }), cranker);
        await send('proceeds claimed', () => claimProceedsTx({ rpc, cranker, raffle: raffle1 }), cranker);

        section('Raffle #2: misses its deadline, refunded in batches');
        const deadline2 = now() + 600n;
        const permit2 = await issue(2n, fixtures.prizeNfts[1]!.mint, 20, deadline2, 'vouchers');
        await send('organizer created the raffle', () => createRaffleWithPermitTx({ organizer, permit: permit2 }), organizer);
        const { raffle: raffle2 } = await findRaffleAddresses({ organizer: organizer.address, raffleId: 2n });
        for (const [i, count] of [2, 1, 3, 1, 2].entries()) {
            const buyer = fixtures.wallets[i]!.keypair.signer;
            await send(`buyer ${i + 1} bought ${count} tickets`, () => joinWithTokenTx({ rpc, buyer, raffle: raffle2, ticketCount: count }), buyer);
        }
        net.control.warpClock(deadline2 + 1n);
        step(`clock warped past the deadline: 9 of 20 tickets sold, the raffle failed`);
        const entries = await fetchEntries(rpc, raffle2);
        const batches = await refundBatchTx({ rpc, cranker, raffle: raffle2, entries, maxEntriesPerTransaction: 2 });
        step(`refunding ${entries.length} entries in ${batches.length} transactions`);
        for (const [i, message] of batches.entries()) {
            await send(`refund batch ${i + 1}/${batches.length}`, async () => message, cranker);
        }
        await send('prize returned to the organizer', () => claimPrizeTx({ rpc, cranker, raffle: raffle2 }), cranker);
        await send('payments sent to the treasury (buyers get vouchers instead)', () => claimProceedsTx({ rpc, cranker, raffle: raffle2 }), cranker);
        const view2 = await fetchRaffleView(rpc, raffle2);
        section('Done');
        step(`raffle #1 ${view1.statusName}, raffle #2 ${view2.statusName}; the worker will take over the crank steps`);
    } finally {
        await net.stop();
    }
}

async function eventsOf(rpc: Rpc<SolanaRpcApi>, signature: Signature): Promise<RwaRaffleEvent[]> {
    const transaction = await rpc
        .getTransaction(signature, { commitment: 'confirmed', encoding: 'json', maxSupportedTransactionVersion: 0 })
        .send();
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
