/**
 * Transaction methods: `requestAirdrop`, `sendTransaction`, `simulateTransaction`,
 * `getSignatureStatuses`, `getTransaction`, `getSignaturesForAddress`. Simulations report
 * `loadedAccountsDataSize` (SIMD-0186) and inner instructions in `jsonParsed` form, as a node.
 */
import { type Address, type EncodedAccount, getBase58Encoder } from '@solana/kit';

import { MEMO_V1_PROGRAM_ADDRESS, MEMO_V2_PROGRAM_ADDRESS } from '../../svm/addresses';
import type { SimulationResult, TransactionRecord } from '../../svm/ledger';
import { loadedAccountsDataSize, wasExecuted } from '../../svm/loaded-accounts-size';
import { PACKET_DATA_SIZE, parseWireTransaction } from '../../svm/wire';
import { readAt, type RpcContext, withContext } from '../context';
import { encodeAccount, parseAccountEncoding } from '../encoding';
import { RPC_ERROR_CODES, RpcError, invalidParams, preflightFailure, signatureVerificationFailure } from '../errors';
import { toUiInnerInstructions } from '../instructions/ui-instruction';
import { parseAddress, parseBool, parseCommitment, parseEnum, parseSignature, parseU64 } from '../params';
import {
    parseMaxSupportedTransactionVersion,
    parseTransactionEncoding,
    returnDataJson,
    tokenBalancesJson,
    transactionWithMetaJson,
} from '../transaction-json';
import { mintDecimalsAt } from './accounts';
import type { RpcMethodTable } from './types';

const MAX_BASE58_SIZE = 1683;
const MAX_BASE64_SIZE = 1644;
const MAX_SIGNATURE_STATUSES = 256;
const MAX_SIGNATURES_FOR_ADDRESS = 1000;
const MAX_AIRDROP_LAMPORTS = 1_000_000_000_000_000n;
const U64_MAX = 18_446_744_073_709_551_615n;
const TX_TYPE = 'solana_transaction::versioned::VersionedTransaction';

/**
 * Decodes the transaction parameter of `sendTransaction`/`simulateTransaction`.
 *
 * @param value - the encoded transaction
 * @param encoding - `base58` or `base64`
 * @returns the wire bytes
 */
export function decodeWireParam(value: unknown, encoding: 'base58' | 'base64'): Uint8Array {
    if (typeof value !== 'string') throw invalidParams('Invalid params: invalid type: expected an encoded transaction string.');
    const max = encoding === 'base58' ? MAX_BASE58_SIZE : MAX_BASE64_SIZE;
    if (value.length > max) throw invalidParams(`${encoding} encoded ${TX_TYPE} too large (${value.length} bytes, max ${max} bytes)`);
    let bytes: Uint8Array;
    if (encoding === 'base64') {
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 === 1) throw invalidParams('invalid base64 encoding: InvalidByte');
        bytes = new Uint8Array(Buffer.from(value, 'base64'));
    } else {
        try {
            bytes = new Uint8Array(getBase58Encoder().encode(value));
        } catch {
            throw invalidParams('invalid base58 encoding: InvalidCharacter');
        }
    }
    if (bytes.length > PACKET_DATA_SIZE) throw invalidParams(`decoded ${TX_TYPE} too large (${bytes.length} bytes, max ${PACKET_DATA_SIZE} bytes)`);
    return bytes;
}

function malformed(stage: 'decode' | 'sanitize', reason: string): RpcError {
    return stage === 'decode'
        ? invalidParams(`failed to deserialize ${TX_TYPE}: ${reason}`)
        : invalidParams(`invalid transaction: Transaction failed to sanitize accounts offsets correctly (${reason})`);
}

/**
 * The `RpcSimulateTransactionResult` object (also the `data` of a preflight failure).
 *
 * @param ctx - the RPC context
 * @param sim - the simulation
 * @param lookupTableCount - address lookup tables the transaction uses (for the loaded size)
 * @param extra - `accounts`, `innerInstructions`, `replacementBlockhash`, balances when requested
 * @returns the result object
 */
