/**
 * Sending refund-ticket chunks several to a transaction. Each chunk stays its own effect
 * (`mrft:<entry>:<from>-<to>`) in the ledger; a transaction carrying several chunks records its
 * signature on every one of them before it is sent (compare-and-set on each chunk's send
 * count), so a crash is resolved chunk by chunk from the chain exactly as for a single effect.
 * Every chunk keeps its own issuance memo, so the proof from history is per chunk too.
 *
 * @packageDocumentation
 */
import {
    type Address,
    appendTransactionMessageInstructions,
    createTransactionMessage,
    getTransactionMessageSize,
    getTransactionMessageSizeLimit,
    type Instruction,
    setTransactionMessageFeePayer,
} from '@solana/kit';

import { resolveSentEffect } from '../runtime/effect';
import { errorText } from '../runtime/errors';
import type { EffectRecord, JsonValue } from '../store/types';
import type { AutomationContext } from './context';
import type { MrftIssuer, RefundTicketClaim, TicketSlotRange } from './issuers/types';
import { runLimited } from './locks';
import { audit, isPreflightRejection } from './send';

/** A key whose chunk failed on chain is tried again as `key#1`, ... (on later passes), at most this many times. */
const MAX_KEY_GENERATIONS = 20;

/**
 * One chunk of one claim to issue.
 *
 * @internal
 */
export interface IssueItem {
    readonly claim: RefundTicketClaim;
    readonly chunk: TicketSlotRange;
    /** `mrft:<entry>:<from>-<to>` (the first generation). */
    readonly key: string;
}

/** The ledger key of a chunk now (the first generation that has not failed), or null when it is confirmed. */
async function currentKey(ctx: AutomationContext, baseKey: string): Promise<{ key: string; effect: EffectRecord | null } | null> {
    for (let generation = 0; generation < MAX_KEY_GENERATIONS; generation++) {
        const key = generation === 0 ? baseKey : `${baseKey}#${generation}`;
        const effect = await ctx.store.getEffect(key);
        if (effect?.status === 'confirmed') return null;
        if (effect?.status !== 'failed') return { key, effect };
    }
    throw new Error(`issuance ${baseKey} failed ${MAX_KEY_GENERATIONS} times; see the audit log`);
}

function sameInstruction(a: Instruction, b: Instruction): boolean {
    if (a.programAddress !== b.programAddress) return false;
    const da = a.data ?? new Uint8Array();
    const db = b.data ?? new Uint8Array();
    if (da.length !== db.length || da.some((x, i) => x !== db[i])) return false;
    const aa = a.accounts ?? [];
    const ab = b.accounts ?? [];
    return aa.length === ab.length && aa.every((m, i) => m.address === ab[i]!.address && m.role === ab[i]!.role);
}

/** The instructions of several chunks, without repeating an identical one (an account created idempotently twice). */
function mergeInstructions(lists: readonly (readonly Instruction[])[]): Instruction[] {
    const out: Instruction[] = [];
    for (const list of lists) for (const ix of list) if (!out.some(o => sameInstruction(o, ix))) out.push(ix);
    return out;
}

/**
 * Issues `items`: packs them into transactions (at most `issuer.chunksPerTransaction` chunks
 * and the size limit each), sends `concurrency` at once.
 *
 * @returns the chunks this call issued (confirmed now), and the error of the first batch that failed
 * @internal
 */
export async function issueInBatches(
    ctx: AutomationContext,
    issuer: MrftIssuer,
    items: readonly IssueItem[],
    concurrency: number,
): Promise<{ issued: IssueItem[]; error: unknown }> {
    const built = new Map<IssueItem, readonly Instruction[]>();
    for (const item of items) built.set(item, (await issuer.buildIssue(item.claim, item.chunk, { payer: ctx.cranker })).instructions);
    const perTransaction = Math.max(1, issuer.chunksPerTransaction ?? 1);
    const batches: IssueItem[][] = [];
    let current: IssueItem[] = [];
    const fits = (batch: readonly IssueItem[]) => {
        const message = setTransactionMessageFeePayer(
            ctx.cranker.address,
            appendTransactionMessageInstructions(mergeInstructions(batch.map(i => built.get(i)!)), createTransactionMessage({ version: 0 })),
        );
        return getTransactionMessageSize(message) <= getTransactionMessageSizeLimit(message);
    };
    for (const item of items) {
        const candidate = [...current, item];
        if (candidate.length <= perTransaction && (candidate.length === 1 || fits(candidate))) current = candidate;
        else {
            batches.push(current);
            current = [item];
        }
    }
    if (current.length > 0) batches.push(current);

    const issued: IssueItem[] = [];
    let error: unknown = null;
    await runLimited(batches, concurrency, async batch => {
        try {
            issued.push(...(await sendBatch(ctx, issuer, batch, built)));
        } catch (e) {
            error ??= e;
        }
    });
    return { issued, error };
}

