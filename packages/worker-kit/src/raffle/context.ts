/**
 * What the raffle automations share: the RPC methods they call, the store, the signer that
 * cranks, the sender, the audit trail and the results they report.
 *
 * @packageDocumentation
 */
import type { SendAndConfirmRaffleTransactionFunction } from '@raffle/client';
import type {
    Address,
    GetAccountInfoApi,
    GetBlockHeightApi,
    GetEpochInfoApi,
    GetLatestBlockhashApi,
    GetMultipleAccountsApi,
    GetProgramAccountsApi,
    GetSignaturesForAddressApi,
    GetSignatureStatusesApi,
    GetTransactionApi,
    Rpc,
    SendTransactionApi,
    TransactionSigner,
} from '@solana/kit';
import type { EventEmitter } from 'eventemitter3';

import type { JsonValue, WorkerStore } from '../store/types';
import type { SpendGuard, SpendHold } from './spend/types';

/**
 * The JSON-RPC methods the automations use (`createSolanaRpc(url)` has them all).
 *
 * @example
 * ```ts
 * const rpc: AutomationRpc = createSolanaRpc('http://127.0.0.1:8899');
 * ```
 */
export type AutomationRpc = Rpc<
    GetAccountInfoApi &
        GetMultipleAccountsApi &
        GetProgramAccountsApi &
        GetSignaturesForAddressApi &
        GetTransactionApi &
        GetSignatureStatusesApi &
        GetBlockHeightApi &
        GetLatestBlockhashApi &
        GetEpochInfoApi &
        SendTransactionApi
>;

/**
 * What the automations did, one payload per event (for logs, metrics, an event stream).
 *
 * @example
 * ```ts
 * automations.events.on('automation:done', ({ action, raffle, signature }) => log.info({ action, raffle, signature }));
 * ```
 */
export interface RaffleAutomationEvents {
    /** An effect was confirmed (or found already done on chain). */
    'automation:done': {
        readonly action: string;
        readonly raffle: Address;
        readonly key: string;
        readonly signature: string | null;
        readonly alreadyDone: boolean;
        readonly details?: JsonValue;
    };
    /** A step failed; it is retried (by its job, its timer or the next reconciliation). */
    'automation:failed': { readonly action: string; readonly raffle: Address | null; readonly error: Error; readonly willRetry: boolean };
    /** A reconciliation pass ended. */
    'reconcile:done': { readonly raffles: number; readonly repaired: readonly { readonly raffle: Address; readonly actions: readonly string[] }[]; readonly ms: number };
    /** The spend guard held an effect (once per hold): nothing was sent; it waits for room in the window or a release. */
    'spend:held': { readonly hold: SpendHold };
    /** An operator released a hold: the effect goes through once (retried at once). */
    'spend:released': { readonly hold: SpendHold };
}

/**
 * The typed eventemitter3 instance of the automations.
 *
 * @example
 * ```ts
 * const events: RaffleAutomationEmitter = automations.events;
 * ```
 */
export type RaffleAutomationEmitter = EventEmitter<{ [K in keyof RaffleAutomationEvents]: (payload: RaffleAutomationEvents[K]) => void }>;

/** @internal The dependencies every automation step receives. */
export interface AutomationContext {
    readonly rpc: AutomationRpc;
    readonly store: WorkerStore;
    readonly programAddress: Address;
    readonly cranker: TransactionSigner;
    readonly sendAndConfirm: SendAndConfirmRaffleTransactionFunction;
    readonly events: RaffleAutomationEmitter;
    /** The audit actor (the worker's owner id). */
    readonly actor: string;
    /** Aborted when the automations stop. */
    readonly signal: AbortSignal;
    /** Checks every transaction before it is sent (null: no limits). */
    readonly spend: SpendGuard | null;
}
