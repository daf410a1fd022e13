/**
 * Deploys a program through the real upgradeable loader instructions, as `solana program deploy`
 * does: create + InitializeBuffer, Write in chunks, create the program account +
 * DeployWithMaxDataLen. The payer becomes the upgrade authority.
 */
import { AccountRole, type Address, type Instruction, type KeyPairSigner, address, generateKeyPairSigner } from '@solana/kit';
import { getCreateAccountInstruction } from '@solana-program/system';
import type { LiteSVM } from 'litesvm';

import { concat, u32, u64 } from './bytes';
import { LOADER_UPGRADEABLE, programDataAddress, type RaffleHarness } from './harness';

const RENT_SYSVAR = address('SysvarRent111111111111111111111111111111111');
const CLOCK_SYSVAR = address('SysvarC1ock11111111111111111111111111111111');
const SYSTEM = address('11111111111111111111111111111111');
const BUFFER_METADATA_SIZE = 37n;
const PROGRAM_ACCOUNT_SIZE = 36n;
const WRITE_CHUNK = 900;

type Send = RaffleHarness['sendOk'];

export async function deployWithUpgradeableLoader(svm: LiteSVM, sendOk: Send, payer: KeyPairSigner, elf: Uint8Array): Promise<{ programId: Address; programData: Address; transactions: number }> {
    const buffer = await generateKeyPairSigner();
    const program = await generateKeyPairSigner();
    const bufferMeta = { address: buffer.address, role: AccountRole.WRITABLE };
    const authority = { address: payer.address, role: AccountRole.READONLY_SIGNER, signer: payer };
    const bufferSpace = BUFFER_METADATA_SIZE + BigInt(elf.length);
    let transactions = 0;
    const initializeBuffer: Instruction = { programAddress: LOADER_UPGRADEABLE, accounts: [bufferMeta, { address: payer.address, role: AccountRole.READONLY }], data: u32(0) };
    await sendOk(
        [
            getCreateAccountInstruction({ payer, newAccount: buffer, lamports: svm.minimumBalanceForRentExemption(bufferSpace), space: bufferSpace, programAddress: LOADER_UPGRADEABLE }),
            initializeBuffer,
        ],
        [payer],
    );
    transactions++;
    for (let offset = 0; offset < elf.length; offset += WRITE_CHUNK) {
        const chunk = elf.subarray(offset, offset + WRITE_CHUNK);
        const write: Instruction = { programAddress: LOADER_UPGRADEABLE, accounts: [bufferMeta, authority], data: concat(u32(1), u32(offset), u64(chunk.length), chunk) };
        await sendOk([write], [payer]);
        transactions++;
    }
    const programData = await programDataAddress(program.address);
    const deploy: Instruction = {
        programAddress: LOADER_UPGRADEABLE,
        accounts: [
            { address: payer.address, role: AccountRole.WRITABLE_SIGNER, signer: payer },
            { address: programData, role: AccountRole.WRITABLE },
            { address: program.address, role: AccountRole.WRITABLE },
            bufferMeta,
            { address: RENT_SYSVAR, role: AccountRole.READONLY },
            { address: CLOCK_SYSVAR, role: AccountRole.READONLY },
            { address: SYSTEM, role: AccountRole.READONLY },
            authority,
        ],
        data: concat(u32(2), u64(elf.length * 2)), // DeployWithMaxDataLen
    };
    await sendOk(
        [
            getCreateAccountInstruction({ payer, newAccount: program, lamports: svm.minimumBalanceForRentExemption(PROGRAM_ACCOUNT_SIZE), space: PROGRAM_ACCOUNT_SIZE, programAddress: LOADER_UPGRADEABLE }),
            deploy,
        ],
        [payer],
    );
    transactions++;
    return { programId: program.address, programData, transactions };
}
