/**
 * How the automations' sends use the spend guard: a crank or a ticket issuance is checked (and
 * reserved) before it is sent; after it is confirmed, what is recorded is what its meta shows
 * its signers (the worker's keys) lost, else the estimate; a transaction that was signed and
 * then failed (other than in preflight) is recorded at its estimate.
 *
 * @packageDocumentation
 */
import type { RaffleTransactionMessage } from '@raffle/client';
import type { Address, Instruction, Signature } from '@solana/kit';

import type { AutomationContext, AutomationRpc } from '../context';
import type { RefundTicketClaim, TicketSlotRange } from '../issuers/types';
import type { SpendRequest, SpendReservation } from './types';

/**
 * What a guarded send tells the guard.
 *
 * @internal
 */
export interface SpendTracker {
    /** The transaction was signed and its signature recorded (it may leave now). */
    signed(): void;
    /** It was confirmed. */
    sent(signature: string): Promise<void>;
    /** It failed: spent when it was signed and not rejected in preflight (it may have landed). */
    failed(preflight: boolean): Promise<void>;
}

const UNGUARDED: SpendTracker = { signed: () => undefined, sent: async () => undefined, failed: async () => undefined };

/** What a confirmed transaction cost its signers (the worker's keys), from its meta; null when unreadable. @internal */
export async function spentByTransaction(rpc: Pick<AutomationRpc, 'getTransaction'>, signature: string): Promise<bigint | null> {
    try {
        const tx = (await rpc.getTransaction(signature as Signature, { commitment: 'confirmed', encoding: 'json', maxSupportedTransactionVersion: 0 }).send()) as unknown as {
            meta?: { fee?: unknown; preBalances?: unknown; postBalances?: unknown } | null;
            transaction?: { message?: { header?: { numRequiredSignatures?: unknown } } };
        } | null;
        const { fee, preBalances: pre, postBalances: post } = tx?.meta ?? {};
        const signers = tx?.transaction?.message?.header?.numRequiredSignatures;
        const lamports = (v: unknown) => (typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v)) ? BigInt(v) : null);
        if (!Number.isInteger(signers) || (signers as number) < 1 || (signers as number) > 64 || !Array.isArray(pre) || !Array.isArray(post)) return null;
        let spent = 0n;
        for (let i = 0; i < (signers as number); i++) {
            const [a, b] = [lamports(pre[i]), lamports(post[i])];
            if (a === null || b === null) return null;
            if (a > b) spent += a - b;
        }
        const paid = lamports(fee) ?? 0n;
        return spent > paid ? spent : paid;
    } catch {
        return null;
    }
}

function trackerOf(ctx: Pick<AutomationContext, 'rpc'>, reservation: SpendReservation): SpendTracker {
    let signed = false;
    return {
        signed: () => void (signed = true),
        sent: async signature => reservation.record((await spentByTransaction(ctx.rpc, signature)) ?? undefined),
        failed: async preflight => (signed && !preflight ? reservation.record() : reservation.cancel()),
    };
}

/**
 * Checks a crank with the guard before it is sent: builds it once (the builder then returns
 * that message first), estimates it and reserves it; throws a {@link SpendHeldError} when held.
 *
 * @internal
 */
export async function guardCrankSpend(
    ctx: Pick<AutomationContext, 'spend' | 'cranker' | 'rpc'>,
    crank: { readonly key: string; readonly action: string; readonly raffle: Address; build(): Promise<RaffleTransactionMessage> },
): Promise<{ source: () => Promise<RaffleTransactionMessage>; tracker: SpendTracker }> {
    if (ctx.spend == null) return { source: () => crank.build(), tracker: UNGUARDED };
    const built = await crank.build();
    let first: RaffleTransactionMessage | null = built;
    const lamports = ctx.spend.estimate({ feePayer: ctx.cranker.address, instructions: built.instructions });
    const reservation = await ctx.spend.check({ key: crank.key, action: crank.action, raffle: crank.raffle, lamports });
    const source = async () => {
        const message = first;
        first = null;
        return message ?? crank.build();
    };
    return { source, tracker: trackerOf(ctx, reservation) };
}

/**
 * Checks ticket chunks with the guard before they are sent: the longest prefix it admits (all of
 * one raffle) is reserved; when it admits none, the first chunk's hold is thrown.
 *
 * @internal
 */
export async function guardIssuanceSpend(
    ctx: Pick<AutomationContext, 'spend' | 'cranker' | 'rpc'>,
    input: {
        readonly chunks: readonly { readonly key: string; readonly claim: RefundTicketClaim; readonly chunk: TicketSlotRange }[];
        instructions(count: number): readonly Instruction[];
        readonly pendingTickets: number;
    },
): Promise<{ admitted: number; tracker: SpendTracker }> {
    const { chunks } = input;
    if (ctx.spend == null || chunks.length === 0) return { admitted: chunks.length, tracker: UNGUARDED };
    const guard = ctx.spend;
    const raffle = chunks[0]!.claim.raffle;
    const sameRaffle = chunks.findIndex(c => c.claim.raffle !== raffle);
    const request = (count: number): SpendRequest => ({
        key: chunks[0]!.key,
        action: 'issue-tickets',
        raffle,
        lamports: guard.estimate({ feePayer: ctx.cranker.address, instructions: input.instructions(count) }),
        issuance: chunks.slice(0, count),
        pendingTickets: input.pendingTickets,
    });
    for (let count = sameRaffle === -1 ? chunks.length : sameRaffle; count >= 1; count--) {
        const r = request(count);
        if (count === 1 || guard.wouldHold(r) === null) return { admitted: count, tracker: trackerOf(ctx, await guard.check(r)) };
    }
    throw new Error('unreachable');
}
