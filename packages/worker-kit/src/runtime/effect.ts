/**
 * Effects: things a handler does to the world (a transaction, a mint, a notification), recorded
 * in the store's effect ledger under a deterministic idempotency key so that each happens once.
 * After a crash between "sent" and "confirmed" the effect is resolved by asking the chain for the
 * recorded signature, never by sending again blindly: a landed transaction is confirmed, a failed
 * one is failed, an expired blockhash (block height past `lastValidBlockHeight`) means it can be
 * sent again, anything else is in doubt and retried later.
 *
 * @packageDocumentation
 */
import type { GetBlockHeightApi, GetSignatureStatusesApi, Rpc, Signature } from '@solana/kit';

import type { EffectLedger, EffectRecord, JsonValue } from '../store/types';
import { effectFailedOnChain, effectInDoubt, errorText, isUnrecoverableError, UnrecoverableError } from '../core/errors';

/**
 * What an effect's `run` receives.
 *
 * @example
 * ```ts
 * const run = async ({ recordSent }: EffectRunContext) => {
 *     const signed = await signTransactionMessageWithSigners(message);
 *     await recordSent(getSignatureFromTransaction(signed), message.lifetimeConstraint.lastValidBlockHeight);
 *     await sendAndConfirm(signed);
 * };
 * ```
 */
export interface EffectRunContext {
    /**
     * Records the signature of a transaction about to be sent, and its last valid block height.
     * Call it after signing and before sending: a crash after it is resolved from the chain.
     */
    recordSent(signature: string, lastValidBlockHeight: bigint): Promise<void>;
    /** Aborted on shutdown. */
    readonly signal: AbortSignal;
    /** How many transactions were already sent for this effect (0 on the first run). */
    readonly previousSends: number;
}

/**
 * Result of an effect.
 *
 * @example
 * ```ts
 * const { alreadyDone, signature }: EffectResult = await effect(key, intent, run);
 * ```
 */
export interface EffectResult {
    /** The idempotency key. */
    readonly key: string;
    /** True when the effect had already happened (this call did nothing). */
    readonly alreadyDone: boolean;
    /** The signature that landed, when the effect was a transaction. */
    readonly signature: string | null;
}

/**
 * Runs an effect at most once per key: `effect(key, intent, run)`. Throws to retry the handler;
 * an effect that failed on chain throws an `UnrecoverableError`.
 *
 * @example
 * ```ts
 * const { alreadyDone } = await effect(`notify:${winner}`, { winner }, () => mailer.send(winner));
 * ```
 */
export type EffectFunction = (key: string, intent: JsonValue, run: (context: EffectRunContext) => Promise<unknown>) => Promise<EffectResult>;

/**
 * The context effects need.
 *
 * @example
 * ```ts
 * const deps: EffectDependencies = { rpc, store };
 * ```
 */
export interface EffectDependencies {
    /** The RPC to check signatures and block height. */
    readonly rpc: Rpc<GetSignatureStatusesApi & GetBlockHeightApi>;
    /** The store (effect ledger). */
    readonly store: Pick<EffectLedger, 'beginEffect' | 'markEffectSent' | 'markEffectConfirmed' | 'markEffectFailed' | 'getEffect'>;
    /** Called when a stored effect was resolved from the chain. */
    readonly onResolved?: (info: { key: string; status: 'confirmed' | 'failed' | 'expired'; signature: string | null }) => void;
}

/**
 * What the chain says about a sent effect.
 *
 * @example
 * ```ts
 * const r: SentEffectResolution = await resolveSentEffect({ rpc, store }, effect);
 * ```
 */
export type SentEffectResolution = 'confirmed' | 'failed' | 'expired' | 'in-doubt';

/**
 * Asks the chain what became of an effect's last transaction and records the answer.
 *
 * @param deps - rpc and store
 * @param effect - an effect in state `sent`
 * @returns `confirmed`, `failed` (both recorded), `expired` (never landed and cannot land: send again) or `in-doubt`
 * @example
 * ```ts
 * for (const e of await store.listEffects({ statuses: ['sent'] })) await resolveSentEffect({ rpc, store }, e);
 * ```
 */
