/**
 * initialize_config (ProgramData upgrade-authority check, once), update_config (every Option
 * field, ConfigUpdated), the pause rule, and the generic account checks every instruction runs.
 */
import {
    RaffleStatus,
    RWA_RAFFLE_ERROR__ACCOUNT_NOT_WRITABLE,
    RWA_RAFFLE_ERROR__CONFIG_ALREADY_INITIALIZED,
    RWA_RAFFLE_ERROR__INVALID_ACCOUNT_DATA,
    RWA_RAFFLE_ERROR__INVALID_ACCOUNT_OWNER,
    RWA_RAFFLE_ERROR__INVALID_FEE_BPS,
    RWA_RAFFLE_ERROR__INVALID_INSTRUCTION_DATA,
    RWA_RAFFLE_ERROR__INVALID_PDA,
    RWA_RAFFLE_ERROR__INVALID_PROGRAM_DATA,
    RWA_RAFFLE_ERROR__INVALID_PROGRAM_ID,
    RWA_RAFFLE_ERROR__MISSING_SIGNATURE,
    RWA_RAFFLE_ERROR__NOT_UPGRADE_AUTHORITY,
    RWA_RAFFLE_ERROR__UNAUTHORIZED,
    RWA_RAFFLE_ERROR__UNKNOWN_INSTRUCTION,
    type UpdateConfigInstructionDataArgs,
    getUpdateConfigInstruction,
} from '@raffle/client';
import { AccountRole, type Address, type Instruction, type KeyPairSigner, generateKeyPairSigner, lamports } from '@solana/kit';
import { beforeAll, describe, expect, it } from 'vitest';

import { concat, u32, u64 } from './support/bytes';
import { addressBytes, DAY, LOADER_UPGRADEABLE, RaffleHarness, SYSTEM_PROGRAM, eventsOf } from './support/harness';

const NONE: Omit<UpdateConfigInstructionDataArgs, never> = {
    newAdmin: null,
    permitSigners: null,
    drawAuthority: null,
    drawCommitment: null,
    settleAuthority: null,
    treasury: null,
    feeBps: null,
    mrftMint: null,
    paused: null,
};

function update(h: RaffleHarness, changes: Partial<UpdateConfigInstructionDataArgs>, admin: KeyPairSigner = h.admin): Instruction {
    return getUpdateConfigInstruction({ admin, config: h.config, ...NONE, ...changes });
}

function replaceAccount(ix: Instruction, index: number, address: Address, role?: AccountRole): Instruction {
    const accounts = [...(ix.accounts ?? [])];
    accounts[index] = { address, role: role ?? accounts[index]!.role };
    return { ...ix, accounts };
}