function simulationJson(
    ctx: RpcContext,
    sim: SimulationResult,
    lookupTableCount: number,
    extra: { accounts?: unknown; innerInstructions?: boolean; replacementBlockhash?: unknown; balances?: boolean } = {},
): Record<string, unknown> {
    let balances: Record<string, unknown> = { postBalances: null, postTokenBalances: null, preBalances: null, preTokenBalances: null };
    if (extra.balances) {
        const pre = sim.accountKeys.map((k) => ctx.ledger.getAccount(k, 'processed'));
        const post = sim.err === null ? sim.accountKeys.map((k, i) => (sim.postAccounts.get(k) as EncodedAccount | undefined) ?? pre[i] ?? null) : pre;
        balances = {
            postBalances: post.map((a) => BigInt(a?.lamports ?? 0n)),
            postTokenBalances: tokenBalancesJson(ctx.ledger.tokenBalances(post)),
            preBalances: pre.map((a) => BigInt(a?.lamports ?? 0n)),
            preTokenBalances: tokenBalancesJson(ctx.ledger.tokenBalances(pre)),
        };
    }
    // The state is the one the transaction ran against: a simulation changes nothing and a
    // failed preflight is undone before we get here.
    const loaded = wasExecuted(sim.err)
        ? loadedAccountsDataSize({ accountKeys: sim.accountKeys, lookupTableCount, getAccount: (a) => ctx.ledger.getAccount(a, 'processed') })
        : 0;
    return {
        accounts: extra.accounts ?? null,
        err: sim.err,
        fee: sim.fee,
        innerInstructions: extra.innerInstructions ? toUiInnerInstructions(sim.innerInstructions, sim.accountKeys) : null,
        loadedAccountsDataSize: loaded,
        loadedAddresses: null,
        logs: sim.logs,
        ...balances,
        replacementBlockhash: extra.replacementBlockhash ?? null,
        returnData: returnDataJson(sim.returnData),
        unitsConsumed: sim.unitsConsumed,
    };
}

/** How many address lookup tables the wire transaction uses (0 when it cannot be parsed). */
function lookupTableCount(bytes: Uint8Array): number {
    try {
        return parseWireTransaction(bytes).addressTableLookups.length;
    } catch {
        return 0;
    }
}

/**
 * Memos of a transaction in the RPC's format (`[len] text`, joined with `; `).
 *
 * @param record - the transaction
 * @returns the memo, or null
 */
function memoOf(record: TransactionRecord): string | null {
    const memos: string[] = [];
    const tx = record.transaction;
    for (const ix of tx.instructions) {
        const program = tx.staticAccountKeys[ix.programIdIndex];
        if (program === MEMO_V1_PROGRAM_ADDRESS || program === MEMO_V2_PROGRAM_ADDRESS) {
            memos.push(`[${ix.data.length}] ${Buffer.from(ix.data).toString('utf8')}`);
        }
    }
    return memos.length > 0 ? memos.join('; ') : null;
}