/** Resolves, records and sends one batch; returns the chunks it confirmed. */
async function sendBatch(ctx: AutomationContext, issuer: MrftIssuer, batch: readonly IssueItem[], built: ReadonlyMap<IssueItem, readonly Instruction[]>): Promise<IssueItem[]> {
    // Each chunk as the ledger has it: confirmed or in doubt -> not in this transaction.
    const live: { item: IssueItem; key: string; sends: number }[] = [];
    let inDoubt = 0;
    for (const item of batch) {
        const current = await currentKey(ctx, item.key);
        if (current === null) continue;
        const intent: JsonValue = { issuer: issuer.name, raffle: item.claim.raffle, entry: item.claim.entry, buyer: item.claim.buyer, from: item.chunk.from, to: item.chunk.to };
        let effect = current.effect;
        if (effect === null) {
            effect = (await ctx.store.beginEffect({ key: current.key, intent })).effect;
            await audit(ctx, 'effect:intent', current.key, { action: 'issue-tickets', raffle: item.claim.raffle, intent });
        }
        if (effect.status === 'confirmed') continue;
        if (effect.status === 'sent') {
            const resolution = await resolveSentEffect({ rpc: ctx.rpc, store: ctx.store }, effect);
            if (resolution === 'confirmed') {
                done(ctx, item, current.key, effect.signature, true);
                continue;
            }
            if (resolution !== 'expired') {
                inDoubt++;
                continue;
            }
        }
        if (effect.status === 'failed') continue;
        live.push({ item, key: current.key, sends: effect.sendCount });
    }
    if (live.length === 0) {
        if (inDoubt > 0) throw new Error(`${inDoubt} issuance(s) in doubt; retried once their transactions can be resolved`);
        return [];
    }
    for (const { item } of live) await issuer.checkCapacity?.(item.chunk.to - item.chunk.from);
    const instructions = mergeInstructions(live.map(l => built.get(l.item)!));
    let signature: string | null = null;
    try {
        const result = await ctx.sendAndConfirm(appendTransactionMessageInstructions(instructions, createTransactionMessage({ version: 0 })), {
            feePayer: ctx.cranker,
            commitment: 'confirmed',
            programAddress: ctx.programAddress,
            abortSignal: ctx.signal,
            onSigned: async ({ signature: signed, lastValidBlockHeight }) => {
                // Recorded on every chunk before it leaves: a conflict (another runner sends one of
                // them) throws here and nothing is sent.
                for (const l of live) {
                    await ctx.store.markEffectSent({ key: l.key, signature: signed, lastValidBlockHeight, expectedSendCount: l.sends });
                    l.sends++;
                }
                signature = signed;
            },
        });
        signature = result.signature;
    } catch (e) {
        if (signature !== null && isPreflightRejection(e)) {
            // Never forwarded by the node: it cannot land; the next pass issues these chunks again.
            for (const l of live) await ctx.store.markEffectFailed({ key: l.key, error: `rejected in preflight: ${errorText(e)}` });
        }
        for (const l of live) await audit(ctx, 'effect:error', l.key, { action: 'issue-tickets', raffle: l.item.claim.raffle, error: errorText(e) });
        throw e;
    }
    for (const l of live) {
        await ctx.store.markEffectConfirmed({ key: l.key, signature: signature! });
        await audit(ctx, 'effect:confirmed', l.key, { action: 'issue-tickets', raffle: l.item.claim.raffle, signature, chunks: live.length });
        done(ctx, l.item, l.key, signature, false);
    }
    if (issuer.describeIssued) {
        for (const l of live) {
            const details = await issuer.describeIssued(l.item.claim, l.item.chunk, signature!).catch(() => null);
            if (details !== null) await audit(ctx, 'mrft:issued', l.key, { entry: l.item.claim.entry, signature, details });
        }
    }
    if (inDoubt > 0) throw new Error(`${inDoubt} issuance(s) in doubt; retried once their transactions can be resolved`);
    return live.map(l => l.item);
}

function done(ctx: AutomationContext, item: IssueItem, key: string, signature: string | null, alreadyDone: boolean): void {
    ctx.events.emit('automation:done', { action: 'issue-tickets', raffle: item.claim.raffle as Address, key, signature, alreadyDone });
}
