/**
 * The committed binary deployed through the real upgradeable loader (InitializeBuffer, Write,
 * DeployWithMaxDataLen, which run the loader's deploy-time verification), then
 * initialize_config against the ProgramData account the loader wrote.
 */
import {
    RWA_RAFFLE_ERROR__NOT_UPGRADE_AUTHORITY,
    findConfigPda,
    getConfigDecoder,
    getInitializeConfigInstruction,
} from '@raffle/client';
import type { Address, KeyPairSigner } from '@solana/kit';
import { describe, expect, it } from 'vitest';

import { readU64 } from './support/bytes';
import { addressBytes, PROGRAM_BYTES, RaffleHarness, SYSTEM_PROGRAM, eventsOf } from './support/harness';
import { deployWithUpgradeableLoader } from './support/loader-deploy';

describe('deploy through the upgradeable loader', () => {
    it('deploys rwa_raffle.so and initializes the config as the recorded upgrade authority', async () => {
        const h = await RaffleHarness.create({ initializeConfig: false });
        const deployer = await h.wallet(100n);
        const { programId, programData } = await deployWithUpgradeableLoader(h.svm, deployer, PROGRAM_BYTES);
        h.warpSlots(1n); // a program deployed in slot N runs from N + 1

        // The loader wrote ProgramData: tag 3, slot, Some(deployer), then the ELF.
        const pd = h.svm.getAccount(programData);
        if (!pd.exists) throw new Error('no ProgramData');
        expect(new DataView(pd.data.buffer, pd.data.byteOffset).getUint32(0, true)).toBe(3);
        expect(readU64(new Uint8Array(pd.data), 4)).toBeGreaterThan(0n);
        expect(pd.data[12]).toBe(1);
        expect([...pd.data.subarray(13, 45)]).toEqual([...addressBytes(deployer.address)]);

        const [config] = await findConfigPda({ programAddress: programId });
        const init = (admin: KeyPairSigner) =>
            getInitializeConfigInstruction(
                {
                    admin,
                    config,
                    programData,
                    permitSigners: [h.permitSigner.address, SYSTEM_PROGRAM],
                    drawAuthority: h.drawAuthority.address,
                    drawCommitment: new Uint8Array(32).fill(3),
                    settleAuthority: SYSTEM_PROGRAM,
                    treasury: h.treasury.address,
                    feeBps: 100,
                    mrftMint: SYSTEM_PROGRAM,
                },
                { programAddress: programId as Address<string> },
            );

        // Someone racing the deployer is refused; the deployer succeeds.
        await h.expectError([init(h.admin)], [h.admin], RWA_RAFFLE_ERROR__NOT_UPGRADE_AUTHORITY);
        const result = await h.sendOk([init(deployer)], [deployer]);
        const account = h.svm.getAccount(config);
        if (!account.exists) throw new Error('no config');
        expect(account.programAddress).toBe(programId);
        expect(getConfigDecoder().decode(account.data)).toMatchObject({ admin: deployer.address, feeBps: 100, treasury: h.treasury.address });
        expect(result.logs()[0]).toBe(`Program ${programId} invoke [1]`);
        expect(eventsOf(result)[0]).toMatchObject({ name: 'ConfigUpdated', data: { config, admin: deployer.address } });
    });
});
