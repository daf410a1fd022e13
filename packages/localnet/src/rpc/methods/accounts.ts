/**
 * Account methods: `getBalance`, `getAccountInfo`, `getMultipleAccounts`, `getProgramAccounts`
 * (memcmp and dataSize filters), read at the requested commitment.
 */
import type { Address, EncodedAccount } from '@solana/kit';

import type { Commitment, Ledger } from '../../svm/ledger';
import { parseMint } from '../../svm/token';
import { readAt, withContext } from '../context';
import { decodeFilterBytes, encodeAccount, parseAccountEncoding } from '../encoding';
import { invalidParams } from '../errors';
import { parseAddress, parseBool, parseU64 } from '../params';
import type { RpcMethodTable } from './types';

const MAX_MULTIPLE_ACCOUNTS = 100;
const MAX_FILTERS = 4;

/**
 * A mint-decimals lookup at a commitment, for `jsonParsed` token accounts.
 *
 * @param ledger - the ledger
 * @param commitment - the level
 * @returns the lookup
 */
export function mintDecimalsAt(ledger: Ledger, commitment: Commitment): (mint: Address) => number | undefined {
    const cache = new Map<Address, number | undefined>();
    return (mint) => {
        if (!cache.has(mint)) {
            const account = ledger.getAccount(mint, commitment);
            cache.set(mint, account ? parseMint(account.programAddress, account.data)?.decimals : undefined);
        }
        return cache.get(mint);
    };
}

/** A compiled `getProgramAccounts` filter. */
export type AccountFilter = (account: EncodedAccount) => boolean;

/**
 * Compiles the `filters` of a config (at most 4; `memcmp` and `dataSize`).
 *
 * @param raw - the `filters` member
 * @returns predicates that must all hold
 */
export function parseFilters(raw: unknown): AccountFilter[] {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) throw invalidParams('Invalid params: `filters` must be an array.');
    if (raw.length > MAX_FILTERS) throw invalidParams(`Too many filters provided; max ${MAX_FILTERS}`);
    return raw.map((f: unknown): AccountFilter => {
        if (typeof f !== 'object' || f === null) throw invalidParams('Invalid params: a filter must be an object.');
        const filter = f as Record<string, unknown>;
        if ('dataSize' in filter) {
            const size = parseU64(filter['dataSize'], 'dataSize', 10n * 1024n * 1024n);
            return (a) => BigInt(a.data.length) === size;
        }
        if ('memcmp' in filter && typeof filter['memcmp'] === 'object' && filter['memcmp'] !== null) {
            const memcmp = filter['memcmp'] as Record<string, unknown>;
            const offset = Number(parseU64(memcmp['offset'], 'memcmp.offset', 10n * 1024n * 1024n));
            const bytes = decodeFilterBytes(memcmp['bytes'], memcmp['encoding']);
            return (a) => {
                if (offset + bytes.length > a.data.length) return false;
                for (let i = 0; i < bytes.length; i++) if (a.data[offset + i] !== bytes[i]) return false;
                return true;
            };
        }
        throw invalidParams('Invalid params: unknown filter; expected `memcmp` or `dataSize`.');
    });
}

/** `getBalance`, `getAccountInfo`, `getMultipleAccounts`, `getProgramAccounts`. */
export const accountMethods: RpcMethodTable = {
    getBalance(params, ctx) {
        params.atMost(2);
        const address = parseAddress(params.required(0, 1));
        const { commitment, slot } = readAt(ctx, params.config(1));
        return withContext(slot, BigInt(ctx.ledger.getAccount(address, commitment)?.lamports ?? 0n));
    },
    getAccountInfo(params, ctx) {
        params.atMost(2);
        const address = parseAddress(params.required(0, 1));
        const config = params.config(1);
        const encoding = parseAccountEncoding(config);
        const { commitment, slot } = readAt(ctx, config);
        const account = ctx.ledger.getAccount(address, commitment);
        return withContext(slot, account ? encodeAccount(account, encoding, mintDecimalsAt(ctx.ledger, commitment)) : null);
    },
    getMultipleAccounts(params, ctx) {
        params.atMost(2);
        const list = params.required(0, 1);
        if (!Array.isArray(list)) throw invalidParams('Invalid params: expected an array of addresses.');
        if (list.length > MAX_MULTIPLE_ACCOUNTS) throw invalidParams(`Too many inputs provided; max ${MAX_MULTIPLE_ACCOUNTS}`);
        const addresses = list.map(parseAddress);
        const config = params.config(1);
        const encoding = parseAccountEncoding(config, 'base64');
        const { commitment, slot } = readAt(ctx, config);
        const decimals = mintDecimalsAt(ctx.ledger, commitment);
        return withContext(
            slot,
            addresses.map((a) => {
                const account = ctx.ledger.getAccount(a, commitment);
                return account ? encodeAccount(account, encoding, decimals) : null;
            }),
        );
    },
    getProgramAccounts(params, ctx) {
        params.atMost(2);
        const program = parseAddress(params.required(0, 1));
        const config = params.config(1);
        const encoding = parseAccountEncoding(config);
        const filters = parseFilters(config['filters']);
        const wrap = parseBool(config['withContext'], 'withContext', false);
        const { commitment, slot } = readAt(ctx, config);
        const decimals = mintDecimalsAt(ctx.ledger, commitment);
        const value = ctx.ledger
            .getProgramAccounts(program, commitment)
            .filter((a) => filters.every((f) => f(a)))
            .map((a) => ({ account: encodeAccount(a, encoding, decimals), pubkey: a.address }));
        return wrap ? withContext(slot, value) : value;
    },
};
