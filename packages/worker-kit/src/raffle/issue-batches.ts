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
import { ASSOCIATED_TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';

import { resolveSentEffect } from '../runtime/effect';
import { errorText } from '../core/errors';
import type { EffectRecord, JsonValue } from '../store/types';
import type { AutomationContext } from './context';
import type { MrftIssuer, RefundTicketClaim, TicketSlotRange } from './issuers/types';
import { audit, isPreflightRejection, PREFLIGHT_PREFIX } from './send';
import { guardIssuanceSpend } from './spend/hooks';
import { isSpendHeldError, type SpendHeldError } from './spend/types';

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

/**
 * The instructions of several chunks, without repeating an identical associated-token-account
 * creation (idempotent: a buyer's voucher account created once). Nothing else is merged: two
 * chunks of one buyer with the same ticket count build identical mint instructions, and each
 * must mint.
 */
function mergeInstructions(lists: readonly (readonly Instruction[])[]): Instruction[] {
    const out: Instruction[] = [];
    for (const list of lists) {
        for (const ix of list) {
            if (ix.programAddress === ASSOCIATED_TOKEN_PROGRAM_ADDRESS && out.some(o => sameInstruction(o, ix))) continue;
            out.push(ix);
        }
    }
    return out;
}

/**
 * Issues `items`: packs them into transactions (at most `issuer.chunksPerTransaction` chunks
 * and the size limit each), `concurrency` transactions at once.
 *
 * A batch the spend guard holds ends the pass (the rest waits for the same hold).
 *
 * @returns the chunks this call issued (confirmed now), the error of the first batch that failed, and the spend guard's hold if one stopped the pass
 * @internal
 */
export async function issueInBatches(
    ctx: AutomationContext,
    issuer: MrftIssuer,
    items: readonly IssueItem[],
    concurrency: number,
): Promise<{ issued: IssueItem[]; error: unknown; held: SpendHeldError | null }> {
    const perTransaction = Math.max(1, issuer.chunksPerTransaction ?? 1);
    // Each lane takes the next chunks, builds them (building overlaps sending), sends the longest
    // run that fits one transaction and gives the rest back to the front of the queue.
    const queue = [...items];
    const built = new Map<IssueItem, readonly Instruction[]>();
    const issued: IssueItem[] = [];
    let error: unknown = null;
    let held: SpendHeldError | null = null;
    let lastFit = perTransaction; // chunks of similar size: start from what fitted last time
    // Tickets of this pass not issued yet: what a release of a hold over a limit lets through.
    let pendingTickets = items.reduce((n, i) => n + i.chunk.to - i.chunk.from, 0);
    const pass = { pendingTickets: () => pendingTickets, requeue: (rest: IssueItem[]) => void queue.unshift(...rest) };
    const lane = async () => {
        while (queue.length > 0 && error === null && held === null) {
            const batch = queue.splice(0, Math.min(perTransaction, lastFit + 1));
            try {
                for (const item of batch) if (!built.has(item)) built.set(item, (await issuer.buildIssue(item.claim, item.chunk, { payer: ctx.cranker })).instructions);
                const count = longestFit(ctx, batch, built);
                if (count < batch.length || batch.length === lastFit + 1) lastFit = count;
                queue.unshift(...batch.slice(count));
                const sent = await sendBatch(ctx, issuer, batch.slice(0, count), built, pass);
                pendingTickets -= sent.reduce((n, i) => n + i.chunk.to - i.chunk.from, 0);
                issued.push(...sent);
            } catch (e) {
                if (isSpendHeldError(e)) held ??= e;
                else error ??= e;
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
    return { issued, error, held };
}

/** How many chunks from the start of `batch` fit one transaction (at least 1). */
function longestFit(ctx: AutomationContext, batch: readonly IssueItem[], built: ReadonlyMap<IssueItem, readonly Instruction[]>): number {
    for (let count = batch.length; count > 1; count--) {
        const message = setTransactionMessageFeePayer(
            ctx.cranker.address,
            appendTransactionMessageInstructions(mergeInstructions(batch.slice(0, count).map(i => built.get(i)!)), createTransactionMessage({ version: 0 })),
        );
        try {
            if (getTransactionMessageSize(message) <= getTransactionMessageSizeLimit(message)) return count;
        } catch {
            // more accounts than a transaction can hold
        }
    }
    return 1;
}

/** Resolves, records and sends one batch; returns the chunks it confirmed. */
async function sendBatch(
    ctx: AutomationContext,
    issuer: MrftIssuer,
    batch: readonly IssueItem[],
    built: ReadonlyMap<IssueItem, readonly Instruction[]>,
    pass: { pendingTickets(): number; requeue(rest: IssueItem[]): void },
): Promise<IssueItem[]> {
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
    // The spend guard sends the longest prefix it admits; the rest goes back to the queue (a
    // hold throws before anything is signed: the chunks stay pending under the same keys).
    const spend = await guardIssuanceSpend(ctx, {
        chunks: live.map(l => ({ key: l.key, claim: l.item.claim, chunk: l.item.chunk })),
        instructions: count => mergeInstructions(live.slice(0, count).map(l => built.get(l.item)!)),
        pendingTickets: pass.pendingTickets(),
    });
    if (spend.admitted < live.length) pass.requeue(live.splice(spend.admitted).map(l => l.item));
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
                spend.tracker.signed();
            },
        });
        signature = result.signature;
        await spend.tracker.sent(result.signature);
    } catch (e) {
        await spend.tracker.failed(isPreflightRejection(e));
        if (signature !== null && isPreflightRejection(e)) {
            // Never forwarded by the node: it cannot land; the next pass issues these chunks again.
            for (const l of live) await ctx.store.markEffectFailed({ key: l.key, error: `${PREFLIGHT_PREFIX}${errorText(e)}` });
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