describe('initialize_config', () => {
    it('creates the config once, for the upgrade authority only, and emits ConfigUpdated', async () => {
        const h = await RaffleHarness.create({ initializeConfig: false });
        const stranger = await h.wallet();
        await h.expectError([h.initializeConfigInstruction({}, stranger)], [stranger], RWA_RAFFLE_ERROR__NOT_UPGRADE_AUTHORITY);
        await h.expectError([h.initializeConfigInstruction({ feeBps: 10_001 })], [h.admin], RWA_RAFFLE_ERROR__INVALID_FEE_BPS);

        const result = await h.sendOk([h.initializeConfigInstruction({})], [h.admin], 'initialize_config');
        const c = h.configAccount();
        expect(c).toMatchObject({
            admin: h.admin.address,
            permitSigners: [h.permitSigner.address, SYSTEM_PROGRAM],
            drawAuthority: h.drawAuthority.address,
            settleAuthority: h.settleAuthority.address,
            treasury: h.treasury.address,
            feeBps: 250,
            mrftMint: h.mrftMint,
            paused: false,
        });
        expect(eventsOf(result)[0]).toMatchObject({ name: 'ConfigUpdated', data: { config: h.config, admin: h.admin.address, feeBps: 250, paused: false } });
        await h.expectError([h.initializeConfigInstruction({})], [h.admin], RWA_RAFFLE_ERROR__CONFIG_ALREADY_INITIALIZED);
    });

    it('rejects a ProgramData account that is not this program’s, or not the loader’s', async () => {
        const h = await RaffleHarness.create({ initializeConfig: false });
        const fake = (await generateKeyPairSigner()).address;
        const data = concat(u32(3), u64(0), Uint8Array.of(1), addressBytes(h.admin.address));
        h.svm.setAccount({ address: fake, data, executable: false, lamports: lamports(10_000_000n), programAddress: LOADER_UPGRADEABLE, space: BigInt(data.length) });
        await h.expectError([replaceAccount(h.initializeConfigInstruction({}), 2, fake)], [h.admin], RWA_RAFFLE_ERROR__INVALID_PROGRAM_DATA);
        // The real address but forged by someone else (wrong owner) cannot exist on chain; emulate it.
        const real = h.svm.getAccount(h.programData);
        if (!real.exists) throw new Error('no program data');
        h.svm.setAccount({ ...real, programAddress: SYSTEM_PROGRAM });
        await h.expectError([h.initializeConfigInstruction({})], [h.admin], RWA_RAFFLE_ERROR__INVALID_PROGRAM_DATA);
    });

    it('rejects an immutable program (no upgrade authority)', async () => {
        const h = await RaffleHarness.create({ initializeConfig: false });
        const real = h.svm.getAccount(h.programData);
        if (!real.exists) throw new Error('no program data');
        const data = new Uint8Array(real.data);
        data.fill(0, 12, 45);
        h.svm.setAccount({ ...real, data });
        await h.expectError([h.initializeConfigInstruction({})], [h.admin], RWA_RAFFLE_ERROR__NOT_UPGRADE_AUTHORITY);
    });

    it('rejects a config account that is not the PDA, and a wrong system program', async () => {
        const h = await RaffleHarness.create({ initializeConfig: false });
        const other = (await generateKeyPairSigner()).address;
        await h.expectError([replaceAccount(h.initializeConfigInstruction({}), 1, other)], [h.admin], RWA_RAFFLE_ERROR__INVALID_PDA);
        await h.expectError([replaceAccount(h.initializeConfigInstruction({}), 3, LOADER_UPGRADEABLE)], [h.admin], RWA_RAFFLE_ERROR__INVALID_PROGRAM_ID);
    });

    it('works when the config PDA was pre-funded', async () => {
        const h = await RaffleHarness.create({ initializeConfig: false });
        h.svm.airdrop(h.config, lamports(1_000_000_000n));
        await h.sendOk([h.initializeConfigInstruction({})], [h.admin]);
        expect(h.configAccount().admin).toBe(h.admin.address);
    });
});

