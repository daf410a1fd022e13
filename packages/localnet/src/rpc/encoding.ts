/**
 * Account encodings of the RPC: `base58`, `base64`, legacy `binary` and `jsonParsed` (SPL Token
 * accounts and mints; other accounts fall back to base64, as on a real node). Base58 of more
 * than 128 bytes (after `dataSlice`) is `-32600`, as Agave answers it.
 */
import { type Address, type EncodedAccount, getBase58Decoder, getBase58Encoder } from '@solana/kit';

import { TOKEN_2022_PROGRAM_ADDRESS } from '../svm/addresses';
import { parseMint, parseTokenAccount, toUiTokenAmount } from '../svm/token';
import { invalidParams, RPC_ERROR_CODES, RpcError } from './errors';
import { parseEnum, parseU64 } from './params';

/** Account data encodings accepted by this cluster. */
export type AccountEncoding = 'base58' | 'base64' | 'binary' | 'jsonParsed';

/** `rentEpoch` of rent-exempt accounts (`u64::MAX`). */
export const RENT_EXEMPT_RENT_EPOCH = 18_446_744_073_709_551_615n;

const MAX_BASE58_BYTES = 128;

/** Parsed `encoding` + `dataSlice` of an account config. */
export interface AccountEncodingConfig {
    readonly encoding: AccountEncoding;
    readonly dataSlice?: { offset: number; length: number };
}

/**
 * Reads `encoding` and `dataSlice` from a config.
 *
 * @param config - the config object
 * @param fallback - the method's default encoding
 * @returns the parsed options
 */
export function parseAccountEncoding(config: Record<string, unknown>, fallback: AccountEncoding = 'binary'): AccountEncodingConfig {
    const raw = config['encoding'];
    if (raw === 'base64+zstd') throw invalidParams('Invalid params: base64+zstd encoding is not supported by this local cluster; use base64.');
    const encoding = raw === undefined || raw === null ? fallback : parseEnum(raw, 'encoding', ['base58', 'base64', 'binary', 'jsonParsed'] as const);
    const slice = config['dataSlice'];
    if (slice === undefined || slice === null) return { encoding };
    if (typeof slice !== 'object' || Array.isArray(slice)) throw invalidParams('Invalid params: `dataSlice` must be an object with offset and length.');
    const s = slice as Record<string, unknown>;
    const offset = Number(parseU64(s['offset'], 'dataSlice.offset', 10_000_000n));
    const length = Number(parseU64(s['length'], 'dataSlice.length', 10_000_000n));
    return { encoding, dataSlice: { offset, length } };
}

/**
 * Encodes an account as the RPC's `UiAccount`.
 *
 * @param account - the account
 * @param options - encoding and slice
 * @param mintDecimals - looks up a mint's decimals (for `jsonParsed` token accounts)
 * @returns `{ data, executable, lamports, owner, rentEpoch, space }`
 */
export function encodeAccount(
    account: EncodedAccount,
    options: AccountEncodingConfig,
    mintDecimals?: (mint: Address) => number | undefined,
): Record<string, unknown> {
    const full = account.data as Uint8Array;
    const data = options.dataSlice ? full.subarray(options.dataSlice.offset, options.dataSlice.offset + options.dataSlice.length) : full;
    let encoded: unknown;
    switch (options.encoding) {
        case 'base58':
        case 'binary':
            if (data.length > MAX_BASE58_BYTES) {
                // Agave answers this one with `InvalidRequest`, not `InvalidParams`.
                throw new RpcError(RPC_ERROR_CODES.INVALID_REQUEST, 'Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.');
            }
            encoded = options.encoding === 'binary' ? getBase58Decoder().decode(data) : [getBase58Decoder().decode(data), 'base58'];
            break;
        case 'jsonParsed':
            // A parseable account is parsed whole (the slice is ignored), as on a node.
            encoded = parseAccountJson(account, mintDecimals) ?? [Buffer.from(data).toString('base64'), 'base64'];
            break;
        default:
            encoded = [Buffer.from(data).toString('base64'), 'base64'];
    }
    return {
        data: encoded,
        executable: account.executable,
        lamports: BigInt(account.lamports),
        owner: account.programAddress,
        rentEpoch: RENT_EXEMPT_RENT_EPOCH,
        space: BigInt(full.length),
    };
}

/**
 * The `jsonParsed` form of token accounts and mints.
 *
 * @param account - the account
 * @param mintDecimals - looks up the decimals of a token account's mint
 * @returns `{ program, parsed, space }`, or `null` when the account is not parseable
 */
export function parseAccountJson(account: EncodedAccount, mintDecimals?: (mint: Address) => number | undefined): Record<string, unknown> | null {
    const program = account.programAddress === TOKEN_2022_PROGRAM_ADDRESS ? 'spl-token-2022' : 'spl-token';
    const space = BigInt(account.data.length);
    const token = parseTokenAccount(account.programAddress, account.data);
    if (token) {
        const decimals = mintDecimals?.(token.mint);
        if (decimals === undefined) return null;
        const info: Record<string, unknown> = {
            isNative: token.isNative !== null,
            mint: token.mint,
            owner: token.owner,
            state: token.state,
            tokenAmount: toUiTokenAmount(token.amount, decimals),
        };
        if (token.delegate) {
            info['delegate'] = token.delegate;
            info['delegatedAmount'] = toUiTokenAmount(token.delegatedAmount, decimals);
        }
        if (token.closeAuthority) info['closeAuthority'] = token.closeAuthority;
        if (token.isNative !== null) info['rentExemptReserve'] = toUiTokenAmount(token.isNative, 9);
        return { program, parsed: { info, type: 'account' }, space };
    }
    const mint = parseMint(account.programAddress, account.data);
    if (mint) {
        return {
            program,
            parsed: {
                info: {
                    decimals: mint.decimals,
                    freezeAuthority: mint.freezeAuthority,
                    isInitialized: mint.isInitialized,
                    mintAuthority: mint.mintAuthority,
                    supply: mint.supply.toString(),
                },
                type: 'mint',
            },
            space,
        };
    }
    return null;
}

/**
 * Decodes `memcmp.bytes` of a filter.
 *
 * @param bytes - encoded bytes
 * @param encoding - `base58` (default) or `base64`
 * @returns the raw bytes
 */
export function decodeFilterBytes(bytes: unknown, encoding: unknown): Uint8Array {
    if (typeof bytes !== 'string') throw invalidParams('Invalid params: `memcmp.bytes` must be a string.');
    if (encoding === 'base64') {
        if (bytes.length > 172 || !/^[A-Za-z0-9+/]*={0,2}$/.test(bytes)) throw invalidParams('Invalid params: `memcmp.bytes` is not valid base64 (max 128 bytes).');
        return new Uint8Array(Buffer.from(bytes, 'base64'));
    }
    if (encoding !== undefined && encoding !== null && encoding !== 'base58') throw invalidParams('Invalid params: `memcmp.encoding` must be base58 or base64.');
    if (bytes.length > 175) throw invalidParams('Invalid params: `memcmp.bytes` is too long (max 128 bytes).');
    try {
        return new Uint8Array(getBase58Encoder().encode(bytes));
    } catch {
        throw invalidParams('Invalid params: `memcmp.bytes` is not valid base58.');
    }
}
