/**
 * The signing keys the configuration names: Solana CLI keypair files (a JSON array of 64
 * numbers), read once at start. A bad file is reported like a bad variable (its path, never a
 * byte of its content).
 */
import { readFileSync, statSync } from 'node:fs';

import { createKeyPairSignerFromBytes, type KeyPairSigner } from '@solana/kit';

import { ConfigError, type ConfigProblem, type WorkerConfig } from './config';

/**
 * The keys of a configuration.
 *
 * @example
 * ```ts
 * const { worker, drawAuthority }: WorkerKeys = await loadKeys(config);
 * ```
 */
export interface WorkerKeys {
    /** Pays fees and signs every crank. */
    readonly worker: KeyPairSigner;
    /** The hash chain's draw authority, when configured. */
    readonly drawAuthority: KeyPairSigner | null;
    /** The settle fallback, when configured. */
    readonly settleAuthority: KeyPairSigner | null;
    /** Signs MRFT mints (SPL mint authority or Bubblegum tree delegate). */
    readonly mrftAuthority: KeyPairSigner;
    /** A Bubblegum collection authority other than the tree delegate, when configured. */
    readonly collectionAuthority: KeyPairSigner | null;
}

/** Keypair files are 64 numbers of JSON: a few hundred bytes. */
const MAX_KEYPAIR_FILE_BYTES = 4_096;

async function readKeypair(variable: string, path: string, problems: ConfigProblem[]): Promise<KeyPairSigner | null> {
    let bytes: Uint8Array;
    try {
        const size = statSync(path).size;
        if (size > MAX_KEYPAIR_FILE_BYTES) throw new Error(`is ${size} bytes, too large for a keypair file`);
        const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
        if (!Array.isArray(parsed) || parsed.length !== 64 || !parsed.every(n => Number.isInteger(n) && n >= 0 && n <= 255)) throw new Error('bad');
        bytes = new Uint8Array(parsed as number[]);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const reason = code
            ? `cannot be read (${path}: ${code})`
            : (e as Error).message.startsWith('is ')
              ? `file ${path} ${(e as Error).message}`
              : `file ${path} is not a Solana CLI keypair file (a JSON array of 64 numbers)`;
        problems.push({ variable, reason });
        return null;
    }
    try {
        return await createKeyPairSignerFromBytes(bytes);
    } catch {
        // The library's message is not repeated: nothing about the key's bytes leaves here.
        problems.push({ variable, reason: `file ${path} does not hold a valid ed25519 keypair (its public half does not match its secret half)` });
        return null;
    } finally {
        bytes.fill(0);
    }
}

/**
 * Reads every key file of the configuration, each once even when several variables name it.
 *
 * @param config - from `loadConfig`
 * @returns the signers
 * @throws {@link ConfigError} naming each variable whose file is missing or malformed
 * @example
 * ```ts
 * const keys = await loadKeys(loadConfig(process.env));
 * console.log(keys.worker.address);
 * ```
 */
export async function loadKeys(config: WorkerConfig): Promise<WorkerKeys> {
    const problems: ConfigProblem[] = [];
    const cache = new Map<string, Promise<KeyPairSigner | null>>();
    const load = (variable: string, path: string | null): Promise<KeyPairSigner | null> => {
        if (path === null) return Promise.resolve(null);
        let loaded = cache.get(path);
        if (loaded === undefined) {
            loaded = readKeypair(variable, path, problems);
            cache.set(path, loaded);
        }
        return loaded;
    };
    const worker = await load('WORKER_KEYPAIR_PATH', config.workerKeypairPath);
    const drawAuthority = await load('DRAW_AUTHORITY_KEYPAIR_PATH', config.hashChain?.authorityKeypairPath ?? null);
    const settleAuthority = await load('SETTLE_AUTHORITY_KEYPAIR_PATH', config.settleAuthorityKeypairPath);
    const mrftAuthority = await load('MRFT_MINT_AUTHORITY_KEYPAIR_PATH', config.mrftMintAuthorityKeypairPath);
    const collectionAuthority = await load('MRFT_COLLECTION_AUTHORITY_KEYPAIR_PATH', config.issuer.kind === 'bubblegum' ? config.issuer.collectionAuthorityKeypairPath : null);
    if (problems.length > 0) throw new ConfigError(problems);
    return { worker: worker!, drawAuthority, settleAuthority, mrftAuthority: mrftAuthority!, collectionAuthority };
}