describe('update_config', () => {
    let h: RaffleHarness;
    beforeAll(async () => {
        h = await RaffleHarness.create();
    });

    it('changes only the given fields and emits ConfigUpdated', async () => {
        const before = h.configAccount();
        const [a, b, c, d] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner(), generateKeyPairSigner(), generateKeyPairSigner()]);
        const result = await h.sendOk(
            [update(h, { permitSigners: [a.address, b.address], treasury: c.address, feeBps: 10_000, settleAuthority: SYSTEM_PROGRAM, mrftMint: d.address })],
            [h.admin],
            'update_config',
        );
        const after = h.configAccount();
        expect(after).toMatchObject({
            admin: before.admin,
            permitSigners: [a.address, b.address],
            drawAuthority: before.drawAuthority,
            settleAuthority: SYSTEM_PROGRAM,
            treasury: c.address,
            feeBps: 10_000,
            mrftMint: d.address,
            paused: false,
            bump: before.bump,
        });
        expect([...after.drawCommitment]).toEqual([...before.drawCommitment]);
        expect(eventsOf(result)).toEqual([
            {
                name: 'ConfigUpdated',
                data: {
                    config: h.config,
                    admin: h.admin.address,
                    permitSigners: [a.address, b.address],
                    drawAuthority: before.drawAuthority,
                    settleAuthority: SYSTEM_PROGRAM,
                    treasury: c.address,
                    feeBps: 10_000,
                    mrftMint: d.address,
                    paused: false,
                    slot: h.svm.getClock().slot,
                },
            },
        ]);
        const commitment = new Uint8Array(32).fill(5);
        await h.sendOk([update(h, { drawAuthority: a.address, drawCommitment: commitment, paused: true })], [h.admin]);
        expect(h.configAccount()).toMatchObject({ drawAuthority: a.address, paused: true });
        expect([...h.configAccount().drawCommitment]).toEqual([...commitment]);
    });

    it('hands over the admin role', async () => {
        const next = await h.wallet();
        await h.sendOk([update(h, { newAdmin: next.address })], [h.admin]);
        await h.expectError([update(h, { feeBps: 1 })], [h.admin], RWA_RAFFLE_ERROR__UNAUTHORIZED);
        await h.sendOk([update(h, { newAdmin: h.admin.address }, next)], [next]);
        expect(h.configAccount().admin).toBe(h.admin.address);
    });

    it('rejects a non-admin signer and fee_bps above 10000', async () => {
        const stranger = await h.wallet();
        await h.expectError([update(h, { paused: false }, stranger)], [stranger], RWA_RAFFLE_ERROR__UNAUTHORIZED);
        await h.expectError([update(h, { feeBps: 10_001 })], [h.admin], RWA_RAFFLE_ERROR__INVALID_FEE_BPS);
    });

    it('rejects malformed Option tags and trailing bytes', async () => {
        const ix = update(h, {});
        const data = new Uint8Array(ix.data!);
        await h.expectError([{ ...ix, data: concat(data.subarray(0, 8), Uint8Array.of(2), data.subarray(9)) }], [h.admin], RWA_RAFFLE_ERROR__INVALID_INSTRUCTION_DATA);
        await h.expectError([{ ...ix, data: concat(data, Uint8Array.of(0)) }], [h.admin], RWA_RAFFLE_ERROR__INVALID_INSTRUCTION_DATA);
        await h.expectError([{ ...ix, data: data.subarray(0, data.length - 1) }], [h.admin], RWA_RAFFLE_ERROR__INVALID_INSTRUCTION_DATA);
    });
});

describe('pause blocks creation and joins only', () => {
    it('lets draws, refunds and claims run while paused', async () => {
        const h = await RaffleHarness.create();
        const start = h.now();
        const drawn = await h.createRaffle({ maxTickets: 2 });
        const refunded = await h.createRaffle({ deadline: start + DAY });
        const b = await h.buyer();
        await h.joinWithToken(drawn.address, b.signer, b.payment, 1);
        await h.joinWithToken(refunded.address, b.signer, b.payment, 1);
        await h.sellOut(drawn.address);
        const cancelled = await h.createRaffle();
        await h.sendOk([update(h, { paused: true })], [h.admin]);

        await h.requestDraw(drawn.address);
        await h.drawCallback(drawn.address);
        const { address: winning, entry } = await h.winningEntry(drawn.address);
        await h.claimPrize(drawn.address, await h.tokenAccount(entry.buyer, h.prizeMint), winning);
        await h.claimProceeds(drawn.address, await h.tokenAccount(drawn.organizer.address, h.paymentMint), await h.tokenAccount(h.treasury.address, h.paymentMint));
        h.setTime(start + DAY);
        await h.refundBatch(refunded.address, [await h.entryAddress(refunded.address, 0), b.payment]);
        expect(h.raffle(refunded.address).status).toBe(RaffleStatus.Refunded);
        await h.sendOk([h.cancelInstruction(cancelled.address, cancelled.organizer)], [cancelled.organizer]);
    });
});

