/**
 * Refund tickets (MRFT), exactly once per ticket slot, even when the worker's store is lost.
 *
 * Each entry's slots are issued in fixed chunks (`[k·n, (k+1)·n)`, `n` the issuer's slots per
 * transaction), each chunk an effect keyed `mrft:<entry>:<from>-<to>`; several chunks may share
 * a transaction (`issue-batches.ts`). The effect ledger is the
 * fast path. It is authoritative for raffles whose deadline is after the store's "birth" (recorded
 * in the ledger itself): tickets are issued only after the deadline, so every issuance for them
 * was recorded before it was sent. For older raffles (a new or lost store) the chain decides: before minting a chunk the ledger does not
 * know, the issuer's history is searched for the issuance memo, and only after every
 * transaction a previous worker could have signed has expired (151 blocks after the store's
 * birth), so none can still land after the search.
 *
 * @packageDocumentation
 */
import { type Entry, fetchEntries, PaymentKind, type Raffle, RaffleStatus, RefundMode } from '@raffle/client';
import type { Account, Address } from '@solana/kit';

import { sleep } from '../core/time';
import { type ChainTime, readChainTime } from '../scheduler/chain-scheduler';
import { readRaffle } from './chain';
import type { AutomationContext } from './context';
import type { MrftIssuer, RefundTicketClaim, TicketSlotRange } from './issuers/types';
import { audit } from './send';
import { type IssueItem, issueInBatches } from './issue-batches';
import { coalesce, runLimited } from './locks';

/** Blocks after which every transaction signed before a moment has expired (150 + 1). */
const EXPIRY_BLOCKS = 151n;

/**
 * When the store began, by the chain: raffles created later are fully known to its ledger.
 *
 * @internal
 */
export interface StoreBirth {
    readonly unixTimestamp: bigint;
    readonly blockHeight: bigint;
}

/**
 * Reads (or records, for a new store) the store's birth.
 *
 * @internal
 */
export async function loadStoreBirth(ctx: AutomationContext, now: ChainTime): Promise<StoreBirth> {
    const key = `automations:store-birth:${ctx.programAddress}`;
    const height = await ctx.rpc.getBlockHeight({ commitment: 'confirmed' }).send();
    const { effect } = await ctx.store.beginEffect({ key, intent: { unixTimestamp: now.unixTimestamp.toString(), blockHeight: height.toString() } });
    if (effect.status !== 'confirmed') await ctx.store.markEffectConfirmed({ key });
    const intent = effect.intent as { unixTimestamp?: unknown; blockHeight?: unknown };
    const parse = (v: unknown, fallback: bigint) => (typeof v === 'string' && /^\d{1,20}$/.test(v) ? BigInt(v) : fallback);
    return { unixTimestamp: parse(intent.unixTimestamp, now.unixTimestamp), blockHeight: parse(intent.blockHeight, BigInt(height)) };
}

/**
 * What ticket issuance needs besides the shared context.
 *
 * @internal
 */
export interface TicketContext {
    readonly issuer: MrftIssuer;
    readonly birth: StoreBirth;
}

/** Whether `entry` of `raffle` is owed refund tickets (refunded, and refunded in vouchers). @internal */
export function owesTickets(raffle: Raffle, entry: Entry): boolean {
    return entry.refunded && entry.ticketCount > 0 && (raffle.refundMode === RefundMode.Vouchers || entry.paidWith === PaymentKind.Voucher);
}

/** The claim of a refunded entry, from chain data. @internal */
export function claimOf(raffle: Account<Raffle>, entry: Account<Entry>, now: ChainTime): RefundTicketClaim {
    return {
        programAddress: raffle.programAddress,
        raffle: raffle.address,
        raffleId: raffle.data.raffleId,
        entry: entry.address,
        entryIndex: entry.data.index,
        buyer: entry.data.buyer,
        tickets: entry.data.ticketCount,
        firstTicket: entry.data.firstTicket,
        ticketsSold: raffle.data.ticketsSold,
        ticketPrice: raffle.data.ticketPrice,
        paymentMint: raffle.data.paymentMint,
        raffleCreatedAt: raffle.data.createdAt,
        refundDate: now.unixTimestamp,
    };
}

