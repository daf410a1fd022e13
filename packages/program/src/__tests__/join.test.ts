/** join_with_token and join_with_ticket: happy paths, sell-out, every error, same-slot joins, pre-funded entries. */
import {
    PaymentKind,
    RaffleStatus,
    RWA_RAFFLE_ERROR__DEADLINE_PASSED,
    RWA_RAFFLE_ERROR__ENTRY_INDEX_MISMATCH,
    RWA_RAFFLE_ERROR__INVALID_PDA,
    RWA_RAFFLE_ERROR__INVALID_TICKET_COUNT,
    RWA_RAFFLE_ERROR__INVALID_TOKEN_ACCOUNT,
    RWA_RAFFLE_ERROR__MATH_OVERFLOW,
    RWA_RAFFLE_ERROR__PAUSED,
    RWA_RAFFLE_ERROR__RAFFLE_NOT_OPEN,
    RWA_RAFFLE_ERROR__SOLD_OUT,
    RWA_RAFFLE_ERROR__VOUCHERS_DISABLED,
    getJoinWithTicketInstruction,
    getJoinWithTokenInstruction,
    getUpdateConfigInstruction,
} from '@raffle/client';
import { type Address, type Instruction, generateKeyPairSigner, lamports } from '@solana/kit';
import { getTransferSolInstruction } from '@solana-program/system';
import { beforeAll, describe, expect, it } from 'vitest';

import { i64, u32, u64 } from './support/bytes';
import { addressBytes, DAY, RaffleHarness, eventsOf, instructionError, sha256 } from './support/harness';

let h: RaffleHarness;
beforeAll(async () => {
    h = await RaffleHarness.create();
});

function updateConfig(p: RaffleHarness, changes: { paused?: boolean; mrftMint?: Address }): Instruction {
    return getUpdateConfigInstruction({
        admin: p.admin,
        config: p.config,
        newAdmin: null,
        permitSigners: null,
        drawAuthority: null,
        drawCommitment: null,
        settleAuthority: null,
        treasury: null,
        feeBps: null,
        mrftMint: changes.mrftMint ?? null,
        paused: changes.paused ?? null,
    });
}

