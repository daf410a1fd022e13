/**
 * Block methods: `getBlock`, `getBlockTime`, `getBlocks`, `getBlocksWithLimit`,
 * `getFirstAvailableBlock`, answered from the blocks the ledger keeps, with Agave's rules
 * (`rpc.rs`): a slot at or below the root is served from the rooted chain (`-32007` when skipped,
 * `-32001` when older than the first kept block), a slot above it only at `confirmed` and only
 * up to the confirmed slot (`-32004` otherwise); `getBlockTime` also answers unconfirmed blocks.
 */
import type { BlockInfo, Commitment, Ledger } from '../../svm/ledger';
import { readAt, type RpcContext } from '../context';
import { blockCleanedUp, blockNotAvailable, invalidParams, slotSkipped } from '../errors';
import { parseBool, parseCommitment, parseEnum, parseU64, type Params } from '../params';
import { parseMaxSupportedTransactionVersion, parseTransactionEncoding, type TransactionEncoding, transactionWithMetaJson } from '../transaction-json';
import type { RpcMethodTable } from './types';

/** `MAX_GET_CONFIRMED_BLOCKS_RANGE`: the widest `getBlocks` range and largest `getBlocksWithLimit` limit. */
const MAX_BLOCKS_RANGE = 500_000n;
/** `Hash::default()`. */
const DEFAULT_HASH = '11111111111111111111111111111111';

