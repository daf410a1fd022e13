/**
 * refundBatchTx's splitting: every pending entry exactly once, in index order, every
 * transaction within the size limit, the greedy packing tight, the per-mode layout right.
 */
import fc from 'fast-check';
import { type Address, AccountRole, getTransactionMessageSize, type Instruction, setTransactionMessageFeePayer } from '@solana/kit';
import { describe, expect, it } from 'vitest';

import { findAssociatedTokenAddress, findEntryAddresses, PaymentKind, RaffleStatus, refundBatchTx, RefundMode, RWA_RAFFLE_PROGRAM_ADDRESS } from '../../index';
import { entryAccount, raffleAccount, testAddress, testSigner } from '../../__tests__/support/fixtures';

const RAFFLE = testAddress(1);
const LIMIT = 1232;

function remainingOf(ix: Instruction): { address: Address; role: AccountRole }[] {
    return (ix.accounts ?? []).slice(4) as { address: Address; role: AccountRole }[];
}

describe('refundBatchTx splitting', () => {
    it('packs every pending entry once, in order, within the size limit (property)', async () => {
        const cranker = await testSigner(1);
        const otherPayer = testAddress(999);
        const allEntryAddresses = await findEntryAddresses(RAFFLE, Array.from({ length: 90 }, (_, i) => i));
        await fc.assert(
            fc.asyncProperty(
                fc.array(fc.record({ refunded: fc.boolean(), voucher: fc.boolean(), buyer: fc.integer({ min: 0, max: 15 }) }), { maxLength: 90 }),
                fc.constantFrom(RefundMode.Tokens, RefundMode.Vouchers),
                fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
                fc.boolean(),
                fc.option(fc.integer({ min: 1, max: 1_400_000 }), { nil: undefined }),
                async (specs, refundMode, maxEntriesPerTransaction, separatePayer, computeUnitLimit) => {
                    const entries = specs.map((s, index) =>
                        entryAccount(allEntryAddresses[index]!, {
                            raffle: RAFFLE,
                            index,
                            buyer: testAddress(500 + s.buyer),
                            refunded: s.refunded,
                            paidWith: s.voucher ? PaymentKind.Voucher : PaymentKind.Token,
                        }),
                    );
                    const raffle = raffleAccount(RAFFLE, { refundMode, entriesCount: entries.length, ticketsSold: entries.length, maxTickets: 1000 });
                    // Shuffle: order of the input must not matter.
                    const shuffled = [...entries].reverse();
                    const feePayer = separatePayer ? otherPayer : undefined;
                    const messages = await refundBatchTx({ cranker, raffle, entries: shuffled, maxEntriesPerTransaction, feePayer, computeUnitLimit });
                    const stride = refundMode === RefundMode.Tokens ? 2 : 1;
                    const seen: Address[] = [];
                    for (const message of messages) {
                        const withPayer = setTransactionMessageFeePayer(feePayer ?? cranker.address, message);
                        expect(getTransactionMessageSize(withPayer)).toBeLessThanOrEqual(LIMIT);
                        const refunds = message.instructions.filter(ix => ix.programAddress === RWA_RAFFLE_PROGRAM_ADDRESS);
                        expect(refunds).toHaveLength(1);
                        const remaining = remainingOf(refunds[0]!);
                        expect(remaining.length % stride).toBe(0);
                        if (maxEntriesPerTransaction !== undefined) expect(remaining.length / stride).toBeLessThanOrEqual(maxEntriesPerTransaction);
                        for (let i = 0; i < remaining.length; i += stride) {
                            expect(remaining[i]!.role).toBe(AccountRole.WRITABLE);
                            seen.push(remaining[i]!.address);
                        }
                    }
                    const pending = entries.filter(e => !e.data.refunded).map(e => e.address);
                    expect(seen).toEqual(pending);
                    expect(messages.length).toBeGreaterThanOrEqual(1);
                },
            ),
            { numRuns: 40 },
        );
    });

    it('fills each transaction before starting the next (greedy, tight)', async () => {
        const cranker = await testSigner(2);
        const count = 60;
        const addresses = await findEntryAddresses(RAFFLE, Array.from({ length: count }, (_, i) => i));
        const entries = addresses.map((address, index) => entryAccount(address, { raffle: RAFFLE, index, buyer: testAddress(600 + index) }));
        const raffle = raffleAccount(RAFFLE, { entriesCount: count, ticketsSold: count, maxTickets: 1000 });
        const messages = await refundBatchTx({ cranker, raffle, entries });
        expect(messages.length).toBeGreaterThan(2);
        const sizes = messages.map(m => getTransactionMessageSize(setTransactionMessageFeePayer(cranker.address, m)));
        // Each full transaction has no room for one more (entry + token account = 64 bytes + 2 indexes).
        for (const size of sizes.slice(0, -1)) expect(size).toBeGreaterThan(LIMIT - 66);
    });

    it('tokens mode passes the buyer’s associated token account, voucher-paid entries included', async () => {
        const cranker = await testSigner(3);
        const raffle = raffleAccount(RAFFLE, { entriesCount: 2, ticketsSold: 2, status: RaffleStatus.Refunding });
        const [a, b] = await findEntryAddresses(RAFFLE, [0, 1]);
        const entries = [
            entryAccount(a!, { raffle: RAFFLE, index: 0, buyer: testAddress(7) }),
            entryAccount(b!, { raffle: RAFFLE, index: 1, buyer: testAddress(8), paidWith: PaymentKind.Voucher, amountPaid: 0n }),
        ];
        const [message] = await refundBatchTx({ cranker, raffle, entries });
        const remaining = remainingOf(message!.instructions.find(ix => ix.programAddress === RWA_RAFFLE_PROGRAM_ADDRESS)!);
        expect(remaining.map(m => m.address)).toEqual([
            a,
            await findAssociatedTokenAddress({ owner: testAddress(7), mint: raffle.data.paymentMint }),
            b,
            await findAssociatedTokenAddress({ owner: testAddress(8), mint: raffle.data.paymentMint }),
        ]);
    });

    it('puts compute budget instructions first', async () => {
        const cranker = await testSigner(4);
        const raffle = raffleAccount(RAFFLE);
        const [message] = await refundBatchTx({ cranker, raffle, entries: [], computeUnitLimit: 300_000, computeUnitPrice: 7n });
        expect(message!.instructions.map(ix => ix.programAddress)).toEqual([
            'ComputeBudget111111111111111111111111111111',
            'ComputeBudget111111111111111111111111111111',
            RWA_RAFFLE_PROGRAM_ADDRESS,
        ]);
    });
});
