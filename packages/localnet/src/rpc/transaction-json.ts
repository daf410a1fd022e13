/**
 * Landed transactions as the RPC writes them (`getTransaction`, `getBlock`): the transaction in
 * one of the encodings, and its status meta, following Agave's `transaction-status` encoders
 * (`encode_with_meta`, `parse_ui_transaction_status_meta`, `build_json_accounts`).
 */
import { getBase58Decoder } from '@solana/kit';

import type { ReturnDataView, TokenBalance, TransactionRecord } from '../svm/ledger';
import type { ParsedWireTransaction } from '../svm/wire';
import { invalidParams, unsupportedTransactionVersion } from './errors';
import { toUiInnerInstructions, toUiInstruction } from './instructions/ui-instruction';
import { parseEnum } from './params';

/** Transaction encodings of `getTransaction` and `getBlock` (`binary` is the legacy bare base58). */
export type TransactionEncoding = 'json' | 'jsonParsed' | 'base64' | 'base58' | 'binary';

/** The stack height of the instructions of a message (Agave's `TRANSACTION_LEVEL_STACK_HEIGHT`). */
const TRANSACTION_LEVEL_STACK_HEIGHT = 1;

/**
 * Reads the `encoding` of a transaction or block config.
 *
 * @param value - the raw value
 * @returns the encoding (default `json`)
 */
export function parseTransactionEncoding(value: unknown): TransactionEncoding {
    if (value === undefined || value === null) return 'json';
    return parseEnum(value, 'encoding', ['json', 'jsonParsed', 'base64', 'base58', 'binary'] as const);
}

/**
 * Reads `maxSupportedTransactionVersion` (a u8 on a node; every version up to it is served, and
 * only 0 exists).
 *
 * @param value - the raw value
 * @returns the version, or `undefined` when absent
 */
export function parseMaxSupportedTransactionVersion(value: unknown): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 255) {
        throw invalidParams('Invalid params: invalid value for `maxSupportedTransactionVersion`, expected u8.');
    }
    return value;
}

