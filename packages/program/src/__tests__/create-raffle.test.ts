/**
 * initialize_raffle_with_permit: the happy path, every permit attack, every argument check,
 * and creation at PDAs an attacker pre-funded.
 */
import {
    RaffleStatus,
    RefundMode,
    RWA_RAFFLE_ERROR__DEADLINE_NOT_IN_FUTURE,
    RWA_RAFFLE_ERROR__ED25519_INSTRUCTION_MISSING,
    RWA_RAFFLE_ERROR__ED25519_OFFSETS_INVALID,
    RWA_RAFFLE_ERROR__ED25519_SIGNATURE_COUNT_INVALID,
    RWA_RAFFLE_ERROR__INSTRUCTIONS_SYSVAR_INVALID,
    RWA_RAFFLE_ERROR__INVALID_MAX_TICKETS,
    RWA_RAFFLE_ERROR__INVALID_PRIZE_AMOUNT,
    RWA_RAFFLE_ERROR__INVALID_TICKET_PRICE,
    RWA_RAFFLE_ERROR__INVALID_TOKEN_ACCOUNT,
    RWA_RAFFLE_ERROR__PAUSED,
    RWA_RAFFLE_ERROR__PERMIT_EXPIRED,
    RWA_RAFFLE_ERROR__PERMIT_MESSAGE_MISMATCH,
    RWA_RAFFLE_ERROR__PERMIT_SIGNER_UNKNOWN,
    RWA_RAFFLE_ERROR__RAFFLE_ID_ALREADY_USED,
    getUpdateConfigInstruction,
} from '@raffle/client';
import { type Address, type Instruction, AccountRole, generateKeyPairSigner, lamports } from '@solana/kit';
import { getTransferSolInstruction } from '@solana-program/system';
import { beforeAll, describe, expect, it } from 'vitest';

import { concat, u16 } from './support/bytes';
import { DAY, RaffleHarness, type CreateRaffleBuild, eventsOf, instructionError } from './support/harness';
import {
    ed25519Instruction,
    ed25519InstructionData,
    encodePermitMessage,
    type PermitFields,
    permitVerifyInstruction,
    TestPermitSigner,
} from './support/permit';

let h: RaffleHarness;
beforeAll(async () => {
    h = await RaffleHarness.create();
});

/** Signs `signed` but sends the instruction built for `b` (one field differs). */
function verifyFor(fields: PermitFields, signer = h.permitSigner): Instruction {
    return permitVerifyInstruction(signer, encodePermitMessage(fields));
}

