/**
 * Sending a crank as an effect: the intent goes to the effect ledger and the audit log under a
 * key derived from chain state; the signature is recorded before the transaction leaves; a
 * crash is resolved from the chain; a failure is checked against the chain (maybe someone
 * else already did it) before it counts as one.
 *
 * @packageDocumentation
 */
import type { RaffleTransactionMessage } from '@raffle/client';
import { type Address, isSolanaError, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE } from '@solana/kit';

import { runEffect } from '../runtime/effect';
import { errorText } from '../core/errors';
import type { JsonValue } from '../store/types';
import type { AutomationContext } from './context';
import { guardCrankSpend } from './spend/hooks';
import { isSpendHeldError } from './spend/types';

/** A key whose effect failed on chain is tried again as `key#1`, `key#2`, ... (on later calls), at most this many times. */
const MAX_KEY_GENERATIONS = 20;
/** How many generations rejected in preflight (never on chain) a key may go through. */
const MAX_PREFLIGHT_GENERATIONS = 1_000;
/** The error text of an effect the node rejected in preflight. @internal */
export const PREFLIGHT_PREFIX = 'rejected in preflight: ';

/**
 * One crank to send.
 *
 * @internal
 */
export interface Crank {
    /** The action's name (`request-draw`, `refund`, ...). */
    readonly action: string;
    /** The raffle it is for. */
    readonly raffle: Address;
    /** The idempotency key, derived from chain state. */
    readonly key: string;
    /** What is intended (recorded in the ledger and the audit log; no secrets). */
    readonly intent: JsonValue;
    /** Builds the transaction (called again for every signed version). */
    build(): Promise<RaffleTransactionMessage>;
    /** Whether the chain already shows the crank's outcome (checked after a failure). */
    isDone?(): Promise<boolean>;
}

/**
 * What a crank came to.
 *
 * @internal
 */
export interface CrankResult {
    readonly key: string;
    readonly signature: string | null;
    /** True when this call sent nothing: done before, or held by the spend guard (`held`). */
    readonly alreadyDone: boolean;
    /** Held by the spend guard: nothing sent, the effect waits under the same key (a step that cannot proceed yet). */
    readonly held?: boolean;
}

/** Whether the node rejected the transaction in preflight (it was never forwarded, so it cannot land). */
export function isPreflightRejection(e: unknown, depth = 0): boolean {
    if (depth > 8 || typeof e !== 'object' || e === null) return false;
    if (isSolanaError(e, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE)) return true;
    return isPreflightRejection((e as { cause?: unknown }).cause, depth + 1);
}

/**
 * Appends an audit entry; a failing audit write never fails the effect it describes.
 *
 * @internal
 */
export async function audit(ctx: AutomationContext, action: string, subject: string, data: JsonValue): Promise<void> {
    try {
        await ctx.store.appendAudit({ actor: ctx.actor, action, subject, data });
    } catch {
        // the effect ledger holds the truth; the audit log is for people
    }
}

/**
 * Sends `crank` once per key: records the intent, signs, records the signature, sends, waits
 * for `confirmed`, records the result. A preflight rejection is recorded as failed at once (the
 * transaction never left the node); a transaction that failed on chain is failed by the ledger
 * when it resolves it. After a failure the chain is asked whether the crank's outcome is there
 * anyway (someone else cranked); otherwise the error is thrown, and the next call (a job retry,
 * a timer, the next sweep) uses the next key generation. A crank the spend guard holds sends
 * nothing and returns `held` (the same key next time: a hold burns no generation).
 *
 * @internal
 */
export async function runCrank(ctx: AutomationContext, crank: Crank): Promise<CrankResult> {
    let key = crank.key;
    let existing = await ctx.store.getEffect(key);
    // Failed generations: those that landed count against the limit; a preflight rejection costs
    // nothing on chain (a deadline the bank has not reached yet) and only against a far bound.
    let landedFailures = 0;
    for (let generation = 1; existing?.status === 'failed'; generation++) {
        if (!existing.error?.startsWith(PREFLIGHT_PREFIX)) landedFailures++;
        if (landedFailures >= MAX_KEY_GENERATIONS || generation >= MAX_PREFLIGHT_GENERATIONS) {
            throw new Error(`crank ${crank.key} failed ${generation} times: ${existing.error ?? 'see the audit log'}`);
        }
        key = `${crank.key}#${generation}`;
        existing = await ctx.store.getEffect(key);
    }
    if (existing === null) await audit(ctx, 'effect:intent', key, { action: crank.action, raffle: crank.raffle, intent: crank.intent });
    try {
        const result = await runEffect(
            { rpc: ctx.rpc, store: ctx.store },
            {
                key,
                intent: crank.intent,
                signal: ctx.signal,
                run: async ({ recordSent, signal }) => {
                    // The spend guard, before anything is signed: a hold throws here, the effect
                    // stays pending under this key (not failed) and the step is retried later.
                    const spend = await guardCrankSpend(ctx, { key, action: crank.action, raffle: crank.raffle, build: () => crank.build() });
                    try {
                        const { signature } = await ctx.sendAndConfirm(spend.source, {
                            feePayer: ctx.cranker,
                            commitment: 'confirmed',
                            programAddress: ctx.programAddress,
                            abortSignal: signal,
                            onSigned: async ({ signature, lastValidBlockHeight }) => {
                                await recordSent(signature, lastValidBlockHeight);
                                spend.tracker.signed();
                            },
                        });
                        await spend.tracker.sent(signature);
                    } catch (e) {
                        await spend.tracker.failed(isPreflightRejection(e));
                        // Never forwarded by the node: it cannot land, so the next try may send again.
                        if (isPreflightRejection(e)) await ctx.store.markEffectFailed({ key, error: `${PREFLIGHT_PREFIX}${errorText(e)}` });
                        throw e;
                    }
                },
            },
        );
        await audit(ctx, result.alreadyDone ? 'effect:already-done' : 'effect:confirmed', key, { action: crank.action, raffle: crank.raffle, signature: result.signature });
        ctx.events.emit('automation:done', { action: crank.action, raffle: crank.raffle, key, signature: result.signature, alreadyDone: result.alreadyDone });
        return { key, signature: result.signature, alreadyDone: result.alreadyDone };
    } catch (e) {
        // A hold is in the audit log once (spend:held), not as an error on every retry.
        const held = isSpendHeldError(e);
        if (!held) await audit(ctx, 'effect:error', key, { action: crank.action, raffle: crank.raffle, error: errorText(e) });
        if (crank.isDone && (await crank.isDone().catch(() => false))) {
            ctx.events.emit('automation:done', { action: crank.action, raffle: crank.raffle, key, signature: null, alreadyDone: true });
            return { key, signature: null, alreadyDone: true };
        }
        if (held) return { key, signature: null, alreadyDone: true, held: true };
        throw e;
    }
}
