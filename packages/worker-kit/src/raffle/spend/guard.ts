/**
 * The spend guard of the raffle automations: what the worker's keys spend (lamports: fees and
 * the accounts their transactions create; refund tickets issued) over sliding windows of the
 * last hour and the last 24 hours, checked before each transaction the automations send. One
 * that would pass a limit, or an issuance of more tickets than its raffle sold, is held: it is
 * not sent, the hold is reported once (`spend:held`) and the step waits, retried with the
 * automations' backoff, until the window makes room or an operator releases it. Spend, holds
 * and releases go to the store's audit log, from which a guard rebuilds its windows at start.
 * Estimates: ./estimate.ts; the sends' side: ./hooks.ts.
 *
 * @packageDocumentation
 */
import { EventEmitter } from 'eventemitter3';

import { workerConfigInvalid, workerStateInvalid } from '../../core/errors';
import type { AuditRecord, JsonValue, WorkerStore } from '../../store/types';
import { estimateTransactionSpend } from './estimate';
import { checkRequest, type Limits, limitOption, lamportsOption, onlyKeys, U64_MAX } from './options';
import { SpendHeldError, type SpendGuard, type SpendGuardEvents, type SpendGuardOptions, type SpendHold, type SpendReservation } from './types';
import { DAY_MS, replayRecentSpend, SpendWindow } from './window';

const MAX_HOLDS = 10_000;
const OVERSOLD = 'more tickets than the raffle sold';

type Decision = { ok: true; keys: string[]; grantTickets: number } | { ok: false; kind: 'key' | 'tickets'; id: string; reason: string; tickets: number };

/**
 * Creates a spend guard: limits over the last hour and the last 24 hours of what the worker's
 * keys spend (lamports) and issue (refund tickets), and the per-raffle rule that no issuance
 * goes beyond the tickets the raffle sold. Give it to `registerRaffleAutomations({ spendGuard })`.
 *
 * Limits are per guard, so per replica: with several replicas each enforces them on what it
 * sends itself (set each a share); at start a guard rebuilds its windows from the shared audit
 * log, which counts every replica's spend of the last 24 h. What is recorded is the fee payer's
 * (and every signer's) balance change the confirmed transaction shows, else the estimate.
 *
 * @param options - the limits, and for tests a clock
 * @returns the guard (`check`, `usage`, `holds`, `release`, events)
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` naming the bad option
 * @example
 * ```ts
 * const spendGuard = createSpendGuard({ limits: { perHour: { tickets: 5_000, lamports: 500_000_000n }, perDay: { lamports: 5_000_000_000n } } });
 * const automations = registerRaffleAutomations(worker, { rpc, rpcSubscriptions, cranker, draw, issuer, spendGuard });
 * spendGuard.events.on('spend:held', ({ hold }) => pager.alert(`${hold.action} for ${hold.raffle} held: ${hold.reason}`));
 * // after a look at the hold:
 * await spendGuard.release(hold.id);
 * ```
 */
