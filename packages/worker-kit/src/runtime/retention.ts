/**
 * Retention: the leader prunes, on a timer, what the worker no longer needs, in bounded batches
 * through the store's {@link RetentionStore}:
 * - finished jobs (completed ones after `jobs.completedAfterMs`, dead letters only when
 *   `jobs.deadAfterMs` is set);
 * - inbox events that are `finalized` or `retracted`, at least a fork window below the ingestion
 *   cursor (every event up to the cursor was recorded), last changed before `events.afterMs`,
 *   and whose handler jobs are neither pending, running nor dead. The store raises its watermark
 *   in the same step, so a re-observed pruned event is never recorded, nor its handlers run, again;
 * - terminal effects after `effects.afterMs`, except keys registered with `worker.retain`;
 * - audit entries after `audit.afterMs`, except registered actions and subjects.
 *
 * A failing pass is reported (`worker:error`, scope `retention`) and tried again at the next tick.
 *
 * @packageDocumentation
 */
import { workerConfigInvalid } from '../core/errors';
import { asError, emitSafely, type WorkerEmitter } from '../core/events';
import type { InboxEvent, PrunableEvent, WorkerStore } from '../store/types';
import { handlerJobId, type HandlerRegistry } from './handlers';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The worker's retention policy (`createWorker({ retention })`); `false` for a part keeps it
 * forever. Defaults: a pass every minute; completed jobs after 1 h (dead letters kept); final
 * events 1 h after their last change; terminal effects after 7 days; audit entries after 30 days.
 *
 * @example
 * ```ts
 * const retention: RetentionPolicy = { jobs: { completedAfterMs: 10 * 60_000 }, effects: { afterMs: 30 * 86_400_000 }, audit: false };
 * ```
 */
export interface RetentionPolicy {
    /** How often the leader prunes (default 60 s). */
    readonly intervalMs?: number;
    /** Finished jobs. A pruned job's id can be enqueued again (task ids are deduplicated only while kept). */
    readonly jobs?: false | { readonly completedAfterMs?: number; readonly deadAfterMs?: number | false };
    /** Final inbox events (never within the fork window below the cursor, never with unfinished jobs). */
    readonly events?: false | { readonly afterMs?: number };
    /** Terminal effects. Keep them longer than any job that could try the same key again. */
    readonly effects?: false | { readonly afterMs?: number };
    /** Audit entries (the activity stream's history). */
    readonly audit?: false | { readonly afterMs?: number };
    /** Most batches of 1000 per part and pass (default 100): a pass stays short. */
    readonly maxBatchesPerPass?: number;
}

/**
 * Records retention never prunes, registered by what depends on them (`worker.retain`): effect
 * ledgers that must stay complete, audit entries that carry state.
 *
 * @example
 * ```ts
 * worker.retain({ effectKeyPrefixes: ['mrft:'], auditSubjectPrefixes: ['automations:pause:'], auditMinAgeMs: 86_400_000 });
 * ```
 */
export interface RetentionKeep {
    /** Effects whose key starts with one of these are kept. */
    readonly effectKeyPrefixes?: readonly string[];
    /** Audit entries whose action starts with one of these are kept. */
    readonly auditActionPrefixes?: readonly string[];
    /** Audit entries whose subject starts with one of these are kept. */
    readonly auditSubjectPrefixes?: readonly string[];
    /** Audit entries are kept at least this long, whatever the policy says (e.g. a 24 h spend window). */
    readonly auditMinAgeMs?: number;
}

/**
 * Checks what `worker.retain` is given (non-empty prefixes, a non-negative age).
 *
 * @param keep - as given
 * @returns a copy
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` naming the bad field
 * @internal
 */
