/**
 * The in-memory {@link WorkerStore}: for tests and throwaway runs. Nothing survives the
 * process. Every operation runs synchronously inside its promise, so each one is atomic.
 */
import { effectNotFound, effectSendConflict, effectTransitionInvalid, storeClosed } from './errors';
import {
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_QUEUE,
    EFFECT_SOURCES,
    backoffDelay,
    checkBatch,
    checkCommitment,
    checkEffectStatus,
    checkEnqueueJob,
    checkEventKey,
    checkId,
    checkJobStatus,
    checkLimit,
    checkNow,
    checkOptionalId,
    checkPositive,
    checkRecordEvent,
    checkU64,
    checkUint,
    clipError,
    commitmentMoveAllowed,
    type CheckedEvent,
    type CheckedJob,
    eventMapKey as eventId,
    freezeJson,
} from './internal';
import type {
    AcquireLeaseInput,
    AppendAuditInput,
    AuditRecord,
    BeginEffectInput,
    BeginEffectResult,
    ClaimJobsInput,
    CompleteJobsInput,
    CountJobsInput,
    CursorRecord,
    EffectRecord,
    EffectStatus,
    EnqueueJobInput,
    EnqueueJobResult,
    EventKey,
    ExtendJobLeaseInput,
    FailJobInput,
    FailJobResult,
    InboxEvent,
    JobLeaseInput,
    JsonValue,
    JobRecord,
    LeaseRecord,
    ListAuditInput,
    ListDeadLettersInput,
    ListEffectsInput,
    ListEventsInput,
    MarkEffectConfirmedInput,
    MarkEffectFailedInput,
    MarkEffectSentInput,
    RecordEventInput,
    RecordEventResult,
    RedriveDeadLetterInput,
    ReleaseLeaseInput,
    RenewLeaseInput,
    SetCursorInput,
    SetCursorResult,
    SetEventCommitmentInput,
    SetEventCommitmentResult,
    WorkerStore,
    WorkerStoreOptions,
} from './types';

/** Options of {@link createMemoryWorkerStore}. */
export type MemoryWorkerStoreOptions = WorkerStoreOptions;

// JSON values (event data, payloads, intents, audit data) are kept as deep-frozen copies made on
// the way in (`freezeJson`) and handed out as they are: callers get their own record objects,
// but never a JSON value they could change under the store.
type Stored<T> = { -readonly [K in keyof T]: T[K] };
type StoredEvent = Stored<InboxEvent>;
type StoredJob = Stored<JobRecord>;
type StoredEffect = Stored<EffectRecord>;
type StoredAudit = Stored<AuditRecord>;

