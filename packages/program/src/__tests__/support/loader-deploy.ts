/**
 * Deploys a program through the real upgradeable loader instructions, as `solana program deploy`
 * does: create + InitializeBuffer, Write in chunks, create the program account +
 * DeployWithMaxDataLen (which runs the loader's deploy-time verification). The payer becomes the
 * upgrade authority. Works on any LiteSVM: the program tests' (from the localnet's fixtures) and
 * the linker tests' raw one, so it imports nothing from the localnet. The fixtures themselves
 * install the program as the loader leaves it (`deployUpgradeableProgram` of `@raffle/localnet`),
 * without these transactions.
 */
import {
    AccountRole,
    type Address,
    type Instruction,
    type KeyPairSigner,
    type TransactionSigner,
    address,
    appendTransactionMessageInstructions,
    createTransactionMessage,
    generateKeyPairSigner,
    getAddressEncoder,
    getProgramDerivedAddress,
    pipe,
    setTransactionMessageFeePayerSigner,
    setTransactionMessageLifetimeUsingBlockhash,
    signTransactionMessageWithSigners,
} from '@solana/kit';
import { getCreateAccountInstruction } from '@solana-program/system';
import { FailedTransactionMetadata, type LiteSVM, type TransactionMetadata } from 'litesvm';

import { concat, u32, u64 } from './bytes';

const LOADER_UPGRADEABLE = address('BPFLoaderUpgradeab1e11111111111111111111111');
const RENT_SYSVAR = address('SysvarRent111111111111111111111111111111111');
const CLOCK_SYSVAR = address('SysvarC1ock11111111111111111111111111111111');
const SYSTEM = address('11111111111111111111111111111111');
const BUFFER_METADATA_SIZE = 37n;
const PROGRAM_ACCOUNT_SIZE = 36n;
const WRITE_CHUNK = 900;

/** Sends `instructions` paid by `payer` on a fresh blockhash (identical transactions are not duplicates). */
export async function sendOnSvm(svm: LiteSVM, payer: TransactionSigner, instructions: readonly Instruction[]): Promise<TransactionMetadata | FailedTransactionMetadata> {
    svm.expireBlockhash();
    const message = pipe(
        createTransactionMessage({ version: 0 }),
        m => setTransactionMessageFeePayerSigner(payer, m),
        m => setTransactionMessageLifetimeUsingBlockhash({ blockhash: svm.latestBlockhash(), lastValidBlockHeight: 1_000_000n }, m),
        m => appendTransactionMessageInstructions(instructions, m),
    );
    return svm.sendTransaction(await signTransactionMessageWithSigners(message));
}

/** {@link sendOnSvm}, throwing the error and the logs when the transaction fails. */
export async function sendOkOnSvm(svm: LiteSVM, payer: KeyPairSigner, instructions: readonly Instruction[]): Promise<TransactionMetadata> {
    const result = await sendOnSvm(svm, payer, instructions);
    if (result instanceof FailedTransactionMetadata) throw new Error(`${result.toString()}\n${result.meta().logs().join('\n')}`);
    return result;
}

export async function deployWithUpgradeableLoader(svm: LiteSVM, payer: KeyPairSigner, elf: Uint8Array): Promise<{ programId: Address; programData: Address; transactions: number }> {
    const buffer = await generateKeyPairSigner();
    const program = await generateKeyPairSigner();
    const bufferMeta = { address: buffer.address, role: AccountRole.WRITABLE };
    const authority = { address: payer.address, role: AccountRole.READONLY_SIGNER, signer: payer };
    const bufferSpace = BUFFER_METADATA_SIZE + BigInt(elf.length);
    let transactions = 0;
    const initializeBuffer: Instruction = { programAddress: LOADER_UPGRADEABLE, accounts: [bufferMeta, { address: payer.address, role: AccountRole.READONLY }], data: u32(0) };
    await sendOkOnSvm(svm, payer, [
        getCreateAccountInstruction({ payer, newAccount: buffer, lamports: svm.minimumBalanceForRentExemption(bufferSpace), space: bufferSpace, programAddress: LOADER_UPGRADEABLE }),
        initializeBuffer,
    ]);
    transactions++;
    for (let offset = 0; offset < elf.length; offset += WRITE_CHUNK) {
        const chunk = elf.subarray(offset, offset + WRITE_CHUNK);
        const write: Instruction = { programAddress: LOADER_UPGRADEABLE, accounts: [bufferMeta, authority], data: concat(u32(1), u32(offset), u64(chunk.length), chunk) };
        await sendOkOnSvm(svm, payer, [write]);
        transactions++;
    }
    const [programData] = await getProgramDerivedAddress({ programAddress: LOADER_UPGRADEABLE, seeds: [getAddressEncoder().encode(program.address)] });
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
    await sendOkOnSvm(svm, payer, [
        getCreateAccountInstruction({ payer, newAccount: program, lamports: svm.minimumBalanceForRentExemption(PROGRAM_ACCOUNT_SIZE), space: PROGRAM_ACCOUNT_SIZE, programAddress: LOADER_UPGRADEABLE }),
        deploy,
    ]);
    transactions++;
    return { programId: program.address, programData, transactions };
}
