/**
 * `registerRaffleAutomations(worker, options)`: the raffle automations on a worker made by
 * `createWorker`. Handlers for the program's events (durable jobs on every replica), a
 * chain-time scheduler for deadlines and draw timeouts (every replica), and the reconciliation
 * sweep (the leader, on start and every `reconcileIntervalMs`). Everything a step does is
 * decided from chain state and keyed in the effect ledger; see docs/automations.md.
 *
 * @packageDocumentation
 */
import { setMaxListeners } from 'node:events';

import { RaffleStatus, RWA_RAFFLE_EVENTS, RWA_RAFFLE_PROGRAM_ADDRESS, sendAndConfirmRaffleTransactionFactory } from '@raffle/client';
import { type Address, isAddress, type RpcSubscriptions, type SignatureNotificationsApi, type SlotNotificationsApi, type TransactionSigner } from '@solana/kit';
import { EventEmitter } from 'eventemitter3';
import pRetry from 'p-retry';

import type { EventMapOf } from '../ingestion/decoder';
import { workerConfigInvalid, workerStateInvalid } from '../core/errors';
import { type ChainDue, createChainScheduler, readChainTime } from '../scheduler/chain-scheduler';
import type { Worker, WorkerServiceContext } from '../worker';
import { type AdvanceDependencies, type AdvanceResult, advanceRaffle } from './advance';
import { listRaffles, readEntries, readRaffle } from './chain';
import type { AutomationContext, AutomationRpc, RaffleAutomationEmitter } from './context';
import type { RandomnessProvider } from './draw/provider';
import type { MrftIssuer } from './issuers/types';
import { runLimited } from './locks';
import { planRaffle } from './plan';
import { type ReconcileReport, reconcileRaffles } from './reconcile';
import type { SpendGuard } from './spend/types';
import { DAY_MS } from './spend/window';
import { entryTicketsConfirmed, issueEntryTickets, issueRaffleTickets, loadStoreBirth, owesTickets, type TicketContext } from './tickets';

/**
 * The raffle program's events as a worker decodes them (`decoder: RWA_RAFFLE_EVENTS`, or the
 * IDL-compiled table typed the same way).
 *
 * @example
 * ```ts
 * const worker: Worker<RaffleEvents> = createWorker({ rpc, rpcSubscriptions, store, programAddress, decoder: RWA_RAFFLE_EVENTS });
 * ```
 */
export type RaffleEvents = EventMapOf<typeof RWA_RAFFLE_EVENTS>;

/**
 * Options of {@link registerRaffleAutomations}.
 *
 * @example
 * ```ts
 * const options: RaffleAutomationsOptions = {
 *     rpc, rpcSubscriptions, cranker,
 *     draw: { provider: createHashChainDrawProvider({ drawAuthority, seed, length: 1024 }) },
 *     issuer: createSplVoucherIssuer({ rpc, mint, mintAuthority }),
 * };
 * ```
 */
