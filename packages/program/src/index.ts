/**
 * The rwa_raffle program: its Anchor IDL (the single source of truth for every layout), its
 * default program address, and the reference SBF binary built from `c/` (`bin/rwa_raffle.so`).
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Address } from '@solana/kit';

import idlFile from '../idl/rwa_raffle.json';

// Through a const, the published .d.ts spells the IDL's type out instead of inlining the JSON
// file as `var` declarations (invalid in a .d.ts: consumers with `skipLibCheck: false` fail).
const idlJson = idlFile;

/**
 * The shape of the bundled IDL (Anchor 0.30+ JSON), as TypeScript infers it from the file.
 *
 * @example
 * ```ts
 * import type { RwaRaffleIdl } from '@raffle/program';
 *
 * type InstructionName = RwaRaffleIdl['instructions'][number]['name']; // string
 * ```
 */
export type RwaRaffleIdl = typeof idlJson;

/**
 * The rwa_raffle Anchor IDL (0.30+ format): instructions with their account order and
 * arguments, account and event layouts, error codes (6000 + n) and constants. Feed it to
 * Anchor's `BorshCoder`/`EventParser` or to Codama.
 *
 * @example
 * ```ts
 * import { BorshCoder, EventParser } from '@coral-xyz/anchor';
 * import { rwaRaffleIdl } from '@raffle/program';
 *
 * const coder = new BorshCoder(rwaRaffleIdl as Idl);
 * const raffle = coder.accounts.decode('Raffle', accountData);
 * ```
 */
export const rwaRaffleIdl: RwaRaffleIdl = idlJson;

/**
 * The default program address of rwa_raffle (the IDL's `address`).
 *
 * @example
 * ```ts
 * import { RWA_RAFFLE_PROGRAM_ADDRESS } from '@raffle/program';
 *
 * svm.addProgram(RWA_RAFFLE_PROGRAM_ADDRESS, readRaffleProgramBytes());
 * ```
 */
export const RWA_RAFFLE_PROGRAM_ADDRESS = idlJson.address as Address<'HMxaKAkT6CdHhm7Gyf83LrxhLTdQNfXdmdGuhHpArH9'>;

/**
 * The absolute path of the program binary `bin/rwa_raffle.so` shipped with this package. Works
 * from the sources, the ESM build and the CommonJS build (the file sits one folder above each).
 *
 * @returns the path of `rwa_raffle.so`
 * @example
 * ```ts
 * import { getRaffleProgramPath } from '@raffle/program';
 *
 * // solana-test-validator --upgradeable-program <id> <path> <authority>
 * const args = ['--upgradeable-program', programId, getRaffleProgramPath(), authority];
 * ```
 */
export function getRaffleProgramPath(): string {
    return join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'rwa_raffle.so');
}

/**
 * Reads the program binary (an SBFv0 ELF) into memory.
 *
 * @returns the bytes of `rwa_raffle.so`
 * @example
 * ```ts
 * import { LiteSVM } from 'litesvm';
 * import { RWA_RAFFLE_PROGRAM_ADDRESS, readRaffleProgramBytes } from '@raffle/program';
 *
 * const svm = new LiteSVM();
 * svm.addProgram(RWA_RAFFLE_PROGRAM_ADDRESS, readRaffleProgramBytes());
 * ```
 */
export function readRaffleProgramBytes(): Uint8Array {
    return new Uint8Array(readFileSync(getRaffleProgramPath()));
}
