/**
 * Reading one transaction's complete logs with `getTransaction`: what the backfill records, what
 * the live subscription falls back to when a notification's logs are truncated, and what the
 * redrive of a truncated-logs dead letter reads again.
 *
 * @packageDocumentation
 */
import type { GetTransactionApi, Rpc, Signature } from '@solana/kit';

import { transactionUnavailable } from '../../core/errors';
import type { ObservedTransaction } from './types';

/**
 * Fetches a transaction (at `confirmed`) as an {@link ObservedTransaction}.
 *
 * @param rpc - the RPC client
 * @param signature - the transaction
 * @param signal - aborts the request
 * @returns the transaction, or null when the node does not have it (yet)
 * @throws a RaffleError (TRANSACTION_UNAVAILABLE) when the node returns it without log messages
 * @example
 * ```ts
 * const tx = await fetchObservedTransaction(rpc, signature);
 * if (tx !== null) await sink.record([tx]);
 * ```
 */
export async function fetchObservedTransaction(rpc: Rpc<GetTransactionApi>, signature: string, signal?: AbortSignal): Promise<ObservedTransaction | null> {
    const tx = await rpc
        .getTransaction(signature as Signature, { commitment: 'confirmed', encoding: 'base64', maxSupportedTransactionVersion: 0 })
        .send(signal ? { abortSignal: signal } : undefined);
    if (tx === null) return null;
    const logs = tx.meta?.logMessages;
    if (!Array.isArray(logs)) throw transactionUnavailable(signature, 'the node returned no log messages');
    return { signature, slot: BigInt(tx.slot), logs, err: tx.meta?.err ?? null };
}
