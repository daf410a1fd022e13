/**
 * The reconciliation sweep: read every raffle of the program from the chain and advance each one
 * that needs something (Drawing without a request, a timed-out request, Open past its deadline,
 * Refunding with entries left, unclaimed prize or proceeds, refunded entries whose tickets were
 * never issued), and arm the timers of the rest. It is what makes the automations independent of
 * their store and of missed events: a worker started after everything happened, with an empty
 * store, finishes every raffle.
 *
 * @packageDocumentation
 */
import type { Address } from '@solana/kit';

import { readChainTime } from '../scheduler/chain-scheduler';
import { type AdvanceDependencies, advanceRaffle } from './advance';
import { listRaffles } from './chain';
import { runLimited } from './locks';
import { planRaffle } from './plan';

/**
 * What a sweep found and did.
 *
 * @example
 * ```ts
 * const report: ReconcileReport = await automations.reconcile();
 * for (const { raffle, actions } of report.repaired) log.info({ raffle, actions }, 'repaired');
 * ```
 */
export interface ReconcileReport {
    /** Raffles of the program read. */
    readonly raffles: number;
    /** Raffles that needed a step, and the steps that did something. */
    readonly repaired: readonly { readonly raffle: Address; readonly actions: readonly string[] }[];
    /** Raffles whose steps failed (retried by the next sweep or their timer). */
    readonly failed: readonly { readonly raffle: Address; readonly error: string }[];
    /** How long the sweep took. */
    readonly ms: number;
}

/** How many slots after a failed step its raffle is looked at again. */
const RETRY_AFTER_SLOTS = 25n;

/**
 * Sweeps every raffle once. A raffle whose steps fail gets a timer to try again.
 *
 * @internal
 */
export async function reconcileRaffles(deps: AdvanceDependencies, onWake: Parameters<typeof advanceRaffle>[2]): Promise<ReconcileReport> {
    const started = Date.now();
    const { ctx } = deps;
    const raffles = await listRaffles(ctx.rpc, ctx.programAddress);
    const now = await readChainTime(ctx.rpc);
    const todo: Address[] = [];
    for (const raffle of raffles) {
        const plan = planRaffle(raffle.data, now, deps.plan);
        if (plan.wake) onWake(raffle.address, plan.wake);
        let actions = plan.actions;
        if (actions.some(a => a.kind === 'issue-tickets') && (await ctx.store.getEffect(`mrft-all:${raffle.address}`))?.status === 'confirmed') {
            actions = actions.filter(a => a.kind !== 'issue-tickets');
        }
        if (actions.length > 0) todo.push(raffle.address);
    }
    const repaired: { raffle: Address; actions: string[] }[] = [];
    const failed: { raffle: Address; error: string }[] = [];
    await runLimited(todo, deps.concurrency, async raffle => {
        if (ctx.signal.aborted) return;
        try {
            const { acted } = await advanceRaffle(deps, raffle, onWake);
            if (acted.length > 0) repaired.push({ raffle, actions: [...acted] });
        } catch (e) {
            const error = e instanceof Error ? e : new Error(String(e));
            failed.push({ raffle, error: error.message });
            ctx.events.emit('automation:failed', { action: 'reconcile', raffle, error, willRetry: true });
            // Retried by its timer (a little later on the chain's clock), also when sweeps run
            // only at start: an effect in doubt right after a restart resolves once its blockhash
            // expired, and nothing else may come to look at this raffle again.
            const later = await readChainTime(ctx.rpc).catch(() => now);
            if (!ctx.signal.aborted) onWake(raffle, { slot: later.slot + RETRY_AFTER_SLOTS });
        }
    });
    const report = { raffles: raffles.length, repaired, failed, ms: Date.now() - started };
    ctx.events.emit('reconcile:done', { raffles: report.raffles, repaired, ms: report.ms });
    return report;
}