/** The fixed chunks of a claim. @internal */
export function chunksOf(tickets: number, perTransaction: number): TicketSlotRange[] {
    const size = Math.max(1, Math.min(perTransaction, tickets));
    const chunks: TicketSlotRange[] = [];
    for (let from = 0; from < tickets; from += size) chunks.push({ from, to: Math.min(from + size, tickets) });
    return chunks;
}

function covered(ranges: readonly TicketSlotRange[], chunk: TicketSlotRange): boolean {
    return ranges.some(r => r.from <= chunk.from && chunk.to <= r.to);
}

async function waitForExpiryOfEarlierTransactions(ctx: AutomationContext, birth: StoreBirth): Promise<void> {
    const until = birth.blockHeight + EXPIRY_BLOCKS;
    while (!ctx.signal.aborted) {
        const height = BigInt(await ctx.rpc.getBlockHeight({ commitment: 'confirmed' }).send());
        if (height > until) return;
        await sleep(500, ctx.signal);
    }
    throw new Error('stopped');
}

/**
 * Issues every ticket `entry` is owed that was not issued yet. The caller has checked
 * {@link owesTickets} on chain-read accounts.
 *
 * @returns how many ticket slots this call issued
 * @internal
 */
export async function issueEntryTickets(ctx: AutomationContext, tickets: TicketContext, raffle: Account<Raffle>, entry: Account<Entry>, now: ChainTime): Promise<number> {
    // A raffle marked done had every owed ticket issued (a replayed event changes nothing).
    if ((await ctx.store.getEffect(`mrft-all:${raffle.address}`))?.status === 'confirmed') return 0;
    const items = await pendingItems(ctx, tickets, raffle, [entry], now, 1);
    return (await issueItems(ctx, tickets, items, 1)).count;
}

/**
 * Sends `items` in batches; throws the first failure after the rest were tried. Chunks the spend
 * guard holds are not a failure (`held`): they wait, like a step that cannot proceed yet.
 */
async function issueItems(ctx: AutomationContext, tickets: TicketContext, items: readonly IssueItem[], concurrency: number): Promise<{ count: number; held: boolean }> {
    if (items.length === 0) return { count: 0, held: false };
    const { issued, error, held } = await issueInBatches(ctx, tickets.issuer, items, concurrency);
    if (error !== null) throw error;
    return { count: issued.reduce((n, i) => n + i.chunk.to - i.chunk.from, 0), held: held !== null };
}

/**
 * The chunks of `entries` not issued yet. For a raffle the ledger does not fully know (its
 * deadline came before the store's birth), a chunk the ledger has never seen is first looked for
 * in the chain's history (after every transaction a previous worker could have signed has
 * expired); one found there is recorded as confirmed and left out.
 */
