/**
 * Twenty raffles at once on `@raffle/localnet`, mixed: sell-outs in both refund modes, token
 * refunds (one with a voucher-paid entry), voucher refunds, a cancel. The test only does what
 * users do (permits, creates, joins, a clock warp); the worker does the rest. At the end every
 * raffle is in its final state and every balance on chain is exactly what the protocol says:
 * prizes, payments, fees, refunds, vouchers.
 */
import { cancelRaffleTx, fetchEntries, RaffleStatus } from '@raffle/client';
import { type Localnet, startLocalnet } from '@raffle/localnet';
import { waitFor } from '@raffle/test-support';
import type { Address } from '@solana/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createMemoryWorkerStore } from '../../store/memory/index';
import {
    chainNow,
    clientsOf,
    createRaffle,
    joinWithTokens,
    joinWithVouchers,
    readRaffleNow,
    startAutomationWorker,
    TICKET_PRICE,
    tokenBalance,
} from './fixtures/raffles';

let net: Localnet;

beforeAll(async () => {
    net = await startLocalnet({
        rpcPort: 0,
        slotIntervalMs: 20,
        confirmationLag: 1,
        finalizationLag: 3,
        fixtures: { wallets: 8, prizeNfts: 20, walletVouchers: 10n },
        onError: () => undefined,
    });
});
afterAll(async () => {
    await net?.stop();
});

type Kind = 'sellout-tokens' | 'sellout-vouchers' | 'refund-tokens' | 'refund-tokens-with-voucher-entry' | 'refund-vouchers' | 'cancel';
interface Plan {
    readonly kind: Kind;
    readonly joins: readonly { readonly wallet: number; readonly count: number; readonly withVouchers?: boolean }[];
}

const PLANS: Plan[] = [
    ...Array.from({ length: 5 }, (_, i): Plan => ({ kind: 'sellout-tokens', joins: [{ wallet: i % 7, count: 2 }, { wallet: (i + 1) % 7, count: 1 }, { wallet: (i + 2) % 7, count: 1 }] })),
    ...Array.from({ length: 3 }, (_, i): Plan => ({ kind: 'sellout-vouchers', joins: [{ wallet: (i + 3) % 7, count: 3 }, { wallet: (i + 4) % 7, count: 1 }] })),
    ...Array.from({ length: 4 }, (_, i): Plan => ({ kind: 'refund-tokens', joins: [{ wallet: i % 7, count: 1 }, { wallet: (i + 5) % 7, count: 2 }] })),
    { kind: 'refund-tokens-with-voucher-entry', joins: [{ wallet: 1, count: 2 }, { wallet: 2, count: 3, withVouchers: true }] },
    ...Array.from({ length: 6 }, (_, i): Plan => ({ kind: 'refund-vouchers', joins: [{ wallet: (i + 2) % 7, count: 2 }, { wallet: (i + 6) % 7, count: 1 }, { wallet: i % 7, count: 3 }] })),
    { kind: 'cancel', joins: [] },
];

