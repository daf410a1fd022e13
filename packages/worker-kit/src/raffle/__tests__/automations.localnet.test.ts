/**
 * The raffle automations end to end on `@raffle/localnet` (the real program behind JSON-RPC and
 * websockets): users only create, join and warp the clock; the worker draws, refunds, issues
 * refund tickets and claims. Every outcome is checked on chain.
 */
import { RaffleStatus } from '@raffle/client';
import { waitFor } from '@raffle/test-support';
import { describe, expect, it } from 'vitest';

import { createMemoryWorkerStore } from '../../store/memory/index';
import {
    chainNow,
    createRaffle,
    joinWithTokens,
    joinWithVouchers,
    readRaffleNow,
    startAutomationWorker,
    TICKET_PRICE,
    tokenBalance,
    useAutomationCluster,
} from './fixtures/raffles';

const cluster = useAutomationCluster({ wallets: 6, prizeNfts: 6 });
const start = cluster.start.bind(cluster);

describe('raffle automations on the local cluster', () => {
    it('draws a sold-out raffle with the hash chain, then claims the prize for the winner and the proceeds', async () => {
        const f = cluster.net.fixtures!;
        const store = createMemoryWorkerStore();
        const { worker, automations } = start(store);
        const done: string[] = [];
        automations.events.on('automation:done', ({ action }) => done.push(action));
        await worker.start();
        const raffle = await createRaffle(cluster.net, { raffleId: 101n, prize: 0, maxTickets: 4, refundMode: 'tokens' });
        const organizerBefore = await tokenBalance(cluster.net, f.organizer.address, f.mints.MOGA.address);
        await joinWithTokens(cluster.net, f.wallets[0]!.keypair.signer, raffle, 3);
        await joinWithTokens(cluster.net, f.wallets[1]!.keypair.signer, raffle, 1);

        const final = await waitFor('the raffle to be drawn and claimed', async () => {
            const r = await readRaffleNow(cluster.net, raffle);
            return r.data.status === RaffleStatus.Completed && r.data.prizeClaimed && r.data.proceedsClaimed ? r : undefined;
        }, { timeoutMs: 30_000 });
        const winner = final.data.winnerTicket < 3 ? f.wallets[0]! : f.wallets[1]!;
        expect(await tokenBalance(cluster.net, winner.address, f.prizeNfts[0]!.mint)).toBe(1n);
        const vault = TICKET_PRICE * 4n;
        const fee = (vault * BigInt(f.feeBps)) / 10_000n;
        expect((await tokenBalance(cluster.net, f.organizer.address, f.mints.MOGA.address)) - organizerBefore).toBe(vault - fee);
        expect(done).toEqual(expect.arrayContaining(['request-draw', 'answer-draw', 'claim-prize', 'claim-proceeds']));
        const audit = await store.listAudit({ subject: `draw-request:${raffle}:0` });
        expect(audit.map(a => a.action)).toEqual(['effect:intent', 'effect:confirmed']);
    });

    it('refunds an unsold vouchers-mode raffle after a clock warp, issues one voucher per ticket, returns the prize and sends the payments to the treasury', async () => {
        const f = cluster.net.fixtures!;
        const store = createMemoryWorkerStore();
        const { worker, automations } = start(store);
        await worker.start();
        const raffle = await createRaffle(cluster.net, { raffleId: 102n, prize: 1, maxTickets: 20, deadlineIn: 600n, refundMode: 'vouchers' });
        const buyers = [f.wallets[0]!, f.wallets[1]!, f.wallets[2]!];
        const counts = [2, 3, 1];
        const before = await Promise.all(buyers.map(b => tokenBalance(cluster.net, b.address, f.mints.MRFT.address)));
        const treasuryBefore = await tokenBalance(cluster.net, f.treasury.address, f.mints.MOGA.address);
        for (const [i, buyer] of buyers.entries()) await joinWithTokens(cluster.net, buyer.keypair.signer, raffle, counts[i]!);

        cluster.net.control.warpClock(chainNow(cluster.net) + 601n);
        const final = await waitFor('the raffle to be refunded and claimed', async () => {
            const r = await readRaffleNow(cluster.net, raffle);
            return r.data.status === RaffleStatus.Refunded && r.data.prizeClaimed && r.data.proceedsClaimed ? r : undefined;
        }, { timeoutMs: 30_000 });
        expect(final.data.entriesRefunded).toBe(3);
        await waitFor('every voucher', async () => {
            const now = await Promise.all(buyers.map(b => tokenBalance(cluster.net, b.address, f.mints.MRFT.address)));
            return now.every((n, i) => n - before[i]! === BigInt(counts[i]!)) ? now : undefined;
        }, { timeoutMs: 30_000 });
        expect(await tokenBalance(cluster.net, f.organizer.address, f.prizeNfts[1]!.mint)).toBe(1n);
        expect((await tokenBalance(cluster.net, f.treasury.address, f.mints.MOGA.address)) - treasuryBefore).toBe(TICKET_PRICE * 6n);
        // Every effect is in the audit log: intent, then its result with the signature.
        const audit = await store.listAudit({ limit: 1000 });
        const tickets = audit.filter(a => a.action === 'effect:confirmed' && (a.data as { action?: string }).action === 'issue-tickets');
        expect(tickets).toHaveLength(3);
        // Nothing left to do, as the operator's /raffles shows it (the ledger marks the issuance done).
        await waitFor('no next action', async () => ((await automations.raffles()).find(r => r.address === raffle)?.nextActions.length === 0 ? true : undefined), { timeoutMs: 30_000 });
        for (const entry of tickets) expect((entry.data as { signature?: string }).signature).toMatch(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/);

        // The vouchers are real refund tickets: a buyer joins another raffle with them.
        const next = await createRaffle(cluster.net, { raffleId: 103n, prize: 2, maxTickets: 10, refundMode: 'tokens' });
        await joinWithVouchers(cluster.net, buyers[1]!.keypair.signer, next, 3);
        expect(await tokenBalance(cluster.net, buyers[1]!.address, f.mints.MRFT.address)).toBe(before[1]!);
        expect((await readRaffleNow(cluster.net, next)).data.ticketsSold).toBe(3);
    });

    it('pause holds every step (also across a restart, from the audit log); resume sweeps the chain and finishes what was missed', async () => {
        const f = cluster.net.fixtures!;
        const store = createMemoryWorkerStore();
        const first = start(store);
        await first.worker.start();
        await first.automations.pause('incident 42');
        expect(first.automations.status().paused).toBe(true);
        await first.worker.stop();

        // A new replica on the same store starts paused.
        const { worker, automations } = start(store);
        const done: string[] = [];
        automations.events.on('automation:done', ({ action }) => done.push(action));
        await worker.start();
        expect(automations.status().paused).toBe(true);
        const raffle = await createRaffle(cluster.net, { raffleId: 104n, prize: 3, maxTickets: 2, refundMode: 'tokens' });
        await joinWithTokens(cluster.net, f.wallets[3]!.keypair.signer, raffle, 2);
        // The events are ingested and their jobs complete, but nothing is done while paused.
        await waitFor('the events', async () => (await worker.status()).queue.pending === 0 && (await store.listEvents({ limit: 100 })).some(e => e.name === 'ThresholdReached'), { timeoutMs: 30_000 });
        await new Promise(r => setTimeout(r, 500));
        expect(done).toEqual([]);
        expect((await readRaffleNow(cluster.net, raffle)).data.status).toBe(RaffleStatus.Drawing);
        const listed = (await automations.raffles()).find(r => r.address === raffle);
        expect(listed).toMatchObject({ status: 'Drawing', ticketsSold: 2, maxTickets: 2, nextActions: ['request-draw'] });

        const report = await automations.resume();
        expect(report?.repaired.map(r => r.raffle)).toContain(raffle);
        await waitFor('the raffle to be drawn and claimed after resume', async () => {
            const r = await readRaffleNow(cluster.net, raffle);
            return r.data.status === RaffleStatus.Completed && r.data.prizeClaimed && r.data.proceedsClaimed ? r : undefined;
        }, { timeoutMs: 30_000 });
        const pauses = await store.listAudit({ subject: `automations:pause:${f.programAddress}` });
        expect(pauses.map(a => [a.action, a.data])).toEqual([
            ['automations:paused', { reason: 'incident 42' }],
            ['automations:resumed', null],
        ]);
    });
});