describe('account checks common to every instruction', () => {
    let h: RaffleHarness;
    let raffle: Awaited<ReturnType<RaffleHarness['createRaffle']>>;
    beforeAll(async () => {
        h = await RaffleHarness.create();
        raffle = await h.createRaffle();
    });

    it('rejects an unknown discriminator and short data', async () => {
        const w = await h.wallet();
        await h.expectError([{ programAddress: h.programId, data: new Uint8Array(8).fill(1) }], [w], RWA_RAFFLE_ERROR__UNKNOWN_INSTRUCTION);
        await h.expectError([{ programAddress: h.programId, data: Uint8Array.of(1, 2, 3) }], [w], RWA_RAFFLE_ERROR__UNKNOWN_INSTRUCTION);
        const cancel = h.cancelInstruction(raffle.address, raffle.organizer);
        await h.expectError([{ ...cancel, data: concat(new Uint8Array(cancel.data!), Uint8Array.of(0)) }], [raffle.organizer], RWA_RAFFLE_ERROR__INVALID_INSTRUCTION_DATA);
    });

    it('rejects too few accounts', async () => {
        const cancel = h.cancelInstruction(raffle.address, raffle.organizer);
        await h.expectError([{ ...cancel, accounts: cancel.accounts!.slice(0, 2) }], [raffle.organizer], RWA_RAFFLE_ERROR__INVALID_INSTRUCTION_DATA);
    });

    it('rejects a required signer that did not sign (MissingSignature)', async () => {
        const payer = await h.wallet();
        const cancel = replaceAccount(h.cancelInstruction(raffle.address, raffle.organizer), 0, raffle.organizer.address, AccountRole.READONLY);
        await h.expectError([cancel], [payer], RWA_RAFFLE_ERROR__MISSING_SIGNATURE);
    });

    it('rejects a read-only account that must be writable (AccountNotWritable)', async () => {
        const cancel = replaceAccount(h.cancelInstruction(raffle.address, raffle.organizer), 2, raffle.address, AccountRole.READONLY);
        await h.expectError([cancel], [raffle.organizer], RWA_RAFFLE_ERROR__ACCOUNT_NOT_WRITABLE);
    });

    it('rejects accounts with the wrong owner, discriminator or PDA', async () => {
        const cancel = h.cancelInstruction(raffle.address, raffle.organizer);
        // Wrong owner: a system account in the raffle's place.
        await h.expectError([replaceAccount(cancel, 2, raffle.organizer.address)], [raffle.organizer], RWA_RAFFLE_ERROR__INVALID_ACCOUNT_OWNER);
        // Wrong discriminator: the config in the raffle's place (and vice versa).
        await h.expectError([replaceAccount(cancel, 2, h.config)], [raffle.organizer], RWA_RAFFLE_ERROR__INVALID_ACCOUNT_DATA);
        await h.expectError([replaceAccount(cancel, 1, raffle.address)], [raffle.organizer], RWA_RAFFLE_ERROR__INVALID_ACCOUNT_DATA);
        // A byte-identical copy of the raffle, owned by the program, at another address.
        const copy = (await generateKeyPairSigner()).address;
        const real = h.svm.getAccount(raffle.address);
        if (!real.exists) throw new Error('no raffle');
        h.svm.setAccount({ ...real, address: copy });
        await h.expectError([replaceAccount(cancel, 2, copy)], [raffle.organizer], RWA_RAFFLE_ERROR__INVALID_PDA);
        const configCopy = (await generateKeyPairSigner()).address;
        const realConfig = h.svm.getAccount(h.config);
        if (!realConfig.exists) throw new Error('no config');
        h.svm.setAccount({ ...realConfig, address: configCopy });
        await h.expectError([replaceAccount(cancel, 1, configCopy)], [raffle.organizer], RWA_RAFFLE_ERROR__INVALID_PDA);
    });

    it('rejects a wrong token or system program id', async () => {
        const b = await h.buyer();
        const join = await h.joinWithTokenInstruction(raffle.address, b.signer, b.payment, 1);
        await h.expectError([replaceAccount(join, 6, SYSTEM_PROGRAM)], [b.signer], RWA_RAFFLE_ERROR__INVALID_PROGRAM_ID);
        await h.expectError([replaceAccount(join, 7, LOADER_UPGRADEABLE)], [b.signer], RWA_RAFFLE_ERROR__INVALID_PROGRAM_ID);
    });
});
