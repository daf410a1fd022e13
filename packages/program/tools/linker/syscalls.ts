/**
 * The syscalls the Solana runtime registers for SBFv0 programs, and the hash that names them.
 *
 * Source: agave `create_program_runtime_environment_v1` (syscalls crate, formerly
 * `programs/bpf_loader/src/syscalls/mod.rs`). Left out on purpose:
 * - `sol_alloc_free_`: not registered when deploying (`disable_deploy_of_alloc_free_syscall`);
 * - `sol_get_fees_sysvar`: removed by `disable_fees_sysvar`;
 * - `sol_curve_decompress`, `sol_curve_pairing_map`: behind the BLS12-381 feature gate.
 * Some names below are feature-gated too (curve25519, alt_bn128, poseidon, big_mod_exp, ...);
 * they are active on the public clusters but a private cluster may lack them.
 */
export const SBF_SYSCALLS: readonly string[] = [
    'abort',
    'sol_panic_',
    'sol_log_',
    'sol_log_64_',
    'sol_log_pubkey',
    'sol_log_compute_units_',
    'sol_log_data',
    'sol_create_program_address',
    'sol_try_find_program_address',
    'sol_sha256',
    'sol_keccak256',
    'sol_secp256k1_recover',
    'sol_blake3',
    'sol_curve_validate_point',
    'sol_curve_group_op',
    'sol_curve_multiscalar_mul',
    'sol_get_clock_sysvar',
    'sol_get_epoch_schedule_sysvar',
    'sol_get_rent_sysvar',
    'sol_get_last_restart_slot',
    'sol_get_epoch_rewards_sysvar',
    'sol_memcpy_',
    'sol_memmove_',
    'sol_memset_',
    'sol_memcmp_',
    'sol_get_processed_sibling_instruction',
    'sol_get_stack_height',
    'sol_set_return_data',
    'sol_get_return_data',
    'sol_invoke_signed_c',
    'sol_invoke_signed_rust',
    'sol_alt_bn128_group_op',
    'sol_big_mod_exp',
    'sol_poseidon',
    'sol_remaining_compute_units',
    'sol_alt_bn128_compression',
    'sol_get_sysvar',
    'sol_get_epoch_stake',
];

const KNOWN = new Set(SBF_SYSCALLS);

/**
 * Tells whether the runtime registers a syscall of this name for SBFv0 programs.
 *
 * @param name - an undefined symbol called by the program
 * @returns true for a registered syscall name
 * @example
 * ```ts
 * isSbfSyscall('sol_log_'); // true
 * ```
 */
export function isSbfSyscall(name: string): boolean {
    return KNOWN.has(name);
}

/**
 * MurmurHash3 (x86, 32-bit) of the bytes, seed 0: the id the loader writes into the `call`
 * of a syscall named by a `.dynsym` entry.
 *
 * @param bytes - the data to hash
 * @param seed - the initial state, 0 for syscall ids
 * @returns the unsigned 32-bit hash
 */
export function murmur3_32(bytes: Uint8Array, seed = 0): number {
    const c1 = 0xcc9e2d51;
    const c2 = 0x1b873593;
    let h = seed >>> 0;
    const tail = bytes.length & ~3;
    for (let i = 0; i < tail; i += 4) {
        let k = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
        k = Math.imul(k, c1);
        k = (k << 15) | (k >>> 17);
        h ^= Math.imul(k, c2);
        h = (h << 13) | (h >>> 19);
        h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    if (bytes.length > tail) {
        let k = 0;
        for (let i = bytes.length - 1; i >= tail; i--) k = (k << 8) | bytes[i]!;
        k = Math.imul(k, c1);
        k = (k << 15) | (k >>> 17);
        h ^= Math.imul(k, c2);
    }
    h ^= bytes.length;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
}

/**
 * The 32-bit id the runtime uses for a syscall name.
 *
 * @param name - the syscall name, e.g. `sol_log_`
 * @returns `murmur3_32(utf8(name))`
 * @example
 * ```ts
 * syscallId('sol_log_'); // 0x207559bd
 * ```
 */
export function syscallId(name: string): number {
    return murmur3_32(new TextEncoder().encode(name));
}
