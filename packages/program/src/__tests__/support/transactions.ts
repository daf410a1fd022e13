/**
 * Sending transactions on a harness's SVM, and what the tests collect from the successful ones:
 * every log list (for the Anchor cross-check) and our program's compute units per label.
 */
import type { Address, Instruction, TransactionSigner } from '@solana/kit';
import { FailedTransactionMetadata, type LiteSVM, type TransactionMetadata } from 'litesvm';

import { sendOnSvm } from './loader-deploy';
import type { TxResult } from './results';

/** Every log list of a successful transaction sent through a harness (for the Anchor cross-check). */
export const COLLECTED_LOGS: string[][] = [];
/** Compute units per label, from successful transactions. */
export const COMPUTE_UNITS = new Map<string, bigint[]>();

/**
 * Sends `instructions` on a fresh blockhash (identical transactions must not be taken for
 * duplicates), paid by the first signer.
 *
 * @param svm - The SVM to send on.
 * @param instructions - The transaction's instructions.
 * @param signers - The fee payer first; signers embedded in the instruction account metas sign too.
 * @returns The result, failed or not.
 */
export async function sendTransaction(svm: LiteSVM, instructions: readonly Instruction[], signers: readonly TransactionSigner[]): Promise<TxResult> {
    const [payer] = signers;
    if (!payer) throw new Error('a fee payer is required');
    return sendOnSvm(svm, payer, instructions);
}

/**
 * Throws on a failed transaction; records a successful one's logs in {@link COLLECTED_LOGS} and,
 * with a label, its compute units in {@link COMPUTE_UNITS}.
 *
 * @param result - The transaction's result.
 * @param programId - The program whose compute units are recorded.
 * @param label - What the transaction did (names it in the error and in {@link COMPUTE_UNITS}).
 * @returns The successful result.
 * @throws An `Error` with the error and the logs when the transaction failed.
 */
export function recordSuccess(result: TxResult, programId: Address, label?: string): TransactionMetadata {
    if (result instanceof FailedTransactionMetadata) {
        throw new Error(`${label ?? 'transaction'} failed: ${result.toString()}\n${result.meta().logs().join('\n')}`);
    }
    COLLECTED_LOGS.push(result.logs());
    if (label) {
        const list = COMPUTE_UNITS.get(label) ?? [];
        list.push(programComputeUnits(programId, result.logs()));
        COMPUTE_UNITS.set(label, list);
    }
    return result;
}

/**
 * Units a program consumed (its top-level invocations, CPIs included), from the logs.
 *
 * @param programId - The program.
 * @param logs - A transaction's logs.
 * @returns The units.
 */
export function programComputeUnits(programId: Address, logs: readonly string[]): bigint {
    let total = 0n;
    const re = new RegExp(`^Program ${programId} consumed (\\d+) of \\d+ compute units$`);
    for (const line of logs) {
        const m = re.exec(line);
        if (m) total += BigInt(m[1]!);
    }
    return total;
}
