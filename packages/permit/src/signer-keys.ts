/**
 * Loading a permit signer from the usual places a Solana key lives: keypair bytes, a Solana
 * CLI keypair file's JSON text, base58 text, an environment variable.
 *
 * Error messages and contexts name the source (`env PERMIT_SIGNER_KEY`) and what is wrong
 * with it (`decodes to 40 bytes`), never any character or byte of the key.
 *
 * @packageDocumentation
 */
import { RAFFLE_ERROR__PERMIT__SIGNER_ENV_MISSING, RaffleError } from '@raffle/errors';
import type { ReadonlyUint8Array } from '@solana/kit';

import { decodeBase58 } from './internal/base58';
import { keyInvalid } from './internal/signer-object';
import { type PermitSigner, type PermitSignerFactory, createNobleSigner } from './signer';

/**
 * Options of the key-loading helpers.
 *
 * @example
 * ```ts
 * import { createNodeCryptoSigner } from '@raffle/permit/node';
 * signerFromBase58(text, { createSigner: createNodeCryptoSigner });
 * ```
 */
export interface LoadPermitSignerOptions {
    /**
     * Builds the signer from the decoded secret. Default: {@link createNobleSigner} (works
     * everywhere). `@raffle/permit/node` exports the same helpers defaulting to node:crypto.
     */
    readonly createSigner?: PermitSignerFactory;
}

/**
 * The environment variable {@link signerFromEnv} reads by default.
 *
 * @example
 * ```ts
 * process.env[DEFAULT_PERMIT_SIGNER_ENV] = keypairBase58;
 * ```
 */
export const DEFAULT_PERMIT_SIGNER_ENV = 'PERMIT_SIGNER_KEY';

/** `[n, n, ...]` with byte-sized decimal integers; parsed without JSON.parse (see below). */
const JSON_BYTE_ARRAY = /^\[\s*(?:\d{1,3}\s*(?:,\s*\d{1,3}\s*)*)?\]$/;

/**
 * Parses key text. `JSON.parse` is avoided on purpose: its SyntaxError messages quote the
 * input, which here is a secret.
 */
function parseKeyText(text: string, source: string, formats: 'json' | 'base58' | 'any'): Uint8Array {
    if (typeof text !== 'string') throw keyInvalid(source, 'the key must be a string');
    const trimmed = text.trim();
    const looksJson = trimmed.startsWith('[');
    if (formats === 'json' || (formats === 'any' && looksJson)) {
        if (!JSON_BYTE_ARRAY.test(trimmed)) throw keyInvalid(source, 'it is not a JSON array of byte values');
        const numbers = trimmed.slice(1, -1).split(',');
        const bytes = new Uint8Array(numbers.length === 1 && numbers[0]!.trim() === '' ? 0 : numbers.length);
        for (let i = 0; i < bytes.length; i++) {
            const n = Number(numbers[i]);
            if (n > 255) {
                bytes.fill(0);
                throw keyInvalid(source, 'the JSON array holds a value above 255');
            }
            bytes[i] = n;
        }
        return bytes;
    }
    const bytes = decodeBase58(trimmed);
    if (bytes === undefined) throw keyInvalid(source, formats === 'any' ? 'it is neither a JSON byte array nor base58 text' : 'it is not base58 text');
    return bytes;
}

function build(bytes: Uint8Array, source: string, options: LoadPermitSignerOptions): PermitSigner {
    try {
        if (bytes.length !== 64 && bytes.length !== 32) {
            throw keyInvalid(source, `it decodes to ${bytes.length} bytes`);
        }
        return (options.createSigner ?? createNobleSigner)(bytes, { source });
    } finally {
        bytes.fill(0);
    }
}