function compareText(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** Claim order: `runAt`, then id (bytewise). */
function claimOrder(a: { runAt: number; id: string }, b: { runAt: number; id: string }): number {
    return a.runAt - b.runAt || compareText(a.id, b.id);
}

/** A binary min-heap of pending jobs in claim order: O(log n) to add and to take the first. */
class PendingHeap {
    readonly #items: { runAt: number; id: string }[] = [];

    push(item: { runAt: number; id: string }): void {
        const a = this.#items;
        a.push(item);
        for (let i = a.length - 1; i > 0; ) {
            const parent = (i - 1) >> 1;
            if (claimOrder(a[i]!, a[parent]!) >= 0) break;
            [a[i], a[parent]] = [a[parent]!, a[i]!];
            i = parent;
        }
    }

    peek(): { runAt: number; id: string } | undefined {
        return this.#items[0];
    }

    pop(): void {
        const a = this.#items;
        const last = a.pop();
        if (a.length === 0 || last === undefined) return;
        a[0] = last;
        for (let i = 0; ; ) {
            const l = 2 * i + 1;
            const r = l + 1;
            let m = i;
            if (l < a.length && claimOrder(a[l]!, a[m]!) < 0) m = l;
            if (r < a.length && claimOrder(a[r]!, a[m]!) < 0) m = r;
            if (m === i) break;
            [a[i], a[m]] = [a[m]!, a[i]!];
            i = m;
        }
    }
}

/**
 * Creates an in-memory worker store. Use it in tests and examples; use the PGlite store
 * ({@link createPgliteWorkerStore}) when state must survive a restart.
 *
 * @param options - clock and backoff
 * @returns a store; `ready()` resolves at once
 * @example
 * ```ts
 * let now = 1_000;
 * const store = createMemoryWorkerStore({ clock: () => now });
 * await store.enqueueJob({ id: 'refund:raffle1', name: 'refund', runAt: 2_000 });
 * now = 2_000;
 * const jobs = await store.claimJobs({ owner: 'w1', limit: 10, leaseMs: 30_000 });
 * ```
 */
export function createMemoryWorkerStore(options: MemoryWorkerStoreOptions = {}): WorkerStore {
    return new MemoryWorkerStore(options);
}

class MemoryWorkerStore implements WorkerStore {
    readonly kind = 'memory';
    #closed = false;
    readonly #clock: () => number;
    readonly #options: MemoryWorkerStoreOptions;
    readonly #cursors = new Map<string, Stored<CursorRecord>>();
    readonly #events = new Map<string, StoredEvent>();
    readonly #effects = new Map<string, StoredEffect>();
    readonly #jobs = new Map<string, StoredJob>();
    /** Per queue: pending jobs in claim order (a heap) and the ids of running jobs. */
    readonly #queues = new Map<string, { pending: PendingHeap; running: Set<string> }>();
    readonly #leases = new Map<string, Stored<LeaseRecord>>();
    readonly #audit: StoredAudit[] = [];

    constructor(options: MemoryWorkerStoreOptions) {
        this.#options = options;
        this.#clock = options.clock ?? Date.now;
    }

    async ready(): Promise<void> {
        this.#open();
    }

    async close(): Promise<void> {
        this.#closed = true;
    }

    #open(): void {
        if (this.#closed) throw storeClosed(this.kind);
    }

    #now(now: number | undefined): number {
        return checkNow(now) ?? this.#clock();
    }

    // -- cursor ---------------------------------------------------------------------------

    async getCursor(name: string): Promise<CursorRecord | null> {
        this.#open();
        const c = this.#cursors.get(checkId('name', name));
        return c ? { ...c } : null;
    }

    async setCursor(input: SetCursorInput): Promise<SetCursorResult> {
        this.#open();
        const name = checkId('name', input.name);
        const slot = checkU64('slot', input.slot);
        const signature = checkOptionalId('signature', input.signature);
        const expected = input.expectedVersion === undefined ? null : checkUint('expectedVersion', input.expectedVersion);
        const now = this.#now(input.now);
        if (input.fence) {
            checkId('fence.lease', input.fence.lease);
            checkUint('fence.token', input.fence.token);
        }
        const current = this.#cursors.get(name) ?? null;
        const copy = current ? { ...current } : null;
        if (input.fence && this.#leases.get(input.fence.lease)?.token !== input.fence.token) {
            return { applied: false, reason: 'fenced', cursor: copy };
        }
        if (expected !== null && (current?.version ?? 0) !== expected) {
            return { applied: false, reason: 'version-mismatch', cursor: copy };
        }
        if (current && slot < current.slot) return { applied: false, reason: 'backwards', cursor: copy };
        const next = { name, slot, signature, version: (current?.version ?? 0) + 1, updatedAt: now };
        this.#cursors.set(name, next);
        return { applied: true, cursor: { ...next } };
    }

    // -- inbox ----------------------------------------------------------------------------

    #event(e: StoredEvent): InboxEvent {
        return {
            signature: e.signature,
            instructionIndex: e.instructionIndex,
            eventIndex: e.eventIndex,
            slot: e.slot,
            name: e.name,
            data: e.data,
            commitment: e.commitment,
            receivedAt: e.receivedAt,
            updatedAt: e.updatedAt,
        };
    }

    #insertEvent(checked: CheckedEvent<JsonValue>, now: number): RecordEventResult {
        const id = eventId(checked);
        const existing = this.#events.get(id);
        if (existing) return { inserted: false, event: this.#event(existing) };
        // A literal with every field (not a spread): one object shape for every stored event.
        const e: StoredEvent = {
            signature: checked.signature,
            instructionIndex: checked.instructionIndex,
            eventIndex: checked.eventIndex,
            slot: checked.slot,
            name: checked.name,
            data: checked.data,
            commitment: checked.commitment,
            receivedAt: now,
            updatedAt: now,
        };
        this.#events.set(id, e);
        return { inserted: true, event: this.#event(e) };
    }

    async recordEvent(input: RecordEventInput): Promise<RecordEventResult> {
        this.#open();
        return this.#insertEvent(checkRecordEvent(input, freezeJson), this.#now(input.now));
    }

    async recordEvents(inputs: readonly RecordEventInput[]): Promise<RecordEventResult[]> {
        this.#open();
        // Validate every input before writing any.
        const checked = checkBatch('inputs', inputs).map(input => ({ event: checkRecordEvent(input, freezeJson), now: this.#now(input.now) }));
        return checked.map(c => this.#insertEvent(c.event, c.now));
    }

    async getEvent(key: EventKey): Promise<InboxEvent | null> {
        this.#open();
        checkEventKey(key);
        const e = this.#events.get(eventId(key));
        return e ? this.#event(e) : null;
    }

    async getEvents(keys: readonly EventKey[]): Promise<(InboxEvent | null)[]> {
        this.#open();
        checkBatch('keys', keys).forEach(checkEventKey);
        return keys.map(key => {
            const e = this.#events.get(eventId(key));
            return e ? this.#event(e) : null;
        });
    }

    async setEventCommitment(input: SetEventCommitmentInput): Promise<SetEventCommitmentResult> {
        this.#open();
        checkEventKey(input);
        const to = checkCommitment(input.commitment, true);
        const now = this.#now(input.now);
        const e = this.#events.get(eventId(input));
        if (!e) return { changed: false, event: null };
        if (!commitmentMoveAllowed(e.commitment, to)) return { changed: false, event: this.#event(e) };
        e.commitment = to;
        e.updatedAt = now;
        return { changed: true, event: this.#event(e) };
    }

    async listEvents(input: ListEventsInput = {}): Promise<InboxEvent[]> {
        this.#open();
        const limit = checkLimit(input.limit);
        const states = input.commitments ? new Set(input.commitments.map(c => checkCommitment(c, true))) : null;
        const min = input.minSlot === undefined ? null : checkU64('minSlot', input.minSlot);
        const max = input.maxSlot === undefined ? null : checkU64('maxSlot', input.maxSlot);
        const out = [...this.#events.values()].filter(
            e => (!states || states.has(e.commitment)) && (min === null || e.slot >= min) && (max === null || e.slot <= max),
        );
        out.sort(
            (a, b) =>
                (a.slot < b.slot ? -1 : a.slot > b.slot ? 1 : 0) ||
                compareText(a.signature, b.signature) ||
                a.instructionIndex - b.instructionIndex ||
                a.eventIndex - b.eventIndex,
        );
        return out.slice(0, limit).map(e => this.#event(e));
    }

    // -- effects --------------------------------------------------------------------------

    #effect(e: StoredEffect): EffectRecord {
        return { ...e };
    }

    async beginEffect(input: BeginEffectInput): Promise<BeginEffectResult> {
        this.#open();
        const key = checkId('key', input.key);
        const intent = freezeJson('intent', input.intent);
        const now = this.#now(input.now);
        const existing = this.#effects.get(key);
        if (existing) return { created: false, effect: this.#effect(existing) };
        const e: StoredEffect = {
            key,
            intent,
            status: 'pending',
            signature: null,
            lastValidBlockHeight: null,
            sendCount: 0,
            error: null,
            createdAt: now,
            updatedAt: now,
        };
        this.#effects.set(key, e);
        return { created: true, effect: this.#effect(e) };
    }

    async getEffect(key: string): Promise<EffectRecord | null> {
        this.#open();
        const e = this.#effects.get(checkId('key', key));
        return e ? this.#effect(e) : null;
    }

    #transition(key: string, to: Exclude<EffectStatus, 'pending'>): StoredEffect {
        const e = this.#effects.get(key);
        if (!e) throw effectNotFound(key);
        if (!EFFECT_SOURCES[to].includes(e.status)) throw effectTransitionInvalid(key, e.status, to);
        return e;
    }

    async markEffectSent(input: MarkEffectSentInput): Promise<EffectRecord> {
        this.#open();
        const key = checkId('key', input.key);
        const signature = checkId('signature', input.signature);
        const height = checkU64('lastValidBlockHeight', input.lastValidBlockHeight);
        const expected = input.expectedSendCount === undefined ? null : checkUint('expectedSendCount', input.expectedSendCount);
        const now = this.#now(input.now);
        const e = this.#transition(key, 'sent');
        if (expected !== null && e.sendCount !== expected) throw effectSendConflict(key, expected, e.sendCount);
        Object.assign(e, { status: 'sent', signature, lastValidBlockHeight: height, sendCount: e.sendCount + 1, updatedAt: now });
        return this.#effect(e);
    }

    async markEffectConfirmed(input: MarkEffectConfirmedInput): Promise<EffectRecord> {
        this.#open();
        const key = checkId('key', input.key);
        const signature = checkOptionalId('signature', input.signature);
        const now = this.#now(input.now);
        const e = this.#transition(key, 'confirmed');
        if (e.status === 'confirmed' && (signature === null || signature === e.signature)) return this.#effect(e);
        Object.assign(e, { status: 'confirmed', signature: signature ?? e.signature, updatedAt: now });
        return this.#effect(e);
    }

    async markEffectFailed(input: MarkEffectFailedInput): Promise<EffectRecord> {
        this.#open();
        const key = checkId('key', input.key);
        const error = clipError(input.error);
        const now = this.#now(input.now);
        const e = this.#transition(key, 'failed');
        if (e.status === 'failed') return this.#effect(e);
        Object.assign(e, { status: 'failed', error, updatedAt: now });
        return this.#effect(e);
    }

    async listEffects(input: ListEffectsInput = {}): Promise<EffectRecord[]> {
        this.#open();
        const limit = checkLimit(input.limit);
        const states = input.statuses ? new Set(input.statuses.map(checkEffectStatus)) : null;
        return [...this.#effects.values()]
            .filter(e => !states || states.has(e.status))
            .sort((a, b) => a.createdAt - b.createdAt || compareText(a.key, b.key))
            .slice(0, limit)
            .map(e => this.#effect(e));
    }

    // -- jobs -----------------------------------------------------------------------------

    #job(j: StoredJob): JobRecord {
        return {
            id: j.id,
            queue: j.queue,
            name: j.name,
            payload: j.payload,
            maxAttempts: j.maxAttempts,
            status: j.status,
            runAt: j.runAt,
            attempts: j.attempts,
            leaseOwner: j.leaseOwner,
            leaseExpiresAt: j.leaseExpiresAt,
            lastError: j.lastError,
            createdAt: j.createdAt,
            updatedAt: j.updatedAt,
            finishedAt: j.finishedAt,
        };
    }

    #queue(name: string): { pending: PendingHeap; running: Set<string> } {
        let q = this.#queues.get(name);
        if (!q) this.#queues.set(name, (q = { pending: new PendingHeap(), running: new Set() }));
        return q;
    }

    /** Makes a job pending (it must not be running any more). */
    #toPending(j: StoredJob): void {
        const q = this.#queue(j.queue);
        q.running.delete(j.id);
        q.pending.push({ runAt: j.runAt, id: j.id });
    }

    #insertJob(checked: CheckedJob<JsonValue>, now: number): EnqueueJobResult {
        const existing = this.#jobs.get(checked.id);
        if (existing) return { created: false, job: this.#job(existing) };
        // A literal with every field (not a spread): one object shape for every stored job.
        const lease = checked.lease;
        const j: StoredJob = {
            id: checked.id,
            queue: checked.queue,
            name: checked.name,
            payload: checked.payload,
            maxAttempts: checked.maxAttempts,
            status: lease ? 'running' : 'pending',
            runAt: checked.runAt ?? now,
            attempts: lease ? 1 : 0,
            leaseOwner: lease ? lease.owner : null,
            leaseExpiresAt: lease ? now + lease.leaseMs : null,
            lastError: null,
            createdAt: now,
            updatedAt: now,
            finishedAt: null,
        };
        this.#jobs.set(j.id, j);
        if (lease) this.#queue(j.queue).running.add(j.id);
        else this.#toPending(j);
        return { created: true, job: this.#job(j) };
    }

    async enqueueJob(input: EnqueueJobInput): Promise<EnqueueJobResult> {
        this.#open();
        return this.#insertJob(checkEnqueueJob(input, freezeJson), this.#now(input.now));
    }

    async enqueueJobs(inputs: readonly EnqueueJobInput[]): Promise<EnqueueJobResult[]> {
        this.#open();
        // Validate every input before writing any.
        const checked = checkBatch('inputs', inputs).map(input => ({ job: checkEnqueueJob(input, freezeJson), now: this.#now(input.now) }));
        return checked.map(c => this.#insertJob(c.job, c.now));
    }

    async getJob(id: string): Promise<JobRecord | null> {
        this.#open();
        const j = this.#jobs.get(checkId('id', id));
        return j ? this.#job(j) : null;
    }

    async countJobs(input: CountJobsInput = {}): Promise<number> {
        this.#open();
        const queue = input.queue === undefined ? null : checkId('queue', input.queue);
        const states = input.statuses ? new Set(input.statuses.map(checkJobStatus)) : null;
        let n = 0;
        for (const j of this.#jobs.values()) if ((queue === null || j.queue === queue) && (!states || states.has(j.status))) n++;
        return n;
    }

    async claimJobs(input: ClaimJobsInput): Promise<JobRecord[]> {
        this.#open();
        const owner = checkId('owner', input.owner);
        const queue = input.queue === undefined ? DEFAULT_QUEUE : checkId('queue', input.queue);
        const limit = checkLimit(input.limit);
        const leaseMs = checkPositive('leaseMs', input.leaseMs);
        const now = this.#now(input.now);
        const q = this.#queue(queue);
        // Expired leases (their owner crashed): taken over, or dead when out of attempts.
        const expired: StoredJob[] = [];
        for (const id of q.running) {
            const j = this.#jobs.get(id)!;
            if (j.leaseExpiresAt === null || j.leaseExpiresAt > now) continue;
            if (j.attempts >= j.maxAttempts) {
                Object.assign(j, { status: 'dead', leaseOwner: null, leaseExpiresAt: null, lastError: j.lastError ?? 'lease expired', updatedAt: now, finishedAt: now });
                q.running.delete(id);
            } else expired.push(j);
        }
        expired.sort(claimOrder);
        // Merge them with the due pending jobs, in claim order.
        const claimed: StoredJob[] = [];
        let e = 0;
        while (claimed.length < limit) {
            const top = this.#duePending(q.pending, now);
            const next = expired[e];
            if (!top && !next) break;
            if (next && (!top || claimOrder(next, top) < 0)) {
                claimed.push(next);
                e++;
            } else {
                q.pending.pop();
                claimed.push(top!);
                q.running.add(top!.id);
            }
        }
        return claimed.map(j => {
            j.status = 'running';
            j.leaseOwner = owner;
            j.leaseExpiresAt = now + leaseMs;
            j.attempts++;
            j.updatedAt = now;
            return this.#job(j);
        });
    }

    /** The first pending job of a heap if it is due (stale heap entries are dropped). */
    #duePending(heap: PendingHeap, now: number): StoredJob | null {
        for (;;) {
            const entry = heap.peek();
            if (!entry) return null;
            const j = this.#jobs.get(entry.id);
            if (!j || j.status !== 'pending' || j.runAt !== entry.runAt) {
                heap.pop();
                continue;
            }
            return j.runAt <= now ? j : null;
        }
    }

    #held(id: string, owner: string): StoredJob | null {
        const j = this.#jobs.get(id);
        return j && j.status === 'running' && j.leaseOwner === owner ? j : null;
    }

    async extendJobLease(input: ExtendJobLeaseInput): Promise<JobRecord | null> {
        this.#open();
        const id = checkId('id', input.id);
        const owner = checkId('owner', input.owner);
        const leaseMs = checkPositive('leaseMs', input.leaseMs);
        const now = this.#now(input.now);
        const j = this.#held(id, owner);
        if (!j) return null;
        Object.assign(j, { leaseExpiresAt: now + leaseMs, updatedAt: now });
        return this.#job(j);
    }

    #completeJob(id: string, owner: string, now: number): boolean {
        const j = this.#held(id, owner);
        if (!j) return false;
        j.status = 'completed';
        j.leaseOwner = null;
        j.leaseExpiresAt = null;
        j.updatedAt = now;
        j.finishedAt = now;
        this.#queue(j.queue).running.delete(id);
        return true;
    }

    async completeJob(input: JobLeaseInput): Promise<boolean> {
        this.#open();
        const id = checkId('id', input.id);
        const owner = checkId('owner', input.owner);
        return this.#completeJob(id, owner, this.#now(input.now));
    }

    async completeJobs(input: CompleteJobsInput): Promise<string[]> {
        this.#open();
        const ids = checkBatch('ids', input.ids).map(id => checkId('id', id));
        const owner = checkId('owner', input.owner);
        const now = this.#now(input.now);
        return ids.filter(id => this.#completeJob(id, owner, now));
    }

    async releaseJob(input: JobLeaseInput): Promise<boolean> {
        this.#open();
        const id = checkId('id', input.id);
        const owner = checkId('owner', input.owner);
        const now = this.#now(input.now);
        const j = this.#held(id, owner);
        if (!j) return false;
        Object.assign(j, { status: 'pending', runAt: now, attempts: Math.max(0, j.attempts - 1), leaseOwner: null, leaseExpiresAt: null, updatedAt: now });
        this.#toPending(j);
        return true;
    }

    async failJob(input: FailJobInput): Promise<FailJobResult> {
        this.#open();
        const id = checkId('id', input.id);
        const owner = checkId('owner', input.owner);
        const error = clipError(input.error);
        const delay = input.retryDelayMs === undefined ? null : checkUint('retryDelayMs', input.retryDelayMs);
        const now = this.#now(input.now);
        const j = this.#held(id, owner);
        if (!j) {
            const current = this.#jobs.get(id);
            return { outcome: 'lost', job: current ? this.#job(current) : null };
        }
        if (input.unrecoverable === true || j.attempts >= j.maxAttempts) {
            Object.assign(j, { status: 'dead', leaseOwner: null, leaseExpiresAt: null, lastError: error, updatedAt: now, finishedAt: now });
            this.#queue(j.queue).running.delete(id);
            return { outcome: 'dead', job: this.#job(j) };
        }
        const runAt = now + (delay ?? backoffDelay(j.attempts, this.#options.backoff));
        Object.assign(j, { status: 'pending', runAt, leaseOwner: null, leaseExpiresAt: null, lastError: error, updatedAt: now });
        this.#toPending(j);
        return { outcome: 'retry', job: this.#job(j) };
    }

    async listDeadLetters(input: ListDeadLettersInput = {}): Promise<JobRecord[]> {
        this.#open();
        const limit = checkLimit(input.limit);
        const queue = input.queue === undefined ? null : checkId('queue', input.queue);
        return [...this.#jobs.values()]
            .filter(j => j.status === 'dead' && (queue === null || j.queue === queue))
            .sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0) || compareText(a.id, b.id))
            .slice(0, limit)
            .map(j => this.#job(j));
    }

    async redriveDeadLetter(input: RedriveDeadLetterInput): Promise<JobRecord | null> {
        this.#open();
        const id = checkId('id', input.id);
        const now = this.#now(input.now);
        const runAt = input.runAt === undefined ? now : checkUint('runAt', input.runAt);
        const j = this.#jobs.get(id);
        if (!j || j.status !== 'dead') return null;
        Object.assign(j, { status: 'pending', runAt, attempts: 0, updatedAt: now, finishedAt: null });
        this.#toPending(j);
        return this.#job(j);
    }

    // -- leases ---------------------------------------------------------------------------

    async acquireLease(input: AcquireLeaseInput): Promise<LeaseRecord | null> {
        this.#open();
        const name = checkId('name', input.name);
        const owner = checkId('owner', input.owner);
        const ttl = checkPositive('ttlMs', input.ttlMs);
        const now = this.#now(input.now);
        const l = this.#leases.get(name);
        if (!l) {
            const next = { name, owner, token: 1, expiresAt: now + ttl, acquiredAt: now };
            this.#leases.set(name, next);
            return { ...next };
        }
        if (l.owner === owner && l.expiresAt > now) {
            l.expiresAt = now + ttl;
            return { ...l };
        }
        if (l.owner !== null && l.expiresAt > now) return null;
        Object.assign(l, { owner, token: l.token + 1, expiresAt: now + ttl, acquiredAt: now });
        return { ...l };
    }

    async renewLease(input: RenewLeaseInput): Promise<LeaseRecord | null> {
        this.#open();
        const name = checkId('name', input.name);
        const owner = checkId('owner', input.owner);
        const token = checkUint('token', input.token);
        const ttl = checkPositive('ttlMs', input.ttlMs);
        const now = this.#now(input.now);
        const l = this.#leases.get(name);
        if (!l || l.owner !== owner || l.token !== token) return null;
        l.expiresAt = now + ttl;
        return { ...l };
    }

    async releaseLease(input: ReleaseLeaseInput): Promise<boolean> {
        this.#open();
        const name = checkId('name', input.name);
        const owner = checkId('owner', input.owner);
        const token = checkUint('token', input.token);
        const l = this.#leases.get(name);
        if (!l || l.owner !== owner || l.token !== token) return false;
        l.owner = null;
        return true;
    }

    async getLease(name: string): Promise<LeaseRecord | null> {
        this.#open();
        const l = this.#leases.get(checkId('name', name));
        return l ? { ...l } : null;
    }

    // -- audit ----------------------------------------------------------------------------

    async appendAudit(input: AppendAuditInput): Promise<AuditRecord> {
        this.#open();
        const actor = checkId('actor', input.actor);
        const action = checkId('action', input.action);
        const subject = checkOptionalId('subject', input.subject);
        const data = freezeJson('data', input.data ?? null);
        const at = this.#now(input.now);
        const entry: StoredAudit = { seq: this.#audit.length + 1, at, actor, action, subject, data };
        this.#audit.push(entry);
        return { ...entry };
    }

    async listAudit(input: ListAuditInput = {}): Promise<AuditRecord[]> {
        this.#open();
        const limit = checkLimit(input.limit);
        const after = input.afterSeq === undefined ? 0 : checkUint('afterSeq', input.afterSeq);
        const subject = input.subject === undefined ? null : checkId('subject', input.subject);
        const out: AuditRecord[] = [];
        for (let i = after; i < this.#audit.length && out.length < limit; i++) {
            const e = this.#audit[i]!;
            if (subject === null || e.subject === subject) out.push({ ...e });
        }
        return out;
    }
}
