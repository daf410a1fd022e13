/**
 * Cluster methods: health, version, genesis hash, slots, block height, epoch, blockhashes, fees
 * and rent.
 */
import { parseWireTransaction } from '../../svm/wire';
import { LOCALNET_FEATURE_SET, LOCALNET_SOLANA_CORE_VERSION, readAt, withContext } from '../context';
import { RPC_ERROR_CODES, RpcError, invalidParams } from '../errors';
import { parseU64 } from '../params';
import type { RpcMethodTable } from './types';

const MAX_ACCOUNT_DATA = 10n * 1024n * 1024n;

/** `getHealth`, `getVersion`, `getGenesisHash`, `getIdentity`, slots, epoch, blockhash, fee and rent methods. */
export const clusterMethods: RpcMethodTable = {
    getHealth(params, ctx) {
        params.atMost(0);
        if (ctx.isUnhealthy()) throw new RpcError(RPC_ERROR_CODES.NODE_UNHEALTHY, 'Node is unhealthy', { numSlotsBehind: null });
        return 'ok';
    },
    getVersion(params) {
        params.atMost(0);
        return { 'feature-set': LOCALNET_FEATURE_SET, 'solana-core': LOCALNET_SOLANA_CORE_VERSION };
    },
    getGenesisHash(params, ctx) {
        params.atMost(0);
        return ctx.genesisHash;
    },
    getIdentity(params, ctx) {
        params.atMost(0);
        return { identity: ctx.identity };
    },
    getSlot(params, ctx) {
        params.atMost(1);
        return readAt(ctx, params.config(0)).slot;
    },
    getBlockHeight(params, ctx) {
        params.atMost(1);
        const { commitment } = readAt(ctx, params.config(0));
        return ctx.ledger.block(commitment).height;
    },
    getTransactionCount(params, ctx) {
        params.atMost(1);
        readAt(ctx, params.config(0));
        return ctx.ledger.transactionCount;
    },
    getEpochInfo(params, ctx) {
        params.atMost(1);
        const { commitment } = readAt(ctx, params.config(0));
        const block = ctx.ledger.block(commitment);
        const { slotsPerEpoch } = ctx.ledger.epochSchedule;
        return {
            absoluteSlot: block.slot,
            blockHeight: block.height,
            epoch: block.slot / slotsPerEpoch,
            slotIndex: block.slot % slotsPerEpoch,
            slotsInEpoch: slotsPerEpoch,
            transactionCount: ctx.ledger.transactionCount,
        };
    },
    getEpochSchedule(params, ctx) {
        params.atMost(0);
        const { slotsPerEpoch } = ctx.ledger.epochSchedule;
        return { firstNormalEpoch: 0, firstNormalSlot: 0, leaderScheduleSlotOffset: slotsPerEpoch, slotsPerEpoch, warmup: false };
    },
    getLatestBlockhash(params, ctx) {
        params.atMost(1);
        const { commitment, slot } = readAt(ctx, params.config(0));
        return withContext(slot, ctx.ledger.latestBlockhash(commitment));
    },
    isBlockhashValid(params, ctx) {
        params.atMost(2);
        const blockhash = params.required(0, 2);
        if (typeof blockhash !== 'string' || blockhash.length > 44) throw invalidParams('Invalid params: `blockhash` must be a base58 string.');
        const { slot } = readAt(ctx, params.config(1));
        return withContext(slot, ctx.ledger.isBlockhashValid(blockhash));
    },
    getFeeForMessage(params, ctx) {
        params.atMost(2);
        const message = params.required(0, 2);
        const { slot } = readAt(ctx, params.config(1));
        if (typeof message !== 'string' || message.length > 1644 || !/^[A-Za-z0-9+/]*={0,2}$/.test(message)) {
            throw invalidParams('Invalid params: the message must be base64 (max 1232 bytes).');
        }
        const bytes = new Uint8Array(Buffer.from(message, 'base64'));
        const first = bytes[0] ?? 0;
        const signers = first & 0x80 ? (bytes[1] ?? 0) : first;
        // A transaction with zeroed signatures around the message, so the one parser applies.
        const wire = new Uint8Array(1 + 64 * signers + bytes.length);
        wire[0] = signers;
        wire.set(bytes, 1 + 64 * signers);
        let parsed;
        try {
            if (signers > 127) throw new Error('too many signers');
            parsed = parseWireTransaction(wire);
        } catch {
            throw invalidParams('Invalid params: failed to deserialize the message.');
        }
        const fee = ctx.ledger.isBlockhashValid(parsed.recentBlockhash) ? ctx.ledger.computeFee(parsed) : null;
        return withContext(slot, fee);
    },
    getMinimumBalanceForRentExemption(params, ctx) {
        params.atMost(2);
        const length = parseU64(params.required(0, 2), 'dataLength', MAX_ACCOUNT_DATA);
        readAt(ctx, params.config(1));
        return ctx.ledger.svm.minimumBalanceForRentExemption(length);
    },
    getRecentPrioritizationFees(params) {
        params.atMost(1);
        return [];
    },
};
