/**
 * Advancing one raffle: read it and the clock, plan ({@link planRaffle}), take each step as an
 * effect keyed by chain state, read again, until nothing is left to do now; then arm a
 * chain-time timer for the next moment it needs a look (its deadline, a draw timeout). Every
 * trigger (an event's job, a timer, the reconciliation sweep) goes through here, one at a time
 * per raffle in a process.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';

import {
    claimPrizeTx,
    claimProceedsTx,
    fetchEntries,
    isRaffleProgramError,
    type Raffle,
    RaffleStatus,
    refundBatchTx,
    requestDrawTx,
    RWA_RAFFLE_ERROR__DEADLINE_NOT_REACHED,
} from '@raffle/client';
import type { Account, Address } from '@solana/kit';

import { readChainTime } from '../scheduler/chain-scheduler';
import { readConfig, readRaffle } from './chain';
import type { AutomationContext } from './context';
import type { RandomnessProvider } from './draw/provider';
import { type PlanOptions, planRaffle, type RaffleAction } from './plan';
import { runCrank } from './send';
import { runLimited, withKeyLock } from './locks';
import { issueRaffleTickets, type TicketContext } from './tickets';

/**
 * Everything advancing a raffle needs.
 *
 * @internal
 */
export interface AdvanceDependencies {
    readonly ctx: AutomationContext;
    readonly plan: PlanOptions;
    readonly draw: { readonly provider: RandomnessProvider; readonly fallback: RandomnessProvider | null } | null;
    readonly tickets: TicketContext | null;
    /** Steps run at once within one raffle (refund batches, ticket issuances). */
    readonly concurrency: number;
}

/**
 * What advancing a raffle did (`automations.advance(raffle)`).
 *
 * @example
 * ```ts
 * const { status, acted }: AdvanceResult = await automations.advance(raffle);
 * if (status === null) console.log('not a raffle of this program');
 * ```
 */
export interface AdvanceResult {
    /** The raffle's status at the end (null: not a raffle of the program). */
    readonly status: RaffleStatus | null;
    /** Actions that changed something (sent a transaction, issued or proved tickets). */
    readonly acted: readonly string[];
}

const MAX_ROUNDS = 8;
/** How many slots to wait before looking again at a raffle whose steps made no progress (doubling, at most 16x: 400 slots, under 3 minutes on mainnet). */
export const RETRY_SLOTS = 25n;
const stalls = new WeakMap<AutomationContext, Map<Address, number>>();

/** The wait before the next look at a stalled raffle: 25 slots, doubling each time it stalls again. */
function retrySlots(ctx: AutomationContext, raffle: Address): bigint {
    let map = stalls.get(ctx);
    if (!map) stalls.set(ctx, (map = new Map()));
    const n = Math.min(map.get(raffle) ?? 0, 4);
    map.set(raffle, n + 1);
    if (map.size > 100_000) map.delete(map.keys().next().value!);
    return RETRY_SLOTS << BigInt(n);
}
/**
 * Advances `raffleAddress` as far as it can go now.
 *
 * @param deps - context and options
 * @param raffleAddress - the raffle (anything else is ignored: hostile events name any address)
 * @param onWake - arms the raffle's next look (chain time)
 * @returns the final status and what was done
 * @internal
 */
export function advanceRaffle(deps: AdvanceDependencies, raffleAddress: Address, onWake: (raffle: Address, wake: NonNullable<ReturnType<typeof planRaffle>['wake']>) => void): Promise<AdvanceResult> {
    return withKeyLock(deps.ctx, `raffle:${raffleAddress}`, async () => {
        const { ctx } = deps;
        const acted: string[] = [];
        let previous = '';
        for (let round = 0; round < MAX_ROUNDS; round++) {
            const raffle = await readRaffle(ctx.rpc, ctx.programAddress, raffleAddress);
            if (raffle === null) return { status: null, acted };
            const now = await readChainTime(ctx.rpc);
            const plan = planRaffle(raffle.data, now, deps.plan);
            if (plan.wake) onWake(raffle.address, plan.wake);
            const fingerprint = stateFingerprint(raffle.data, plan.actions);
            if (plan.actions.length === 0) {
                stalls.get(ctx)?.delete(raffle.address);
                return { status: raffle.data.status, acted };
            }
            if (fingerprint === previous) {
                // Steps remain but the last round changed nothing (a deadline the bank has not
                // reached yet, an answer that comes from elsewhere): look again a little later.
                if (!plan.wake) onWake(raffle.address, { slot: now.slot + retrySlots(ctx, raffle.address) });
                return { status: raffle.data.status, acted };
            }
            previous = fingerprint;
            // Each step on its own: one that keeps failing (an issuer out of capacity) must not
            // hold back the others (the claims); the first error is thrown after all ran.
            let firstError: unknown = null;
            for (const action of plan.actions) {
                try {
                    if (await runAction(deps, raffle, action, now)) acted.push(action.kind);
                } catch (e) {
                    if (ctx.signal.aborted) throw e;
                    firstError ??= e;
                }
            }
            if (firstError !== null) throw firstError;
            if (acted.length > 0) stalls.get(ctx)?.delete(raffle.address);
        }
        const last = await readRaffle(ctx.rpc, ctx.programAddress, raffleAddress);
        return { status: last?.data.status ?? null, acted };
    });
}

