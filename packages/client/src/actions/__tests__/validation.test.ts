/**
 * Every builder validates its input before building and names the bad field.
 */
import {
    isRaffleError,
    RAFFLE_ERROR__CLIENT__RAFFLE_STATE_INVALID,
    RAFFLE_ERROR__CLIENT__WINNING_ENTRY_NOT_FOUND,
    RAFFLE_ERROR__INVALID_ARGUMENT,
    RAFFLE_ERROR__PERMIT__MALFORMED,
} from '@raffle/errors';
import { createNobleSigner, issuePermit } from '@raffle/permit';
import { describe, expect, it } from 'vitest';

import {
    cancelRaffleTx,
    claimPrizeTx,
    claimProceedsTx,
    createRaffleWithPermitTx,
    drawCallbackTx,
    findConfigPda,
    initializeConfigTx,
    joinWithTicketTx,
    joinWithTokenTx,
    RAFFLE_UNSET_ADDRESS,
    RaffleStatus,
    refundBatchTx,
    RefundMode,
    requestDrawTx,
    RWA_RAFFLE_PROGRAM_ADDRESS,
    settleDrawTx,
    updateConfigTx,
} from '../../index';
import { configAccount, entryAccount, raffleAccount, testAddress, testSigner } from '../../__tests__/support/fixtures';

async function fieldOf(promise: Promise<unknown>): Promise<string> {
    try {
        await promise;
    } catch (e) {
        if (isRaffleError(e, RAFFLE_ERROR__INVALID_ARGUMENT)) return e.context.name;
        // The raffle's state (or its entries) is what is wrong: reported as the `raffle` field here.
        if (isRaffleError(e, RAFFLE_ERROR__CLIENT__RAFFLE_STATE_INVALID)) return 'raffle';
        if (isRaffleError(e, RAFFLE_ERROR__CLIENT__WINNING_ENTRY_NOT_FOUND)) return 'raffle';
        throw e;
    }
    throw new Error('expected an invalid-argument error');
}

const RAFFLE = testAddress(1);

