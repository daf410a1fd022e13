/**
 * Raffle notifications end to end on `@raffle/localnet`: the worker runs the automations and
 * delivers signed webhook notifications to a receiver on 127.0.0.1 as they happen. A sold-out
 * raffle gives winner-drawn and prize-delivered (each once); a raffle that misses its deadline
 * gives refund-paid per entry and tickets-issued per issuance.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { RaffleStatus } from '@raffle/client';
import { waitFor } from '@raffle/test-support';
import type { Address } from '@solana/kit';
import { afterEach, describe, expect, it } from 'vitest';

import { createWebhookNotifier, type Notification, verifyWebhookSignature } from '../../ops/notify';
import { createMemoryWorkerStore } from '../../store/memory/index';
import { registerRaffleNotifications } from '../notifications';
import { chainNow, createRaffle, joinWithTokens, joinWithVouchers, readRaffleNow, TICKET_PRICE, useAutomationCluster } from './fixtures/raffles';

const SECRET = 'localnet-notify-secret-0123';
const cluster = useAutomationCluster({ wallets: 4, prizeNfts: 2, walletVouchers: 5n });

/** A receiver that verifies every signature and records each request. */
async function startReceiver() {
    const received: { notification: Notification; valid: boolean }[] = [];
    const server: Server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= 64 * 1024) chunks.push(c);
        });
        req.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const header = req.headers['x-raffle-signature'];
            const valid = verifyWebhookSignature({ secret: SECRET, header: typeof header === 'string' ? header : null, body });
            received.push({ notification: JSON.parse(body) as Notification, valid });
            res.statusCode = valid ? 204 : 401;
            res.end();
        });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`,
        received,
        of: (type: Notification['type'], raffle: Address) => received.filter(r => r.notification.type === type && r.notification.raffle === raffle).map(r => r.notification),
        close: () => new Promise<void>(resolve => server.close(() => resolve())),
    };
}

const receivers: { close(): Promise<void> }[] = [];
afterEach(async () => {
    await Promise.all(receivers.splice(0).map(r => r.close()));
});

async function startNotifyingWorker() {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const store = createMemoryWorkerStore();
    const { worker, automations } = cluster.start(store);
    registerRaffleNotifications(worker, { automations, notifier: createWebhookNotifier({ url: receiver.url, secret: SECRET }), maxAttempts: 5 });
    await worker.start();
    return { receiver, worker, store };
}

describe('raffle notifications on the local cluster', () => {
    it('a sold-out raffle: winner-drawn and prize-delivered, each once and signed', async () => {
        const f = cluster.net.fixtures!;
        const { receiver, worker } = await startNotifyingWorker();
        const raffle = await createRaffle(cluster.net, { raffleId: 301n, prize: 0, maxTickets: 2, refundMode: 'tokens' });
        await joinWithTokens(cluster.net, f.wallets[0]!.keypair.signer, raffle, 1);
        await joinWithTokens(cluster.net, f.wallets[1]!.keypair.signer, raffle, 1);

        await waitFor('winner-drawn and prize-delivered', () => receiver.of('winner-drawn', raffle).length > 0 && receiver.of('prize-delivered', raffle).length > 0, { timeoutMs: 60_000 });
        await waitFor('the queue to drain', async () => (await worker.status()).queue.pending === 0, { timeoutMs: 30_000 });
        const final = await readRaffleNow(cluster.net, raffle);
        expect(final.data.status).toBe(RaffleStatus.Completed);
        const [drawn, ...moreDrawn] = receiver.of('winner-drawn', raffle);
        const [prize, ...morePrizes] = receiver.of('prize-delivered', raffle);
        expect(moreDrawn).toEqual([]);
        expect(morePrizes).toEqual([]);
        expect(drawn!.id).toMatch(/^winner-drawn:[1-9A-HJ-NP-Za-km-z]{64,88}:\d+:\d+$/);
        expect(drawn!.data).toMatchObject({ winnerTicket: final.data.winnerTicket, settled: false });
        const winner = final.data.winnerTicket < 1 ? f.wallets[0]! : f.wallets[1]!;
        expect(prize!.data).toMatchObject({ recipient: winner.address, amount: '1', toWinner: true });
        expect(receiver.received.every(r => r.valid)).toBe(true);
    });

    it('a raffle that misses its deadline: refund-paid per token-paid entry, tickets-issued for the voucher-paid one', async () => {
        const f = cluster.net.fixtures!;
        const { receiver, store } = await startNotifyingWorker();
        // Tokens mode: token-paid entries get their tokens back (EntryRefunded), voucher-paid ones new vouchers (issued by the worker).
        const raffle = await createRaffle(cluster.net, { raffleId: 302n, prize: 1, maxTickets: 20, deadlineIn: 600n, refundMode: 'tokens' });
        const buyers = [f.wallets[0]!, f.wallets[2]!];
        await joinWithTokens(cluster.net, buyers[0]!.keypair.signer, raffle, 2);
        await joinWithTokens(cluster.net, buyers[1]!.keypair.signer, raffle, 1);
        await joinWithVouchers(cluster.net, f.wallets[3]!.keypair.signer, raffle, 2);

        cluster.net.control.warpClock(chainNow(cluster.net) + 601n);
        await waitFor('a refund-paid per token-paid entry', () => receiver.of('refund-paid', raffle).length >= 2, { timeoutMs: 60_000 });
        const issuances = await waitFor('a tickets-issued per issuance', async () => {
            const confirmed = (await store.listAudit({ limit: 1000 })).filter(a => a.action === 'effect:confirmed' && (a.data as { action?: string; raffle?: string }).action === 'issue-tickets' && (a.data as { raffle?: string }).raffle === raffle);
            return confirmed.length > 0 && receiver.of('tickets-issued', raffle).length >= confirmed.length ? confirmed : undefined;
        }, { timeoutMs: 60_000 });

        const refunds = receiver.of('refund-paid', raffle);
        expect(refunds).toHaveLength(2);
        const paid = new Map(refunds.map(r => [(r.data as { buyer: string }).buyer, (r.data as { amount: string }).amount]));
        expect(paid).toEqual(new Map([[buyers[0]!.address, String(TICKET_PRICE * 2n)], [buyers[1]!.address, String(TICKET_PRICE)]]));
        expect(new Set(refunds.map(r => (r.data as { entry: string }).entry)).size).toBe(2);
        expect((await readRaffleNow(cluster.net, raffle)).data.entriesRefunded).toBe(3);
        const tickets = receiver.of('tickets-issued', raffle);
        expect(tickets.map(t => t.id).sort()).toEqual(issuances.map(a => `tickets-issued:${a.subject}`).sort());
        for (const t of tickets) expect((t.data as { signature: string }).signature).toMatch(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/);
        expect(receiver.received.every(r => r.valid)).toBe(true);
        // Every notification id arrived once (the receiver always answered 2xx).
        const ids = receiver.received.map(r => r.notification.id);
        expect(new Set(ids).size).toBe(ids.length);
    });
});
