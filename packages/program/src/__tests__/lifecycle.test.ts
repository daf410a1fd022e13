/**
 * Full lifecycles: sell-out -> draw -> claims with the fee split; settle path; deadline ->
 * batched refunds in both modes (replays skipped) -> Refunded -> prize back -> proceeds;
 * cancel. With the error paths of refund_batch, claim_prize, claim_proceeds and cancel_raffle.
 */
import {
    PaymentKind,
    RaffleStatus,
    RefundMode,
    RWA_RAFFLE_ERROR__ALREADY_CLAIMED,
    RWA_RAFFLE_ERROR__DEADLINE_NOT_REACHED,
    RWA_RAFFLE_ERROR__ENTRY_RAFFLE_MISMATCH,
    RWA_RAFFLE_ERROR__INVALID_TOKEN_ACCOUNT,
    RWA_RAFFLE_ERROR__NOT_WINNER,
    RWA_RAFFLE_ERROR__PRIZE_NOT_CLAIMABLE,
    RWA_RAFFLE_ERROR__PROCEEDS_NOT_CLAIMABLE,
    RWA_RAFFLE_ERROR__RAFFLE_NOT_CANCELLABLE,
    RWA_RAFFLE_ERROR__RAFFLE_NOT_REFUNDABLE,
    RWA_RAFFLE_ERROR__REMAINING_ACCOUNTS_INVALID,
    RWA_RAFFLE_ERROR__UNAUTHORIZED,
} from '@raffle/client';
import type { Address, KeyPairSigner } from '@solana/kit';
import { beforeAll, describe, expect, it } from 'vitest';

import { DAY, FEE_BPS, RaffleHarness, type RaffleHandle, eventsOf } from './support/harness';

let h: RaffleHarness;
beforeAll(async () => {
    h = await RaffleHarness.create();
});

interface Buyer {
    signer: KeyPairSigner;
    payment: Address;
    mrft: Address;
}

async function withBuyers(raffle: RaffleHandle, counts: number[], vouchersFor: number[] = []): Promise<Buyer[]> {
    const buyers: Buyer[] = [];
    for (const [i, count] of counts.entries()) {
        const b = await h.buyer(1_000_000_000n, 100n);
        if (vouchersFor.includes(i)) await h.joinWithTicket(raffle.address, b.signer, b.mrft, count);
        else await h.joinWithToken(raffle.address, b.signer, b.payment, count);
        buyers.push(b);
    }
    return buyers;
}