export function checkRetentionKeep(keep: RetentionKeep): RetentionKeep {
    if (typeof keep !== 'object' || keep === null) throw workerConfigInvalid('keep', 'must be an object');
    const prefixes = (name: keyof RetentionKeep): string[] => {
        const v = keep[name];
        if (v === undefined) return [];
        if (!Array.isArray(v) || v.some(p => typeof p !== 'string' || p.length === 0 || p.length > 200)) throw workerConfigInvalid(name, 'must be an array of strings of 1-200 characters');
        return [...(v as string[])];
    };
    const age = keep.auditMinAgeMs;
    if (age !== undefined && (typeof age !== 'number' || !Number.isSafeInteger(age) || age < 0)) throw workerConfigInvalid('auditMinAgeMs', 'must be a non-negative integer (ms)');
    for (const k of Object.keys(keep)) {
        if (!['effectKeyPrefixes', 'auditActionPrefixes', 'auditSubjectPrefixes', 'auditMinAgeMs'].includes(k)) throw workerConfigInvalid(k, 'is not a field of retain()');
    }
    return { effectKeyPrefixes: prefixes('effectKeyPrefixes'), auditActionPrefixes: prefixes('auditActionPrefixes'), auditSubjectPrefixes: prefixes('auditSubjectPrefixes'), ...(age === undefined ? {} : { auditMinAgeMs: age }) };
}

/** What one pass deleted. */
export interface RetentionPassResult {
    /** Finished jobs deleted. */
    readonly jobs: number;
    /** Inbox events deleted. */
    readonly events: number;
    /** Effects deleted. */
    readonly effects: number;
    /** Audit entries deleted. */
    readonly audit: number;
    /** The inbox watermark after the pass (null when no event was ever pruned). */
    readonly prunedThroughSlot: bigint | null;
}

/** The policy with every default applied (`null`: that part is kept forever). */
interface ResolvedPolicy {
    readonly intervalMs: number;
    readonly completedAfterMs: number | null;
    readonly deadAfterMs: number | null;
    readonly eventsAfterMs: number | null;
    readonly effectsAfterMs: number | null;
    readonly auditAfterMs: number | null;
    readonly maxBatches: number;
}

function part<T extends object>(value: false | T | undefined, name: string, read: (v: T) => number | null | undefined, fallback: number | null): number | null {
    if (value === false) return null;
    if (value !== undefined && (typeof value !== 'object' || value === null)) throw workerConfigInvalid(`retention.${name}`, 'must be false or an object');
    const v = value === undefined ? undefined : read(value);
    return v === undefined ? fallback : v;
}

/**
 * Applies the defaults of a {@link RetentionPolicy} (the values were checked by the worker's options).
 *
 * @param policy - the policy, or undefined for the defaults
 * @returns every setting
 * @internal
 */
export function resolveRetentionPolicy(policy: RetentionPolicy | undefined): ResolvedPolicy {
    const p = policy ?? {};
    return {
        intervalMs: p.intervalMs ?? 60_000,
        completedAfterMs: part(p.jobs, 'jobs', j => j.completedAfterMs, HOUR_MS),
        deadAfterMs: part(p.jobs, 'jobs', j => (j.deadAfterMs === false ? null : j.deadAfterMs), null),
        eventsAfterMs: part(p.events, 'events', e => e.afterMs, HOUR_MS),
        effectsAfterMs: part(p.effects, 'effects', e => e.afterMs, 7 * DAY_MS),
        auditAfterMs: part(p.audit, 'audit', a => a.afterMs, 30 * DAY_MS),
        maxBatches: p.maxBatchesPerPass ?? 100,
    };
}

/** What the retention loop needs from the worker. */
export interface RetentionContext {
    readonly store: WorkerStore;
    readonly handlers: HandlerRegistry;
    readonly events: WorkerEmitter;
    /** The ingestion cursor's name: events are pruned only a fork window below it. */
    readonly cursorName: string;
    /** The fork window (slots). */
    readonly forkWindowSlots: bigint;
    readonly policy: ResolvedPolicy;
    /** What registered users keep. */
    readonly keep: () => RetentionKeep;
    /** The wall clock (ms). */
    readonly now?: () => number;
}

const BATCH = 1000;

/** The handler jobs that read an event (they pin it while pending, running or dead). */
function jobIdsOf(ctx: RetentionContext, e: InboxEvent): string[] {
    return ctx.handlers.forEvent(e.name).flatMap(h => (['deliver', 'finalized', 'retracted'] as const).map(kind => handlerJobId(e, h.handlerName, kind)));
}

async function repeat(max: number, batch: () => Promise<number>): Promise<number> {
    let total = 0;
    for (let i = 0; i < max; i++) {
        const n = await batch();
        total += n;
        if (n < BATCH) break;
    }
    return total;
}