export interface RaffleAutomationsOptions {
    /** JSON-RPC client (`createSolanaRpc`). */
    readonly rpc: AutomationRpc;
    /** PubSub client (`createSolanaRpcSubscriptions`): confirmations of the transactions sent. */
    readonly rpcSubscriptions: RpcSubscriptions<SignatureNotificationsApi & SlotNotificationsApi>;
    /** The raffle program (default: the canonical address). Use the same as the worker's. */
    readonly programAddress?: Address;
    /** Signs and pays every crank (and the accounts created for buyers): the "cranker" role. */
    readonly cranker: TransactionSigner;
    /**
     * Draws: `provider` answers requests (hash chain, or an external oracle); `fallback` answers
     * a request that timed out instead of requesting again (the settle fallback, dev/test).
     * `false` turns draws off (requests and answers).
     */
    readonly draw: { readonly provider: RandomnessProvider; readonly fallback?: RandomnessProvider } | false;
    /** Who mints refund tickets; `false` turns issuance off (buyers refunded in vouchers then get nothing). */
    readonly issuer: MrftIssuer | false;
    /** Crank `refund_batch` after deadlines (default true). */
    readonly refunds?: boolean;
    /** Crank `claim_prize` / `claim_proceeds` (default both true). */
    readonly claims?: { readonly prize?: boolean; readonly proceeds?: boolean };
    /** Sweep every raffle this often on the leader (default 300,000 ms = 5 min; 0 = only at start). */
    readonly reconcileIntervalMs?: number;
    /** Poll the chain's clock this often while timers are armed (default 1,000 ms). */
    readonly clockPollMs?: number;
    /** Steps run at once within one raffle or sweep (refund batches, issuances; default 4). */
    readonly concurrency?: number;
    /** Durable attempts of the automation handlers' jobs (default 25). */
    readonly maxAttempts?: number;
    /**
     * Limits on what the cranker spends and issues (`createSpendGuard`): a transaction that would
     * pass one is held (not sent) until the window makes room or `spendGuard.release(id)`.
     */
    readonly spendGuard?: SpendGuard;
}

/**
 * The registered automations.
 *
 * @example
 * ```ts
 * const automations = registerRaffleAutomations(worker, options);
 * automations.events.on('automation:done', ({ action, raffle, signature }) => log.info({ action, raffle, signature }));
 * await worker.start();
 * ```
 */
export interface RaffleAutomations {
    /** `automation:done`, `automation:failed`, `reconcile:done`. */
    readonly events: RaffleAutomationEmitter;
    /** Sweeps every raffle now (the worker must be started). */
    reconcile(): Promise<ReconcileReport>;
    /** Advances one raffle now (the worker must be started). */
    advance(raffle: Address): Promise<AdvanceResult>;
    /** Armed timers, the last sweep, whether running and whether paused. */
    status(): { readonly running: boolean; readonly paused: boolean; readonly timers: number; readonly lastReconcile: ReconcileReport | null };
    /**
     * Pauses the automations on this replica and records it in the store's audit log, so every
     * replica started later starts paused too: events are still ingested and their jobs complete,
     * timers and sweeps do nothing, and steps already running finish. Nothing is lost, because
     * {@link RaffleAutomations.resume} sweeps every raffle from chain state.
     */
    pause(reason?: string): Promise<void>;
    /** Resumes (recorded in the audit log) and sweeps every raffle now. */
    resume(): Promise<ReconcileReport | null>;
    /** Every raffle of the program as the chain shows it now, with the steps the automations would take. */
    raffles(): Promise<RaffleAutomationState[]>;
    /** The spend guard given in the options (its `usage()`, `holds()`, `release(id)`), or null. */
    readonly spendGuard?: SpendGuard | null;
}

/**
 * One raffle as {@link RaffleAutomations.raffles} reports it (JSON-friendly: numbers as strings).
 *
 * @example
 * ```ts
 * for (const r of await automations.raffles()) console.log(r.address, r.status, r.nextActions.join(','));
 * ```
 */
export interface RaffleAutomationState {
    /** The raffle account. */
    readonly address: Address;
    /** The raffle's id. */
    readonly id: string;
    /** The organizer. */
    readonly organizer: Address;
    /** `Open`, `Drawing`, `DrawRequested`, `Completed`, `Refunding`, `Refunded` or `Cancelled`. */
    readonly status: string;
    /** Tickets sold. */
    readonly ticketsSold: number;
    /** Tickets for sale. */
    readonly maxTickets: number;
    /** The deadline (chain unix seconds). */
    readonly deadline: string;
    /** Entries refunded so far. */
    readonly entriesRefunded: number;
    /** The winning ticket, once drawn. */
    readonly winningTicket: string | null;
    readonly prizeClaimed: boolean;
    readonly proceedsClaimed: boolean;
    /** The steps the automations would take now (`refund`, `issue-tickets`, ...). */
    readonly nextActions: readonly string[];
    /** When the automations look again without an event, if ever. */
    readonly wake: { readonly slot?: string; readonly unixTimestamp?: string } | null;
}