describe('initialize_raffle_with_permit', () => {
    it('creates the raffle and both vaults, moves the prize and emits RaffleCreated', async () => {
        const prizeAmount = 5n;
        const b = await h.buildCreateRaffle({ prizeAmount, maxTickets: 7, ticketPrice: 2_500_000n, tier: 2, refundMode: RefundMode.Vouchers });
        const result = await h.sendOk([b.verify, b.create], [b.organizer], 'initialize_raffle_with_permit');
        const r = h.raffle(b.raffle);
        expect(r).toMatchObject({
            organizer: b.organizer.address,
            raffleId: b.fields.raffleId,
            tier: 2,
            prizeMint: h.prizeMint,
            prizeAmount,
            paymentMint: h.paymentMint,
            ticketPrice: 2_500_000n,
            maxTickets: 7,
            ticketsSold: 0,
            entriesCount: 0,
            entriesRefunded: 0,
            deadline: b.fields.deadline,
            refundMode: RefundMode.Vouchers,
            status: RaffleStatus.Open,
            winnerTicket: 0,
            prizeClaimed: false,
            proceedsClaimed: false,
            createdAt: h.now(),
            drawRequestedSlot: 0n,
        });
        expect([...r.enterpriseId]).toEqual([...b.fields.enterpriseId]);
        expect(h.balance(b.prizeVault)).toBe(prizeAmount);
        expect(h.balance(b.organizerPrizeAccount)).toBe(0n);
        expect(h.balance(b.paymentVault)).toBe(0n);
        const vault = h.svm.getAccount(b.prizeVault);
        expect(vault.exists && vault.programAddress).toBe('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
        expect(eventsOf(result)).toEqual([
            {
                name: 'RaffleCreated',
                data: {
                    raffle: b.raffle,
                    organizer: b.organizer.address,
                    raffleId: b.fields.raffleId,
                    tier: 2,
                    enterpriseId: expect.anything(),
                    prizeMint: h.prizeMint,
                    prizeAmount,
                    paymentMint: h.paymentMint,
                    ticketPrice: 2_500_000n,
                    maxTickets: 7,
                    deadline: b.fields.deadline,
                    refundMode: RefundMode.Vouchers,
                    permitSigner: h.permitSigner.address,
                    slot: h.svm.getClock().slot,
                },
            },
        ]);
    });

    it('accepts the second permit signer (rotation overlap)', async () => {
        const second = TestPermitSigner.generate();
        await h.sendOk(
            [getUpdateConfigInstruction({ admin: h.admin, config: h.config, permitSigners: [h.permitSigner.address, second.address], newAdmin: null, drawAuthority: null, drawCommitment: null, settleAuthority: null, treasury: null, feeBps: null, mrftMint: null, paused: null })],
            [h.admin],
        );
        const b = await h.buildCreateRaffle({ signer: second });
        const result = await h.sendOk([b.verify, b.create], [b.organizer]);
        expect(eventsOf(result)[0]).toMatchObject({ name: 'RaffleCreated', data: { permitSigner: second.address } });
    });

    it('rejects a permit signed by an unknown key', async () => {
        const b = await h.buildCreateRaffle({ signer: TestPermitSigner.generate() });
        await h.expectError([b.verify, b.create], [b.organizer], RWA_RAFFLE_ERROR__PERMIT_SIGNER_UNKNOWN);
    });

    it('never accepts the zero key as a signer', async () => {
        // An unset slot (zero) is not a key: the all-zero public key must not match it.
        const b = await h.buildCreateRaffle();
        const zero = { publicKey: new Uint8Array(32), signature: new Uint8Array(64), message: b.message };
        const result = await h.send([ed25519Instruction(ed25519InstructionData([zero])), b.create], [b.organizer]);
        // The precompile already rejects the forged signature; either way nothing is created.
        expect(instructionError(result)).toBeDefined();
        expect(h.svm.getAccount(b.raffle).exists).toBe(false);
    });
});

describe('permit message binds every field', () => {
    // For each field, the instruction carries the real value but the permit was signed over another.
    const mutations: [string, (f: PermitFields) => Promise<PermitFields> | PermitFields][] = [
        ['program_id', async f => ({ ...f, programId: (await generateKeyPairSigner()).address })],
        ['config', async f => ({ ...f, config: (await generateKeyPairSigner()).address })],
        ['organizer', async f => ({ ...f, organizer: (await generateKeyPairSigner()).address })],
        ['raffle_id', f => ({ ...f, raffleId: f.raffleId + 1000n })],
        ['tier', f => ({ ...f, tier: f.tier + 1 })],
        ['enterprise_id', f => ({ ...f, enterpriseId: new Uint8Array(16).fill(9) })],
        ['prize_mint', async f => ({ ...f, prizeMint: (await generateKeyPairSigner()).address })],
        ['prize_amount', f => ({ ...f, prizeAmount: f.prizeAmount + 1n })],
        ['payment_mint', async f => ({ ...f, paymentMint: (await generateKeyPairSigner()).address })],
        ['ticket_price', f => ({ ...f, ticketPrice: f.ticketPrice - 1n })],
        ['max_tickets', f => ({ ...f, maxTickets: f.maxTickets + 1 })],
        ['deadline', f => ({ ...f, deadline: f.deadline + 1n })],
        ['refund_mode', f => ({ ...f, refundMode: 1 - f.refundMode })],
        ['expires_at', f => ({ ...f, expiresAt: f.expiresAt + 1n })],
    ];
    for (const [name, mutate] of mutations) {
        it(`rejects a permit whose ${name} differs (PermitMessageMismatch)`, async () => {
            const b = await h.buildCreateRaffle();
            const signed = await mutate(b.fields);
            await h.expectError([verifyFor(signed), b.create], [b.organizer], RWA_RAFFLE_ERROR__PERMIT_MESSAGE_MISMATCH);
        });
    }

    it('rejects a signed message of another length', async () => {
        const b = await h.buildCreateRaffle();
        const message = concat(b.message, Uint8Array.of(0));
        await h.expectError([permitVerifyInstruction(h.permitSigner, message), b.create], [b.organizer], RWA_RAFFLE_ERROR__PERMIT_MESSAGE_MISMATCH);
    });
});

describe('permit validity and raffle parameters', () => {
    it('rejects an expired permit (clock > expires_at)', async () => {
        const b = await h.buildCreateRaffle({ expiresAt: h.now() - 1n });
        await h.expectError([b.verify, b.create], [b.organizer], RWA_RAFFLE_ERROR__PERMIT_EXPIRED);
    });

    it('accepts a permit at its last valid second (clock == expires_at)', async () => {
        await h.createRaffle({ expiresAt: h.now() });
    });

    it('rejects a deadline that is not in the future', async () => {
        for (const deadline of [h.now(), h.now() - DAY]) {
            const b = await h.buildCreateRaffle({ deadline });
            await h.expectError([b.verify, b.create], [b.organizer], RWA_RAFFLE_ERROR__DEADLINE_NOT_IN_FUTURE);
        }
    });

    it('rejects max_tickets 0 and above MAX_TICKETS, accepts MAX_TICKETS', async () => {
        for (const maxTickets of [0, 1_000_001]) {
            const b = await h.buildCreateRaffle({ maxTickets });
            await h.expectError([b.verify, b.create], [b.organizer], RWA_RAFFLE_ERROR__INVALID_MAX_TICKETS);
        }
        await h.createRaffle({ maxTickets: 1_000_000 });
    });

    it('rejects ticket_price 0', async () => {
        const b = await h.buildCreateRaffle({ ticketPrice: 0n });
        await h.expectError([b.verify, b.create], [b.organizer], RWA_RAFFLE_ERROR__INVALID_TICKET_PRICE);
    });

    it('rejects prize_amount 0', async () => {
        const b = await h.buildCreateRaffle({ prizeAmount: 0n });
        await h.expectError([b.verify, b.create], [b.organizer], RWA_RAFFLE_ERROR__INVALID_PRIZE_AMOUNT);
    });

    it('rejects a reused raffle id (the raffle PDA is the replay guard)', async () => {
        const first = await h.createRaffle();
        const again = await h.buildCreateRaffle({ organizer: first.organizer, raffleId: first.raffleId });
        await h.expectError([again.verify, again.create], [again.organizer], RWA_RAFFLE_ERROR__RAFFLE_ID_ALREADY_USED);
    });

    it('rejects an organizer prize account that is not the organizer’s', async () => {
        const b = await h.buildCreateRaffle();
        const other = await h.tokenAccount((await generateKeyPairSigner()).address, h.prizeMint, 1n);
        const create = withAccount(b.create, 5, other);
        await h.expectError([b.verify, create], [b.organizer], RWA_RAFFLE_ERROR__INVALID_TOKEN_ACCOUNT);
    });

    it('is blocked while paused', async () => {
        const p = await RaffleHarness.create();
        await p.sendOk([pauseInstruction(p, true)], [p.admin]);
        const b = await p.buildCreateRaffle();
        await p.expectError([b.verify, b.create], [b.organizer], RWA_RAFFLE_ERROR__PAUSED);
        await p.sendOk([pauseInstruction(p, false)], [p.admin]);
        await p.sendOk([b.verify, b.create], [b.organizer]);
    });
});

describe('Ed25519 instruction attacks', () => {
    let b: CreateRaffleBuild;
    beforeAll(async () => {
        b = await h.buildCreateRaffle();
    });
    const entry = () => ({ publicKey: h.permitSigner.publicKey, signature: h.permitSigner.sign(b.message), message: b.message });

    it('rejects a transaction without an Ed25519 instruction', async () => {
        await h.expectError([b.create], [b.organizer], RWA_RAFFLE_ERROR__ED25519_INSTRUCTION_MISSING);
    });

    it('rejects another instruction in front of it', async () => {
        const transfer = getTransferSolInstruction({ source: b.organizer, destination: b.organizer.address, amount: lamports(1n) });
        await h.expectError([b.verify, transfer, b.create], [b.organizer], RWA_RAFFLE_ERROR__ED25519_INSTRUCTION_MISSING);
    });

    it('rejects an Ed25519 instruction placed after the raffle instruction', async () => {
        await h.expectError([b.create, b.verify], [b.organizer], RWA_RAFFLE_ERROR__ED25519_INSTRUCTION_MISSING, 0);
    });

    it('rejects a fake Instructions sysvar account', async () => {
        const fake = (await generateKeyPairSigner()).address;
        // A look-alike: a real-looking sysvar layout claiming an Ed25519 instruction at index 0.
        h.svm.setAccount({ address: fake, data: new Uint8Array(64), executable: false, lamports: lamports(1_000_000n), programAddress: b.organizer.address, space: 64n });
        await h.expectError([b.verify, withAccount(b.create, 8, fake)], [b.organizer], RWA_RAFFLE_ERROR__INSTRUCTIONS_SYSVAR_INVALID);
    });

    it('rejects two signature entries', async () => {
        const data = ed25519InstructionData([entry(), entry()]);
        await h.expectError([ed25519Instruction(data), b.create], [b.organizer], RWA_RAFFLE_ERROR__ED25519_SIGNATURE_COUNT_INVALID);
    });

    it('rejects zero signature entries', async () => {
        await h.expectError([ed25519Instruction(Uint8Array.of(0, 0)), b.create], [b.organizer], RWA_RAFFLE_ERROR__ED25519_SIGNATURE_COUNT_INVALID);
    });

    // The precompile lets an entry point into another instruction of the transaction; the program
    // requires u16::MAX in each index so that what was verified is what it reads. Here each index
    // in turn names instruction 0 (the Ed25519 instruction itself), which the precompile accepts.
    for (const field of ['signatureInstructionIndex', 'publicKeyInstructionIndex', 'messageInstructionIndex'] as const) {
        it(`rejects ${field} != u16::MAX (offset spoofing)`, async () => {
            const data = ed25519InstructionData([{ ...entry(), offsets: { [field]: 0 } }]);
            await h.expectError([ed25519Instruction(data), b.create], [b.organizer], RWA_RAFFLE_ERROR__ED25519_OFFSETS_INVALID);
        });
    }

    it('rejects an entry whose public key is read from another instruction (spoofed signer)', async () => {
        // Instruction 0 verifies an attacker's signature; instruction 1 carries only the trusted
        // signer's public key in its own data but points at instruction 0 for the rest.
        const attacker = TestPermitSigner.generate();
        const first = ed25519InstructionData([{ publicKey: attacker.publicKey, signature: attacker.sign(b.message), message: b.message }]);
        // In `first`: pubkey at 16, signature at 48, message at 112.
        const second = concat(
            Uint8Array.of(1, 0),
            u16(48), u16(0), // signature in instruction 0
            u16(16), u16(0xffff), // "public key" here...
            u16(112), u16(242), u16(0),
            h.permitSigner.publicKey,
        );
        const result = await h.send([ed25519Instruction(first), ed25519Instruction(second), b.create], [b.organizer]);
        // The precompile rejects the mismatched pair or the program rejects the indexes: never created.
        expect(instructionError(result)).toBeDefined();
        expect(h.svm.getAccount(b.raffle).exists).toBe(false);
    });

    it('rejects offsets outside the Ed25519 instruction data', async () => {
        // The precompile reads the message from instruction 0 (where it fits); in the Ed25519
        // instruction just before the raffle instruction the same offsets point past its own data.
        const first = ed25519InstructionData([entry()]);
        const second = concat(Uint8Array.of(1, 0), u16(48), u16(0), u16(16), u16(0), u16(112), u16(242), u16(0));
        await h.expectError([ed25519Instruction(first), ed25519Instruction(second), b.create], [b.organizer], RWA_RAFFLE_ERROR__ED25519_OFFSETS_INVALID);
        // And with u16::MAX indexes the precompile itself refuses out-of-range offsets.
        const inPlace = ed25519InstructionData([{ ...entry(), offsets: { messageDataOffset: 400 } }]);
        const result = await h.send([ed25519Instruction(inPlace), b.create], [b.organizer]);
        expect(instructionError(result)?.index).toBe(0);
    });

    it('still accepts the untouched permit afterwards', async () => {
        await h.sendOk([b.verify, b.create], [b.organizer]);
    });
});

describe('pre-funded PDAs', () => {
    it('creates the raffle and vaults even when an attacker funded their addresses first', async () => {
        const b = await h.buildCreateRaffle();
        const attacker = await h.wallet();
        for (const [target, amount] of [
            [b.raffle, h.svm.minimumBalanceForRentExemption(0n)], // below rent for 260 bytes: the shortfall is transferred
            [b.prizeVault, 5_000_000_000n], // above rent: allocate + assign only
            [b.paymentVault, h.svm.minimumBalanceForRentExemption(165n)], // exactly rent
        ] as [Address, bigint][]) {
            await h.sendOk([getTransferSolInstruction({ source: attacker, destination: target, amount: lamports(amount) })], [attacker]);
        }
        await h.sendOk([b.verify, b.create], [b.organizer]);
        expect(h.raffle(b.raffle).status).toBe(RaffleStatus.Open);
        expect(h.balance(b.prizeVault)).toBe(1n);
        const raffleAccount = h.svm.getAccount(b.raffle);
        expect(raffleAccount.exists && raffleAccount.lamports).toBe(h.svm.minimumBalanceForRentExemption(260n));
    });
});

function withAccount(ix: Instruction, index: number, address: Address): Instruction {
    const accounts = [...(ix.accounts ?? [])];
    const role = accounts[index]?.role ?? AccountRole.READONLY;
    accounts[index] = { address, role };
    return { ...ix, accounts };
}

function pauseInstruction(p: RaffleHarness, paused: boolean): Instruction {
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
        mrftMint: null,
        paused,
    });
}
