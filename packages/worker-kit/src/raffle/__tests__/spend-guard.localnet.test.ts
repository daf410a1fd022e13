/**
 * The spend guard on `@raffle/localnet` (the real program behind JSON-RPC and websockets): each
 * limit trips on a real raffle, the held step is reported once however often the automations
 * retry it, and it goes through after a release or once the window slides past. Everything is
 * checked on chain.
 */
import { RaffleStatus } from '@raffle/client';
import { waitFor } from '@raffle/test-support';
import { type Address, getAddressDecoder } from '@solana/kit';
import EventEmitter from 'eventemitter3';
import { describe, expect, it } from 'vitest';

import { createMemoryWorkerStore } from '../../store/memory/index';
import type { AutomationContext, RaffleAutomationEmitter } from '../context';
import { type IssueItem, issueInBatches } from '../issue-batches';
import { createSplVoucherIssuer } from '../issuers/spl-voucher';
import type { RefundTicketClaim } from '../issuers/types';
import { createSpendGuard } from '../spend/guard';
import type { SpendGuardOptions, SpendHold } from '../spend/types';
import { chainNow, clientsOf, createRaffle, joinWithTokens, readRaffleNow, tokenBalance, useAutomationCluster } from './fixtures/raffles';

const cluster = useAutomationCluster({ wallets: 6, prizeNfts: 6 });
const HOUR = 3_600_000;

/** A worker with automations and a spend guard; every hold and release it reports. */
async function startGuarded(options: SpendGuardOptions) {
    const store = createMemoryWorkerStore();
    const spendGuard = createSpendGuard(options);
    const { worker, automations } = cluster.start(store, { automations: { spendGuard } });
    const held: SpendHold[] = [];
    const released: SpendHold[] = [];
    automations.events.on('spend:held', ({ hold }) => held.push(hold));
    automations.events.on('spend:released', ({ hold }) => released.push(hold));
    await worker.start();
    const idle = () => waitFor('the job queue to drain', async () => ((await worker.status()).queue.pending === 0 ? true : undefined), { timeoutMs: 30_000 });
    return { store, spendGuard, worker, automations, held, released, idle };
}

const vouchers = (buyers: readonly { address: Address }[]) => Promise.all(buyers.map(b => tokenBalance(cluster.net, b.address, cluster.net.fixtures!.mints.MRFT.address)));