function positiveInteger(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < min || value > max) throw workerConfigInvalid(name, `must be an integer from ${min} to ${max}`);
    return value;
}

function isSigner(value: unknown): value is TransactionSigner {
    return typeof value === 'object' && value !== null && typeof (value as TransactionSigner).address === 'string';
}

/**
 * Registers the raffle automations on `worker` (before `worker.start()`): handlers for
 * `RaffleCreated`, `ThresholdReached`, `DrawRequested`, `WinnerDrawn`, `RefundStarted`,
 * `RefundTicketsRequested`, `RaffleRefunded` and `RaffleCancelled`, and a service that runs the
 * chain-time scheduler and, on the leader, the reconciliation sweep.
 *
 * @param worker - a worker of the raffle program, not started
 * @param options - clients, the cranker, the draw provider, the MRFT issuer and switches
 * @returns the automations (events, `reconcile()`, `advance()`, `status()`)
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` naming the bad option
 * @example
 * ```ts
 * const worker = createWorker({ rpc, rpcSubscriptions, store, programAddress, decoder: RWA_RAFFLE_EVENTS });
 * registerRaffleAutomations(worker, {
 *     rpc, rpcSubscriptions, programAddress, cranker,
 *     draw: { provider: createHashChainDrawProvider({ drawAuthority, seed, length }) },
 *     issuer: createSplVoucherIssuer({ rpc, mint: mrftMint, mintAuthority }),
 * });
 * await worker.start();
 * ```
 */