async function pendingItems(ctx: AutomationContext, tickets: TicketContext, raffle: Account<Raffle>, entries: readonly Account<Entry>[], now: ChainTime, concurrency: number): Promise<IssueItem[]> {
    const { issuer } = tickets;
    // Tickets are issued only after a refund, and a refund only once the chain's clock passed the
    // deadline: for a deadline after the store's birth, every issuance went through this ledger.
    const ledgerIsComplete = raffle.data.deadline > tickets.birth.unixTimestamp;
    const pending: IssueItem[] = [];
    await runLimited(entries, concurrency, async entry => {
        const claim = claimOf(raffle, entry, now);
        let proven: TicketSlotRange[] | null = null;
        for (const chunk of chunksOf(claim.tickets, issuer.slotsPerTransaction)) {
            const key = `mrft:${claim.entry}:${chunk.from}-${chunk.to}`;
            const known = await ctx.store.getEffect(key);
            if (known?.status === 'confirmed') continue;
            if (known === null && !ledgerIsComplete) {
                // A store that does not know this raffle's history: the chain decides.
                await waitForExpiryOfEarlierTransactions(ctx, tickets.birth);
                proven ??= await issuer.findIssued(claim, { signal: ctx.signal });
                if (covered(proven, chunk)) {
                    await ctx.store.beginEffect({ key, intent: { entry: claim.entry, buyer: claim.buyer, from: chunk.from, to: chunk.to, provenOnChain: true } });
                    await ctx.store.markEffectConfirmed({ key });
                    await audit(ctx, 'effect:proven-on-chain', key, { action: 'issue-tickets', raffle: claim.raffle, entry: claim.entry, from: chunk.from, to: chunk.to });
                    ctx.events.emit('automation:done', { action: 'issue-tickets', raffle: claim.raffle, key, signature: null, alreadyDone: true });
                    continue;
                }
            }
            pending.push({ claim, chunk, key });
        }
    });
    return pending.sort((a, b) => a.claim.entryIndex - b.claim.entryIndex || a.chunk.from - b.chunk.from);
}

/**
 * One pass over a raffle's entries: issues every ticket owed and not issued yet, several chunks
 * to a transaction, `concurrency` transactions at once. Concurrent requests for the same raffle
 * share a pass that started after they asked ({@link coalesce}), so the thousands of
 * `RefundTicketsRequested` of a large refund cost a few passes, not one read of the raffle each.
 * When the raffle is Refunded and everything is issued, it is marked done in the ledger
 * (`mrft-all:<raffle>`).
 *
 * @returns how many ticket slots the pass issued
 * @internal
 */
export function issueRaffleTickets(ctx: AutomationContext, tickets: TicketContext, raffleAddress: Address, concurrency: number): Promise<number> {
    return coalesce(ctx, `tickets:${raffleAddress}`, async () => {
        const doneKey = `mrft-all:${raffleAddress}`;
        if ((await ctx.store.getEffect(doneKey))?.status === 'confirmed') return 0;
        const raffle = await readRaffle(ctx.rpc, ctx.programAddress, raffleAddress);
        if (raffle === null) return 0;
        const [entries, now] = await Promise.all([fetchEntries(ctx.rpc, raffle.address, { programAddress: ctx.programAddress }), readChainTime(ctx.rpc)]);
        const owed = entries.filter(e => e.data.raffle === raffle.address && owesTickets(raffle.data, e.data));
        const { count: issued, held } = await issueItems(ctx, tickets, await pendingItems(ctx, tickets, raffle, owed, now, concurrency), concurrency);
        // The entries come from a second read (getProgramAccounts): done only when it saw every
        // refund the raffle counts, or an entry refunded after it would never get its tickets.
        const refundedSeen = entries.filter(e => e.data.raffle === raffle.address && e.data.refunded).length;
        if (raffle.data.status === RaffleStatus.Refunded && !held && refundedSeen >= raffle.data.entriesRefunded) {
            // Every entry is refunded and every owed ticket issued: later sweeps skip this raffle.
            await ctx.store.beginEffect({ key: doneKey, intent: { raffle: raffle.address, entries: owed.length } });
            await ctx.store.markEffectConfirmed({ key: doneKey });
        }
        return issued;
    });
}

/**
 * Whether every chunk of an entry's `tickets` is confirmed in the ledger.
 *
 * @internal
 */
export async function entryTicketsConfirmed(ctx: AutomationContext, issuer: MrftIssuer, entry: Address, tickets: number): Promise<boolean> {
    if (!Number.isInteger(tickets) || tickets < 1 || tickets > 1_000_000) return false;
    for (const chunk of chunksOf(tickets, issuer.slotsPerTransaction)) {
        if ((await ctx.store.getEffect(`mrft:${entry}:${chunk.from}-${chunk.to}`))?.status !== 'confirmed') return false;
    }
    return true;
}
