/**
 * SPL Token (and Token-2022 base layout) account parsing for token balances and `jsonParsed`.
 */
import { type Address, type ReadonlyUint8Array, getAddressDecoder } from '@solana/kit';

import { isTokenProgram } from './addresses';

/**
 * The parsed base state of a token account.
 *
 * @example
 * ```ts
 * const state: TokenAccountState | null = parseTokenAccount(owner, data);
 * ```
 */
export interface TokenAccountState {
    readonly mint: Address;
    readonly owner: Address;
    readonly amount: bigint;
    readonly delegate: Address | null;
    readonly state: 'uninitialized' | 'initialized' | 'frozen';
    readonly isNative: bigint | null;
    readonly delegatedAmount: bigint;
    readonly closeAuthority: Address | null;
}

/**
 * The parsed base state of a mint.
 *
 * @example
 * ```ts
 * const mint: MintState | null = parseMint(owner, data);
 * ```
 */
export interface MintState {
    readonly mintAuthority: Address | null;
    readonly supply: bigint;
    readonly decimals: number;
    readonly isInitialized: boolean;
    readonly freezeAuthority: Address | null;
}

/**
 * `uiTokenAmount` as the RPC returns it.
 *
 * @example
 * ```ts
 * const ui: UiTokenAmount = toUiTokenAmount(1_500_000n, 6); // { amount: '1500000', uiAmountString: '1.5', ... }
 * ```
 */
export interface UiTokenAmount {
    readonly amount: string;
    readonly decimals: number;
    readonly uiAmount: number | null;
    readonly uiAmountString: string;
}

const TOKEN_ACCOUNT_LEN = 165;
const MINT_LEN = 82;
const ACCOUNT_TYPE_MINT = 1;
const ACCOUNT_TYPE_ACCOUNT = 2;

function view(data: Uint8Array): DataView {
    return new DataView(data.buffer, data.byteOffset, data.byteLength);
}

function optionalAddress(data: Uint8Array, tagOffset: number): Address | null {
    const tag = view(data).getUint32(tagOffset, true);
    return tag === 1 ? getAddressDecoder().decode(data.subarray(tagOffset + 4, tagOffset + 36)) : null;
}

/**
 * Parses a token account if `data` owned by `owner` is one.
 *
 * @param owner - the account's owner program
 * @param data - the account data
 * @returns the state, or `null` when it is not an initialized token account
 *
 * @example
 * ```ts
 * const state = parseTokenAccount(account.programAddress, account.data);
 * console.log(state?.owner, state?.amount);
 * ```
 */
export function parseTokenAccount(owner: Address, bytes: Uint8Array | ReadonlyUint8Array): TokenAccountState | null {
    const data = bytes as Uint8Array;
    if (!isTokenProgram(owner)) return null;
    if (data.length !== TOKEN_ACCOUNT_LEN && !(data.length > TOKEN_ACCOUNT_LEN && data[TOKEN_ACCOUNT_LEN] === ACCOUNT_TYPE_ACCOUNT)) return null;
    const stateByte = data[108];
    if (stateByte === 0 || stateByte === undefined || stateByte > 2) return null;
    const dv = view(data);
    const decoder = getAddressDecoder();
    return {
        mint: decoder.decode(data.subarray(0, 32)),
        owner: decoder.decode(data.subarray(32, 64)),
        amount: dv.getBigUint64(64, true),
        delegate: optionalAddress(data, 72),
        state: stateByte === 2 ? 'frozen' : 'initialized',
        isNative: dv.getUint32(109, true) === 1 ? dv.getBigUint64(113, true) : null,
        delegatedAmount: dv.getBigUint64(121, true),
        closeAuthority: optionalAddress(data, 129),
    };
}

/**
 * Parses a mint if `data` owned by `owner` is one.
 *
 * @param owner - the account's owner program
 * @param data - the account data
 * @returns the state, or `null` when it is not an initialized mint
 *
 * @example
 * ```ts
 * const mint = parseMint(account.programAddress, account.data);
 * console.log(mint?.decimals);
 * ```
 */
export function parseMint(owner: Address, bytes: Uint8Array | ReadonlyUint8Array): MintState | null {
    const data = bytes as Uint8Array;
    if (!isTokenProgram(owner)) return null;
    if (data.length !== MINT_LEN && !(data.length > TOKEN_ACCOUNT_LEN && data[TOKEN_ACCOUNT_LEN] === ACCOUNT_TYPE_MINT)) return null;
    if (data[45] !== 1) return null;
    return {
        mintAuthority: optionalAddress(data, 0),
        supply: view(data).getBigUint64(36, true),
        decimals: data[44]!,
        isInitialized: true,
        freezeAuthority: optionalAddress(data, 46),
    };
}

/**
 * Formats a raw token amount the way the RPC does (`uiAmountString` without trailing zeros).
 *
 * @param amount - raw amount in base units
 * @param decimals - the mint's decimals
 * @returns the `uiTokenAmount` object
 *
 * @example
 * ```ts
 * toUiTokenAmount(1_500_000n, 6).uiAmountString; // '1.5'
 * ```
 */
export function toUiTokenAmount(amount: bigint, decimals: number): UiTokenAmount {
    const raw = amount.toString();
    let uiAmountString: string;
    if (decimals === 0) {
        uiAmountString = raw;
    } else {
        const padded = raw.padStart(decimals + 1, '0');
        const whole = padded.slice(0, padded.length - decimals);
        const frac = padded.slice(padded.length - decimals).replace(/0+$/, '');
        uiAmountString = frac.length > 0 ? `${whole}.${frac}` : whole;
    }
    return { amount: raw, decimals, uiAmount: Number(uiAmountString), uiAmountString };
}
