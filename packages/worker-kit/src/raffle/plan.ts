/**
 * What a raffle needs next, decided from its account and the chain's clock alone: a pure
 * function, so every rule of the automations is in one place and tested without a cluster.
 *
 * @packageDocumentation
 */
import { DRAW_TIMEOUT_SLOTS, type Raffle, RaffleStatus, RefundMode } from '@raffle/client';

import type { ChainDue, ChainTime } from '../scheduler/chain-scheduler';

/**
 * One step the automations can take for a raffle.
 *
 * - `request-draw`: send `request_draw_arcium` (sold out, or the last request timed out and no fallback answers).
 * - `answer-draw`: let the randomness provider answer the pending request (`primary`), or the fallback after a timeout.
 * - `refund`: crank `refund_batch` over the entries not yet refunded (past the deadline unsold, or Refunding).
 * - `issue-tickets`: make sure every refunded entry owed refund tickets got them.
 * - `claim-prize` / `claim-proceeds`: the permissionless claim cranks.
 *
 * @example
 * ```ts
 * const action: RaffleAction = { kind: 'answer-draw', by: 'fallback' };
 * ```
 */
export type RaffleAction =
    | { readonly kind: 'request-draw' }
    | { readonly kind: 'answer-draw'; readonly by: 'primary' | 'fallback' }
    | { readonly kind: 'refund' }
    | { readonly kind: 'issue-tickets' }
    | { readonly kind: 'claim-prize' }
    | { readonly kind: 'claim-proceeds' };

/**
 * The plan for a raffle: what to do now, and when to look again (chain time), if ever.
 *
 * @example
 * ```ts
 * const { actions, wake }: RafflePlan = planRaffle(raffle, now, options);
 * ```
 */
export interface RafflePlan {
    /** Steps to take now, in order. */
    readonly actions: readonly RaffleAction[];
    /** When the raffle needs a look even if no event arrives (its deadline, a draw timeout); null when never. */
    readonly wake: ChainDue | null;
}

/**
 * What the plan depends on besides the raffle and the clock.
 *
 * @example
 * ```ts
 * const options: PlanOptions = { claimPrize: true, claimProceeds: true, refunds: true, tickets: true, hasFallback: false };
 * ```
 */
export interface PlanOptions {
    /** Crank `claim_prize` (default on). */
    readonly claimPrize: boolean;
    /** Crank `claim_proceeds` (default on). */
    readonly claimProceeds: boolean;
    /** Crank refunds (default on). */
    readonly refunds: boolean;
    /** Issue refund tickets (default on). */
    readonly tickets: boolean;
    /** Draw requests and answers (default on). */
    readonly draws?: boolean;
    /** A fallback provider answers a request that timed out (instead of re-requesting). */
    readonly hasFallback: boolean;
    /** Slots after which a draw request may be re-requested (default {@link DRAW_TIMEOUT_SLOTS}, the program's rule). */
    readonly drawTimeoutSlots?: bigint;
}

/**
 * Decides what a raffle needs next.
 *
 * @param raffle - the decoded raffle account
 * @param now - the chain's clock
 * @param options - which automations are on
 * @returns the actions to take now and the next chain time to look again
 * @example
 * ```ts
 * const plan = planRaffle(raffle.data, await readChainTime(rpc), { claimPrize: true, claimProceeds: true, refunds: true, tickets: true, hasFallback: false });
 * for (const action of plan.actions) await run(action);
 * if (plan.wake) scheduler.at(`raffle:${raffle.address}`, plan.wake, () => advance(raffle.address));
 * ```
 */
export function planRaffle(raffle: Raffle, now: ChainTime, options: PlanOptions): RafflePlan {
    const actions: RaffleAction[] = [];
    const draws = options.draws !== false;
    const timeout = options.drawTimeoutSlots ?? DRAW_TIMEOUT_SLOTS;
    switch (raffle.status) {
        case RaffleStatus.Open: {
            const unsold = raffle.ticketsSold < raffle.maxTickets;
            if (!options.refunds || !unsold) return { actions, wake: null };
            if (now.unixTimestamp >= raffle.deadline) return { actions: [{ kind: 'refund' }], wake: null };
            return { actions, wake: { unixTimestamp: raffle.deadline } };
        }
        case RaffleStatus.Drawing:
            return { actions: draws ? [{ kind: 'request-draw' }] : [], wake: null };
        case RaffleStatus.DrawRequested: {
            if (!draws) return { actions, wake: null };
            const expiresAt = raffle.drawRequestedSlot + timeout;
            if (now.slot >= expiresAt) {
                return { actions: [options.hasFallback ? { kind: 'answer-draw', by: 'fallback' } : { kind: 'request-draw' }], wake: null };
            }
            return { actions: [{ kind: 'answer-draw', by: 'primary' }], wake: { slot: expiresAt } };
        }
        case RaffleStatus.Completed:
            if (options.claimPrize && !raffle.prizeClaimed) actions.push({ kind: 'claim-prize' });
            if (options.claimProceeds && !raffle.proceedsClaimed) actions.push({ kind: 'claim-proceeds' });
            return { actions, wake: null };
        case RaffleStatus.Refunding:
            if (options.refunds) actions.push({ kind: 'refund' });
            if (options.tickets) actions.push({ kind: 'issue-tickets' });
            return { actions, wake: null };
        case RaffleStatus.Refunded:
            // The claims first: two transactions, while the tickets may be thousands.
            if (options.claimPrize && !raffle.prizeClaimed) actions.push({ kind: 'claim-prize' });
            if (options.claimProceeds && !raffle.proceedsClaimed && raffle.refundMode === RefundMode.Vouchers) actions.push({ kind: 'claim-proceeds' });
            if (options.tickets) actions.push({ kind: 'issue-tickets' });
            return { actions, wake: null };
        case RaffleStatus.Cancelled:
            if (options.claimPrize && !raffle.prizeClaimed) actions.push({ kind: 'claim-prize' });
            return { actions, wake: null };
        default:
            return { actions, wake: null };
    }
}
