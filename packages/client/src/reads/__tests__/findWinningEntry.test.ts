/**
 * findWinningEntry's search over thousands of entries held by a real LiteSVM, read through
 * getMultipleAccounts: found in a handful of calls, never with getProgramAccounts.
 */
import fc from 'fast-check';
import { type Address, lamports } from '@solana/kit';
import { LiteSVM } from 'litesvm';
import { describe, expect, it } from 'vitest';

import { findEntryAddresses, findWinningEntry, getEntryEncoder, getRaffleEncoder, PaymentKind, RaffleStatus, RWA_RAFFLE_PROGRAM_ADDRESS } from '../../index';
import { raffleAccount, testAddress } from '../../__tests__/support/fixtures';
import { createSvmRpc } from '../../__tests__/support/svm-rpc';

const RAFFLE = testAddress(1);

function put(svm: LiteSVM, address: Address, data: Uint8Array): void {
    svm.setAccount({ address, data, executable: false, lamports: lamports(10_000_000n), programAddress: RWA_RAFFLE_PROGRAM_ADDRESS, space: BigInt(data.length) });
}

describe('findWinningEntry', () => {
    it('finds the entry among thousands in at most three getMultipleAccounts calls', async () => {
        const counts = fc.sample(fc.integer({ min: 1, max: 9 }), { numRuns: 2_500, seed: 42 });
        const svm = new LiteSVM();
        const addresses = await findEntryAddresses(RAFFLE, counts.map((_, i) => i));
        let first = 0;
        counts.forEach((ticketCount, index) => {
            put(svm, addresses[index]!, new Uint8Array(getEntryEncoder().encode({ raffle: RAFFLE, buyer: testAddress(1000 + index), index, firstTicket: first, ticketCount, amountPaid: 1n, paidWith: PaymentKind.Token, refunded: false, bump: 1 })));
            first += ticketCount;
        });
        const sold = first;
        const calls: string[] = [];
        const rpc = createSvmRpc(svm, method => calls.push(method));
        for (const winnerTicket of [0, 1, Math.floor(sold / 3), sold - 1]) {
            const base = raffleAccount(RAFFLE, { status: RaffleStatus.Completed, ticketsSold: sold, maxTickets: sold, entriesCount: counts.length, winnerTicket });
            put(svm, RAFFLE, new Uint8Array(getRaffleEncoder().encode({ ...base.data })));
            calls.length = 0;
            const winning = await findWinningEntry(rpc, RAFFLE);
            expect(winning.data.firstTicket).toBeLessThanOrEqual(winnerTicket);
            expect(winning.data.firstTicket + winning.data.ticketCount).toBeGreaterThan(winnerTicket);
            expect(calls[0]).toBe('getAccountInfo'); // the raffle
            expect(calls.filter(c => c === 'getMultipleAccounts').length).toBeLessThanOrEqual(3);
            expect(calls).not.toContain('getProgramAccounts');
        }
    });

    it('searches prefetched entries locally and reports a missing winner', async () => {
        const svm = new LiteSVM();
        const rpc = createSvmRpc(svm);
        const completed = raffleAccount(RAFFLE, { status: RaffleStatus.Completed, ticketsSold: 5, winnerTicket: 4, entriesCount: 2 });
        await expect(findWinningEntry(rpc, completed, { entries: [] })).rejects.toThrow(/holds winning ticket 4/);
        await expect(findWinningEntry(rpc, completed)).rejects.toThrow(/holds winning ticket/);
        await expect(findWinningEntry(rpc, raffleAccount(RAFFLE))).rejects.toThrow(/Open/);
        await expect(findWinningEntry(rpc, RAFFLE)).rejects.toThrow(/No raffle account/);
    });
});
