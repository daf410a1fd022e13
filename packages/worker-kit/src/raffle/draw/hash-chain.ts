/**
 * The reference draw authority: it committed `H^n(s)` in the config and answers each draw with
 * the previous link of the chain, so it can never choose an outcome (the draw seed is fixed at
 * sell-out, before anyone knows the reveal). It keeps no state: given the chain's secret seed
 * and length it finds its position from the commitment stored on chain, so it survives the loss
 * of the worker's store and runs on any replica.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';

import { drawCallbackTx } from '@raffle/client';
import type { TransactionSigner } from '@solana/kit';

import { UnrecoverableError, workerConfigInvalid } from '../../core/errors';
import type { RandomnessProvider } from './provider';

/**
 * Options of {@link createHashChainDrawProvider}.
 *
 * @example
 * ```ts
 * const options: HashChainDrawProviderOptions = { drawAuthority, seed: process.env.DRAW_HASH_CHAIN_SEED!, length: 1024 };
 * ```
 */
export interface HashChainDrawProviderOptions {
    /** `config.drawAuthority`: signs every `draw_callback`. */
    readonly drawAuthority: TransactionSigner;
    /** The chain's secret seed `s` (32 bytes, or 64 hex characters). Never logged. */
    readonly seed: Uint8Array | string;
    /** The chain's length `n`: the config was initialized with the commitment `H^n(s)`. */
    readonly length: number;
}

/** The largest chain the provider accepts (32 MB of hashes in memory). */
const MAX_CHAIN_LENGTH = 1_000_000;

function sha256(bytes: Uint8Array): Uint8Array {
    return new Uint8Array(createHash('sha256').update(bytes).digest());
}

function parseSeed(seed: Uint8Array | string): Uint8Array {
    if (typeof seed === 'string') {
        if (!/^[0-9a-fA-F]{64}$/.test(seed)) throw workerConfigInvalid('seed', 'must be 32 bytes or 64 hex characters');
        return new Uint8Array(Buffer.from(seed, 'hex'));
    }
    if (!(seed instanceof Uint8Array) || seed.length !== 32) throw workerConfigInvalid('seed', 'must be 32 bytes or 64 hex characters');
    return new Uint8Array(seed);
}

/**
 * Creates the hash-chain draw provider. The chain (`length` hashes) is computed once, on the
 * first draw.
 *
 * @param options - draw authority, secret seed, length
 * @returns the provider
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` for a bad option
 * @example
 * ```ts
 * const provider = createHashChainDrawProvider({ drawAuthority: await createKeyPairSignerFromBytes(secret), seed, length: 1024 });
 * ```
 */
export function createHashChainDrawProvider(options: HashChainDrawProviderOptions): RandomnessProvider {
    if (!options || typeof options !== 'object') throw workerConfigInvalid('options', 'pass { drawAuthority, seed, length }');
    if (!options.drawAuthority || typeof options.drawAuthority.address !== 'string') throw workerConfigInvalid('drawAuthority', 'must be a transaction signer');
    const seed = parseSeed(options.seed);
    const length = options.length;
    if (!Number.isInteger(length) || length < 1 || length > MAX_CHAIN_LENGTH) throw workerConfigInvalid('length', `must be an integer from 1 to ${MAX_CHAIN_LENGTH}`);
    let chain: Buffer | null = null; // link i at [32i, 32i+32): H^i(s)
    let positions: Map<string, number> | null = null;
    const { drawAuthority } = options;

    function positionOf(commitment: Uint8Array): number | undefined {
        if (chain === null || positions === null) {
            chain = Buffer.alloc((length + 1) * 32);
            positions = new Map();
            let link: Uint8Array = seed;
            for (let i = 0; i <= length; i++) {
                if (i > 0) link = sha256(link);
                chain.set(link, i * 32);
                positions.set(Buffer.from(link).toString('hex'), i);
            }
        }
        return positions.get(Buffer.from(commitment).toString('hex'));
    }

    return {
        name: 'hash-chain',
        async answer({ raffle, config }) {
            if (config.data.drawAuthority !== drawAuthority.address) {
                throw new UnrecoverableError(`the config's draw authority is ${config.data.drawAuthority}, not this provider's key ${drawAuthority.address}`);
            }
            const commitment = new Uint8Array(config.data.drawCommitment);
            const position = positionOf(commitment);
            if (position === undefined) throw new UnrecoverableError('the config\'s draw commitment is not a link of this hash chain: check DRAW_HASH_CHAIN_SEED and DRAW_HASH_CHAIN_LENGTH');
            if (position === 0) throw new UnrecoverableError('the draw hash chain is exhausted: commit a new chain with update_config');
            const reveal = new Uint8Array(chain!.subarray((position - 1) * 32, position * 32));
            const commitmentHex = Buffer.from(commitment).toString('hex');
            return {
                key: `hash-chain:${commitmentHex.slice(0, 16)}`,
                build: () => drawCallbackTx({ drawAuthority, raffle: raffle.address, reveal, config, programAddress: raffle.programAddress }),
                details: { provider: 'hash-chain', commitment: commitmentHex, remaining: position - 1 },
            };
        },
    };
}