describe('twenty raffles, driven by users and the clock only', () => {
    it('ends every raffle in its final state with every transfer right', async () => {
        const f = net.fixtures!;
        const { sendAndConfirm, rpc } = clientsOf(net);
        const wallets = f.wallets.slice(0, 7);
        const moga = f.mints.MOGA.address;
        const mrft = f.mints.MRFT.address;
        const balances = async () => ({
            moga: await Promise.all(wallets.map(w => tokenBalance(net, w.address, moga))),
            mrft: await Promise.all(wallets.map(w => tokenBalance(net, w.address, mrft))),
            organizer: await tokenBalance(net, f.organizer.address, moga),
            treasury: await tokenBalance(net, f.treasury.address, moga),
        });
        const before = await balances();
        const expected = { moga: [...before.moga], mrft: [...before.mrft], organizer: before.organizer, treasury: before.treasury };

        const { worker } = startAutomationWorker(net, createMemoryWorkerStore());
        await worker.start();
        try {
            const raffles: { plan: Plan; address: Address; prize: Address }[] = [];
            for (const [i, plan] of PLANS.entries()) {
                const sold = plan.joins.reduce((n, j) => n + j.count, 0);
                const sellout = plan.kind.startsWith('sellout');
                const address = await createRaffle(net, {
                    raffleId: 1_000n + BigInt(i),
                    prize: i,
                    maxTickets: sellout ? sold : sold + 5,
                    deadlineIn: sellout ? 7_200n : 600n,
                    refundMode: plan.kind === 'sellout-vouchers' || plan.kind === 'refund-vouchers' ? 'vouchers' : 'tokens',
                });
                raffles.push({ plan, address, prize: f.prizeNfts[i]!.mint });
            }
            // Users join every raffle, interleaved as a busy cluster would see them.
            const maxJoins = Math.max(...PLANS.map(p => p.joins.length));
            for (let j = 0; j < maxJoins; j++) {
                for (const { plan, address } of raffles) {
                    const join = plan.joins[j];
                    if (!join) continue;
                    const buyer = wallets[join.wallet]!.keypair.signer;
                    if (join.withVouchers) {
                        await joinWithVouchers(net, buyer, address, join.count);
                        expected.mrft[join.wallet] = expected.mrft[join.wallet]! - BigInt(join.count);
                    } else {
                        await joinWithTokens(net, buyer, address, join.count);
                        expected.moga[join.wallet] = expected.moga[join.wallet]! - TICKET_PRICE * BigInt(join.count);
                    }
                }
            }
            const cancelled = raffles.find(r => r.plan.kind === 'cancel')!;
            await sendAndConfirm(() => cancelRaffleTx({ authority: f.organizer.keypair.signer, raffle: cancelled.address }), { feePayer: f.organizer.keypair.signer });
            net.control.warpClock(chainNow(net) + 601n);

            const finals = await waitFor('every raffle to end', async () => {
                const states = await Promise.all(raffles.map(r => readRaffleNow(net, r.address)));
                const done = states.every((s, i) => {
                    const kind = raffles[i]!.plan.kind;
                    if (kind === 'cancel') return s.data.status === RaffleStatus.Cancelled && s.data.prizeClaimed;
                    if (kind.startsWith('sellout')) return s.data.status === RaffleStatus.Completed && s.data.prizeClaimed && s.data.proceedsClaimed;
                    return s.data.status === RaffleStatus.Refunded && s.data.prizeClaimed && (kind !== 'refund-vouchers' || s.data.proceedsClaimed);
                });
                return done ? states : undefined;
            }, { timeoutMs: 90_000 });

            for (const [i, { plan, prize, address }] of raffles.entries()) {
                const state = finals[i]!.data;
                const tokenPaid = plan.joins.filter(j => !j.withVouchers).reduce((n, j) => n + BigInt(j.count), 0n) * TICKET_PRICE;
                if (plan.kind.startsWith('sellout')) {
                    const entries = await fetchEntries(rpc, address, { programAddress: f.programAddress });
                    const winner = entries.find(e => e.data.firstTicket <= state.winnerTicket && state.winnerTicket < e.data.firstTicket + e.data.ticketCount)!;
                    expect(await tokenBalance(net, winner.data.buyer, prize)).toBe(1n);
                    const fee = (tokenPaid * BigInt(f.feeBps)) / 10_000n;
                    expected.organizer += tokenPaid - fee;
                    expected.treasury += fee;
                } else {
                    expect(await tokenBalance(net, f.organizer.address, prize)).toBe(1n);
                    expect(state.entriesRefunded).toBe(plan.joins.length);
                    for (const join of plan.joins) {
                        if (plan.kind === 'refund-vouchers' || join.withVouchers) expected.mrft[join.wallet] = expected.mrft[join.wallet]! + BigInt(join.count);
                        else expected.moga[join.wallet] = expected.moga[join.wallet]! + TICKET_PRICE * BigInt(join.count);
                    }
                    if (plan.kind === 'refund-vouchers') expected.treasury += tokenPaid;
                }
            }
            // Vouchers are issued by jobs that may still be finishing: wait for the exact figures, then hold them.
            const settled = await waitFor('the balances', async () => {
                const now = await balances();
                return JSON.stringify(now, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) === JSON.stringify(expected, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) ? now : undefined;
            }, { timeoutMs: 30_000 }).catch(async () => balances());
            expect(settled).toEqual(expected);
            await new Promise(r => setTimeout(r, 1_000));
            expect(await balances()).toEqual(expected);
            expect(await worker.deadLetters.list()).toEqual([]);
        } finally {
            await worker.stop();
        }
    }, 180_000);
});
