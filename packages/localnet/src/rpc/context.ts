/**
 * What RPC methods may use: the ledger, the identity of the node and a few services the server
 * provides (faucet, control).
 */
import type { Address } from '@solana/kit';

import type { BlockInfo, Commitment, Ledger, SendOutcome } from '../svm/ledger';
import { minContextSlotNotReached } from './errors';
import { parseCommitment, parseMinContextSlot } from './params';

/**
 * The version this cluster reports (`getVersion`, `context.apiVersion`).
 *
 * @example
 * ```ts
 * const { value, context } = await rpc.getBalance(address).send();
 * context.apiVersion === LOCALNET_SOLANA_CORE_VERSION; // true
 * ```
 */
export const LOCALNET_SOLANA_CORE_VERSION = '2.3.13';
/**
 * The feature-set id this cluster reports in `getVersion`.
 *
 * @example
 * ```ts
 * (await rpc.getVersion().send())['feature-set'] === LOCALNET_FEATURE_SET; // true
 * ```
 */
export const LOCALNET_FEATURE_SET = 3_294_202_862;

/** Services available to RPC methods. */
export interface RpcContext {
    readonly ledger: Ledger;
    readonly genesisHash: string;
    readonly identity: Address;
    /** The first block of the cluster (kept here: the ledger drops old blocks). */
    readonly genesisBlock: BlockInfo;
    /** Sends lamports from the faucet in a real transaction. */
    requestAirdrop(to: Address, lamports: bigint): Promise<SendOutcome>;
    /** Whether the node reports itself unhealthy (fault injection). */
    isUnhealthy(): boolean;
}

/** The `context` wrapper of responses. */
export interface ResponseContext {
    readonly apiVersion: string;
    readonly slot: bigint;
}

/**
 * Resolves the commitment and checks `minContextSlot` of a config.
 *
 * @param ctx - the RPC context
 * @param config - the method config
 * @param fallback - default commitment
 * @returns the commitment and the slot it reads at
 */
export function readAt(ctx: RpcContext, config: Record<string, unknown>, fallback: Commitment = 'finalized'): { commitment: Commitment; slot: bigint } {
    const commitment = parseCommitment(config, fallback);
    const slot = ctx.ledger.slot(commitment);
    const min = parseMinContextSlot(config);
    if (min !== undefined && slot < min) throw minContextSlotNotReached(slot);
    return { commitment, slot };
}

/**
 * Wraps a value in `{ context: { apiVersion, slot }, value }`.
 *
 * @param slot - the slot the value was read at
 * @param value - the value
 * @returns the wrapped response
 */
export function withContext<T>(slot: bigint, value: T): { context: ResponseContext; value: T } {
    return { context: { apiVersion: LOCALNET_SOLANA_CORE_VERSION, slot }, value };
}
