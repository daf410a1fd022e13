import { describe, expect, it } from 'vitest';

import { DRAW_TIMEOUT_SLOTS, getRaffleView, RaffleStatus, RefundMode } from '../../index';
import { entryAccount, raffleAccount, testAddress } from '../../__tests__/support/fixtures';

const RAFFLE = testAddress(1);
const clock = (unixTimestamp: bigint, slot = 1_000n) => ({ clock: { slot, unixTimestamp } });

describe('getRaffleView', () => {
    it('open raffle: tickets left, deadline, join and cancel', () => {
        const raffle = raffleAccount(RAFFLE, { maxTickets: 10, ticketsSold: 0, deadline: 2_000n });
        expect(getRaffleView(raffle, clock(1_500n))).toMatchObject({
            statusName: 'Open',
            ticketsLeft: 10,
            isSoldOut: false,
            isPastDeadline: false,
            secondsUntilDeadline: 500n,
            canJoin: true,
            canCancel: true,
            canRefund: false,
            canRequestDraw: false,
            canClaimPrize: false,
            winner: null,
        });
        // At the deadline joins close (the program rejects now >= deadline) and refunds open.
        expect(getRaffleView(raffleAccount(RAFFLE, { ticketsSold: 3, deadline: 2_000n }), clock(2_000n))).toMatchObject({
            isPastDeadline: true,
            secondsUntilDeadline: 0n,
            canJoin: false,
            canRefund: true,
            canCancel: false,
        });
    });

    it('draw: request, timeout, answer', () => {
        const drawing = raffleAccount(RAFFLE, { status: RaffleStatus.Drawing, ticketsSold: 10, maxTickets: 10 });
        expect(getRaffleView(drawing, clock(0n))).toMatchObject({ isSoldOut: true, canRequestDraw: true, canDraw: false, canJoin: false });
        const requested = raffleAccount(RAFFLE, { status: RaffleStatus.DrawRequested, drawRequestedSlot: 500n });
        expect(getRaffleView(requested, clock(0n, 500n + DRAW_TIMEOUT_SLOTS - 1n))).toMatchObject({ canRequestDraw: false, canDraw: true });
        expect(getRaffleView(requested, clock(0n, 500n + DRAW_TIMEOUT_SLOTS))).toMatchObject({ canRequestDraw: true, canDraw: true });
    });

    it('completed: winner from the winning entry, claims', () => {
        const completed = raffleAccount(RAFFLE, { status: RaffleStatus.Completed, winnerTicket: 7, ticketsSold: 10, maxTickets: 10 });
        expect(getRaffleView(completed, clock(0n)).winner).toEqual({ ticket: 7 });
        const entry = entryAccount(testAddress(5), { raffle: RAFFLE, firstTicket: 5, ticketCount: 3, buyer: testAddress(6) });
        expect(getRaffleView(completed, { ...clock(0n), winningEntry: entry })).toMatchObject({
            winner: { ticket: 7, entry: testAddress(5), buyer: testAddress(6) },
            canClaimPrize: true,
            canClaimProceeds: true,
        });
        const wrong = entryAccount(testAddress(5), { raffle: RAFFLE, firstTicket: 0, ticketCount: 3 });
        expect(getRaffleView(completed, { ...clock(0n), winningEntry: wrong }).winner).toEqual({ ticket: 7 });
        const claimed = raffleAccount(RAFFLE, { status: RaffleStatus.Completed, prizeClaimed: true, proceedsClaimed: true });
        expect(getRaffleView(claimed, clock(0n))).toMatchObject({ canClaimPrize: false, canClaimProceeds: false });
    });

    it('refunded and cancelled: prize back, proceeds only in vouchers mode', () => {
        expect(getRaffleView(raffleAccount(RAFFLE, { status: RaffleStatus.Refunded }), clock(0n))).toMatchObject({ canClaimPrize: true, canClaimProceeds: false, canRefund: false });
        expect(getRaffleView(raffleAccount(RAFFLE, { status: RaffleStatus.Refunded, refundMode: RefundMode.Vouchers }), clock(0n)).canClaimProceeds).toBe(true);
        expect(getRaffleView(raffleAccount(RAFFLE, { status: RaffleStatus.Refunding }), clock(0n)).canRefund).toBe(true);
        expect(getRaffleView(raffleAccount(RAFFLE, { status: RaffleStatus.Cancelled }), clock(0n))).toMatchObject({ statusName: 'Cancelled', canClaimPrize: true });
    });

    it('rejects a clock that is not bigints', () => {
        expect(() => getRaffleView(raffleAccount(RAFFLE), { clock: { slot: 1, unixTimestamp: 2 } as never })).toThrow(/clock/);
    });
});
