/**
 * The spend guard's public types: its options and limits, the requests it judges, the
 * reservations and holds it answers with, its events, and the error a held effect throws.
 *
 * @packageDocumentation
 */
import type { Address, Instruction } from '@solana/kit';
import type { EventEmitter } from 'eventemitter3';

import type { WorkerStore } from '../../store/types';
import type { RefundTicketClaim, TicketSlotRange } from '../issuers/types';

/**
 * One window's limits; a limit left out is not checked.
 *
 * @example
 * ```ts
 * const perHour: SpendLimit = { lamports: 50_000_000n, tickets: 5_000 };
 * ```
 */
export interface SpendLimit {
    /** Lamports the worker's keys may spend (fees, priority fees and the rent of accounts they create). */
    readonly lamports?: bigint | number;
    /** Refund tickets the worker may issue. */
    readonly tickets?: number;
}

/**
 * Options of {@link createSpendGuard}.
 *
 * @example
 * ```ts
 * const options: SpendGuardOptions = { limits: { perHour: { tickets: 5_000 }, perDay: { lamports: 2_000_000_000n } } };
 * ```
 */
export interface SpendGuardOptions {
    /** At least one limit: over the last 60 minutes and/or the last 24 hours. */
    readonly limits: { readonly perHour?: SpendLimit; readonly perDay?: SpendLimit };
    /** The clock (ms; default `Date.now`), for tests. */
    readonly now?: () => number;
    /** The fee of one signature (default 5,000 lamports). */
    readonly lamportsPerSignature?: bigint | number;
    /** The rent of an account created for a buyer (default 2,039,280: a rent-exempt 165-byte token account). */
    readonly accountRentLamports?: bigint | number;
}

/**
 * An effect the guard holds (JSON-friendly: lamports as a decimal string).
 *
 * @example
 * ```ts
 * for (const hold of guard.holds()) console.log(hold.id, hold.action, hold.reason, hold.tickets);
 * ```
 */
export interface SpendHold {
    /** The held effect's idempotency key; pass it to {@link SpendGuard.release}. */
    readonly id: string;
    /** The raffle it is for. */
    readonly raffle: string | null;
    /** `request-draw`, `claim-prize`, `issue-tickets`, ... */
    readonly action: string;
    /** Which limit it would pass, or `more tickets than the raffle sold`. */
    readonly reason: string;
    /** The estimate of the held transaction. */
    readonly lamports: string;
    /** Tickets a release lets through: for an issuance over a limit, those still to issue for the raffle when it was held. */
    readonly tickets: number;
    /** When it was held (ms, the guard's clock). */
    readonly heldAt: number;
}

/**
 * What {@link SpendGuard.usage} reports: spent (and in flight) over each window, the limits, and how many holds wait.
 *
 * @example
 * ```ts
 * const { hour, limits } = guard.usage();
 * console.log(`${hour.tickets} / ${limits.perHour.tickets ?? '∞'} tickets this hour`);
 * ```
 */
export interface SpendUsage {
    /** The last 60 minutes. */
    readonly hour: { readonly lamports: string; readonly tickets: number };
    /** The last 24 hours. */
    readonly day: { readonly lamports: string; readonly tickets: number };
    /** The limits (null: not limited). */
    readonly limits: {
        readonly perHour: { readonly lamports: string | null; readonly tickets: number | null };
        readonly perDay: { readonly lamports: string | null; readonly tickets: number | null };
    };
    /** Holds waiting. */
    readonly holds: number;
}

/**
 * One ticket chunk a transaction issues, checked against its raffle's tickets sold.
 *
 * @example
 * ```ts
 * const chunk: SpendIssuanceChunk = { key: `mrft:${entry}:0-2`, claim, chunk: { from: 0, to: 2 } };
 * ```
 */
export interface SpendIssuanceChunk {
    /** The chunk's effect key. */
    readonly key: string;
    /** The claim (`ticketsSold` set by the automations from the raffle account). */
    readonly claim: Pick<RefundTicketClaim, 'tickets' | 'firstTicket' | 'ticketsSold'>;
    /** The slots it issues. */
    readonly chunk: TicketSlotRange;
}

/**
 * A transaction about to be sent, as the guard judges it.
 *
 * @example
 * ```ts
 * const request: SpendRequest = { key: `claim-prize:${raffle}`, action: 'claim-prize', raffle, lamports: guard.estimate({ feePayer, instructions }) };
 * ```
 */