export async function resolveSentEffect(deps: EffectDependencies, effect: EffectRecord): Promise<SentEffectResolution> {
    if (effect.status !== 'sent' || effect.signature === null) return 'in-doubt';
    // The block height first, then the status: a transaction still in flight can only land in a
    // block at or below its last valid height, so when the chain was past that height before we
    // asked for the status, "not found" means "never". In the other order it could land between
    // the two calls, be taken for expired and be sent a second time.
    const height = effect.lastValidBlockHeight === null ? null : BigInt(await deps.rpc.getBlockHeight({ commitment: 'confirmed' }).send());
    const { value } = await deps.rpc.getSignatureStatuses([effect.signature as Signature], { searchTransactionHistory: true }).send();
    const status = value[0] ?? null;
    if (status !== null) {
        if (status.err !== null) {
            await deps.store.markEffectFailed({ key: effect.key, error: `transaction ${effect.signature} failed: ${JSON.stringify(status.err, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}` });
            deps.onResolved?.({ key: effect.key, status: 'failed', signature: effect.signature });
            return 'failed';
        }
        if (status.confirmationStatus === 'confirmed' || status.confirmationStatus === 'finalized') {
            await deps.store.markEffectConfirmed({ key: effect.key, signature: effect.signature });
            deps.onResolved?.({ key: effect.key, status: 'confirmed', signature: effect.signature });
            return 'confirmed';
        }
        return 'in-doubt';
    }
    if (height !== null && effect.lastValidBlockHeight !== null && height > effect.lastValidBlockHeight) {
        deps.onResolved?.({ key: effect.key, status: 'expired', signature: effect.signature });
        return 'expired';
    }
    return 'in-doubt';
}

/**
 * Runs one effect: records the intent, skips it when it already happened, resolves an
 * interrupted one from the chain, otherwise runs it and records the outcome.
 *
 * @param deps - rpc and store
 * @param input - key, intent, run and abort signal
 * @returns what happened
 * @throws the error of `run` (the handler retries), an in-doubt error (retry later) or an `UnrecoverableError`
 * @example
 * ```ts
 * await runEffect({ rpc, store }, { key: `draw:${raffle}`, intent: { raffle }, run: ctx => requestDraw(raffle, ctx), signal });
 * ```
 */
export async function runEffect(
    deps: EffectDependencies,
    input: { key: string; intent: JsonValue; run: (context: EffectRunContext) => Promise<unknown>; signal: AbortSignal },
): Promise<EffectResult> {
    const { effect } = await deps.store.beginEffect({ key: input.key, intent: input.intent });
    if (effect.status === 'confirmed') return { key: input.key, alreadyDone: true, signature: effect.signature };
    if (effect.status === 'failed') throw new UnrecoverableError(`effect "${input.key}" failed earlier: ${effect.error ?? 'unknown'}`);
    if (effect.status === 'sent') {
        const resolution = await resolveSentEffect(deps, effect);
        if (resolution === 'confirmed') return { key: input.key, alreadyDone: true, signature: effect.signature };
        if (resolution === 'failed') throw new UnrecoverableError(effectFailedOnChain(input.key, effect.signature ?? '?', 'see the effect ledger').message);
        if (resolution === 'in-doubt') throw effectInDoubt(input.key, effect.signature ?? '?');
        // expired: it never landed and cannot land; sending again is safe.
    }
    let sentSignature: string | null = null;
    // Compare-and-set on the send count: if another runner of this job (its lease expired while
    // it was still alive) recorded a send since we read the effect, recordSent throws and this
    // runner never sends; the next attempt resolves the other runner's transaction from the chain.
    let sends = effect.sendCount;
    try {
        await input.run({
            recordSent: async (signature, lastValidBlockHeight) => {
                await deps.store.markEffectSent({ key: input.key, signature, lastValidBlockHeight, expectedSendCount: sends });
                sends++;
                sentSignature = signature;
            },
            signal: input.signal,
            previousSends: effect.sendCount,
        });
    } catch (e) {
        // Nothing sent and nothing will help: record the failure. Sent: the chain decides later.
        if (sentSignature === null && isUnrecoverableError(e)) await deps.store.markEffectFailed({ key: input.key, error: errorText(e) });
        throw e;
    }
    const confirmed = await deps.store.markEffectConfirmed({ key: input.key, ...(sentSignature === null ? {} : { signature: sentSignature }) });
    return { key: input.key, alreadyDone: false, signature: confirmed.signature };
}