function base64(bytes: Uint8Array): string {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * `returnData` of a meta or simulation (`null` when the transaction returned nothing).
 *
 * @param rd - the return data
 * @returns `{ data: [base64, 'base64'], programId }` or null
 */
export function returnDataJson(rd: ReturnDataView | null): Record<string, unknown> | null {
    return rd ? { data: [base64(rd.data), 'base64'], programId: rd.programId } : null;
}

/**
 * Token balances of a meta.
 *
 * @param list - the balances
 * @returns the `UiTransactionTokenBalance` list
 */
export function tokenBalancesJson(list: readonly TokenBalance[]): unknown[] {
    return list.map((b) => ({ accountIndex: b.accountIndex, mint: b.mint, owner: b.owner, programId: b.programId, uiTokenAmount: b.uiTokenAmount }));
}

function compiledInnerInstructionsJson(record: TransactionRecord): unknown[] {
    const b58 = getBase58Decoder();
    return record.innerInstructions.map((entry) => ({
        index: entry.index,
        instructions: entry.instructions.map((ix) => ({ accounts: ix.accounts, data: b58.decode(ix.data), programIdIndex: ix.programIdIndex, stackHeight: ix.stackHeight })),
    }));
}

function lookupsJson(tx: ParsedWireTransaction): unknown[] {
    return tx.addressTableLookups.map((l) => ({ accountKey: l.accountKey, readonlyIndexes: l.readonlyIndexes, writableIndexes: l.writableIndexes }));
}

function messageJson(tx: ParsedWireTransaction): Record<string, unknown> {
    const b58 = getBase58Decoder();
    const message: Record<string, unknown> = {
        accountKeys: tx.staticAccountKeys,
        header: tx.header,
        instructions: tx.instructions.map((ix) => ({ accounts: ix.accounts, data: b58.decode(ix.data), programIdIndex: ix.programIdIndex, stackHeight: TRANSACTION_LEVEL_STACK_HEIGHT })),
        recentBlockhash: tx.recentBlockhash,
    };
    if (tx.version === 0) message['addressTableLookups'] = lookupsJson(tx);
    return message;
}

/**
 * The accounts of a message as `ParsedAccount`s (`jsonParsed` messages, `accounts` details).
 *
 * @param record - the transaction
 * @returns `[{ pubkey, signer, source, writable }]`
 */
function parsedAccountsJson(record: TransactionRecord): unknown[] {
    const tx = record.transaction;
    const staticCount = tx.staticAccountKeys.length;
    return record.accountKeys.map((pubkey, i) => ({
        pubkey,
        signer: i < tx.header.numRequiredSignatures,
        source: i < staticCount ? 'transaction' : 'lookupTable',
        writable: record.writable[i] ?? false,
    }));
}

function parsedMessageJson(record: TransactionRecord): Record<string, unknown> {
    const tx = record.transaction;
    return {
        accountKeys: parsedAccountsJson(record),
        instructions: tx.instructions.map((ix) => toUiInstruction(ix, record.accountKeys, TRANSACTION_LEVEL_STACK_HEIGHT)),
        recentBlockhash: tx.recentBlockhash,
        ...(tx.version === 0 ? { addressTableLookups: lookupsJson(tx) } : {}),
    };
}

/**
 * The `transaction` member in the requested encoding.
 *
 * @param record - the transaction
 * @param encoding - the encoding
 * @returns the encoded transaction
 */
export function transactionJson(record: TransactionRecord, encoding: TransactionEncoding): unknown {
    const tx = record.transaction;
    switch (encoding) {
        case 'base64':
            return [base64(tx.bytes), 'base64'];
        case 'base58':
            return [getBase58Decoder().decode(tx.bytes), 'base58'];
        case 'binary':
            return getBase58Decoder().decode(tx.bytes);
        default:
            return { message: encoding === 'jsonParsed' ? parsedMessageJson(record) : messageJson(tx), signatures: tx.signatures };
    }
}

/**
 * The status meta (`UiTransactionStatusMeta`).
 *
 * @param record - the transaction
 * @param options - `parsed` for `jsonParsed` (parsed inner instructions, no `loadedAddresses`),
 *   `showRewards` (false writes `rewards: null`)
 * @returns the meta
 */
export function metaJson(record: TransactionRecord, options: { parsed: boolean; showRewards: boolean }): Record<string, unknown> {
    const meta: Record<string, unknown> = {
        computeUnitsConsumed: record.computeUnitsConsumed,
        err: record.err,
        fee: record.fee,
        innerInstructions: options.parsed ? toUiInnerInstructions(record.innerInstructions, record.accountKeys) : compiledInnerInstructionsJson(record),
        logMessages: record.logs,
        postBalances: record.postBalances,
        postTokenBalances: tokenBalancesJson(record.postTokenBalances),
        preBalances: record.preBalances,
        preTokenBalances: tokenBalancesJson(record.preTokenBalances),
        rewards: options.showRewards ? [] : null,
        status: record.err === null ? { Ok: null } : { Err: record.err },
    };
    if (!options.parsed) meta['loadedAddresses'] = { readonly: record.loadedAddresses.readonly, writable: record.loadedAddresses.writable };
    if (record.returnData) meta['returnData'] = returnDataJson(record.returnData);
    return meta;
}

/**
 * `{ transaction, meta, version? }` of one transaction (`getBlock` entries; `getTransaction`
 * adds slot and blockTime). A v0 transaction without `maxSupportedTransactionVersion` is `-32015`.
 *
 * @param record - the transaction
 * @param options - encoding, `transactionDetails` (`full` or `accounts`), rewards, max version
 * @returns the encoded entry
 */
export function transactionWithMetaJson(
    record: TransactionRecord,
    options: { encoding: TransactionEncoding; details: 'full' | 'accounts'; showRewards: boolean; maxSupportedTransactionVersion: number | undefined },
): Record<string, unknown> {
    const tx = record.transaction;
    if (tx.version === 0 && options.maxSupportedTransactionVersion === undefined) throw unsupportedTransactionVersion(0);
    const entry: Record<string, unknown> =
        options.details === 'accounts'
            ? { meta: simpleMetaJson(record, options.showRewards), transaction: { accountKeys: parsedAccountsJson(record), signatures: tx.signatures } }
            : { meta: metaJson(record, { parsed: options.encoding === 'jsonParsed', showRewards: options.showRewards }), transaction: transactionJson(record, options.encoding) };
    if (options.maxSupportedTransactionVersion !== undefined) entry['version'] = tx.version;
    return entry;
}

/** Agave's `build_simple_ui_transaction_status_meta` (`transactionDetails: 'accounts'`). */
function simpleMetaJson(record: TransactionRecord, showRewards: boolean): Record<string, unknown> {
    const meta: Record<string, unknown> = {
        err: record.err,
        fee: record.fee,
        postBalances: record.postBalances,
        postTokenBalances: tokenBalancesJson(record.postTokenBalances),
        preBalances: record.preBalances,
        preTokenBalances: tokenBalancesJson(record.preTokenBalances),
        status: record.err === null ? { Ok: null } : { Err: record.err },
    };
    if (showRewards) meta['rewards'] = [];
    return meta;
}