/**
 * Creates a {@link PermitSigner} from a 64-byte Solana keypair (seed || public key), checking
 * that the public half belongs to the seed.
 *
 * @param keypair - 64 bytes, e.g. the content of a Solana CLI keypair file
 * @param options - `createSigner` picks the implementation (default noble)
 * @returns the signer
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID` or
 * `RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH`
 * @example
 * ```ts
 * const signer = createKeypairSigner(new Uint8Array(keypairNumbers));
 * ```
 */
export function createKeypairSigner(keypair: ReadonlyUint8Array, options: LoadPermitSignerOptions = {}): PermitSigner {
    const source = 'keypair bytes';
    if (!(keypair instanceof Uint8Array)) throw keyInvalid(source, 'the keypair must be a Uint8Array');
    if (keypair.length !== 64) throw keyInvalid(source, `a keypair is 64 bytes, this one is ${keypair.length}`);
    return (options.createSigner ?? createNobleSigner)(keypair, { source });
}

/**
 * Creates a {@link PermitSigner} from the text of a Solana CLI keypair file: a JSON array of
 * 64 byte values (a 32-byte seed is accepted too).
 *
 * @param text - e.g. `[12,34,...]`; surrounding whitespace is ignored
 * @param options - `createSigner` picks the implementation (default noble)
 * @returns the signer
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID` or
 * `RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH`
 * @example
 * ```ts
 * const signer = signerFromKeypairJson(await readFile('permit-devnet.json', 'utf8'));
 * ```
 */
export function signerFromKeypairJson(text: string, options: LoadPermitSignerOptions = {}): PermitSigner {
    return loadSignerFromText(text, 'JSON keypair', 'json', options);
}

/**
 * Creates a {@link PermitSigner} from base58 text: a 64-byte keypair (as exported by wallets)
 * or a 32-byte seed.
 *
 * @param text - base58; surrounding whitespace is ignored
 * @param options - `createSigner` picks the implementation (default noble)
 * @returns the signer
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID` or
 * `RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH`
 * @example
 * ```ts
 * const signer = signerFromBase58(secretFromVault);
 * ```
 */
export function signerFromBase58(text: string, options: LoadPermitSignerOptions = {}): PermitSigner {
    return loadSignerFromText(text, 'base58 key', 'base58', options);
}

/**
 * Creates a {@link PermitSigner} from an environment variable holding base58 text or a JSON
 * byte array (a 64-byte keypair or a 32-byte seed). Takes the environment as a record so it
 * runs anywhere: pass `process.env` on Node, `env` bindings on edge runtimes.
 *
 * @param name - the variable, default {@link DEFAULT_PERMIT_SIGNER_ENV} (`PERMIT_SIGNER_KEY`)
 * @param env - the environment; default `globalThis.process.env` when it exists
 * @param options - `createSigner` picks the implementation (default noble)
 * @returns the signer
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__SIGNER_ENV_MISSING` when unset or empty,
 * `RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID` or `RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH`
 * @example
 * ```ts
 * const signer = signerFromEnv('PERMIT_SIGNER_KEY', process.env);
 * ```
 */
export function signerFromEnv(
    name: string = DEFAULT_PERMIT_SIGNER_ENV,
    env?: Readonly<Record<string, string | undefined>>,
    options: LoadPermitSignerOptions = {},
): PermitSigner {
    const record = env ?? (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
    const value = Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
    if (typeof value !== 'string' || value.trim() === '') {
        throw new RaffleError(RAFFLE_ERROR__PERMIT__SIGNER_ENV_MISSING, { variable: name });
    }
    return loadSignerFromText(value, `env ${name}`, 'any', options);
}

/**
 * Shared by the text-based helpers here and in `@raffle/permit/node`.
 *
 * @internal
 * @param text - the key text
 * @param source - where it came from, for errors
 * @param formats - which encodings to accept
 * @param options - the implementation to build
 * @returns the signer
 */
export function loadSignerFromText(
    text: string,
    source: string,
    formats: 'json' | 'base58' | 'any',
    options: LoadPermitSignerOptions,
): PermitSigner {
    return build(parseKeyText(text, source, formats), source, options);
}