export function createSpendGuard(options: SpendGuardOptions): SpendGuard {
    if (typeof options !== 'object' || options === null) throw workerConfigInvalid('options', 'pass { limits }');
    onlyKeys('', options, ['limits', 'now', 'lamportsPerSignature', 'accountRentLamports']);
    if (typeof options.limits !== 'object' || options.limits === null) throw workerConfigInvalid('limits', 'pass { perHour?, perDay? }');
    onlyKeys('limits.', options.limits, ['perHour', 'perDay']);
    const limits = { hour: limitOption('limits.perHour', options.limits.perHour), day: limitOption('limits.perDay', options.limits.perDay) };
    if (limits.hour === null && limits.day === null) throw workerConfigInvalid('limits', 'set at least one limit (perHour or perDay)');
    if (options.now !== undefined && typeof options.now !== 'function') throw workerConfigInvalid('now', 'must be a function returning ms');
    const now = options.now ?? Date.now;
    const perSignature = lamportsOption('lamportsPerSignature', options.lamportsPerSignature, 5_000n, 1_000_000_000n);
    const accountRent = lamportsOption('accountRentLamports', options.accountRentLamports, 2_039_280n, U64_MAX);

    const events: SpendGuard['events'] = new EventEmitter();
    let window = new SpendWindow();
    const pending = new Set<{ lamports: bigint; tickets: number }>();
    const holds = new Map<string, { hold: SpendHold; kind: 'key' | 'tickets' }>();
    const issuanceHolds = new Map<string, string>(); // raffle -> id of its hold over a limit
    const keyGrants = new Map<string, number>(); // released key -> when
    const ticketGrants = new Map<string, { raffle: string; remaining: number; at: number }>(); // hold id -> tickets it lets through
    let bound: { store: WorkerStore; actor: string } | null = null;

    const emit = <K extends keyof SpendGuardEvents>(name: K, payload: SpendGuardEvents[K]) => {
        try {
            (events.emit as (n: K, p: SpendGuardEvents[K]) => boolean)(name, payload);
        } catch {
            // a listener's error is the listener's problem
        }
    };
    const audit = async (action: string, raffle: string | null, data: JsonValue) => {
        try {
            await bound?.store.appendAudit({ actor: bound.actor, action, subject: raffle, data });
        } catch {
            // the windows hold the truth for this process; the audit log only rebuilds them at start
        }
    };
    const clearHold = (id: string) => {
        const state = holds.get(id);
        holds.delete(id);
        if (state?.hold.raffle != null && issuanceHolds.get(state.hold.raffle) === id) issuanceHolds.delete(state.hold.raffle);
    };
    const prune = (t: number) => {
        window.prune(t);
        for (const [id, { hold }] of holds) if (hold.heldAt <= t - DAY_MS) clearHold(id);
        for (const [key, at] of keyGrants) if (at <= t - DAY_MS) keyGrants.delete(key);
        for (const [id, g] of ticketGrants) if (g.at <= t - DAY_MS) ticketGrants.delete(id);
    };
    const used = (span: 'hour' | 'day') => {
        let { lamports, tickets } = window[span];
        for (const p of pending) (lamports += p.lamports), (tickets += p.tickets);
        return { lamports, tickets };
    };
    const limitReason = (lamports: bigint, tickets: number): string | null => {
        for (const span of ['hour', 'day'] as const) {
            const limit = limits[span];
            if (limit === null) continue;
            const u = used(span);
            if (limit.lamports !== null && u.lamports + lamports > limit.lamports) return `lamports per ${span}: ${u.lamports} spent + ${lamports} > ${limit.lamports}`;
            if (limit.tickets !== null && tickets > 0 && u.tickets + tickets > limit.tickets) return `tickets per ${span}: ${u.tickets} issued + ${tickets} > ${limit.tickets}`;
        }
        return null;
    };
    const decide = (req: ReturnType<typeof checkRequest>): Decision => {
        prune(now());
        const chunks = req.issuance;
        for (const c of chunks) {
            const sold = c.claim.ticketsSold;
            const oversold = sold !== undefined && (c.claim.tickets > sold || c.claim.firstTicket + c.chunk.to > sold);
            if (oversold && !keyGrants.has(c.key)) return { ok: false, kind: 'key', id: c.key, reason: OVERSOLD, tickets: c.chunk.to - c.chunk.from };
        }
        const keys = chunks.length === 0 ? (keyGrants.has(req.key) ? [req.key] : []) : chunks.filter(c => keyGrants.has(c.key)).map(c => c.key);
        const open = chunks.filter(c => !keyGrants.has(c.key)).reduce((n, c) => n + c.chunk.to - c.chunk.from, 0);
        if (chunks.length === 0 ? keys.length > 0 : open === 0) return { ok: true, keys, grantTickets: 0 };
        if (chunks.length > 0 && [...ticketGrants.values()].some(g => g.raffle === req.raffle && g.remaining >= open)) return { ok: true, keys, grantTickets: open };
        const reason = limitReason(req.lamports, open);
        if (reason === null) return { ok: true, keys, grantTickets: 0 };
        const isIssuance = chunks.length > 0 && req.raffle !== null;
        return { ok: false, kind: isIssuance ? 'tickets' : 'key', id: req.key, reason, tickets: isIssuance ? Math.max(req.pendingTickets, req.tickets) : 0 };
    };
    const reserve = (req: ReturnType<typeof checkRequest>, d: Extract<Decision, { ok: true }>): SpendReservation => {
        const taken = d.keys.map(key => [key, keyGrants.get(key)!] as const);
        for (const [key] of taken) keyGrants.delete(key);
        const grant = d.grantTickets > 0 ? [...ticketGrants].find(([, g]) => g.raffle === req.raffle && g.remaining >= d.grantTickets) : undefined;
        if (grant) grant[1].remaining -= d.grantTickets;
        clearHold(req.key); // the held step goes ahead
        const item = { lamports: req.lamports, tickets: req.tickets };
        pending.add(item);
        let settled = false;
        return {
            lamports: req.lamports,
            tickets: req.tickets,
            async record(actual) {
                if (settled) return;
                settled = true;
                pending.delete(item);
                const lamports = typeof actual === 'bigint' && actual >= 0n && actual <= U64_MAX ? actual : req.lamports;
                window.add(now(), lamports, req.tickets);
                if (grant && grant[1].remaining <= 0) ticketGrants.delete(grant[0]);
                const released = [...taken.map(([key]) => ({ id: key, tickets: 0 })), ...(grant ? [{ id: grant[0], tickets: d.grantTickets }] : [])];
                await audit('spend:recorded', req.raffle, { key: req.key, action: req.action, lamports: lamports.toString(), tickets: req.tickets, ...(released.length > 0 ? { released } : {}) });
            },
            cancel() {
                if (settled) return;
                settled = true;
                pending.delete(item);
                for (const [key, at] of taken) keyGrants.set(key, at);
                if (grant) grant[1].remaining += d.grantTickets;
            },
        };
    };
    const hold = async (req: ReturnType<typeof checkRequest>, d: Extract<Decision, { ok: false }>): Promise<never> => {
        let state = holds.get(d.id);
        const joined = d.kind === 'tickets' && req.raffle !== null ? issuanceHolds.get(req.raffle) : undefined;
        if (state === undefined && joined !== undefined) state = holds.get(joined);
        if (state !== undefined) {
            // The same step again (a retry, another lane of the same issuance): no new hold, no new alert.
            if (d.tickets > state.hold.tickets) state.hold = { ...state.hold, tickets: d.tickets };
            throw new SpendHeldError(state.hold);
        }
        const held: SpendHold = { id: d.id, raffle: req.raffle, action: req.action, reason: d.reason, lamports: req.lamports.toString(), tickets: d.tickets, heldAt: now() };
        if (holds.size >= MAX_HOLDS) clearHold(holds.keys().next().value!);
        holds.set(held.id, { hold: held, kind: d.kind });
        if (d.kind === 'tickets' && req.raffle !== null) issuanceHolds.set(req.raffle, held.id);
        await audit('spend:held', req.raffle, { id: held.id, kind: d.kind, action: held.action, reason: held.reason, lamports: held.lamports, tickets: held.tickets });
        emit('spend:held', { hold: held });
        throw new SpendHeldError(held);
    };
    /** Rebuilds one audit entry of the last day into the windows and releases. */
    const replay = (entry: AuditRecord) => {
        const data = (typeof entry.data === 'object' && entry.data !== null && !Array.isArray(entry.data) ? entry.data : {}) as Record<string, JsonValue>;
        if (entry.action === 'spend:recorded') {
            const { lamports, tickets, released } = data;
            if (typeof lamports !== 'string' || !/^\d{1,20}$/.test(lamports) || BigInt(lamports) > U64_MAX || !Number.isInteger(tickets) || (tickets as number) < 0) return;
            window.add(entry.at, BigInt(lamports), tickets as number);
            for (const r of Array.isArray(released) ? released.slice(0, 128) : []) {
                const { id, tickets: n } = (r ?? {}) as { id?: unknown; tickets?: unknown };
                if (typeof id !== 'string') continue;
                keyGrants.delete(id);
                const g = ticketGrants.get(id);
                if (g && typeof n === 'number' && (g.remaining -= n) <= 0) ticketGrants.delete(id);
            }
        } else if (entry.action === 'spend:released' && typeof data.id === 'string' && data.id.length <= 512) {
            if (data.kind === 'key') keyGrants.set(data.id, entry.at);
            if (data.kind === 'tickets' && entry.subject !== null && Number.isInteger(data.tickets)) {
                ticketGrants.set(data.id, { raffle: entry.subject, remaining: data.tickets as number, at: entry.at });
            }
        }
    };

    return {
        events,
        async start(context) {
            const store = context?.store;
            if (typeof store?.listAudit !== 'function' || typeof store.appendAudit !== 'function') throw workerConfigInvalid('store', 'must be a worker store');
            if (typeof context.actor !== 'string' || context.actor.length === 0) throw workerConfigInvalid('actor', 'must be a non-empty string');
            [window, bound] = [new SpendWindow(), null];
            for (const m of [holds, issuanceHolds, keyGrants, ticketGrants]) m.clear();
            await replayRecentSpend(store, now() - DAY_MS, replay);
            bound = { store, actor: context.actor };
        },
        estimate(transaction) {
            return estimateTransactionSpend(transaction, { perSignature, accountRent });
        },
        wouldHold(request) {
            const d = decide(checkRequest(request));
            return d.ok ? null : d.reason;
        },
        async check(request) {
            if (bound === null) throw workerStateInvalid('check spend', 'the spend guard is not started (the automations start it)');
            const req = checkRequest(request);
            const d = decide(req);
            return d.ok ? reserve(req, d) : hold(req, d);
        },
        usage() {
            prune(now());
            const show = (l: Limits) => ({ lamports: l?.lamports?.toString() ?? null, tickets: l?.tickets ?? null });
            const sum = (span: 'hour' | 'day') => {
                const u = used(span);
                return { lamports: u.lamports.toString(), tickets: u.tickets };
            };
            return { hour: sum('hour'), day: sum('day'), limits: { perHour: show(limits.hour), perDay: show(limits.day) }, holds: holds.size };
        },
        holds() {
            prune(now());
            return [...holds.values()].map(s => ({ ...s.hold })).sort((a, b) => a.heldAt - b.heldAt);
        },
        async release(id) {
            if (typeof id !== 'string') throw workerConfigInvalid('id', 'must be a hold id');
            const state = holds.get(id);
            if (state === undefined || bound === null) return false;
            clearHold(id);
            const { hold: released, kind } = state;
            try {
                await bound.store.appendAudit({ actor: bound.actor, action: 'spend:released', subject: released.raffle, data: { id, kind, action: released.action, tickets: released.tickets } });
            } catch (e) {
                holds.set(id, state);
                throw e;
            }
            if (kind === 'key') keyGrants.set(id, now());
            else ticketGrants.set(id, { raffle: released.raffle!, remaining: released.tickets, at: now() });
            emit('spend:released', { hold: { ...released } });
            return true;
        },
    };
}
