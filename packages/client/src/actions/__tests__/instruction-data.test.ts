/**
 * The instruction data of every builder equals what Anchor's BorshCoder encodes from the IDL
 * for the same arguments: an independent check of the generated codecs and of how each
 * builder maps its input to instruction arguments.
 */
import { createNobleSigner, issuePermit } from '@raffle/permit';
import { describe, expect, it } from 'vitest';

import {
    cancelRaffleTx,
    claimPrizeTx,
    claimProceedsTx,
    createRaffleWithPermitTx,
    drawCallbackTx,
    findConfigPda,
    findEntryPda,
    initializeConfigTx,
    joinWithTicketTx,
    joinWithTokenTx,
    RAFFLE_UNSET_ADDRESS,
    RaffleStatus,
    refundBatchTx,
    requestDrawTx,
    RWA_RAFFLE_PROGRAM_ADDRESS,
    settleDrawTx,
    updateConfigTx,
} from '../../index';
import { BN, coder, configAccount, dataOf, entryAccount, pk, programInstruction, raffleAccount, testAddress, testSigner } from '../../__tests__/support/fixtures';

const RAFFLE = testAddress(1);

describe('instruction data equals Anchor BorshCoder encoding', () => {
    it('createRaffleWithPermitTx', async () => {
        const organizer = await testSigner(1);
        const [config] = await findConfigPda();
        const enterpriseId = Uint8Array.from({ length: 16 }, (_, i) => i * 7);
        const permit = await issuePermit(
            {
                programId: RWA_RAFFLE_PROGRAM_ADDRESS,
                config,
                organizer: organizer.address,
                raffleId: 123_456_789_012n,
                tier: 2,
                enterpriseId,
                prizeMint: testAddress(10),
                prizeAmount: 5n,
                paymentMint: testAddress(11),
                ticketPrice: 2_500_000n,
                maxTickets: 777,
                deadline: 1_900_000_000n,
                refundMode: 'vouchers',
            },
            { signer: createNobleSigner(new Uint8Array(32).fill(5)), now: 1_800_000_000n, ttlSeconds: 600 },
        );
        const message = await createRaffleWithPermitTx({ organizer, permit });
        const expected = coder.instruction.encode('initialize_raffle_with_permit', {
            raffle_id: new BN('123456789012'),
            tier: 2,
            enterprise_id: [...enterpriseId],
            prize_amount: new BN(5),
            ticket_price: new BN(2_500_000),
            max_tickets: 777,
            deadline: new BN(1_900_000_000),
            refund_mode: { Vouchers: {} },
            expires_at: new BN(1_800_000_600),
        });
        expect(dataOf(programInstruction(message))).toEqual(new Uint8Array(expected));
        // Compute budget first, then the Ed25519 instruction immediately before the program's.
        const budgeted = await createRaffleWithPermitTx({ organizer, permit, computeUnitLimit: 150_000, computeUnitPrice: 5n });
        expect(budgeted.instructions.map(ix => ix.programAddress)).toEqual([
            'ComputeBudget111111111111111111111111111111',
            'ComputeBudget111111111111111111111111111111',
            'Ed25519SigVerify111111111111111111111111111',
            RWA_RAFFLE_PROGRAM_ADDRESS,
        ]);
    });

    it('joinWithTokenTx and joinWithTicketTx', async () => {
        const buyer = await testSigner(2);
        const raffle = raffleAccount(RAFFLE, { entriesCount: 4, ticketsSold: 5, maxTickets: 100_000 });
        const join = await joinWithTokenTx({ buyer, raffle, ticketCount: 70_000 });
        expect(dataOf(programInstruction(join))).toEqual(new Uint8Array(coder.instruction.encode('join_with_token', { ticket_count: 70_000 })));
        const [config] = await findConfigPda();
        const ticket = await joinWithTicketTx({ buyer, raffle, ticketCount: 3, config: configAccount(config) });
        expect(dataOf(programInstruction(ticket))).toEqual(new Uint8Array(coder.instruction.encode('join_with_ticket', { ticket_count: 3 })));
    });

    it('requestDrawTx, drawCallbackTx, settleDrawTx, cancelRaffleTx', async () => {
        const signer = await testSigner(3);
        const reveal = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
        const request = await requestDrawTx({ requester: signer, raffle: RAFFLE });
        expect(dataOf(programInstruction(request))).toEqual(new Uint8Array(coder.instruction.encode('request_draw_arcium', {})));
        const callback = await drawCallbackTx({ drawAuthority: signer, raffle: RAFFLE, reveal });
        expect(dataOf(programInstruction(callback))).toEqual(new Uint8Array(coder.instruction.encode('draw_callback', { reveal: [...reveal] })));
        const settle = await settleDrawTx({ settleAuthority: signer, raffle: RAFFLE, winnerTicket: 4_000_000_000 });
        expect(dataOf(programInstruction(settle))).toEqual(new Uint8Array(coder.instruction.encode('settle_draw', { winner_ticket: 4_000_000_000 })));
        const cancel = await cancelRaffleTx({ authority: signer, raffle: RAFFLE });
        expect(dataOf(programInstruction(cancel))).toEqual(new Uint8Array(coder.instruction.encode('cancel_raffle', {})));
    });

    it('refundBatchTx, claimPrizeTx, claimProceedsTx', async () => {
        const cranker = await testSigner(4);
        const open = raffleAccount(RAFFLE, { entriesCount: 1, ticketsSold: 1 });
        const [refund] = await refundBatchTx({ cranker, raffle: open, entries: [entryAccount(testAddress(20), { raffle: RAFFLE })] });
        expect(dataOf(programInstruction(refund!))).toEqual(new Uint8Array(coder.instruction.encode('refund_batch', {})));

        const completed = raffleAccount(RAFFLE, { status: RaffleStatus.Completed, ticketsSold: 10, entriesCount: 1, winnerTicket: 3 });
        const [entryAddress] = await findEntryPda({ raffle: RAFFLE, index: 0 });
        const winningEntry = entryAccount(entryAddress, { raffle: RAFFLE, ticketCount: 10 });
        const prize = await claimPrizeTx({ cranker, raffle: completed, winningEntry });
        expect(dataOf(programInstruction(prize))).toEqual(new Uint8Array(coder.instruction.encode('claim_prize', {})));
        const [config] = await findConfigPda();
        const proceeds = await claimProceedsTx({ cranker, raffle: completed, config: configAccount(config) });
        expect(dataOf(programInstruction(proceeds))).toEqual(new Uint8Array(coder.instruction.encode('claim_proceeds', {})));
    });

    it('initializeConfigTx', async () => {
        const admin = await testSigner(5);
        const commitment = Uint8Array.from({ length: 32 }, (_, i) => i);
        const message = await initializeConfigTx({
            admin,
            permitSigners: [testAddress(30)],
            drawAuthority: testAddress(31),
            drawCommitment: commitment,
            treasury: testAddress(32),
            feeBps: 9_999,
            mrftMint: testAddress(33),
        });
        const expected = coder.instruction.encode('initialize_config', {
            params: {
                permit_signers: [pk(testAddress(30)), pk(RAFFLE_UNSET_ADDRESS)],
                draw_authority: pk(testAddress(31)),
                draw_commitment: [...commitment],
                settle_authority: pk(RAFFLE_UNSET_ADDRESS),
                treasury: pk(testAddress(32)),
                fee_bps: 9_999,
                mrft_mint: pk(testAddress(33)),
            },
        });
        expect(dataOf(programInstruction(message))).toEqual(new Uint8Array(expected));
    });

    it('updateConfigTx, with every subset shape of Option fields', async () => {
        const admin = await testSigner(6);
        const all = await updateConfigTx({
            admin,
            newAdmin: testAddress(40),
            permitSigners: [testAddress(41), testAddress(42)],
            drawAuthority: testAddress(43),
            drawCommitment: new Uint8Array(32).fill(1),
            settleAuthority: RAFFLE_UNSET_ADDRESS,
            treasury: testAddress(44),
            feeBps: 0,
            mrftMint: testAddress(45),
            paused: false,
        });
        expect(dataOf(programInstruction(all))).toEqual(
            new Uint8Array(
                coder.instruction.encode('update_config', {
                    params: {
                        new_admin: pk(testAddress(40)),
                        permit_signers: [pk(testAddress(41)), pk(testAddress(42))],
                        draw_authority: pk(testAddress(43)),
                        draw_commitment: new Array(32).fill(1),
                        settle_authority: pk(RAFFLE_UNSET_ADDRESS),
                        treasury: pk(testAddress(44)),
                        fee_bps: 0,
                        mrft_mint: pk(testAddress(45)),
                        paused: false,
                    },
                }),
            ),
        );
        const one = await updateConfigTx({ admin, paused: true });
        expect(dataOf(programInstruction(one))).toEqual(
            new Uint8Array(
                coder.instruction.encode('update_config', {
                    params: {
                        new_admin: null,
                        permit_signers: null,
                        draw_authority: null,
                        draw_commitment: null,
                        settle_authority: null,
                        treasury: null,
                        fee_bps: null,
                        mrft_mint: null,
                        paused: true,
                    },
                }),
            ),
        );
    });
});