describe('sell-out -> draw -> claims', () => {
    it('runs the hash-chain draw, pays the winner the prize and splits the proceeds with the fee', async () => {
        const raffle = await h.createRaffle({ maxTickets: 10, ticketPrice: 1_234_567n, prizeAmount: 1n });
        const buyers = await withBuyers(raffle, [3, 3, 4]);
        expect(h.raffle(raffle.address).status).toBe(RaffleStatus.Drawing);
        await h.requestDraw(raffle.address);
        await h.drawCallback(raffle.address);
        const { address: winningEntry, entry } = await h.winningEntry(raffle.address);
        const winner = buyers.find(b => b.signer.address === entry.buyer)!;
        const winnerPrize = await h.tokenAccount(winner.signer.address, h.prizeMint);

        // Not the winning entry, no entry at all, a recipient that is not the winner's.
        const loser = (await h.entryAddress(raffle.address, 0)) === winningEntry ? await h.entryAddress(raffle.address, 1) : await h.entryAddress(raffle.address, 0);
        for (const [entryArg, code] of [
            [loser, RWA_RAFFLE_ERROR__NOT_WINNER],
            [undefined, RWA_RAFFLE_ERROR__NOT_WINNER],
        ] as [Address | undefined, number][]) {
            const { ix, cranker } = await h.claimPrizeInstruction(raffle.address, winnerPrize, entryArg);
            await h.expectError([ix], [cranker], code);
        }
        const organizerPrize = await h.tokenAccount(raffle.organizer.address, h.prizeMint);
        const wrongRecipient = await h.claimPrizeInstruction(raffle.address, organizerPrize, winningEntry);
        await h.expectError([wrongRecipient.ix], [wrongRecipient.cranker], RWA_RAFFLE_ERROR__INVALID_TOKEN_ACCOUNT);

        const prize = await h.claimPrize(raffle.address, winnerPrize, winningEntry);
        expect(h.balance(winnerPrize)).toBe(1n);
        expect(h.balance(raffle.prizeVault)).toBe(0n);
        expect(eventsOf(prize)).toEqual([
            { name: 'PrizeClaimed', data: { raffle: raffle.address, recipient: winner.signer.address, amount: 1n, toWinner: true, slot: h.svm.getClock().slot } },
        ]);
        const again = await h.claimPrizeInstruction(raffle.address, winnerPrize, winningEntry);
        await h.expectError([again.ix], [again.cranker], RWA_RAFFLE_ERROR__ALREADY_CLAIMED);

        const total = 10n * 1_234_567n;
        const fee = (total * BigInt(FEE_BPS)) / 10_000n;
        const organizerPayment = await h.tokenAccount(raffle.organizer.address, h.paymentMint);
        const treasuryPayment = await h.tokenAccount(h.treasury.address, h.paymentMint);
        const badTreasury = await h.tokenAccount(raffle.organizer.address, h.paymentMint);
        const bad = await h.claimProceedsInstruction(raffle.address, organizerPayment, badTreasury);
        await h.expectError([bad.ix], [bad.cranker], RWA_RAFFLE_ERROR__INVALID_TOKEN_ACCOUNT);
        const badOrganizer = await h.claimProceedsInstruction(raffle.address, treasuryPayment, treasuryPayment);
        await h.expectError([badOrganizer.ix], [badOrganizer.cranker], RWA_RAFFLE_ERROR__INVALID_TOKEN_ACCOUNT);

        const proceeds = await h.claimProceeds(raffle.address, organizerPayment, treasuryPayment);
        expect(h.balance(organizerPayment)).toBe(total - fee);
        expect(h.balance(treasuryPayment)).toBe(fee);
        expect(h.balance(raffle.paymentVault)).toBe(0n);
        expect(eventsOf(proceeds)).toEqual([
            { name: 'ProceedsClaimed', data: { raffle: raffle.address, organizerAmount: total - fee, treasuryAmount: fee, slot: h.svm.getClock().slot } },
        ]);
        const twice = await h.claimProceedsInstruction(raffle.address, organizerPayment, treasuryPayment);
        await h.expectError([twice.ix], [twice.cranker], RWA_RAFFLE_ERROR__ALREADY_CLAIMED);
        expect(h.raffle(raffle.address)).toMatchObject({ status: RaffleStatus.Completed, prizeClaimed: true, proceedsClaimed: true });
    });

    it('settle_draw path: the settled winner claims; voucher entries can win too', async () => {
        const raffle = await h.createRaffle({ maxTickets: 4, prizeAmount: 3n });
        const buyers = await withBuyers(raffle, [1, 3], [1]);
        await h.sendOk([h.settleInstruction(raffle.address, 2)], [h.settleAuthority], 'settle_draw');
        const { address, entry } = await h.winningEntry(raffle.address);
        expect(entry.paidWith).toBe(PaymentKind.Voucher);
        const recipient = await h.tokenAccount(buyers[1]!.signer.address, h.prizeMint);
        await h.claimPrize(raffle.address, recipient, address);
        expect(h.balance(recipient)).toBe(3n);
        // Proceeds: only the token-paid ticket, minus the fee.
        const organizerPayment = await h.tokenAccount(raffle.organizer.address, h.paymentMint);
        const treasuryPayment = await h.tokenAccount(h.treasury.address, h.paymentMint);
        await h.claimProceeds(raffle.address, organizerPayment, treasuryPayment);
        expect(h.balance(organizerPayment) + h.balance(treasuryPayment)).toBe(1_000_000n);
        expect(h.balance(treasuryPayment)).toBe(25_000n);
    });

    it('rejects a winning entry of another raffle (EntryRaffleMismatch)', async () => {
        const raffle = await h.createRaffle({ maxTickets: 2 });
        await h.sellOut(raffle.address);
        await h.sendOk([h.settleInstruction(raffle.address, 0)], [h.settleAuthority]);
        const other = await h.createRaffle({ maxTickets: 2 });
        const b = await h.buyer();
        await h.joinWithToken(other.address, b.signer, b.payment, 1);
        const recipient = await h.tokenAccount(b.signer.address, h.prizeMint);
        const { ix, cranker } = await h.claimPrizeInstruction(raffle.address, recipient, await h.entryAddress(other.address, 0));
        await h.expectError([ix], [cranker], RWA_RAFFLE_ERROR__ENTRY_RAFFLE_MISMATCH);
    });
});