async function pruneEvents(ctx: RetentionContext, now: number): Promise<{ deleted: number; through: bigint | null }> {
    const { store, policy } = ctx;
    if (policy.eventsAfterMs === null) return { deleted: 0, through: null };
    const cursor = await store.getCursor(ctx.cursorName);
    if (!cursor || cursor.slot <= ctx.forkWindowSlots) return { deleted: 0, through: null };
    const throughSlot = cursor.slot - ctx.forkWindowSlots;
    const cutoff = now - policy.eventsAfterMs;
    let minSlot = 0n;
    let deleted = 0;
    for (let i = 0; i < policy.maxBatches; i++) {
        const page = await store.listEvents({ commitments: ['finalized', 'retracted'], minSlot, maxSlot: throughSlot, limit: BATCH });
        if (page.length === 0) break;
        const offered: PrunableEvent[] = page.filter(e => e.updatedAt < cutoff).map(e => ({ key: e, jobIds: jobIdsOf(ctx, e) }));
        const result = offered.length === 0 ? null : await store.pruneEvents({ throughSlot, events: offered });
        deleted += result?.deleted ?? 0;
        if (page.length < BATCH) break;
        // The next page starts at this page's last slot (past it when the page was one slot: the
        // rest of that slot waits for the next pass).
        const last = page[page.length - 1]!.slot;
        minSlot = last === page[0]!.slot ? last + 1n : last;
    }
    return { deleted, through: throughSlot };
}

/**
 * Runs one retention pass.
 *
 * @param ctx - store, handlers, cursor, policy and what is kept
 * @returns what was deleted
 * @internal
 */
export async function runRetentionPass(ctx: RetentionContext): Promise<RetentionPassResult> {
    const { store, policy } = ctx;
    const now = (ctx.now ?? Date.now)();
    const keep = ctx.keep();
    let jobs = 0;
    if (policy.completedAfterMs !== null) {
        const finishedBefore = now - policy.completedAfterMs;
        jobs += await repeat(policy.maxBatches, async () => (await store.pruneJobs({ finishedBefore, statuses: ['completed'], limit: BATCH })).deleted);
    }
    if (policy.deadAfterMs !== null) {
        const finishedBefore = now - policy.deadAfterMs;
        jobs += await repeat(policy.maxBatches, async () => (await store.pruneJobs({ finishedBefore, statuses: ['dead'], limit: BATCH })).deleted);
    }
    const events = await pruneEvents(ctx, now);
    let effects = 0;
    if (policy.effectsAfterMs !== null) {
        const updatedBefore = now - policy.effectsAfterMs;
        const keepKeyPrefixes = keep.effectKeyPrefixes ?? [];
        effects = await repeat(policy.maxBatches, async () => (await store.pruneEffects({ updatedBefore, keepKeyPrefixes, limit: BATCH })).deleted);
    }
    let audit = 0;
    if (policy.auditAfterMs !== null) {
        const before = now - Math.max(policy.auditAfterMs, keep.auditMinAgeMs ?? 0);
        const input = { before, keepActionPrefixes: keep.auditActionPrefixes ?? [], keepSubjectPrefixes: keep.auditSubjectPrefixes ?? [], limit: BATCH };
        audit = await repeat(policy.maxBatches, async () => (await store.pruneAudit(input)).deleted);
    }
    const prunedThroughSlot = await store.getPrunedThroughSlot();
    return { jobs, events: events.deleted, effects, audit, prunedThroughSlot };
}

/**
 * Runs retention passes every `policy.intervalMs` until `signal` aborts (the leader's term).
 *
 * @param ctx - see {@link RetentionContext}
 * @param signal - ends the loop
 * @internal
 */
export async function runRetentionLoop(ctx: RetentionContext, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
        try {
            const result = await runRetentionPass(ctx);
            if (result.jobs + result.events + result.effects + result.audit > 0) emitSafely(ctx.events, 'retention:pruned', result);
        } catch (e) {
            if (!signal.aborted) emitSafely(ctx.events, 'worker:error', { scope: 'retention', error: asError(e) });
        }
        if (signal.aborted) break; // aborted during the pass: the abort event has fired already
        await new Promise<void>(resolve => {
            const timer = setTimeout(done, ctx.policy.intervalMs);
            signal.addEventListener('abort', done, { once: true });
            function done() {
                clearTimeout(timer);
                signal.removeEventListener('abort', done);
                resolve();
            }
        });
    }
}