describe('spend guard on the local cluster', () => {
    it('tickets per hour: the issuance past the limit is held once; a release issues exactly what every buyer is owed', async () => {
        const f = cluster.net.fixtures!;
        const { spendGuard, automations, held, released, idle, store, worker } = await startGuarded({ limits: { perHour: { tickets: 4 } } });
        const raffle = await createRaffle(cluster.net, { raffleId: 301n, prize: 0, maxTickets: 20, deadlineIn: 600n, refundMode: 'vouchers' });
        const buyers = [f.wallets[0]!, f.wallets[1]!, f.wallets[2]!];
        const counts = [2, 3, 1];
        const before = await vouchers(buyers);
        for (const [i, buyer] of buyers.entries()) await joinWithTokens(cluster.net, buyer.keypair.signer, raffle, counts[i]!);
        cluster.net.control.warpClock(chainNow(cluster.net) + 601n);

        const hold = await waitFor('the refund and a hold', async () => {
            const r = await readRaffleNow(cluster.net, raffle);
            return r.data.status === RaffleStatus.Refunded && r.data.prizeClaimed ? spendGuard.holds()[0] : undefined;
        }, { timeoutMs: 30_000 });
        await idle();
        expect(hold).toMatchObject({ raffle, action: 'issue-tickets', reason: expect.stringMatching(/^tickets per hour: \d+ issued \+ \d+ > 4$/) });
        const issuedBefore = (await vouchers(buyers)).reduce((n, v, i) => n + Number(v - before[i]!), 0);
        expect(issuedBefore).toBeLessThanOrEqual(4);
        expect(issuedBefore).toBeGreaterThan(0);
        expect(spendGuard.usage().hour.tickets).toBe(issuedBefore);
        expect(hold.tickets).toBeGreaterThanOrEqual(6 - issuedBefore);

        // The stall backoff and every other trigger retry the step: the same hold, no new alert.
        await automations.advance(raffle);
        await automations.reconcile();
        expect(held).toHaveLength(1);
        expect(spendGuard.holds()).toHaveLength(1);

        expect(await spendGuard.release(hold.id)).toBe(true);
        expect(released.map(h => h.id)).toEqual([hold.id]);
        await waitFor('every voucher after the release', async () => {
            const now = await vouchers(buyers);
            return now.every((n, i) => n - before[i]! === BigInt(counts[i]!)) ? now : undefined;
        }, { timeoutMs: 30_000 });
        await idle();
        expect((await vouchers(buyers)).map((n, i) => n - before[i]!)).toEqual([2n, 3n, 1n]);
        expect(spendGuard.usage()).toMatchObject({ hour: { tickets: 6 }, holds: 0 });
        expect(held).toHaveLength(1);
        const audit = await store.listAudit({ subject: raffle, limit: 1000 });
        expect(audit.filter(a => a.action === 'spend:held')).toHaveLength(1);
        expect(audit.filter(a => a.action === 'spend:released')).toHaveLength(1);
        expect((await worker.status()).queue.deadLetters).toBe(0);
    });

    it('lamports per hour: the claims are held (the draw went through), and each goes after its release', async () => {
        const f = cluster.net.fixtures!;
        const { spendGuard, automations, held, idle, worker } = await startGuarded({ limits: { perHour: { lamports: 1_000_000n } } });
        const raffle = await createRaffle(cluster.net, { raffleId: 302n, prize: 1, maxTickets: 2, refundMode: 'tokens' });
        await joinWithTokens(cluster.net, f.wallets[3]!.keypair.signer, raffle, 2);

        await waitFor('both claims held', async () => (spendGuard.holds().length === 2 ? true : undefined), { timeoutMs: 30_000 });
        await idle();
        const r = await readRaffleNow(cluster.net, raffle);
        expect(r.data.status).toBe(RaffleStatus.Completed);
        expect([r.data.prizeClaimed, r.data.proceedsClaimed]).toEqual([false, false]);
        expect(spendGuard.holds().map(h => [h.id, h.action, h.reason.startsWith('lamports per hour')]).sort()).toEqual([
            [`claim-prize:${raffle}`, 'claim-prize', true],
            [`claim-proceeds:${raffle}`, 'claim-proceeds', true],
        ]);
        const spentOnDraw = BigInt(spendGuard.usage().hour.lamports);
        expect(spentOnDraw).toBeGreaterThan(0n);
        expect(spentOnDraw).toBeLessThan(1_000_000n);

        await automations.advance(raffle);
        expect(held).toHaveLength(2);

        expect(await spendGuard.release(`claim-prize:${raffle}`)).toBe(true);
        await waitFor('the prize claimed', async () => ((await readRaffleNow(cluster.net, raffle)).data.prizeClaimed ? true : undefined), { timeoutMs: 30_000 });
        expect((await readRaffleNow(cluster.net, raffle)).data.proceedsClaimed).toBe(false);
        expect(await spendGuard.release(`claim-proceeds:${raffle}`)).toBe(true);
        await waitFor('the proceeds claimed', async () => ((await readRaffleNow(cluster.net, raffle)).data.proceedsClaimed ? true : undefined), { timeoutMs: 30_000 });
        await idle();
        expect(BigInt(spendGuard.usage().hour.lamports)).toBeGreaterThan(1_000_000n);
        expect(held).toHaveLength(2);
        expect((await worker.status()).queue.deadLetters).toBe(0);
    });

    it('lamports per day (injected clock): the draw request is held until the day slides past, with no release', async () => {
        const f = cluster.net.fixtures!;
        const clock = { t: Date.now() };
        const { spendGuard, automations, held, released } = await startGuarded({ limits: { perDay: { lamports: 20_000_000n } }, now: () => clock.t });
        // What the keys spent earlier today: the limit less one lamport.
        await (await spendGuard.check({ key: 'earlier-today', action: 'test', raffle: null, lamports: 19_999_999n })).record();
        const raffle = await createRaffle(cluster.net, { raffleId: 303n, prize: 2, maxTickets: 2, refundMode: 'tokens' });
        await joinWithTokens(cluster.net, f.wallets[4]!.keypair.signer, raffle, 2);

        const hold = await waitFor('the draw request held', () => spendGuard.holds().find(h => h.raffle === raffle), { timeoutMs: 30_000 });
        expect(hold).toMatchObject({ id: `draw-request:${raffle}:0`, action: 'request-draw', reason: expect.stringMatching(/^lamports per day/) });
        clock.t += 2 * HOUR; // the hour is irrelevant: still held
        await automations.advance(raffle);
        expect((await readRaffleNow(cluster.net, raffle)).data.status).toBe(RaffleStatus.Drawing);
        expect(held.filter(h => h.raffle === raffle)).toHaveLength(1);

        clock.t += 22 * HOUR + 1;
        await automations.advance(raffle);
        await waitFor('the raffle drawn and claimed', async () => {
            const r = await readRaffleNow(cluster.net, raffle);
            return r.data.status === RaffleStatus.Completed && r.data.prizeClaimed && r.data.proceedsClaimed ? r : undefined;
        }, { timeoutMs: 30_000 });
        expect(spendGuard.holds().filter(h => h.raffle === raffle)).toEqual([]);
        expect([held.filter(h => h.raffle === raffle).length, released.length]).toEqual([1, 0]);
    });

    it('tickets per day (injected clock): the second refund issuance waits for the window, with no release', async () => {
        const f = cluster.net.fixtures!;
        const clock = { t: Date.now() };
        const { spendGuard, automations, held, idle } = await startGuarded({ limits: { perDay: { tickets: 3 } }, now: () => clock.t });
        const raffle = await createRaffle(cluster.net, { raffleId: 304n, prize: 3, maxTickets: 20, deadlineIn: 600n, refundMode: 'vouchers' });
        const buyers = [f.wallets[0]!, f.wallets[1]!];
        const before = await vouchers(buyers);
        for (const buyer of buyers) await joinWithTokens(cluster.net, buyer.keypair.signer, raffle, 2);
        cluster.net.control.warpClock(chainNow(cluster.net) + 601n);

        const hold = await waitFor('the second issuance held', () => spendGuard.holds().find(h => h.raffle === raffle), { timeoutMs: 30_000 });
        await idle();
        expect(hold).toMatchObject({ action: 'issue-tickets', reason: 'tickets per day: 2 issued + 2 > 3' });
        expect((await vouchers(buyers)).map((n, i) => n - before[i]!).sort()).toEqual([0n, 2n]);

        clock.t += 24 * HOUR + 1;
        await automations.advance(raffle);
        await waitFor('every voucher once the day slid past', async () => {
            const now = await vouchers(buyers);
            return now.every((n, i) => n - before[i]! === 2n) ? now : undefined;
        }, { timeoutMs: 30_000 });
        expect(held.filter(h => h.raffle === raffle)).toHaveLength(1);
        expect(spendGuard.usage().day.tickets).toBe(2); // the first issuance is out of the window
    });

    it('per raffle: an issuance past the raffle\'s tickets sold is held (nothing minted) and only a release sends it', async () => {
        const f = cluster.net.fixtures!;
        const { rpc, sendAndConfirm } = clientsOf(cluster.net);
        const store = createMemoryWorkerStore();
        const spendGuard = createSpendGuard({ limits: { perDay: { tickets: 1_000 } } });
        await spendGuard.start({ store, actor: 'test' });
        const events: RaffleAutomationEmitter = new EventEmitter();
        const ctx: AutomationContext = {
            rpc,
            store,
            programAddress: f.programAddress,
            cranker: f.wallets[f.wallets.length - 1]!.keypair.signer,
            sendAndConfirm,
            events,
            actor: 'test',
            signal: new AbortController().signal,
            spend: spendGuard,
        };
        const issuer = createSplVoucherIssuer({ rpc, mint: f.mints.MRFT.address, mintAuthority: f.mrftMintAuthority.signer });
        const fake = (n: number): Address => getAddressDecoder().decode(new Uint8Array(32).fill(n));
        const buyer = f.wallets[4]!;
        const claimOf = (entry: Address, firstTicket: number, tickets: number): IssueItem => {
            const claim: RefundTicketClaim = {
                programAddress: f.programAddress, raffle: fake(201), raffleId: 9n, entry, entryIndex: firstTicket, buyer: buyer.address,
                tickets, firstTicket, ticketsSold: 4, ticketPrice: 1n, paymentMint: f.mints.MOGA.address, raffleCreatedAt: 1n, refundDate: 2n,
            };
            return { claim, chunk: { from: 0, to: tickets }, key: `mrft:${entry}:0-${tickets}` };
        };
        const before = await tokenBalance(cluster.net, buyer.address, f.mints.MRFT.address);
        const fits = claimOf(fake(202), 0, 1);
        const beyond = claimOf(fake(203), 2, 3); // tickets 2, 3, 4: 4 was never sold
        const first = await issueInBatches(ctx, issuer, [fits, beyond], 1);
        expect(first.error).toBeNull();
        expect(first.issued).toEqual([fits]);
        expect(first.held?.hold).toMatchObject({ id: beyond.key, reason: 'more tickets than the raffle sold', tickets: 3 });
        expect(await tokenBalance(cluster.net, buyer.address, f.mints.MRFT.address)).toBe(before + 1n);
        expect(await store.getEffect(beyond.key)).toMatchObject({ status: 'pending', sendCount: 0 });

        expect(await spendGuard.release(beyond.key)).toBe(true);
        const second = await issueInBatches(ctx, issuer, [fits, beyond], 1);
        expect([second.issued, second.held, second.error]).toEqual([[beyond], null, null]);
        expect(await tokenBalance(cluster.net, buyer.address, f.mints.MRFT.address)).toBe(before + 4n);
        // The recorded lamports are what the chain shows (fees, and the voucher account created once).
        const records = (await store.listAudit()).filter(a => a.action === 'spend:recorded').map(a => (a.data as { lamports: string }).lamports);
        expect(records).toHaveLength(2);
        expect(records.every(l => BigInt(l) >= 10_000n)).toBe(true);
    });
});
