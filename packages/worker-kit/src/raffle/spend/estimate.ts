/**
 * The spend guard's estimate of what a transaction may cost the worker's keys: signatures x
 * `lamportsPerSignature`, the priority fee of a compute unit price, and the rent of each account
 * it creates: an associated-token-program Create or CreateIdempotent instruction counts
 * `accountRentLamports` (even when the account exists: conservative), a System
 * CreateAccount(WithSeed) its lamports. The raffle program's cranks create no account by CPI
 * (`claim_prize`, `claim_proceeds`, `refund_batch` require the recipients' token accounts; the
 * client builders prepend CreateIdempotent instructions paid by the cranker, counted above; only
 * `initialize_config` and `initialize_raffle` create accounts, paid by the admin and the
 * organizer).
 *
 * @packageDocumentation
 */
import { type Address, type Instruction, isSignerRole } from '@solana/kit';

import { workerConfigInvalid } from '../../core/errors';

const ATA_PROGRAM = 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL';
const SYSTEM_PROGRAM = '11111111111111111111111111111111';
const COMPUTE_BUDGET_PROGRAM = 'ComputeBudget111111111111111111111111111111';

function u32(data: Uint8Array, at: number): number {
    return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(at, true);
}
function u64(data: Uint8Array, at: number): bigint {
    return new DataView(data.buffer, data.byteOffset, data.byteLength).getBigUint64(at, true);
}

/**
 * The lamports a transaction may cost the worker's keys: signatures, priority fee, accounts it
 * creates ({@link SpendGuard.estimate}).
 *
 * @param transaction - its fee payer and instructions (at most 256)
 * @param fees - the fee of one signature and the rent of an account created for a buyer
 * @returns the estimate (lamports)
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` (`transaction`) for a malformed transaction
 * @internal
 */
export function estimateTransactionSpend(
    transaction: { readonly feePayer: Address; readonly instructions: readonly Instruction[] },
    fees: { readonly perSignature: bigint; readonly accountRent: bigint },
): bigint {
    const { perSignature, accountRent } = fees;
    if (typeof transaction !== 'object' || transaction === null || !Array.isArray(transaction.instructions) || transaction.instructions.length > 256) {
        throw workerConfigInvalid('transaction', 'pass { feePayer, instructions } (at most 256 instructions)');
    }
    const signers = new Set<string>([transaction.feePayer]);
    let [rent, unitPrice, others] = [0n, 0n, 0];
    let unitLimit: number | null = null;
    for (const ix of transaction.instructions) {
        for (const meta of ix.accounts ?? []) if (isSignerRole(meta.role)) signers.add(meta.address);
        const data = (ix.data ?? new Uint8Array()) as Uint8Array;
        if (ix.programAddress === COMPUTE_BUDGET_PROGRAM) {
            if (data[0] === 2 && data.length >= 5) unitLimit = u32(data, 1);
            if (data[0] === 3 && data.length >= 9) unitPrice = u64(data, 1);
            continue;
        }
        others++;
        // Create and CreateIdempotent (counted although the account may exist: conservative).
        if (ix.programAddress === ATA_PROGRAM && (data.length === 0 || data[0] === 0 || data[0] === 1)) rent += accountRent;
        if (ix.programAddress === SYSTEM_PROGRAM && data.length >= 12 && u32(data, 0) === 0) rent += u64(data, 4); // CreateAccount
        if (ix.programAddress === SYSTEM_PROGRAM && data.length >= 52 && u32(data, 0) === 3) {
            // CreateAccountWithSeed: base (32), seed (u64 length + bytes), lamports
            const at = 44 + Number(u64(data, 36) & 0xffffn);
            if (data.length >= at + 8) rent += u64(data, at);
        }
    }
    const units = BigInt(unitLimit ?? Math.min(1_400_000, 200_000 * others));
    return BigInt(signers.size) * perSignature + (unitPrice * units + 999_999n) / 1_000_000n + rent;
}