/** `requestAirdrop`, `sendTransaction`, `simulateTransaction`, statuses and history. */
export const transactionMethods: RpcMethodTable = {
    async requestAirdrop(params, ctx) {
        params.atMost(3);
        const to = parseAddress(params.required(0, 2));
        const amount = parseU64(params.required(1, 2), 'lamports', MAX_AIRDROP_LAMPORTS);
        readAt(ctx, params.config(2));
        // The transfer could not land: refuse it as a bad value rather than fail inside.
        const balance = BigInt(ctx.ledger.getAccount(to, 'processed')?.lamports ?? 0n);
        if (balance + amount > U64_MAX) throw invalidParams(`Invalid params: airdrop of ${amount} lamports would overflow the balance of ${to} (u64).`);
        const outcome = await ctx.requestAirdrop(to, amount);
        if (outcome.kind === 'landed') return outcome.signature;
        const reason =
            outcome.kind === 'preflight-failed'
                ? JSON.stringify(outcome.simulation.err)
                : outcome.kind === 'dropped'
                  ? JSON.stringify(outcome.err)
                  : outcome.kind;
        throw new RpcError(RPC_ERROR_CODES.INTERNAL_ERROR, `airdrop request failed: ${reason}`);
    },

    sendTransaction(params, ctx) {
        params.atMost(2);
        const raw = params.required(0, 1);
        const config = params.config(1);
        const encoding = config['encoding'] === undefined ? 'base58' : parseEnum(config['encoding'], 'encoding', ['base58', 'base64'] as const);
        const skipPreflight = parseBool(config['skipPreflight'], 'skipPreflight', false);
        parseCommitment({ commitment: config['preflightCommitment'] }, 'finalized');
        if (config['maxRetries'] !== undefined && config['maxRetries'] !== null) parseU64(config['maxRetries'], 'maxRetries', 1_000_000n);
        readAt(ctx, { minContextSlot: config['minContextSlot'] }, 'processed');
        const bytes = decodeWireParam(raw, encoding);
        const outcome = ctx.ledger.sendTransaction(bytes, { skipPreflight });
        switch (outcome.kind) {
            case 'malformed':
                throw malformed(outcome.stage, outcome.reason);
            case 'signature-failed':
                throw signatureVerificationFailure();
            case 'preflight-failed':
                throw preflightFailure(outcome.simulation.err!, simulationJson(ctx, outcome.simulation, lookupTableCount(bytes)));
            default:
                return outcome.signature;
        }
    },

    simulateTransaction(params, ctx) {
        params.atMost(2);
        const raw = params.required(0, 1);
        const config = params.config(1);
        const encoding = config['encoding'] === undefined ? 'base58' : parseEnum(config['encoding'], 'encoding', ['base58', 'base64'] as const);
        const sigVerify = parseBool(config['sigVerify'], 'sigVerify', false);
        const replaceRecentBlockhash = parseBool(config['replaceRecentBlockhash'], 'replaceRecentBlockhash', false);
        const innerInstructions = parseBool(config['innerInstructions'], 'innerInstructions', false);
        if (sigVerify && replaceRecentBlockhash) throw invalidParams('sigVerify may not be used with replaceRecentBlockhash');
        const { slot } = readAt(ctx, config);
        let accountsConfig: { addresses: Address[]; encoding: ReturnType<typeof parseAccountEncoding> } | undefined;
        const accountsRaw = config['accounts'];
        if (accountsRaw !== undefined && accountsRaw !== null) {
            if (typeof accountsRaw !== 'object' || Array.isArray(accountsRaw)) throw invalidParams('Invalid params: `accounts` must be an object.');
            const a = accountsRaw as Record<string, unknown>;
            if (!Array.isArray(a['addresses'])) throw invalidParams('Invalid params: `accounts.addresses` must be an array.');
            const accountEncoding = parseAccountEncoding(a, 'base64');
            if (accountEncoding.encoding === 'base58' || accountEncoding.encoding === 'binary') throw invalidParams('base58 encoding not supported');
            accountsConfig = { addresses: a['addresses'].map(parseAddress), encoding: accountEncoding };
        }
        const bytes = decodeWireParam(raw, encoding);
        const outcome = ctx.ledger.simulateTransaction(bytes, { sigVerify, replaceRecentBlockhash });
        if (outcome.kind === 'malformed') throw malformed(outcome.stage, outcome.reason);
        if (outcome.kind === 'signature-failed') throw signatureVerificationFailure();
        const sim = outcome.simulation;
        let accounts: unknown = null;
        if (accountsConfig) {
            if (accountsConfig.addresses.length > sim.accountKeys.length) throw invalidParams(`Too many accounts provided; max ${sim.accountKeys.length}`);
            const decimals = mintDecimalsAt(ctx.ledger, 'processed');
            accounts = accountsConfig.addresses.map((address) => {
                if (sim.err !== null) return null;
                const account = sim.postAccounts.get(address) ?? ctx.ledger.getAccount(address, 'processed');
                return account && BigInt(account.lamports) > 0n ? encodeAccount(account, accountsConfig.encoding, decimals) : null;
            });
        }
        return withContext(
            slot,
            simulationJson(ctx, sim, lookupTableCount(bytes), {
                accounts,
                innerInstructions,
                replacementBlockhash: outcome.replacementBlockhash ?? null,
                balances: true,
            }),
        );
    },

    getSignatureStatuses(params, ctx) {
        params.atMost(2);
        const list = params.required(0, 1);
        if (!Array.isArray(list)) throw invalidParams('Invalid params: expected an array of signatures.');
        if (list.length > MAX_SIGNATURE_STATUSES) throw invalidParams(`Too many inputs provided; max ${MAX_SIGNATURE_STATUSES}`);
        const signatures = list.map(parseSignature);
        const config = params.config(1);
        const search = parseBool(config['searchTransactionHistory'], 'searchTransactionHistory', false);
        const slot = ctx.ledger.slot('processed');
        return withContext(
            slot,
            signatures.map((signature) => {
                const status = ctx.ledger.statusOf(signature, search);
                if (!status) return null;
                const { record } = status;
                return {
                    confirmationStatus: status.confirmationStatus,
                    confirmations: status.confirmations,
                    err: record.err,
                    slot: record.slot,
                    status: record.err === null ? { Ok: null } : { Err: record.err },
                };
            }),
        );
    },

    getTransaction(params, ctx) {
        params.atMost(2);
        const signature = parseSignature(params.required(0, 1));
        const second = params.optional(1);
        const config: Record<string, unknown> = typeof second === 'string' ? { encoding: second } : params.config(1);
        const encoding = parseTransactionEncoding(config['encoding']);
        const commitment = parseCommitment(config, 'finalized');
        if (commitment === 'processed') throw invalidParams('Method does not support commitment below `confirmed`');
        const maxSupportedTransactionVersion = parseMaxSupportedTransactionVersion(config['maxSupportedTransactionVersion']);
        const record = ctx.ledger.getTransaction(signature, commitment);
        if (!record) return null;
        const entry = transactionWithMetaJson(record, { encoding, details: 'full', showRewards: true, maxSupportedTransactionVersion });
        return { blockTime: record.blockTime, slot: record.slot, ...entry };
    },

    getSignaturesForAddress(params, ctx) {
        params.atMost(2);
        const address = parseAddress(params.required(0, 1));
        const config = params.config(1);
        const { commitment } = readAt(ctx, config);
        if (commitment === 'processed') throw invalidParams('Method does not support commitment below `confirmed`');
        const limit = config['limit'] === undefined || config['limit'] === null ? MAX_SIGNATURES_FOR_ADDRESS : Number(parseU64(config['limit'], 'limit', 1_000_000n));
        if (limit < 1 || limit > MAX_SIGNATURES_FOR_ADDRESS) throw invalidParams(`Invalid limit; max ${MAX_SIGNATURES_FOR_ADDRESS}`);
        const before = config['before'] === undefined || config['before'] === null ? undefined : parseSignature(config['before']);
        const until = config['until'] === undefined || config['until'] === null ? undefined : parseSignature(config['until']);
        const records = ctx.ledger.signaturesForAddress(address, { before, until, limit, commitment });
        return records.map((record) => ({
            blockTime: record.blockTime,
            confirmationStatus: ctx.ledger.statusOf(record.signature)?.confirmationStatus ?? commitment,
            err: record.err,
            memo: memoOf(record),
            signature: record.signature,
            slot: record.slot,
        }));
    },
};
