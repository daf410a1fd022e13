import { DRAW_TIMEOUT_SLOTS, type Raffle, RaffleStatus, RefundMode } from '@raffle/client';
import { address } from '@solana/kit';
import { describe, expect, it } from 'vitest';

import { type PlanOptions, planRaffle } from '../plan';

const ALL: PlanOptions = { claimPrize: true, claimProceeds: true, refunds: true, tickets: true, hasFallback: false };
const NOW = { slot: 1_000n, unixTimestamp: 1_700_000_000n };

function raffle(overrides: Partial<Raffle>): Raffle {
    const zero = address('11111111111111111111111111111111');
    return {
        discriminator: new Uint8Array(8),
        organizer: zero,
        raffleId: 1n,
        tier: 1,
        enterpriseId: new Uint8Array(16),
        prizeMint: zero,
        prizeAmount: 1n,
        paymentMint: zero,
        ticketPrice: 1n,
        maxTickets: 10,
        ticketsSold: 3,
        entriesCount: 2,
        entriesRefunded: 0,
        deadline: NOW.unixTimestamp + 60n,
        refundMode: RefundMode.Tokens,
        status: RaffleStatus.Open,
        drawSeed: new Uint8Array(32),
        randomness: new Uint8Array(32),
        winnerTicket: 0,
        prizeClaimed: false,
        proceedsClaimed: false,
        createdAt: NOW.unixTimestamp - 60n,
        drawRequestedSlot: 0n,
        bump: 255,
        prizeVaultBump: 255,
        paymentVaultBump: 255,
        ...overrides,
    };
}

const kinds = (r: Raffle, options = ALL, now = NOW) => planRaffle(r, now, options).actions.map(a => (a.kind === 'answer-draw' ? `answer-draw:${a.by}` : a.kind));

describe('planRaffle', () => {
    it('waits for an open raffle until its deadline in chain time, then refunds it unless sold out', () => {
        expect(planRaffle(raffle({}), NOW, ALL)).toEqual({ actions: [], wake: { unixTimestamp: NOW.unixTimestamp + 60n } });
        expect(kinds(raffle({ deadline: NOW.unixTimestamp }))).toEqual(['refund']);
        expect(kinds(raffle({ deadline: NOW.unixTimestamp - 1n, ticketsSold: 10 }))).toEqual([]);
        expect(planRaffle(raffle({}), NOW, { ...ALL, refunds: false })).toEqual({ actions: [], wake: null });
    });

    it('requests a draw when sold out, lets the provider answer a pending request, and re-requests (or falls back) after the timeout', () => {
        expect(kinds(raffle({ status: RaffleStatus.Drawing }))).toEqual(['request-draw']);
        const pending = raffle({ status: RaffleStatus.DrawRequested, drawRequestedSlot: NOW.slot - 10n });
        expect(planRaffle(pending, NOW, ALL)).toEqual({ actions: [{ kind: 'answer-draw', by: 'primary' }], wake: { slot: NOW.slot - 10n + DRAW_TIMEOUT_SLOTS } });
        const expired = raffle({ status: RaffleStatus.DrawRequested, drawRequestedSlot: NOW.slot - DRAW_TIMEOUT_SLOTS });
        expect(kinds(expired)).toEqual(['request-draw']);
        expect(kinds(expired, { ...ALL, hasFallback: true })).toEqual(['answer-draw:fallback']);
        expect(kinds(expired, { ...ALL, draws: false })).toEqual([]);
        expect(kinds(pending, { ...ALL, drawTimeoutSlots: 5n })).toEqual(['request-draw']);
    });

    it('claims what a completed raffle still owes, each claim switchable', () => {
        expect(kinds(raffle({ status: RaffleStatus.Completed }))).toEqual(['claim-prize', 'claim-proceeds']);
        expect(kinds(raffle({ status: RaffleStatus.Completed, prizeClaimed: true }))).toEqual(['claim-proceeds']);
        expect(kinds(raffle({ status: RaffleStatus.Completed }), { ...ALL, claimProceeds: false })).toEqual(['claim-prize']);
        expect(kinds(raffle({ status: RaffleStatus.Completed, prizeClaimed: true, proceedsClaimed: true }))).toEqual([]);
    });

    it('continues a refund, issues tickets, returns the prize, and sends voucher-mode proceeds to the treasury', () => {
        expect(kinds(raffle({ status: RaffleStatus.Refunding }))).toEqual(['refund', 'issue-tickets']);
        expect(kinds(raffle({ status: RaffleStatus.Refunded }))).toEqual(['claim-prize', 'issue-tickets']);
        expect(kinds(raffle({ status: RaffleStatus.Refunded, refundMode: RefundMode.Vouchers }))).toEqual(['claim-prize', 'claim-proceeds', 'issue-tickets']);
        expect(kinds(raffle({ status: RaffleStatus.Refunded, refundMode: RefundMode.Vouchers }), { ...ALL, tickets: false })).toEqual(['claim-prize', 'claim-proceeds']);
        expect(kinds(raffle({ status: RaffleStatus.Cancelled }))).toEqual(['claim-prize']);
        expect(kinds(raffle({ status: RaffleStatus.Cancelled, prizeClaimed: true }))).toEqual([]);
    });

    it('does nothing for a status it does not know (hostile account data)', () => {
        expect(planRaffle(raffle({ status: 99 as RaffleStatus }), NOW, ALL)).toEqual({ actions: [], wake: null });
    });
});
