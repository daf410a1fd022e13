/**
 * The program tests' constants: well-known program addresses, the fixture world's clock, fee and
 * hash chain length, the fixture seed, and the program binary.
 */
import { address } from '@solana/kit';

import { readRaffleProgramBytes } from '../../index';

export const LOADER_UPGRADEABLE = address('BPFLoaderUpgradeab1e11111111111111111111111');
export const TOKEN_PROGRAM = address('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
export const SYSTEM_PROGRAM = address('11111111111111111111111111111111');
export const START_TIME = 1_750_000_000n;
export const START_SLOT = 1_000n;
export const DAY = 86_400n;
export const FEE_BPS = 250;
export const HASH_CHAIN_LENGTH = 64;
/** Seed of the fixture keys of the program tests. */
export const FIXTURE_SEED = 'program-tests';

/** The program binary, read once. */
export const PROGRAM_BYTES: Uint8Array = readRaffleProgramBytes();
