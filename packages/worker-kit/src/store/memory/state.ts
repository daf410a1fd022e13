/**
 * The data of the in-memory store, shared by its concerns: one map per record kind, the pending
 * jobs of each queue in claim order, and the checks every operation starts with.
 *
 * JSON values (event data, payloads, intents, audit data) are kept as deep-frozen copies made on
 * the way in (`freezeJson`) and handed out as they are: callers get their own record objects,
 * but never a JSON value they could change under the store.
 *
 * @internal
 */
import { storeClosed } from '../errors';
import { type StoreBackoff, checkNow, resolveStoreBackoff } from '../internal';
import type { AuditRecord, CursorRecord, EffectRecord, InboxEvent, JobRecord, LeaseRecord, WorkerStoreOptions } from '../types';

/** A record as the store keeps it: mutable in place. */
export type Stored<T> = { -readonly [K in keyof T]: T[K] };

/** Bytewise order of two strings (as the SQL stores' `COLLATE "C"`). */
export function compareText(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** Claim order: `runAt`, then id (bytewise). */
export function claimOrder(a: { runAt: number; id: string }, b: { runAt: number; id: string }): number {
    return a.runAt - b.runAt || compareText(a.id, b.id);
}

/** A binary min-heap of pending jobs in claim order: O(log n) to add and to take the first. */
export class PendingHeap {
    readonly #items: { runAt: number; id: string }[] = [];

    /** Adds a job. */
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

    /** The first job in claim order. */
    peek(): { runAt: number; id: string } | undefined {
        return this.#items[0];
    }

    /** Removes the first job. */
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

/** One queue: its pending jobs in claim order (a heap; stale entries are skipped) and the ids of its running jobs. */
export interface MemoryQueue {
    readonly pending: PendingHeap;
    readonly running: Set<string>;
}

/** Everything the in-memory store holds. */
export interface MemoryState {
    /** Set by `close()`; every later operation rejects. */
    closed: boolean;
    readonly clock: () => number;
    readonly backoff: StoreBackoff;
    readonly cursors: Map<string, Stored<CursorRecord>>;
    readonly events: Map<string, Stored<InboxEvent>>;
    readonly effects: Map<string, Stored<EffectRecord>>;
    readonly jobs: Map<string, Stored<JobRecord>>;
    readonly queues: Map<string, MemoryQueue>;
    readonly leases: Map<string, Stored<LeaseRecord>>;
    /** The audit log in `seq` order (retention may have removed some). */
    audit: Stored<AuditRecord>[];
    /** The last audit `seq` handed out (never reused). */
    auditSeq: number;
    /** The inbox watermark: events at or below it are never inserted again (retention). */
    prunedThroughSlot: bigint | null;
    /** The tail of the chain that runs atomic inbox steps and event pruning one at a time. */
    stepChain: Promise<unknown>;
}

/** An empty store. */
export function createMemoryState(options: WorkerStoreOptions): MemoryState {
    return {
        closed: false,
        clock: options.clock ?? Date.now,
        backoff: resolveStoreBackoff(options.backoff),
        cursors: new Map(),
        events: new Map(),
        effects: new Map(),
        jobs: new Map(),
        queues: new Map(),
        leases: new Map(),
        audit: [],
        auditSeq: 0,
        prunedThroughSlot: null,
        stepChain: Promise.resolve(),
    };
}

/** Throws `RAFFLE_ERROR__WORKER__STORE_CLOSED` once the store is closed. */
export function assertOpen(state: MemoryState): void {
    if (state.closed) throw storeClosed('memory');
}

/** The operation's `now`, or the store's clock. */
export function nowOf(state: MemoryState, now: number | undefined): number {
    return checkNow(now) ?? state.clock();
}

/**
 * Runs an inbox step (or an event pruning) after every earlier one: a step that awaits its plan
 * never interleaves with another step or with a watermark move.
 */
export function serializedStep<T>(state: MemoryState, run: () => Promise<T>): Promise<T> {
    const next = state.stepChain.then(run, run);
    state.stepChain = next.catch(() => undefined);
    return next;
}