function stateFingerprint(r: Raffle, actions: readonly RaffleAction[]): string {
    return [r.status, r.ticketsSold, r.entriesRefunded, r.prizeClaimed, r.proceedsClaimed, r.drawRequestedSlot, actions.map(a => a.kind).join(',')].join('|');
}

/** Runs one step; true when it did something. */
async function runAction(deps: AdvanceDependencies, raffle: Account<Raffle>, action: RaffleAction, now: Awaited<ReturnType<typeof readChainTime>>): Promise<boolean> {
    const { ctx } = deps;
    const address = raffle.address;
    const programAddress = ctx.programAddress;
    const reread = () => readRaffle(ctx.rpc, programAddress, address);
    switch (action.kind) {
        case 'request-draw': {
            const requested = raffle.data.drawRequestedSlot;
            const result = await runCrank(ctx, {
                action: 'request-draw',
                raffle: address,
                key: `draw-request:${address}:${requested}`,
                intent: { raffle: address, after: requested.toString() },
                build: () => requestDrawTx({ requester: ctx.cranker, raffle: address, programAddress }),
                isDone: async () => {
                    const r = (await reread())?.data;
                    return r !== undefined && r.status !== RaffleStatus.Drawing && !(r.status === RaffleStatus.DrawRequested && r.drawRequestedSlot === requested);
                },
            });
            return !result.alreadyDone;
        }
        case 'answer-draw': {
            const provider = action.by === 'primary' ? deps.draw?.provider : deps.draw?.fallback;
            if (!provider) return false;
            const config = await readConfig(ctx.rpc, programAddress);
            // One answer at a time: a hash-chain reveal is consumed by the first draw it answers.
            return withKeyLock(ctx, `draw-answer:${provider.name}`, async () => {
                const fresh = (await reread()) ?? raffle;
                if (fresh.data.status !== RaffleStatus.DrawRequested && fresh.data.status !== RaffleStatus.Drawing) return false;
                const answer = await provider.answer({ raffle: fresh, config: await readConfig(ctx.rpc, programAddress).catch(() => config), now });
                if (answer === null) return false;
                const result = await runCrank(ctx, {
                    action: 'answer-draw',
                    raffle: address,
                    key: `draw-answer:${address}:${fresh.data.drawRequestedSlot}:${answer.key}`,
                    intent: { raffle: address, provider: provider.name, ...(answer.details === undefined ? {} : { details: answer.details }) },
                    build: () => answer.build(),
                    isDone: async () => (await reread())?.data.status === RaffleStatus.Completed,
                });
                return !result.alreadyDone;
            });
        }
        case 'refund':
            return refund(deps, raffle);
        case 'issue-tickets':
            return deps.tickets !== null && (await issueRaffleTickets(ctx, deps.tickets, raffle.address, deps.concurrency)) > 0;
        case 'claim-prize': {
            const result = await runCrank(ctx, {
                action: 'claim-prize',
                raffle: address,
                key: `claim-prize:${address}`,
                intent: { raffle: address, status: RaffleStatus[raffle.data.status] ?? raffle.data.status },
                build: () => claimPrizeTx({ rpc: ctx.rpc, cranker: ctx.cranker, raffle: address, programAddress }),
                isDone: async () => (await reread())?.data.prizeClaimed === true,
            });
            return !result.alreadyDone;
        }
        case 'claim-proceeds': {
            const result = await runCrank(ctx, {
                action: 'claim-proceeds',
                raffle: address,
                key: `claim-proceeds:${address}`,
                intent: { raffle: address, status: RaffleStatus[raffle.data.status] ?? raffle.data.status },
                build: () => claimProceedsTx({ rpc: ctx.rpc, cranker: ctx.cranker, raffle: address, programAddress }),
                isDone: async () => (await reread())?.data.proceedsClaimed === true,
            });
            return !result.alreadyDone;
        }
    }
}

async function refund(deps: AdvanceDependencies, raffle: Account<Raffle>): Promise<boolean> {
    const { ctx } = deps;
    const programAddress = ctx.programAddress;
    const entries = await fetchEntries(ctx.rpc, raffle.address, { programAddress });
    const messages = await refundBatchTx({ rpc: ctx.rpc, cranker: ctx.cranker, raffle, entries, programAddress });
    let sent = false;
    try {
        await runLimited(messages, deps.concurrency, async message => {
            // The key names the entries of this batch (chain state): after a crash the same
            // unrefunded entries pack into the same batches, so an in-flight batch is resolved.
            const refundIx = message.instructions[message.instructions.length - 1]!;
            const accounts = (refundIx.accounts ?? []).map(a => a.address).join(',');
            const digest = createHash('sha256').update(accounts).digest('hex').slice(0, 24);
            const result = await runCrank(ctx, {
                action: 'refund',
                raffle: raffle.address,
                key: `refund:${raffle.address}:${digest}`,
                intent: { raffle: raffle.address, accounts: refundIx.accounts?.length ?? 0 },
                build: () => Promise.resolve(message),
            });
            if (!result.alreadyDone) sent = true;
        });
    } catch (e) {
        // Judged by a clock a moment older than the bank's: the deadline comes, look again then.
        if (isRaffleProgramError(e, RWA_RAFFLE_ERROR__DEADLINE_NOT_REACHED)) return sent;
        throw e;
    }
    return sent;
}