describe('refunds', () => {
    it('tokens mode: several chunks, replays skipped, voucher-paid entries logged, then Refunded and the prize back', async () => {
        const start = h.now();
        const raffle = await h.createRaffle({ maxTickets: 20, deadline: start + DAY, ticketPrice: 2_000_000n, prizeAmount: 2n });
        const buyers = await withBuyers(raffle, [1, 2, 3, 1, 2], [3]);
        const paymentOf = (buyer: Address) => buyers.find(b => b.signer.address === buyer)?.payment;
        const paidBefore = buyers.map(b => h.balance(b.payment));

        const early = await h.refundBatchInstruction(raffle.address, buyers[0]!.signer, []);
        await h.expectError([early], [buyers[0]!.signer], RWA_RAFFLE_ERROR__DEADLINE_NOT_REACHED);
        h.setTime(start + DAY);

        // An odd number of remaining accounts in tokens mode.
        const odd = await h.refundBatchInstruction(raffle.address, buyers[0]!.signer, [await h.entryAddress(raffle.address, 0)]);
        await h.expectError([odd], [buyers[0]!.signer], RWA_RAFFLE_ERROR__REMAINING_ACCOUNTS_INVALID);

        const chunk1 = await h.refundAccounts(raffle.address, 0, 2, paymentOf);
        const first = await h.refundBatch(raffle.address, chunk1);
        expect(eventsOf(first).map(e => e.name)).toEqual(['RefundStarted', 'EntryRefunded', 'EntryRefunded']);
        expect(eventsOf(first)[0]!.data).toMatchObject({ raffle: raffle.address, ticketsSold: 9, entriesCount: 5 });
        expect(eventsOf(first)[2]!.data).toMatchObject({ buyer: buyers[1]!.signer.address, amount: 4_000_000n, entry: await h.entryAddress(raffle.address, 1) });
        expect(h.raffle(raffle.address)).toMatchObject({ status: RaffleStatus.Refunding, entriesRefunded: 2 });

        // Replayed chunk: skipped without error or events.
        const replay = await h.refundBatch(raffle.address, chunk1);
        expect(eventsOf(replay)).toEqual([]);

        // A refund to an account not owned by the buyer is refused.
        const wrong = await h.refundAccounts(raffle.address, 2, 3, () => buyers[0]!.payment);
        const bad = await h.refundBatchInstruction(raffle.address, buyers[0]!.signer, wrong);
        await h.expectError([bad], [buyers[0]!.signer], RWA_RAFFLE_ERROR__INVALID_TOKEN_ACCOUNT);

        // The prize stays until the raffle is Refunded.
        const organizerPrize = await h.tokenAccount(raffle.organizer.address, h.prizeMint);
        const early2 = await h.claimPrizeInstruction(raffle.address, organizerPrize);
        await h.expectError([early2.ix], [early2.cranker], RWA_RAFFLE_ERROR__PRIZE_NOT_CLAIMABLE);

        const chunk2 = await h.refundAccounts(raffle.address, 1, 5, paymentOf); // overlaps entry 1
        const second = await h.refundBatch(raffle.address, chunk2);
        expect(eventsOf(second).map(e => e.name)).toEqual(['EntryRefunded', 'RefundTicketsRequested', 'EntryRefunded', 'RaffleRefunded']);
        expect(eventsOf(second)[1]!.data).toMatchObject({ buyer: buyers[3]!.signer.address, tickets: 1 });
        expect(eventsOf(second)[3]!.data).toMatchObject({ raffle: raffle.address, entriesCount: 5 });
        expect(h.raffle(raffle.address)).toMatchObject({ status: RaffleStatus.Refunded, entriesRefunded: 5 });
        expect(h.balance(raffle.paymentVault)).toBe(0n);
        for (const [i, b] of buyers.entries()) {
            const paid = i === 3 ? 0n : BigInt([1, 2, 3, 1, 2][i]!) * 2_000_000n;
            expect(h.balance(b.payment)).toBe(paidBefore[i]! + paid);
        }
        // Idempotent once Refunded too.
        expect(eventsOf(await h.refundBatch(raffle.address, chunk2))).toEqual([]);

        // Prize back to the organizer; not to anyone else.
        const stranger = await h.tokenAccount(buyers[0]!.signer.address, h.prizeMint);
        const steal = await h.claimPrizeInstruction(raffle.address, stranger);
        await h.expectError([steal.ix], [steal.cranker], RWA_RAFFLE_ERROR__INVALID_TOKEN_ACCOUNT);
        const back = await h.claimPrize(raffle.address, organizerPrize);
        expect(h.balance(organizerPrize)).toBe(2n);
        expect(eventsOf(back)[0]).toMatchObject({ name: 'PrizeClaimed', data: { recipient: raffle.organizer.address, amount: 2n, toWinner: false } });

        // Tokens mode refunded: no proceeds.
        const organizerPayment = await h.tokenAccount(raffle.organizer.address, h.paymentMint);
        const treasuryPayment = await h.tokenAccount(h.treasury.address, h.paymentMint);
        const p = await h.claimProceedsInstruction(raffle.address, organizerPayment, treasuryPayment);
        await h.expectError([p.ix], [p.cranker], RWA_RAFFLE_ERROR__PROCEEDS_NOT_CLAIMABLE);
        h.setTime(start);
    });

    it('vouchers mode: every entry logs RefundTicketsRequested; the vault goes to the treasury', async () => {
        const start = h.now();
        const raffle = await h.createRaffle({ maxTickets: 50, deadline: start + 10n, refundMode: RefundMode.Vouchers, ticketPrice: 3_000_000n });
        const buyers = await withBuyers(raffle, [2, 5, 1, 4], [2]);
        h.setTime(start + 10n);
        const all = await h.refundAccounts(raffle.address, 0, 4, () => undefined);
        expect(all).toHaveLength(4); // singles in vouchers mode
        const first = await h.refundBatch(raffle.address, all.slice(0, 3));
        expect(eventsOf(first).map(e => e.name)).toEqual(['RefundStarted', 'RefundTicketsRequested', 'RefundTicketsRequested', 'RefundTicketsRequested']);
        expect(eventsOf(first)[2]!.data).toEqual({
            raffle: raffle.address,
            entry: all[1],
            buyer: buyers[1]!.signer.address,
            tickets: 5,
            slot: h.svm.getClock().slot,
        });
        const second = await h.refundBatch(raffle.address, all.slice(1));
        expect(eventsOf(second).map(e => e.name)).toEqual(['RefundTicketsRequested', 'RaffleRefunded']);
        expect(h.raffle(raffle.address).status).toBe(RaffleStatus.Refunded);
        expect(h.balance(raffle.paymentVault)).toBe(11n * 3_000_000n);

        const organizerPayment = await h.tokenAccount(raffle.organizer.address, h.paymentMint);
        const treasuryPayment = await h.tokenAccount(h.treasury.address, h.paymentMint);
        const proceeds = await h.claimProceeds(raffle.address, organizerPayment, treasuryPayment);
        expect(h.balance(treasuryPayment)).toBe(33_000_000n);
        expect(h.balance(organizerPayment)).toBe(0n);
        expect(eventsOf(proceeds)[0]!.data).toMatchObject({ organizerAmount: 0n, treasuryAmount: 33_000_000n });
        const organizerPrize = await h.tokenAccount(raffle.organizer.address, h.prizeMint);
        await h.claimPrize(raffle.address, organizerPrize);
        expect(h.balance(organizerPrize)).toBe(1n);
        h.setTime(start);
    });

    it('a raffle without entries is Refunded by the first call', async () => {
        const start = h.now();
        const raffle = await h.createRaffle({ deadline: start + 5n });
        h.setTime(start + 5n);
        const result = await h.refundBatch(raffle.address, []);
        expect(eventsOf(result).map(e => e.name)).toEqual(['RefundStarted', 'RaffleRefunded']);
        expect(h.raffle(raffle.address).status).toBe(RaffleStatus.Refunded);
        h.setTime(start);
    });

    it('rejects entries of another raffle and raffles that sold out or were cancelled', async () => {
        const start = h.now();
        const raffle = await h.createRaffle({ deadline: start + 5n });
        const other = await h.createRaffle({ deadline: start + 5n });
        const b = await h.buyer();
        await h.joinWithToken(other.address, b.signer, b.payment, 1);
        h.setTime(start + 5n);
        const foreign = await h.refundBatchInstruction(raffle.address, b.signer, [await h.entryAddress(other.address, 0), b.payment]);
        await h.expectError([foreign], [b.signer], RWA_RAFFLE_ERROR__ENTRY_RAFFLE_MISMATCH);
        h.setTime(start);

        const sold = await h.createRaffle({ maxTickets: 1, deadline: start + 5n });
        await h.sellOut(sold.address);
        const cancelled = await h.createRaffle({ deadline: start + 5n });
        await h.sendOk([h.cancelInstruction(cancelled.address, cancelled.organizer)], [cancelled.organizer]);
        h.setTime(start + 5n);
        for (const r of [sold, cancelled]) {
            const ix = await h.refundBatchInstruction(r.address, b.signer, []);
            await h.expectError([ix], [b.signer], RWA_RAFFLE_ERROR__RAFFLE_NOT_REFUNDABLE);
        }
        h.setTime(start);
    });
});