describe('join_with_token', () => {
    it('pays ticket_price * count into the vault, creates the entry and emits TicketsPurchased', async () => {
        const raffle = await h.createRaffle({ maxTickets: 10, ticketPrice: 1_500_000n });
        const b = await h.buyer(100_000_000n);
        const result = await h.joinWithToken(raffle.address, b.signer, b.payment, 4);
        const entryAddress = await h.entryAddress(raffle.address, 0);
        expect(h.entry(entryAddress)).toMatchObject({
            raffle: raffle.address,
            buyer: b.signer.address,
            index: 0,
            firstTicket: 0,
            ticketCount: 4,
            amountPaid: 6_000_000n,
            paidWith: PaymentKind.Token,
            refunded: false,
        });
        expect(h.balance(raffle.paymentVault)).toBe(6_000_000n);
        expect(h.balance(b.payment)).toBe(94_000_000n);
        expect(h.raffle(raffle.address)).toMatchObject({ ticketsSold: 4, entriesCount: 1, status: RaffleStatus.Open });
        expect(eventsOf(result)).toEqual([
            {
                name: 'TicketsPurchased',
                data: {
                    raffle: raffle.address,
                    buyer: b.signer.address,
                    entry: entryAddress,
                    entryIndex: 0,
                    firstTicket: 0,
                    ticketCount: 4,
                    amountPaid: 6_000_000n,
                    paidWith: PaymentKind.Token,
                    ticketsSold: 4,
                    slot: h.svm.getClock().slot,
                },
            },
        ]);
        // A second join continues the ticket range.
        const b2 = await h.buyer();
        await h.joinWithToken(raffle.address, b2.signer, b2.payment, 2);
        expect(h.entry(await h.entryAddress(raffle.address, 1))).toMatchObject({ index: 1, firstTicket: 4, ticketCount: 2 });
    });

    it('on sell-out sets Drawing, fixes the draw seed and emits ThresholdReached after TicketsPurchased', async () => {
        const raffle = await h.createRaffle({ maxTickets: 5 });
        const b1 = await h.buyer();
        await h.joinWithToken(raffle.address, b1.signer, b1.payment, 2);
        h.warpSlots(3n);
        const b2 = await h.buyer();
        const result = await h.joinWithToken(raffle.address, b2.signer, b2.payment, 3);
        const clock = h.svm.getClock();
        const seed = sha256(addressBytes(raffle.address), u32(5), u64(clock.slot), i64(clock.unixTimestamp), addressBytes(b2.signer.address));
        const r = h.raffle(raffle.address);
        expect(r.status).toBe(RaffleStatus.Drawing);
        expect([...r.drawSeed]).toEqual([...seed]);
        const events = eventsOf(result);
        expect(events.map(e => e.name)).toEqual(['TicketsPurchased', 'ThresholdReached']);
        expect(events[1]!.data).toEqual({ raffle: raffle.address, ticketsSold: 5, drawSeed: expect.anything(), slot: clock.slot });
        expect([...(events[1]!.data as unknown as { drawSeed: Uint8Array }).drawSeed]).toEqual([...seed]);
        // Nothing more to buy.
        const b3 = await h.buyer();
        await h.expectError([await h.joinWithTokenInstruction(raffle.address, b3.signer, b3.payment, 1)], [b3.signer], RWA_RAFFLE_ERROR__RAFFLE_NOT_OPEN);
    });

    it('rejects a partial fill (SoldOut) and ticket_count 0', async () => {
        const raffle = await h.createRaffle({ maxTickets: 3 });
        const b = await h.buyer();
        await h.expectError([await h.joinWithTokenInstruction(raffle.address, b.signer, b.payment, 4)], [b.signer], RWA_RAFFLE_ERROR__SOLD_OUT);
        await h.expectError([await h.joinWithTokenInstruction(raffle.address, b.signer, b.payment, 0)], [b.signer], RWA_RAFFLE_ERROR__INVALID_TICKET_COUNT);
        await h.expectError([await h.joinWithTokenInstruction(raffle.address, b.signer, b.payment, 0xffffffff)], [b.signer], RWA_RAFFLE_ERROR__SOLD_OUT);
    });

    it('rejects joins at or after the deadline', async () => {
        const raffle = await h.createRaffle({ deadline: h.now() + 100n });
        const b = await h.buyer();
        const start = h.now();
        h.setTime(start + 100n);
        await h.expectError([await h.joinWithTokenInstruction(raffle.address, b.signer, b.payment, 1)], [b.signer], RWA_RAFFLE_ERROR__DEADLINE_PASSED);
        h.setTime(start + 99n);
        await h.joinWithToken(raffle.address, b.signer, b.payment, 1);
        h.setTime(start);
    });

    it('rejects an entry that is not at entries_count (EntryIndexMismatch)', async () => {
        const raffle = await h.createRaffle();
        const b = await h.buyer();
        await h.expectError([await h.joinWithTokenInstruction(raffle.address, b.signer, b.payment, 1, 1)], [b.signer], RWA_RAFFLE_ERROR__ENTRY_INDEX_MISMATCH);
        await h.joinWithToken(raffle.address, b.signer, b.payment, 1);
        await h.expectError([await h.joinWithTokenInstruction(raffle.address, b.signer, b.payment, 1, 0)], [b.signer], RWA_RAFFLE_ERROR__ENTRY_INDEX_MISMATCH);
    });

    it('rejects a payment account of another mint or owner, and a foreign vault', async () => {
        const raffle = await h.createRaffle();
        const b = await h.buyer();
        const otherMint = await h.tokenAccount(b.signer.address, h.mrftMint, 100n);
        const otherOwner = await h.tokenAccount((await generateKeyPairSigner()).address, h.paymentMint, 100_000_000n);
        for (const account of [otherMint, otherOwner]) {
            await h.expectError([await h.joinWithTokenInstruction(raffle.address, b.signer, account, 1)], [b.signer], RWA_RAFFLE_ERROR__INVALID_TOKEN_ACCOUNT);
        }
        const other = await h.createRaffle();
        const entry = await h.entryAddress(raffle.address, 0);
        const ix = getJoinWithTokenInstruction({ buyer: b.signer, config: h.config, raffle: raffle.address, entry, buyerPaymentAccount: b.payment, paymentVault: other.paymentVault, ticketCount: 1 });
        await h.expectError([ix], [b.signer], RWA_RAFFLE_ERROR__INVALID_PDA);
    });

    it('fails with MathOverflow when ticket_price * count overflows u64', async () => {
        const raffle = await h.createRaffle({ ticketPrice: 1n << 62n, maxTickets: 10 });
        const b = await h.buyer();
        await h.expectError([await h.joinWithTokenInstruction(raffle.address, b.signer, b.payment, 4)], [b.signer], RWA_RAFFLE_ERROR__MATH_OVERFLOW);
    });

    it('is blocked while paused, and works again after', async () => {
        const p = await RaffleHarness.create();
        const raffle = await p.createRaffle();
        const b = await p.buyer();
        await p.sendOk([updateConfig(p, { paused: true })], [p.admin]);
        await p.expectError([await p.joinWithTokenInstruction(raffle.address, b.signer, b.payment, 1)], [b.signer], RWA_RAFFLE_ERROR__PAUSED);
        const v = await p.buyer(0n, 5n);
        await p.expectError([await p.joinWithTicketInstruction(raffle.address, v.signer, v.mrft, 1)], [v.signer], RWA_RAFFLE_ERROR__PAUSED);
        await p.sendOk([updateConfig(p, { paused: false })], [p.admin]);
        await p.joinWithToken(raffle.address, b.signer, b.payment, 1);
    });

    it('lets two different buyers join in the same slot (nothing shared but the raffle and its vault)', async () => {
        const raffle = await h.createRaffle({ maxTickets: 10 });
        const [a, b] = [await h.buyer(), await h.buyer()];
        const slot = h.svm.getClock().slot;
        const ixA = await h.joinWithTokenInstruction(raffle.address, a.signer, a.payment, 2, 0);
        const ixB = await h.joinWithTokenInstruction(raffle.address, b.signer, b.payment, 3, 1);
        await h.sendOk([ixA], [a.signer]);
        await h.sendOk([ixB], [b.signer]);
        expect(h.svm.getClock().slot).toBe(slot);
        expect(h.raffle(raffle.address)).toMatchObject({ ticketsSold: 5, entriesCount: 2 });
        const writableA = ixA.accounts!.filter(m => m.role === 1 || m.role === 3).map(m => m.address);
        const writableB = ixB.accounts!.filter(m => m.role === 1 || m.role === 3).map(m => m.address);
        // Per-raffle state only (the raffle and its vault); the config is read-only, entries differ.
        expect(writableA.filter(x => writableB.includes(x))).toEqual([raffle.address, raffle.paymentVault]);
        // Both in one transaction as well.
        const [c, d] = [await h.buyer(), await h.buyer()];
        await h.sendOk(
            [await h.joinWithTokenInstruction(raffle.address, c.signer, c.payment, 1, 2), await h.joinWithTokenInstruction(raffle.address, d.signer, d.payment, 1, 3)],
            [c.signer, d.signer],
        );
        expect(h.raffle(raffle.address)).toMatchObject({ ticketsSold: 7, entriesCount: 4 });
    });

    it('joins even when an attacker pre-funded the next entry PDA', async () => {
        const raffle = await h.createRaffle();
        const attacker = await h.wallet();
        const b = await h.buyer();
        const e0 = await h.entryAddress(raffle.address, 0);
        const e1 = await h.entryAddress(raffle.address, 1);
        await h.sendOk([getTransferSolInstruction({ source: attacker, destination: e0, amount: lamports(h.svm.minimumBalanceForRentExemption(0n)) })], [attacker]);
        await h.sendOk([getTransferSolInstruction({ source: attacker, destination: e1, amount: lamports(1_000_000_000n) })], [attacker]);
        await h.joinWithToken(raffle.address, b.signer, b.payment, 1);
        await h.joinWithToken(raffle.address, b.signer, b.payment, 1);
        expect(h.entry(e0).index).toBe(0);
        expect(h.entry(e1).index).toBe(1);
        const account = h.svm.getAccount(e0);
        expect(account.exists && account.lamports).toBe(h.svm.minimumBalanceForRentExemption(95n));
    });
});

