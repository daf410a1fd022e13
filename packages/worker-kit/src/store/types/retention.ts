/**
 * The retention concern: deleting what the worker no longer needs (finished jobs, final inbox
 * events, terminal effects, old audit entries) without ever letting a handler run twice.
 *
 * The one rule that makes pruning events safe is the inbox **watermark**: `pruneEvents` raises it
 * to its `throughSlot` in the same atomic call that deletes, and from then on every adapter reports
 * an event at or below the watermark that is not in the inbox as `{ inserted: false, pruned: true }`
 * (in `recordEvents` and in the atomic step, which then plans nothing for it). A re-observed old
 * event therefore never enqueues its jobs again.
 *
 * @packageDocumentation
 */
import type { EventKey } from './inbox';

/** A job status that retention may delete. */
export type PrunableJobStatus = 'completed' | 'dead';

/** Input of {@link RetentionStore.pruneJobs}. */
export interface PruneJobsInput {
    /** Delete only jobs that finished (completed or died) strictly before this time (ms). */
    finishedBefore: number;
    /** Which finished jobs (default `['completed']`: dead letters are kept for an operator). */
    statuses?: readonly PrunableJobStatus[];
    /** At most this many per call (default 1000, at most 1000). */
    limit?: number;
}

/** One event offered to {@link RetentionStore.pruneEvents}. */
export interface PrunableEvent {
    /** The event. */
    readonly key: EventKey;
    /**
     * The ids of the jobs that read this event (its handler jobs). The event is kept while any of
     * them is pending, running or dead: a job must find its event when it runs or is redriven.
     */
    readonly jobIds: readonly string[];
}

/** Input of {@link RetentionStore.pruneEvents}. */
export interface PruneEventsInput {
    /**
     * The new inbox watermark: events at or below this slot are never inserted again. Must be at
     * or below the slot through which every event was recorded (the ingestion cursor). A lower
     * value than the current watermark leaves the watermark as it is.
     */
    throughSlot: bigint;
    /** The events to delete (at most 1000). */
    events: readonly PrunableEvent[];
}

/** Result of {@link RetentionStore.pruneEvents}. */
export interface PruneEventsResult {
    /** Events deleted. */
    readonly deleted: number;
    /**
     * Events kept: not in the inbox any more is not counted; kept are those above `throughSlot`,
     * not `finalized` or `retracted`, or with a pending, running or dead job.
     */
    readonly kept: number;
    /** The watermark after the call. */
    readonly prunedThroughSlot: bigint;
}

/** Input of {@link RetentionStore.pruneEffects}. */
export interface PruneEffectsInput {
    /** Delete only `confirmed` or `failed` effects last updated strictly before this time (ms). */
    updatedBefore: number;
    /** Never delete effects whose key starts with one of these (ledgers that must stay complete). */
    keepKeyPrefixes?: readonly string[];
    /** At most this many per call (default 1000, at most 1000). */
    limit?: number;
}

/** Input of {@link RetentionStore.pruneAudit}. */
export interface PruneAuditInput {
    /** Delete only entries recorded strictly before this time (ms). */
    before: number;
    /** Never delete entries whose action starts with one of these. */
    keepActionPrefixes?: readonly string[];
    /** Never delete entries whose subject starts with one of these. */
    keepSubjectPrefixes?: readonly string[];
    /** At most this many per call (default 1000, at most 1000). */
    limit?: number;
}

/** Result of a prune call that only deletes. */
export interface PruneResult {
    /** How many records were deleted. */
    readonly deleted: number;
}

/**
 * Deletes what the worker no longer needs, one bounded batch per call. The worker runs these on
 * the leader under its retention policy (`createWorker({ retention })`); direct use is for tools.
 *
 * @example
 * ```ts
 * await store.pruneJobs({ finishedBefore: Date.now() - 3_600_000 });
 * const { deleted } = await store.pruneEvents({ throughSlot: 1_000n, events: [{ key, jobIds: [`${id}:draw`] }] });
 * ```
 */
export interface RetentionStore {
    /**
     * Deletes finished jobs. A deleted job's id can be enqueued again: keep jobs as long as an
     * id must stay deduplicated.
     * @param input - age, statuses and batch size
     * @returns how many were deleted
     */
    pruneJobs(input: PruneJobsInput): Promise<PruneResult>;
    /**
     * Raises the inbox watermark to `throughSlot` and deletes, in the same atomic step, each
     * listed event that is at or below it, `finalized` or `retracted`, and has none of its
     * `jobIds` pending, running or dead.
     * @param input - the watermark and the events
     * @returns what was deleted and kept, and the watermark
     */
    pruneEvents(input: PruneEventsInput): Promise<PruneEventsResult>;
    /**
     * Reads the inbox watermark.
     * @returns the slot through which events were pruned, or null when nothing was
     */
    getPrunedThroughSlot(): Promise<bigint | null>;
    /**
     * Deletes terminal (`confirmed`, `failed`) effects. A deleted key can begin again: keep an
     * effect as long as anything could try it again.
     * @param input - age, kept prefixes and batch size
     * @returns how many were deleted
     */
    pruneEffects(input: PruneEffectsInput): Promise<PruneResult>;
    /**
     * Deletes old audit entries (sequence numbers are never reused).
     * @param input - age, kept prefixes and batch size
     * @returns how many were deleted
     */
    pruneAudit(input: PruneAuditInput): Promise<PruneResult>;
}