export interface SpendRequest {
    /** The effect's idempotency key (of the first chunk, for an issuance): names the hold. */
    readonly key: string;
    /** What it does (`claim-prize`, `issue-tickets`, ...). */
    readonly action: string;
    /** The raffle it is for. */
    readonly raffle: Address | null;
    /** What it may spend ({@link SpendGuard.estimate}). */
    readonly lamports: bigint;
    /** The ticket chunks it issues (none: it issues no tickets). */
    readonly issuance?: readonly SpendIssuanceChunk[];
    /** Tickets still to issue for the raffle in the same pass, these included (what a release of a hold over a limit lets through). */
    readonly pendingTickets?: number;
}

/**
 * What {@link SpendGuard.check} reserved in the windows: settle it once the transaction was sent (or not).
 *
 * @example
 * ```ts
 * const reservation = await guard.check(request);
 * try { await send(); await reservation.record(); } catch (e) { reservation.cancel(); throw e; }
 * ```
 */
export interface SpendReservation {
    /** The estimate reserved. */
    readonly lamports: bigint;
    /** The tickets reserved. */
    readonly tickets: number;
    /** Sent: records the spend (`lamports`: what the chain shows, default the estimate) in the windows and the audit log. */
    record(lamports?: bigint): Promise<void>;
    /** Never sent: frees the reservation (a release it used stays available). */
    cancel(): void;
}

/**
 * The guard's events, one payload object each.
 *
 * @example
 * ```ts
 * guard.events.on('spend:held', ({ hold }) => pager.alert(`${hold.action} held: ${hold.reason}`));
 * ```
 */
export interface SpendGuardEvents {
    /** An effect was held (once per hold, not per retry). */
    'spend:held': { readonly hold: SpendHold };
    /** An operator released a hold. */
    'spend:released': { readonly hold: SpendHold };
}

/**
 * The spend guard ({@link createSpendGuard}).
 *
 * @example
 * ```ts
 * const guard = createSpendGuard({ limits: { perHour: { tickets: 5_000 } } });
 * registerRaffleAutomations(worker, { ...options, spendGuard: guard });
 * guard.events.on('spend:held', ({ hold }) => log.warn(hold, 'spend held'));
 * ```
 */
export interface SpendGuard {
    /** `spend:held`, `spend:released`. */
    readonly events: EventEmitter<{ [K in keyof SpendGuardEvents]: (payload: SpendGuardEvents[K]) => void }>;
    /** Binds the audit log and rebuilds the windows and releases of the last 24 h from it (the automations call it on start). */
    start(context: { readonly store: WorkerStore; readonly actor: string }): Promise<void>;
    /** The lamports a transaction may cost the worker's keys: signatures, priority fee, accounts it creates. */
    estimate(transaction: { readonly feePayer: Address; readonly instructions: readonly Instruction[] }): bigint;
    /** Why `request` would be held now, or null (no side effects). */
    wouldHold(request: SpendRequest): string | null;
    /** Reserves `request` in the windows, or holds it: throws a {@link SpendHeldError}. */
    check(request: SpendRequest): Promise<SpendReservation>;
    /** Spent and in flight over both windows, the limits, holds waiting. */
    usage(): SpendUsage;
    /** The holds waiting, oldest first. */
    holds(): readonly SpendHold[];
    /**
     * Lets the held effect through once, whatever the limits and the per-raffle rule (a hold of
     * an issuance over a limit: the raffle's issuance, up to the hold's tickets); recorded in the
     * audit log, so a guard started later honours it too. False when this guard has no such hold.
     */
    release(id: string): Promise<boolean>;
}

/**
 * Thrown by {@link SpendGuard.check} for a held effect (code `SPEND_HELD`): nothing was sent; retry later.
 *
 * @example
 * ```ts
 * try { await guard.check(request); } catch (e) { if (isSpendHeldError(e)) console.log(e.hold.reason); }
 * ```
 */
export class SpendHeldError extends Error {
    override readonly name = 'SpendHeldError';
    /** Always `SPEND_HELD`. */
    readonly code = 'SPEND_HELD' as const;
    /** The hold. */
    readonly hold: SpendHold;
    /** @param hold - the hold */
    constructor(hold: SpendHold) {
        super(`${hold.action} ${hold.id} held by the spend guard: ${hold.reason}`);
        this.hold = hold;
    }
}

/**
 * Whether `e` is a {@link SpendHeldError} (also across module copies).
 *
 * @example
 * ```ts
 * if (isSpendHeldError(e)) return; // waits for the window or a release
 * ```
 */
export function isSpendHeldError(e: unknown): e is SpendHeldError {
    return e instanceof SpendHeldError || (e instanceof Error && e.name === 'SpendHeldError' && (e as { code?: unknown }).code === 'SPEND_HELD');
}