/** The index of the first block with a slot at or above `slot` (blocks are sorted by slot). */
function lowerBound(blocks: readonly BlockInfo[], slot: bigint): number {
    let lo = 0;
    let hi = blocks.length;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (blocks[mid]!.slot < slot) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

function blockIndex(ledger: Ledger, slot: bigint): number {
    const { blocks } = ledger;
    const i = lowerBound(blocks, slot);
    return blocks[i]?.slot === slot ? i : -1;
}

/**
 * The block of a slot at a commitment, or the error a node answers for it.
 *
 * @param ledger - the ledger
 * @param slot - the slot
 * @param commitment - `confirmed` or `finalized`
 * @returns the index of the block in `ledger.blocks`
 */
function resolveBlock(ledger: Ledger, slot: bigint, commitment: Commitment): number {
    const root = ledger.slot('finalized');
    const index = blockIndex(ledger, slot);
    if (slot <= root) {
        if (index >= 0) return index;
        const first = ledger.blocks[0]!.slot;
        if (slot > first) throw slotSkipped(slot);
        throw blockCleanedUp(slot, first);
    }
    if (commitment === 'confirmed' && slot <= ledger.slot('confirmed') && index >= 0) return index;
    throw blockNotAvailable(slot);
}

function atLeastConfirmed(config: Record<string, unknown>): Commitment {
    const commitment = parseCommitment(config, 'finalized');
    if (commitment === 'processed') throw invalidParams('Method does not support commitment below `confirmed`');
    return commitment;
}

/** The config of `getBlock` (an encoding string is the deprecated form). */
function blockConfig(params: Params): Record<string, unknown> {
    const second = params.optional(1);
    return typeof second === 'string' ? { encoding: second } : params.config(1);
}

/** `getBlocks`' second parameter is the end slot or the config. */
function endSlotAndConfig(params: Params): { end: bigint | undefined; config: Record<string, unknown> } {
    const second = params.optional(1);
    if (second !== undefined && typeof second === 'object' && !Array.isArray(second)) {
        params.atMost(2);
        return { end: undefined, config: params.config(1) };
    }
    return { end: second === undefined ? undefined : parseU64(second, 'endSlot'), config: params.config(2) };
}

/** The options of `getBlock`, read before anything else (a node rejects a bad config first). */
interface BlockOptions {
    readonly encoding: TransactionEncoding;
    readonly details: 'full' | 'accounts' | 'signatures' | 'none';
    readonly showRewards: boolean;
    readonly maxSupportedTransactionVersion: number | undefined;
    readonly commitment: Commitment;
}

function blockOptions(config: Record<string, unknown>): BlockOptions {
    const rawDetails = config['transactionDetails'];
    return {
        encoding: parseTransactionEncoding(config['encoding']),
        details: rawDetails === undefined || rawDetails === null ? 'full' : parseEnum(rawDetails, 'transactionDetails', ['full', 'accounts', 'signatures', 'none'] as const),
        showRewards: parseBool(config['rewards'], 'rewards', true),
        maxSupportedTransactionVersion: parseMaxSupportedTransactionVersion(config['maxSupportedTransactionVersion']),
        commitment: atLeastConfirmed(config),
    };
}

/** `UiConfirmedBlock`: no rewards (this cluster pays none), no `numRewardPartitions`. */
function encodeBlock(ctx: RpcContext, index: number, options: BlockOptions): Record<string, unknown> | null {
    const { ledger } = ctx;
    const block = ledger.blocks[index]!;
    let previousBlockhash: string;
    if (index > 0) previousBlockhash = ledger.blocks[index - 1]!.blockhash;
    // The genesis block has no parent entries: a node writes the default hash.
    else if (block.slot === ctx.genesisBlock.slot) previousBlockhash = DEFAULT_HASH;
    // A node cannot tell the previous blockhash once the parent is cleaned up: it answers null.
    else return null;
    const records = ledger.blockSignatures(block.slot).flatMap((signature) => {
        const record = ledger.getTransaction(signature, 'processed');
        return record ? [record] : [];
    });
    const result: Record<string, unknown> = {
        blockHeight: block.height,
        blockTime: block.blockTime,
        blockhash: block.blockhash,
        parentSlot: block.parent,
        previousBlockhash,
    };
    const { details } = options;
    if (details === 'full' || details === 'accounts') {
        result['transactions'] = records.map((record) => transactionWithMetaJson(record, { ...options, details }));
    } else if (details === 'signatures') {
        result['signatures'] = records.map((r) => r.signature);
    }
    if (options.showRewards) result['rewards'] = [];
    return result;
}

/** `getBlock`, `getBlockTime`, `getBlocks`, `getBlocksWithLimit`, `getFirstAvailableBlock`. */
export const blockMethods: RpcMethodTable = {
    getBlock(params, ctx) {
        params.atMost(2);
        const slot = parseU64(params.required(0, 1), 'slot');
        const options = blockOptions(blockConfig(params));
        return encodeBlock(ctx, resolveBlock(ctx.ledger, slot, options.commitment), options);
    },

    getBlockTime(params, ctx) {
        params.atMost(1);
        const slot = parseU64(params.required(0, 1), 'slot');
        const { ledger } = ctx;
        // A node answers slot 0 with the genesis creation time.
        if (slot === 0n) return ctx.genesisBlock.blockTime;
        if (slot <= ledger.slot('finalized')) return ledger.blocks[resolveBlock(ledger, slot, 'finalized')]!.blockTime;
        // Above the root a node answers from any bank it has, confirmed or not.
        const index = blockIndex(ledger, slot);
        if (index < 0) throw blockNotAvailable(slot);
        return ledger.blocks[index]!.blockTime;
    },

    getBlocks(params, ctx) {
        params.atMost(3);
        const start = parseU64(params.required(0, 1), 'startSlot');
        const { end: requestedEnd, config } = endSlotAndConfig(params);
        atLeastConfirmed(config);
        const { slot: highest } = readAt(ctx, config);
        const wanted = requestedEnd ?? start + MAX_BLOCKS_RANGE;
        const end = wanted < highest ? wanted : highest;
        if (end < start) return [];
        if (end - start > MAX_BLOCKS_RANGE) throw invalidParams(`Slot range too large; max ${MAX_BLOCKS_RANGE}`);
        const { blocks } = ctx.ledger;
        const out: bigint[] = [];
        for (let i = lowerBound(blocks, start); i < blocks.length && blocks[i]!.slot <= end; i++) out.push(blocks[i]!.slot);
        return out;
    },

    getBlocksWithLimit(params, ctx) {
        params.atMost(3);
        const start = parseU64(params.required(0, 2), 'startSlot');
        const limit = parseU64(params.required(1, 2), 'limit');
        const config = params.config(2);
        atLeastConfirmed(config);
        if (limit > MAX_BLOCKS_RANGE) throw invalidParams(`Limit too large; max ${MAX_BLOCKS_RANGE}`);
        const { slot: highest } = readAt(ctx, config);
        const { blocks } = ctx.ledger;
        const out: bigint[] = [];
        for (let i = lowerBound(blocks, start); i < blocks.length && BigInt(out.length) < limit && blocks[i]!.slot <= highest; i++) out.push(blocks[i]!.slot);
        return out;
    },

    getFirstAvailableBlock(params, ctx) {
        params.atMost(0);
        return ctx.ledger.blocks[0]!.slot;
    },
};
