/**
 * findWinningEntry's search over thousands of entries held by `@raffle/localnet`, read over real
 * JSON-RPC through getMultipleAccounts: found in a handful of calls, never with getProgramAccounts.
 */
import fc from 'fast-check';
import { type Address, createDefaultRpcTransport, createSolanaRpcFromTransport, lamports, type RpcTransport } from '@solana/kit';
import { describe, expect, it } from 'vitest';

import { findEntryAddresses, findWinningEntry, getEntryEncoder, getRaffleEncoder, PaymentKind, RaffleStatus, RWA_RAFFLE_PROGRAM_ADDRESS } from '../../index';
import { raffleAccount, testAddress } from '../../__tests__/support/fixtures';
import { useRaffleCluster } from '../../__tests__/support/localnet';

const RAFFLE = testAddress(1);
const cluster = useRaffleCluster();

function put(address: Address, data: Uint8Array): void {
    cluster.net.control.setAccount({ address, data, executable: false, lamports: lamports(10_000_000n), programAddress: RWA_RAFFLE_PROGRAM_ADDRESS, space: BigInt(data.length) });
}

/** A kit RPC on the cluster that reports the method of every request it sends. */
function countingRpc(onRequest: (method: string) => void = () => undefined) {
    const http = createDefaultRpcTransport({ url: cluster.net.rpcUrl });
    const transport = (config => {
        onRequest((config.payload as { method: string }).method);
        return http(config);
    }) as RpcTransport;
    return createSolanaRpcFromTransport(transport);
}

describe('findWinningEntry', () => {
    it('finds the entry among thousands in at most three getMultipleAccounts calls', async () => {
        const counts = fc.sample(fc.integer({ min: 1, max: 9 }), { numRuns: 2_500, seed: 42 });
        cluster.reset();
        const addresses = await findEntryAddresses(RAFFLE, counts.map((_, i) => i));
        let first = 0;
        counts.forEach((ticketCount, index) => {
            put(addresses[index]!, new Uint8Array(getEntryEncoder().encode({ raffle: RAFFLE, buyer: testAddress(1000 + index), index, firstTicket: first, ticketCount, amountPaid: 1n, paidWith: PaymentKind.Token, refunded: false, bump: 1 })));
            first += ticketCount;
        });
        const sold = first;
        const calls: string[] = [];
        const rpc = countingRpc(method => calls.push(method));
        for (const winnerTicket of [0, 1, Math.floor(sold / 3), sold - 1]) {
            const base = raffleAccount(RAFFLE, { status: RaffleStatus.Completed, ticketsSold: sold, maxTickets: sold, entriesCount: counts.length, winnerTicket });
            put(RAFFLE, new Uint8Array(getRaffleEncoder().encode({ ...base.data })));
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
        cluster.reset();
        const rpc = countingRpc();
        const completed = raffleAccount(RAFFLE, { status: RaffleStatus.Completed, ticketsSold: 5, winnerTicket: 4, entriesCount: 2 });
        await expect(findWinningEntry(rpc, completed, { entries: [] })).rejects.toThrow(/holds winning ticket 4/);
        await expect(findWinningEntry(rpc, completed)).rejects.toThrow(/holds winning ticket/);
        await expect(findWinningEntry(rpc, raffleAccount(RAFFLE))).rejects.toThrow(/Open/);
        await expect(findWinningEntry(rpc, RAFFLE)).rejects.toThrow(/No raffle account/);
    });
});