describe('builder input validation', () => {
    it('common fields: signers, addresses, compute budget, program address', async () => {
        const buyer = await testSigner(1);
        const raffle = raffleAccount(RAFFLE);
        expect(await fieldOf(joinWithTokenTx({ buyer: { address: 'x' } as never, raffle, ticketCount: 1 }))).toBe('buyer');
        expect(await fieldOf(joinWithTokenTx(null as never))).toBe('input');
        expect(await fieldOf(joinWithTokenTx({ buyer, raffle: 'not-an-address' as never, ticketCount: 1 }))).toBe('raffle');
        expect(await fieldOf(joinWithTokenTx({ buyer, raffle, ticketCount: 1, computeUnitLimit: 0 }))).toBe('computeUnitLimit');
        expect(await fieldOf(joinWithTokenTx({ buyer, raffle, ticketCount: 1, computeUnitLimit: 1_400_001 }))).toBe('computeUnitLimit');
        expect(await fieldOf(joinWithTokenTx({ buyer, raffle, ticketCount: 1, computeUnitPrice: -1n }))).toBe('computeUnitPrice');
        expect(await fieldOf(joinWithTokenTx({ buyer, raffle, ticketCount: 1, programAddress: 'zz' as never }))).toBe('programAddress');
        expect(await fieldOf(joinWithTokenTx({ buyer, raffle, ticketCount: 1, buyerPaymentAccount: 5 as never }))).toBe('buyerPaymentAccount');
        expect(await fieldOf(joinWithTokenTx({ buyer, raffle: { address: RAFFLE, data: {} } as never, ticketCount: 1 }))).toBe('raffle.data');
    });

    it('joins: ticket count, tickets left, raffle state, rpc needed for an address, vouchers disabled', async () => {
        const buyer = await testSigner(1);
        const raffle = raffleAccount(RAFFLE, { maxTickets: 10, ticketsSold: 8 });
        expect(await fieldOf(joinWithTokenTx({ buyer, raffle, ticketCount: 0 }))).toBe('ticketCount');
        expect(await fieldOf(joinWithTokenTx({ buyer, raffle, ticketCount: 1.5 }))).toBe('ticketCount');
        expect(await fieldOf(joinWithTokenTx({ buyer, raffle, ticketCount: 3 }))).toBe('ticketCount');
        await expect(joinWithTokenTx({ buyer, raffle, ticketCount: 3 })).rejects.toThrow(/only 2 ticket/);
        expect(await fieldOf(joinWithTokenTx({ buyer, raffle: raffleAccount(RAFFLE, { status: RaffleStatus.Completed }), ticketCount: 1 }))).toBe('raffle');
        expect(await fieldOf(joinWithTokenTx({ buyer, raffle: RAFFLE, ticketCount: 1 }))).toBe('rpc');
        const [config] = await findConfigPda();
        const disabled = configAccount(config, { mrftMint: RAFFLE_UNSET_ADDRESS });
        expect(await fieldOf(joinWithTicketTx({ buyer, raffle, ticketCount: 1, config: disabled }))).toBe('config');
        expect(await fieldOf(joinWithTicketTx({ buyer, raffle, ticketCount: 1 }))).toBe('rpc');
    });

    it('createRaffleWithPermitTx: malformed permit, other organizer, other program', async () => {
        const organizer = await testSigner(2);
        const [config] = await findConfigPda();
        const request = {
            programId: RWA_RAFFLE_PROGRAM_ADDRESS,
            config,
            organizer: organizer.address,
            raffleId: 1n,
            tier: 0,
            enterpriseId: new Uint8Array(16),
            prizeMint: testAddress(3),
            prizeAmount: 1n,
            paymentMint: testAddress(4),
            ticketPrice: 1n,
            maxTickets: 1,
            deadline: 2_000_000_000n,
            refundMode: 'tokens' as const,
        };
        const signer = createNobleSigner(new Uint8Array(32).fill(1));
        const permit = await issuePermit(request, { signer, now: 1_900_000_000n });
        await expect(createRaffleWithPermitTx({ organizer, permit })).resolves.toBeDefined();
        await expect(createRaffleWithPermitTx({ organizer, permit: { ...permit, message: 'AAAA' } })).rejects.toSatisfy((e: unknown) =>
            isRaffleError(e, RAFFLE_ERROR__PERMIT__MALFORMED),
        );
        const stranger = await testSigner(3);
        expect(await fieldOf(createRaffleWithPermitTx({ organizer: stranger, permit }))).toBe('permit');
        await expect(createRaffleWithPermitTx({ organizer: stranger, permit })).rejects.toThrow(/organizer/);
        expect(await fieldOf(createRaffleWithPermitTx({ organizer, permit, programAddress: testAddress(5) }))).toBe('permit');
        const wrongConfig = await issuePermit({ ...request, config: testAddress(6) }, { signer, now: 1_900_000_000n });
        await expect(createRaffleWithPermitTx({ organizer, permit: wrongConfig })).rejects.toThrow(/config/);
    });

    it('draw builders: reveal size and commitment, winner ticket range, raffle state', async () => {
        const signer = await testSigner(4);
        expect(await fieldOf(drawCallbackTx({ drawAuthority: signer, raffle: RAFFLE, reveal: new Uint8Array(31) }))).toBe('reveal');
        const [config] = await findConfigPda();
        expect(await fieldOf(drawCallbackTx({ drawAuthority: signer, raffle: RAFFLE, reveal: new Uint8Array(32), config: configAccount(config) }))).toBe('reveal');
        const reveal = new Uint8Array(32).fill(2);
        const commitment = new Uint8Array(await crypto.subtle.digest('SHA-256', reveal));
        await expect(drawCallbackTx({ drawAuthority: signer, raffle: RAFFLE, reveal, config: configAccount(config, { drawCommitment: commitment }) })).resolves.toBeDefined();
        const sold = raffleAccount(RAFFLE, { status: RaffleStatus.Drawing, ticketsSold: 10, maxTickets: 10 });
        expect(await fieldOf(settleDrawTx({ settleAuthority: signer, raffle: sold, winnerTicket: 10 }))).toBe('winnerTicket');
        expect(await fieldOf(settleDrawTx({ settleAuthority: signer, raffle: sold, winnerTicket: -1 }))).toBe('winnerTicket');
        expect(await fieldOf(settleDrawTx({ settleAuthority: signer, raffle: raffleAccount(RAFFLE), winnerTicket: 0 }))).toBe('raffle');
        expect(await fieldOf(requestDrawTx({ requester: signer, raffle: raffleAccount(RAFFLE) }))).toBe('raffle');
        expect(await fieldOf(drawCallbackTx({ drawAuthority: signer, raffle: sold, reveal }))).toBe('raffle');
        expect(await fieldOf(cancelRaffleTx({ authority: signer, raffle: raffleAccount(RAFFLE, { ticketsSold: 1 }) }))).toBe('raffle');
    });

    it('claims: state, already claimed, wrong winning entry', async () => {
        const signer = await testSigner(5);
        const [config] = await findConfigPda();
        expect(await fieldOf(claimPrizeTx({ cranker: signer, raffle: raffleAccount(RAFFLE) }))).toBe('raffle');
        expect(await fieldOf(claimPrizeTx({ cranker: signer, raffle: raffleAccount(RAFFLE, { status: RaffleStatus.Cancelled, prizeClaimed: true }) }))).toBe('raffle');
        const completed = raffleAccount(RAFFLE, { status: RaffleStatus.Completed, ticketsSold: 5, winnerTicket: 4, entriesCount: 2 });
        expect(await fieldOf(claimPrizeTx({ cranker: signer, raffle: completed }))).toBe('rpc');
        const loser = entryAccount(testAddress(9), { raffle: RAFFLE, firstTicket: 0, ticketCount: 2 });
        expect(await fieldOf(claimPrizeTx({ cranker: signer, raffle: completed, winningEntry: loser }))).toBe('winningEntry');
        expect(await fieldOf(claimProceedsTx({ cranker: signer, raffle: raffleAccount(RAFFLE, { status: RaffleStatus.Refunded }), config: configAccount(config) }))).toBe('raffle');
        expect(
            await fieldOf(claimProceedsTx({ cranker: signer, raffle: raffleAccount(RAFFLE, { status: RaffleStatus.Completed, proceedsClaimed: true }), config: configAccount(config) })),
        ).toBe('raffle');
        await expect(
            claimProceedsTx({
                cranker: signer,
                raffle: raffleAccount(RAFFLE, { status: RaffleStatus.Refunded, refundMode: RefundMode.Vouchers }),
                config: configAccount(config),
            }),
        ).resolves.toBeDefined();
    });

    it('config builders: fee, signers, commitment, nothing to change', async () => {
        const admin = await testSigner(6);
        const base = { admin, permitSigners: [testAddress(1)] as const, drawAuthority: testAddress(2), drawCommitment: new Uint8Array(32), treasury: testAddress(3), feeBps: 100 };
        await expect(initializeConfigTx(base)).resolves.toBeDefined();
        expect(await fieldOf(initializeConfigTx({ ...base, feeBps: 10_001 }))).toBe('feeBps');
        expect(await fieldOf(initializeConfigTx({ ...base, permitSigners: [] as never }))).toBe('permitSigners');
        expect(await fieldOf(initializeConfigTx({ ...base, permitSigners: [testAddress(1), 'x'] as never }))).toBe('permitSigners[1]');
        expect(await fieldOf(initializeConfigTx({ ...base, drawCommitment: new Uint8Array(33) }))).toBe('drawCommitment');
        expect(await fieldOf(initializeConfigTx({ ...base, mrftMint: 'bad' as never }))).toBe('mrftMint');
        expect(await fieldOf(updateConfigTx({ admin }))).toBe('input');
        expect(await fieldOf(updateConfigTx({ admin, feeBps: 20_000 }))).toBe('feeBps');
        expect(await fieldOf(updateConfigTx({ admin, paused: 'yes' as never }))).toBe('paused');
        expect(await fieldOf(updateConfigTx({ admin, treasury: 'x' as never }))).toBe('treasury');
    });

    it('refundBatchTx: raffle state, entries of another raffle, options', async () => {
        const cranker = await testSigner(7);
        const open = raffleAccount(RAFFLE, { entriesCount: 1, ticketsSold: 1 });
        expect(await fieldOf(refundBatchTx({ cranker, raffle: raffleAccount(RAFFLE, { status: RaffleStatus.Completed }), entries: [] }))).toBe('raffle');
        expect(await fieldOf(refundBatchTx({ cranker, raffle: open, entries: [entryAccount(testAddress(5), { raffle: testAddress(6) })] }))).toBe('entries[0]');
        expect(await fieldOf(refundBatchTx({ cranker, raffle: open }))).toBe('rpc');
        expect(await fieldOf(refundBatchTx({ cranker, raffle: open, entries: [], maxEntriesPerTransaction: 0 }))).toBe('maxEntriesPerTransaction');
        expect(await refundBatchTx({ cranker, raffle: raffleAccount(RAFFLE, { status: RaffleStatus.Refunded }), entries: [] })).toEqual([]);
    });
});
