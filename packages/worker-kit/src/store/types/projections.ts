/**
 * The storage concern of the atomic inbox step and of batch projections ({@link ProjectionStore}):
 * recording events (or moving their commitment), enqueueing the jobs they need and committing the
 * projections' writes in one atomic step, and reading projection values back.
 *
 * @packageDocumentation
 */
import type { JsonValue } from './common';
import type { InboxEvent, RecordEventInput, RecordEventResult, SetEventCommitmentInput, SetEventCommitmentResult } from './inbox';
import type { EnqueueJobInput, EnqueueJobResult } from './jobs';

/** The most characters of a projection key; namespaces follow handler names (1-64 of `A-Za-z0-9_.-`). */
export const MAX_PROJECTION_KEY_LENGTH = 512;

/**
 * One write of a projection: `value: null` removes the key.
 *
 * @example
 * ```ts
 * const write: ProjectionWrite = { namespace: 'tickets-sold', key: raffle, value: 12 };
 * ```
 */
export interface ProjectionWrite {
    /** The projection's name. */
    readonly namespace: string;
    /** The key (1-512 characters). */
    readonly key: string;
    /** The new value, or null to remove it. */
    readonly value: JsonValue | null;
}

/**
 * Reads committed projection values inside the atomic step (inside the transaction, for SQL).
 *
 * @example
 * ```ts
 * const [sold] = await read('tickets-sold', [raffle]);
 * ```
 */
export type ProjectionRead = (namespace: string, keys: readonly string[]) => Promise<(JsonValue | null)[]>;

/**
 * What an atomic step commits besides the events: the jobs they need and the projections' writes.
 *
 * @example
 * ```ts
 * const plan: InboxStepPlan = { jobs: [{ id: `${id}:draw`, name: 'handler:ThresholdReached:draw' }], writes: [] };
 * ```
 */
export interface InboxStepPlan {
    /** Jobs to enqueue (insert-if-absent by id, like `enqueueJobs`, `lease` included). */
    readonly jobs?: readonly EnqueueJobInput[];
    /** Projection writes. */
    readonly writes?: readonly ProjectionWrite[];
}

/**
 * Plans an atomic step from the events it changed (inserted, or whose commitment moved), in input
 * order. Throwing aborts the step: nothing is recorded. A store may call it more than once for
 * one step (optimistic retry); only the last plan is committed.
 *
 * @example
 * ```ts
 * const plan: PlanInboxStep = async (changed, read) => ({ writes: changed.map(e => ({ namespace: 'seen', key: e.signature, value: true })) });
 * ```
 */
export type PlanInboxStep = (changed: readonly InboxEvent[], read: ProjectionRead) => Promise<InboxStepPlan>;

/** What an atomic step did. */
export interface InboxStepResult<R> {
    /** One result per input, in input order. */
    readonly results: R[];
    /** One result per planned job, in plan order. */
    readonly jobs: EnqueueJobResult[];
}

/** One committed projection value. */
export interface ProjectionEntry {
    /** The key. */
    readonly key: string;
    /** The value. */
    readonly value: JsonValue;
}

/** Input of {@link ProjectionStore.listProjectionValues}. */
export interface ListProjectionValuesInput {
    /** The projection's name. */
    namespace: string;
    /** Only keys that start with this. */
    prefix?: string;
    /** Only keys after this one (pagination). */
    after?: string;
    /** At most this many (default 100, at most 1000), in key order. */
    limit?: number;
}

/**
 * Atomic inbox steps and the read side of projections. Every step is all-or-nothing: the events
 * (or commitment moves), the jobs and the projection writes its plan returned are committed
 * together, so no crash can separate an event from its jobs or its projections: an event is
 * projected exactly once, and its jobs exist as soon as it does.
 *
 * @example
 * ```ts
 * await store.recordEventsWith(inputs, async (inserted) => ({ writes: inserted.map(e => ({ namespace: 'count', key: e.name, value: 1 })) }));
 * ```
 */
export interface ProjectionStore {
    /**
     * `recordEvents` as one atomic step with the plan of the events it inserted (not the duplicates).
     * @param inputs - at most 1000 events
     * @param plan - computes the jobs and writes
     * @returns the events' results and the jobs' results
     * @throws whatever `plan` throws; nothing is then recorded
     */
    recordEventsWith(inputs: readonly RecordEventInput[], plan: PlanInboxStep): Promise<InboxStepResult<RecordEventResult>>;
    /**
     * `setEventCommitment` for many events as one atomic step with the plan of the events whose
     * commitment changed (as they are after the move).
     * @param inputs - at most 1000 moves
     * @param plan - computes the jobs and writes
     * @returns the moves' results and the jobs' results
     * @throws whatever `plan` throws; nothing is then changed
     */
    setEventCommitmentsWith(inputs: readonly SetEventCommitmentInput[], plan: PlanInboxStep): Promise<InboxStepResult<SetEventCommitmentResult>>;
    /**
     * Reads committed values.
     * @param namespace - the projection
     * @param keys - at most 1000 keys
     * @returns one value (or null) per key, in order
     */
    getProjectionValues(namespace: string, keys: readonly string[]): Promise<(JsonValue | null)[]>;
    /**
     * Lists committed values in key order.
     * @param input - namespace, prefix, page and limit
     * @returns the entries
     */
    listProjectionValues(input: ListProjectionValuesInput): Promise<ProjectionEntry[]>;
}
