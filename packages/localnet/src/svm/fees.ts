/**
 * Transaction fees as a real cluster charges them: a base fee per signature (transaction and
 * precompile signatures) plus the priority fee of the compute-budget instructions.
 */
import { COMPUTE_BUDGET_PROGRAM_ADDRESS, ED25519_PROGRAM_ADDRESS, SECP256K1_PROGRAM_ADDRESS, SECP256R1_PROGRAM_ADDRESS } from './addresses';
import { LAMPORTS_PER_SIGNATURE } from './ledger-types';
import { NATIVE_PROGRAMS } from './transaction-accounts';
import type { ParsedWireTransaction } from './wire';

const BUILTIN_PROGRAMS = new Set<string>([
    ...NATIVE_PROGRAMS,
    'Vote111111111111111111111111111111111111111',
    'Stake11111111111111111111111111111111111111',
    'Config1111111111111111111111111111111111111',
    'BPFLoader1111111111111111111111111111111111',
    'BPFLoader2111111111111111111111111111111111',
    'BPFLoaderUpgradeab1e11111111111111111111111',
    'LoaderV411111111111111111111111111111111111',
    'ZkE1Gama1Proof11111111111111111111111111111',
]);

/**
 * The fee a message pays: 5000 lamports per signature (transaction and precompile
 * signatures) plus the priority fee of its compute-budget instructions.
 *
 * @param tx - the parsed transaction
 * @returns the fee in lamports
 * @example
 * ```ts
 * const fee = computeFee(parseWireTransaction(bytes)); // 5000n for one signer, no priority fee
 * ```
 */
export function computeFee(tx: ParsedWireTransaction): bigint {
    let signatures = BigInt(tx.header.numRequiredSignatures);
    let unitLimit: bigint | undefined;
    let microLamports = 0n;
    let defaultLimit = 0n;
    for (const ix of tx.instructions) {
        const program = tx.staticAccountKeys[ix.programIdIndex];
        if (program === ED25519_PROGRAM_ADDRESS || program === SECP256K1_PROGRAM_ADDRESS || program === SECP256R1_PROGRAM_ADDRESS) {
            signatures += BigInt(ix.data[0] ?? 0);
        }
        if (program === COMPUTE_BUDGET_PROGRAM_ADDRESS) {
            const dv = new DataView(ix.data.buffer, ix.data.byteOffset, ix.data.byteLength);
            if (ix.data[0] === 2 && ix.data.length >= 5) unitLimit = BigInt(dv.getUint32(1, true));
            if (ix.data[0] === 3 && ix.data.length >= 9) microLamports = dv.getBigUint64(1, true);
        }
        // Without SetComputeUnitLimit the runtime reserves 3,000 units per builtin
        // instruction and 200,000 per program instruction.
        defaultLimit += program !== undefined && BUILTIN_PROGRAMS.has(program) ? 3_000n : 200_000n;
    }
    const requested = unitLimit ?? defaultLimit;
    const limit = requested > 1_400_000n ? 1_400_000n : requested;
    const priority = (microLamports * limit + 999_999n) / 1_000_000n;
    return signatures * LAMPORTS_PER_SIGNATURE + priority;
}
