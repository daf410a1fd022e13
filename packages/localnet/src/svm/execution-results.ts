/**
 * Conversions between LiteSVM's execution results and the ledger's views (inner instructions,
 * return data, simulation results), and between wire transactions and what LiteSVM takes.
 */
import { type Address, getAddressDecoder, getAddressEncoder, type Transaction } from '@solana/kit';
import type { TransactionMetadata } from 'litesvm';

import type { InnerInstructionsView, ReturnDataView, SimulationResult } from './ledger-types';
import type { TransactionErrorJson } from './transaction-error';
import type { ParsedWireTransaction } from './wire';

/**
 * The simulation of a transaction that did not run (a check failed before execution).
 *
 * @param err - why it did not run
 * @param fee - the fee it would pay
 * @param accountKeys - its full key list
 * @returns a simulation without logs, units or accounts
 * @example
 * ```ts
 * const simulation = emptySimulation('BlockhashNotFound', computeFee(parsed), keys.accountKeys);
 * ```
 */
export function emptySimulation(err: TransactionErrorJson, fee: bigint, accountKeys: readonly Address[]): SimulationResult {
    return { err, logs: [], unitsConsumed: 0n, returnData: null, innerInstructions: [], postAccounts: new Map(), fee, accountKeys };
}

/**
 * The kit `Transaction` of a parsed wire transaction (for LiteSVM's slow path).
 *
 * @param parsed - the parsed transaction
 * @returns its message bytes and signatures by signer
 * @example
 * ```ts
 * const result = access.send(parsed.bytes, parsed.version, () => toKitTransaction(parsed));
 * ```
 */
export function toKitTransaction(parsed: ParsedWireTransaction): Transaction {
    const signatures: Record<string, Uint8Array> = {};
    parsed.signatureBytes.forEach((sig, i) => {
        const signer = parsed.staticAccountKeys[i];
        if (signer !== undefined) signatures[signer] = sig;
    });
    return { messageBytes: parsed.messageBytes, signatures } as unknown as Transaction;
}

/**
 * A copy of a wire transaction with another recent blockhash (signatures unchanged), as
 * `simulateTransaction` with `replaceRecentBlockhash` needs.
 *
 * @param parsed - the parsed transaction
 * @param blockhash - the base58 blockhash to put in
 * @returns the new wire bytes
 * @example
 * ```ts
 * const bytes = replaceBlockhash(parsed, clock.latestBlockhash('processed').blockhash);
 * ```
 */
export function replaceBlockhash(parsed: ParsedWireTransaction, blockhash: string): Uint8Array {
    const out = parsed.bytes.slice();
    // Blockhashes are 32-byte base58 strings, like addresses.
    const hash = getAddressEncoder().encode(blockhash as Address);
    // The blockhash sits right after the static account keys.
    const messageStart = parsed.bytes.length - parsed.messageBytes.length;
    const headerLen = parsed.version === 0 ? 4 : 3;
    const keysLen = shortVecLength(parsed.staticAccountKeys.length) + 32 * parsed.staticAccountKeys.length;
    out.set(hash as Uint8Array, messageStart + headerLen + keysLen);
    return out;
}

function shortVecLength(n: number): number {
    return n < 0x80 ? 1 : n < 0x4000 ? 2 : 3;
}

/**
 * The inner instructions of an execution, grouped by top-level instruction (groups without
 * inner instructions are left out, as a node does).
 *
 * @param meta - LiteSVM's execution metadata
 * @returns the groups
 * @example
 * ```ts
 * const inner = innerInstructionsOf(result.meta());
 * ```
 */
export function innerInstructionsOf(meta: TransactionMetadata): InnerInstructionsView[] {
    const out: InnerInstructionsView[] = [];
    meta.innerInstructions().forEach((list, index) => {
        if (list.length === 0) return;
        out.push({
            index,
            instructions: list.map((inner) => {
                const ix = inner.instruction();
                return { programIdIndex: ix.programIdIndex(), accounts: Array.from(ix.accounts()), data: ix.data(), stackHeight: inner.stackHeight() };
            }),
        });
    });
    return out;
}

/**
 * The return data of an execution.
 *
 * @param meta - LiteSVM's execution metadata
 * @returns the program and its data, or `null` when it set none (as a node reports it)
 * @example
 * ```ts
 * const returnData = returnDataOf(result.meta());
 * ```
 */
export function returnDataOf(meta: TransactionMetadata): ReturnDataView | null {
    const rd = meta.returnData();
    const data = rd.data();
    const programId = rd.programId();
    // A node records return data only when it is not empty.
    if (data.length === 0) return null;
    return { programId: getAddressDecoder().decode(programId), data };
}