describe('join_with_ticket', () => {
    it('burns one voucher per ticket, records amount_paid 0 and paid_with Voucher', async () => {
        const raffle = await h.createRaffle({ maxTickets: 4 });
        const v = await h.buyer(0n, 10n);
        const result = await h.joinWithTicket(raffle.address, v.signer, v.mrft, 3);
        expect(h.balance(v.mrft)).toBe(7n);
        const entry = await h.entryAddress(raffle.address, 0);
        expect(h.entry(entry)).toMatchObject({ ticketCount: 3, amountPaid: 0n, paidWith: PaymentKind.Voucher });
        expect(eventsOf(result)[0]).toMatchObject({ name: 'TicketsPurchased', data: { amountPaid: 0n, paidWith: PaymentKind.Voucher, ticketCount: 3 } });
        expect(h.balance(raffle.paymentVault)).toBe(0n);
        // Selling out with vouchers also starts the draw.
        const last = await h.joinWithTicket(raffle.address, v.signer, v.mrft, 1);
        expect(eventsOf(last).map(e => e.name)).toEqual(['TicketsPurchased', 'ThresholdReached']);
        expect(h.raffle(raffle.address).status).toBe(RaffleStatus.Drawing);
    });

    it('rejects another mint than config.mrft_mint', async () => {
        const raffle = await h.createRaffle();
        const v = await h.buyer(0n, 10n);
        const entry = await h.entryAddress(raffle.address, 0);
        const fakeMint = (await generateKeyPairSigner()).address;
        h.setMint(fakeMint, 0);
        const fakeAccount = await h.tokenAccount(v.signer.address, fakeMint, 10n);
        const ix = getJoinWithTicketInstruction({ buyer: v.signer, config: h.config, raffle: raffle.address, entry, mrftMint: fakeMint, buyerMrftAccount: fakeAccount, ticketCount: 1 });
        await h.expectError([ix], [v.signer], RWA_RAFFLE_ERROR__INVALID_TOKEN_ACCOUNT);
        const wrongAccount = getJoinWithTicketInstruction({ buyer: v.signer, config: h.config, raffle: raffle.address, entry, mrftMint: h.mrftMint, buyerMrftAccount: fakeAccount, ticketCount: 1 });
        await h.expectError([wrongAccount], [v.signer], RWA_RAFFLE_ERROR__INVALID_TOKEN_ACCOUNT);
    });

    it('fails in the token program without enough vouchers (nothing recorded)', async () => {
        const raffle = await h.createRaffle();
        const v = await h.buyer(0n, 1n);
        const result = await h.send([await h.joinWithTicketInstruction(raffle.address, v.signer, v.mrft, 2)], [v.signer]);
        expect(instructionError(result)?.index).toBe(0);
        expect(h.raffle(raffle.address).ticketsSold).toBe(0);
    });

    it('is disabled when config.mrft_mint is zero', async () => {
        const p = await RaffleHarness.create({ vouchersEnabled: false });
        const raffle = await p.createRaffle();
        const v = await p.buyer(0n, 5n);
        await p.expectError([await p.joinWithTicketInstruction(raffle.address, v.signer, v.mrft, 1)], [v.signer], RWA_RAFFLE_ERROR__VOUCHERS_DISABLED);
        await p.sendOk([updateConfig(p, { mrftMint: p.mrftMint })], [p.admin]);
        await p.joinWithTicket(raffle.address, v.signer, v.mrft, 1);
    });

    it('rejects joins on a raffle past its deadline with vouchers too', async () => {
        const raffle = await h.createRaffle({ deadline: h.now() + DAY });
        const v = await h.buyer(0n, 5n);
        const start = h.now();
        h.setTime(start + DAY);
        await h.expectError([await h.joinWithTicketInstruction(raffle.address, v.signer, v.mrft, 1)], [v.signer], RWA_RAFFLE_ERROR__DEADLINE_PASSED);
        h.setTime(start);
    });
});