describe('cancel_raffle', () => {
    it('lets the organizer cancel an Open raffle without tickets; the prize goes back', async () => {
        const raffle = await h.createRaffle({ prizeAmount: 4n });
        const result = await h.sendOk([h.cancelInstruction(raffle.address, raffle.organizer)], [raffle.organizer], 'cancel_raffle');
        expect(h.raffle(raffle.address).status).toBe(RaffleStatus.Cancelled);
        expect(eventsOf(result)).toEqual([{ name: 'RaffleCancelled', data: { raffle: raffle.address, by: raffle.organizer.address, slot: h.svm.getClock().slot } }]);
        const organizerPrize = await h.tokenAccount(raffle.organizer.address, h.prizeMint);
        await h.claimPrize(raffle.address, organizerPrize);
        expect(h.balance(organizerPrize)).toBe(4n);
        const twice = await h.claimPrizeInstruction(raffle.address, organizerPrize);
        await h.expectError([twice.ix], [twice.cranker], RWA_RAFFLE_ERROR__ALREADY_CLAIMED);
        await h.expectError([h.cancelInstruction(raffle.address, raffle.organizer)], [raffle.organizer], RWA_RAFFLE_ERROR__RAFFLE_NOT_CANCELLABLE);
        const organizerPayment = await h.tokenAccount(raffle.organizer.address, h.paymentMint);
        const treasuryPayment = await h.tokenAccount(h.treasury.address, h.paymentMint);
        const p = await h.claimProceedsInstruction(raffle.address, organizerPayment, treasuryPayment);
        await h.expectError([p.ix], [p.cranker], RWA_RAFFLE_ERROR__PROCEEDS_NOT_CLAIMABLE);
    });

    it('lets the admin cancel; refuses anyone else and raffles with tickets', async () => {
        const raffle = await h.createRaffle();
        const stranger = await h.wallet();
        await h.expectError([h.cancelInstruction(raffle.address, stranger)], [stranger], RWA_RAFFLE_ERROR__UNAUTHORIZED);
        const result = await h.sendOk([h.cancelInstruction(raffle.address, h.admin)], [h.admin]);
        expect(eventsOf(result)[0]).toMatchObject({ name: 'RaffleCancelled', data: { by: h.admin.address } });

        const sold = await h.createRaffle();
        const b = await h.buyer();
        await h.joinWithToken(sold.address, b.signer, b.payment, 1);
        await h.expectError([h.cancelInstruction(sold.address, sold.organizer)], [sold.organizer], RWA_RAFFLE_ERROR__RAFFLE_NOT_CANCELLABLE);
    });

    it('prize and proceeds are not claimable while Open or drawing', async () => {
        const raffle = await h.createRaffle({ maxTickets: 2 });
        const organizerPrize = await h.tokenAccount(raffle.organizer.address, h.prizeMint);
        const organizerPayment = await h.tokenAccount(raffle.organizer.address, h.paymentMint);
        const treasuryPayment = await h.tokenAccount(h.treasury.address, h.paymentMint);
        for (let step = 0; step < 3; step++) {
            const prize = await h.claimPrizeInstruction(raffle.address, organizerPrize);
            await h.expectError([prize.ix], [prize.cranker], RWA_RAFFLE_ERROR__PRIZE_NOT_CLAIMABLE);
            const p = await h.claimProceedsInstruction(raffle.address, organizerPayment, treasuryPayment);
            await h.expectError([p.ix], [p.cranker], RWA_RAFFLE_ERROR__PROCEEDS_NOT_CLAIMABLE);
            if (step === 0) await h.sellOut(raffle.address);
            if (step === 1) await h.requestDraw(raffle.address);
        }
    });
});