export function registerRaffleAutomations(worker: Worker<RaffleEvents>, options: RaffleAutomationsOptions): RaffleAutomations {
    if (!worker || typeof worker.handle !== 'function' || typeof worker.attach !== 'function' || typeof worker.retain !== 'function') throw workerConfigInvalid('worker', 'expected a worker made by createWorker');
    if (!options || typeof options !== 'object') throw workerConfigInvalid('options', 'pass { rpc, rpcSubscriptions, cranker, draw, issuer }');
    if (!options.rpc) throw workerConfigInvalid('rpc', 'is required');
    if (!options.rpcSubscriptions) throw workerConfigInvalid('rpcSubscriptions', 'is required');
    if (!isSigner(options.cranker)) throw workerConfigInvalid('cranker', 'must be a transaction signer');
    const programAddress = options.programAddress ?? RWA_RAFFLE_PROGRAM_ADDRESS;
    if (typeof programAddress !== 'string' || !isAddress(programAddress)) throw workerConfigInvalid('programAddress', 'must be a base58 address');
    if (options.draw !== false && (typeof options.draw !== 'object' || options.draw === null || typeof options.draw.provider?.answer !== 'function')) {
        throw workerConfigInvalid('draw', 'pass { provider, fallback? } or false');
    }
    if (options.draw && options.draw.fallback !== undefined && typeof options.draw.fallback.answer !== 'function') throw workerConfigInvalid('draw.fallback', 'must be a randomness provider');
    if (options.issuer !== false && (typeof options.issuer !== 'object' || options.issuer === null || typeof options.issuer.buildIssue !== 'function')) {
        throw workerConfigInvalid('issuer', 'pass an MRFT issuer (createSplVoucherIssuer, createBubblegumIssuer) or false');
    }
    for (const name of ['refunds'] as const) {
        if (options[name] !== undefined && typeof options[name] !== 'boolean') throw workerConfigInvalid(name, 'must be a boolean');
    }
    const reconcileIntervalMs = positiveInteger('reconcileIntervalMs', options.reconcileIntervalMs, 300_000, 0, 86_400_000);
    const clockPollMs = positiveInteger('clockPollMs', options.clockPollMs, 1_000, 10, 3_600_000);
    const concurrency = positiveInteger('concurrency', options.concurrency, 4, 1, 64);
    const maxAttempts = positiveInteger('maxAttempts', options.maxAttempts, 25, 1, 1_000);
    const spendGuard = options.spendGuard ?? null;
    if (spendGuard !== null && (typeof spendGuard !== 'object' || typeof spendGuard.check !== 'function' || typeof spendGuard.start !== 'function')) {
        throw workerConfigInvalid('spendGuard', 'pass a guard made by createSpendGuard');
    }
    const draw = options.draw === false ? null : { provider: options.draw.provider, fallback: options.draw.fallback ?? null };
    const issuer = options.issuer === false ? null : options.issuer;
    const plan = {
        claimPrize: options.claims?.prize !== false,
        claimProceeds: options.claims?.proceeds !== false,
        refunds: options.refunds !== false,
        tickets: issuer !== null,
        draws: draw !== null,
        hasFallback: draw?.fallback != null,
    };

    const events: RaffleAutomationEmitter = new EventEmitter();
    const scheduler = createChainScheduler({
        rpc: options.rpc,
        pollMs: clockPollMs,
        onError: (error, key) => {
            if (key !== null) events.emit('automation:failed', { action: 'timer', raffle: key.slice('raffle:'.length) as Address, error: asError(error), willRetry: true });
        },
    });
    let deps: AdvanceDependencies | null = null;
    let controller: AbortController | null = null;
    let lastReconcile: ReconcileReport | null = null;
    let paused = false;
    const pauseSubject = `automations:pause:${programAddress}`;
    let sweeping: { stop: AbortController; done: Promise<void> } | null = null;
    let markReady: (() => void) | null = null;
    const ready = new Promise<void>(resolve => {
        markReady = resolve;
    });

    const started = (): AdvanceDependencies => {
        if (deps === null) throw workerStateInvalid('run the raffle automations', 'not started');
        return deps;
    };
    const onWake = (raffle: Address, due: ChainDue) => scheduler.at(`raffle:${raffle}`, due, () => advanceFromTimer(raffle));
    async function advanceFromTimer(raffle: Address): Promise<void> {
        const d = started();
        if (paused) return; // resume() sweeps every raffle and re-arms its timer
        try {
            await advanceRaffle(d, raffle, onWake);
        } catch (e) {
            if (d.ctx.signal.aborted) return;
            events.emit('automation:failed', { action: 'advance', raffle, error: asError(e), willRetry: true });
            const now = scheduler.lastChainTime ?? (await readChainTime(options.rpc).catch(() => null));
            if (now) onWake(raffle, { slot: now.slot + 25n });
        }
    }
    /** From a handler: a failure retries the job (durable). */
    async function advanceFromEvent(raffle: Address): Promise<void> {
        await ready;
        if (paused) return; // resume() sweeps every raffle from chain state
        await advanceRaffle(started(), raffle, onWake);
    }

    // The guard's holds and releases are automation events too; a released step runs at once.
    spendGuard?.events.on('spend:held', payload => events.emit('spend:held', payload));
    spendGuard?.events.on('spend:released', payload => {
        events.emit('spend:released', payload);
        const raffle = payload.hold.raffle;
        if (deps !== null && raffle !== null && isAddress(raffle)) void advanceFromTimer(raffle);
    });

    async function sweep(signal: AbortSignal): Promise<void> {
        while (!signal.aborted) {
            try {
                if (!paused) lastReconcile = await reconcileRaffles(started(), onWake);
            } catch (e) {
                if (!signal.aborted) events.emit('automation:failed', { action: 'reconcile', raffle: null, error: asError(e), willRetry: true });
            }
            if (reconcileIntervalMs === 0) return;
            await new Promise<void>(resolve => {
                const timer = setTimeout(resolve, reconcileIntervalMs);
                signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
            });
        }
    }
    const startSweeping = () => {
        if (sweeping || deps === null) return;
        const stop = new AbortController();
        sweeping = { stop, done: sweep(stop.signal) };
    };
    const stopSweeping = async () => {
        const s = sweeping;
        sweeping = null;
        s?.stop.abort();
        await s?.done;
    };

    // Retention never prunes what exactly-once rests on: the store's birth record and the refund
    // ticket ledger (`mrft:`, `mrft-all:`: for raffles younger than the store it is the only
    // proof of an issuance), the pause state, and a day of audit entries (the spend window).
    worker.retain({ effectKeyPrefixes: ['automations:', 'mrft'], auditSubjectPrefixes: ['automations:pause:'], auditMinAgeMs: DAY_MS });
    const handlerOptions = { maxAttempts };
    worker.handle('RaffleCreated', 'raffle.schedule', ({ event }) => advanceFromEvent(event.data.raffle), handlerOptions);
    worker.handle('ThresholdReached', 'raffle.draw', ({ event }) => advanceFromEvent(event.data.raffle), handlerOptions);
    worker.handle('DrawRequested', 'raffle.answer', ({ event }) => advanceFromEvent(event.data.raffle), handlerOptions);
    worker.handle('WinnerDrawn', 'raffle.claims', ({ event }) => advanceFromEvent(event.data.raffle), handlerOptions);
    worker.handle('RefundStarted', 'raffle.refund', ({ event }) => advanceFromEvent(event.data.raffle), handlerOptions);
    worker.handle('RaffleRefunded', 'raffle.claims', ({ event }) => advanceFromEvent(event.data.raffle), handlerOptions);
    worker.handle('RaffleCancelled', 'raffle.claims', ({ event }) => advanceFromEvent(event.data.raffle), handlerOptions);
    if (issuer !== null) {
        worker.handle(
            'RefundTicketsRequested',
            'raffle.tickets',
            async ({ event }) => {
                await ready;
                if (paused) return;
                const d = started();
                // The event only says where to look: the chain says what is owed. A large refund
                // emits thousands of these; they share passes over the raffle's entries.
                // The ledger is keyed by what the chain said when the pass issued; an event that
                // lies about its entry or tickets matches no key and goes to the check below.
                await issueRaffleTickets(d.ctx, d.tickets!, event.data.raffle, d.concurrency);
                if (await entryTicketsConfirmed(d.ctx, d.tickets!.issuer, event.data.entry, event.data.tickets)) return;
                // Not covered by a pass: check this entry alone (a forged event ends here).
                const [raffle, [fresh]] = await Promise.all([readRaffle(d.ctx.rpc, programAddress, event.data.raffle), readEntries(d.ctx.rpc, programAddress, [event.data.entry])]);
                if (!raffle || !fresh || fresh.data.raffle !== raffle.address || fresh.data.buyer !== event.data.buyer || !owesTickets(raffle.data, fresh.data)) {
                    events.emit('automation:failed', {
                        action: 'issue-tickets',
                        raffle: event.data.raffle,
                        error: new Error(`event ${event.id} names entry ${event.data.entry}, which the chain does not show as a refunded entry of that raffle owed tickets; ignored`),
                        willRetry: false,
                    });
                    return;
                }
                await issueEntryTickets(d.ctx, d.tickets!, raffle, fresh, await readChainTime(d.ctx.rpc));
            },
            handlerOptions,
        );
    }

    worker.attach({
        name: 'raffle-automations',
        async start(context: WorkerServiceContext) {
            controller = new AbortController();
            // Every transaction in flight listens to this signal.
            setMaxListeners(0, controller.signal);
            const ctx: AutomationContext = {
                rpc: options.rpc,
                store: context.store,
                programAddress,
                cranker: options.cranker,
                sendAndConfirm: sendAndConfirmRaffleTransactionFactory({ rpc: options.rpc, rpcSubscriptions: options.rpcSubscriptions }),
                events,
                actor: context.owner,
                spend: spendGuard,
                signal: controller.signal,
            };
            let tickets: TicketContext | null = null;
            // A node that drops one request at start (a busy machine, a restart) must not fail the start.
            if (issuer !== null) tickets = { issuer, birth: await pRetry(async () => loadStoreBirth(ctx, await readChainTime(options.rpc)), { retries: 6, minTimeout: 200, maxTimeout: 3_000 }) };
            await spendGuard?.start({ store: context.store, actor: context.owner });
            deps = { ctx, plan, draw, tickets, concurrency };
            paused = await loadPaused(context.store, pauseSubject);
            scheduler.start();
            context.events.on('lease:acquired', startSweeping);
            context.events.on('lease:lost', () => void stopSweeping());
            context.events.on('lease:released', () => void stopSweeping());
            if (context.isLeader()) startSweeping();
            markReady?.();
        },
        async stop() {
            controller?.abort();
            await stopSweeping();
            await scheduler.stop();
        },
    });

    return {
        events,
        spendGuard,
        reconcile: async () => (lastReconcile = await reconcileRaffles(started(), onWake)),
        advance: raffle => advanceRaffle(started(), raffle, onWake),
        status: () => ({ running: deps !== null && !deps.ctx.signal.aborted, paused, timers: scheduler.size, lastReconcile }),
        async pause(reason) {
            const d = started();
            paused = true;
            await d.ctx.store.appendAudit({ actor: d.ctx.actor, action: 'automations:paused', subject: pauseSubject, data: { reason: typeof reason === 'string' ? reason.slice(0, 500) : null } });
        },
        async resume() {
            const d = started();
            await d.ctx.store.appendAudit({ actor: d.ctx.actor, action: 'automations:resumed', subject: pauseSubject, data: null });
            paused = false;
            return (lastReconcile = await reconcileRaffles(d, onWake));
        },
        async raffles() {
            const d = started();
            const [list, now] = await Promise.all([listRaffles(d.ctx.rpc, programAddress), readChainTime(d.ctx.rpc)]);
            const states: RaffleAutomationState[] = new Array(list.length);
            await runLimited([...list.keys()], 8, async i => {
                const { address, data } = list[i]!;
                const plan = planRaffle(data, now, d.plan);
                let actions: string[] = plan.actions.map(a => a.kind);
                // The account cannot show that every refund ticket was issued; the ledger's marker does.
                if (actions.includes('issue-tickets') && (await d.ctx.store.getEffect(`mrft-all:${address}`))?.status === 'confirmed') actions = actions.filter(a => a !== 'issue-tickets');
                states[i] = {
                    address,
                    id: String(data.raffleId),
                    organizer: data.organizer,
                    status: RaffleStatus[data.status] ?? String(data.status),
                    ticketsSold: data.ticketsSold,
                    maxTickets: data.maxTickets,
                    deadline: String(data.deadline),
                    entriesRefunded: data.entriesRefunded,
                    winningTicket: data.status === RaffleStatus.Completed ? String(data.winnerTicket) : null,
                    prizeClaimed: data.prizeClaimed,
                    proceedsClaimed: data.proceedsClaimed,
                    nextActions: actions,
                    wake: plan.wake === null ? null : { ...(plan.wake.slot === undefined ? {} : { slot: String(plan.wake.slot) }), ...(plan.wake.unixTimestamp === undefined ? {} : { unixTimestamp: String(plan.wake.unixTimestamp) }) },
                };
            });
            return states;
        },
    };
}

/** The pause state as last recorded in the audit log (pauses are rare: a short scan). */
async function loadPaused(store: WorkerServiceContext['store'], subject: string): Promise<boolean> {
    let paused = false;
    let afterSeq = 0;
    for (let page = 0; page < 1_000; page++) {
        const entries = await store.listAudit({ subject, afterSeq, limit: 1000 });
        for (const entry of entries) paused = entry.action === 'automations:paused';
        if (entries.length < 1000) break;
        afterSeq = entries[entries.length - 1]!.seq;
    }
    return paused;
}

function asError(e: unknown): Error {
    return e instanceof Error ? e : new Error(String(e));
}
