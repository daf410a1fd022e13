/**
 * The storage contract of the worker: one interface ({@link WorkerStore}) that every adapter
 * (in-memory, embedded PGlite, PostgreSQL, Redis) implements and that the conformance suite
 * (`@raffle/worker-kit/testing`) checks.
 *
 * Conventions shared by every operation:
 * - Times are integer milliseconds since the Unix epoch. Every operation that reads the clock
 *   takes an optional `now`; when it is omitted the store's clock is used (see each adapter:
 *   PostgreSQL and Redis use the server's clock so that replicas agree).
 * - Chain quantities (slots, block heights) are `bigint`.
 * - JSON values are stored as JSON: `undefined`, functions, `bigint` and class instances do not
 *   survive a round trip. Encode bigints as strings in payloads.
 * - Records returned are copies: mutating them never changes the store.
 * - Every method that decides something (insert-if-absent, compare-and-set, claim) is atomic
 *   in every adapter, also across processes for PostgreSQL and Redis.
 */

/** A JSON value as stored in payloads, intents and audit data. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Options shared by operations that read the clock. */
export interface ClockOptions {
    /** The current time in ms; the store's clock when omitted. */
    now?: number;
}

// ---------------------------------------------------------------------------------------------
// Cursor
// ---------------------------------------------------------------------------------------------

/** A durable ingestion position: the last fully processed slot (and signature within it). */
export interface CursorRecord {
    /** The cursor's name, e.g. `ingest:<programId>`. */
    readonly name: string;
    /** The slot the cursor points at. A cursor never moves to a lower slot. */
    readonly slot: bigint;
    /** The last processed transaction signature in that slot, if the writer tracks one. */
    readonly signature: string | null;
    /** Incremented on every successful write; 1 after the first write. Used for compare-and-set. */
    readonly version: number;
    /** When the cursor was last written (ms). */
    readonly updatedAt: number;
}

/**
 * A fencing token proving the writer still holds a lease: a write that carries it is rejected
 * once another owner has acquired the lease (its token is then higher).
 */
export interface FenceToken {
    /** The lease's name. */
    readonly lease: string;
    /** The token returned by {@link WorkerStore.acquireLease} for that lease. */
    readonly token: number;
}

/** Input of {@link WorkerStore.setCursor}. */
export interface SetCursorInput extends ClockOptions {
    /** The cursor's name. */
    name: string;
    /** The new slot; must be greater than or equal to the stored slot. */
    slot: bigint;
    /** The last processed signature in that slot. */
    signature?: string | null;
    /**
     * Compare-and-set: the version the writer read (0 when it read no cursor). The write is
     * rejected when the stored version differs. Omit for a monotonic upsert.
     */
    expectedVersion?: number;
    /** Reject the write unless this fencing token is still the lease's current token. */
    fence?: FenceToken;
}

/** Why a cursor write was rejected. */
export type CursorRejection = 'version-mismatch' | 'backwards' | 'fenced';

/** Result of {@link WorkerStore.setCursor}. */
export type SetCursorResult =
    | {
          /** The write happened. */
          readonly applied: true;
          /** The cursor as written. */
          readonly cursor: CursorRecord;
      }
    | {
          /** The write was rejected; nothing changed. */
          readonly applied: false;
          /** Why the write was rejected. */
          readonly reason: CursorRejection;
          /** The cursor as stored, or null when there is none. */
          readonly cursor: CursorRecord | null;
      };

// ---------------------------------------------------------------------------------------------
// Event inbox
// ---------------------------------------------------------------------------------------------

/**
 * How final an observed event is. Moves only forward (`seen` -> `confirmed` -> `finalized`) or
 * to `retracted` (its transaction was dropped by a fork before finalization). `finalized` and
 * `retracted` are terminal.
 */
export type CommitmentState = 'seen' | 'confirmed' | 'finalized' | 'retracted';

/**
 * Every commitment state, in order.
 *
 * @example
 * ```ts
 * const open = COMMITMENT_STATES.slice(0, 2); // ['seen', 'confirmed']
 * ```
 */
export const COMMITMENT_STATES: readonly CommitmentState[] = Object.freeze(['seen', 'confirmed', 'finalized', 'retracted']);

/**
 * The most items one batch call ({@link WorkerStore.recordEvents}, {@link WorkerStore.getEvents},
 * {@link WorkerStore.enqueueJobs}, {@link WorkerStore.completeJobs}) accepts.
 *
 * @example
 * ```ts
 * for (let i = 0; i < inputs.length; i += MAX_BATCH_SIZE) await store.recordEvents(inputs.slice(i, i + MAX_BATCH_SIZE));
 * ```
 */
export const MAX_BATCH_SIZE = 1000;

/** Identifies one emitted event: its transaction, instruction and position in that instruction. */
export interface EventKey {
    /** The transaction signature (base58). */
    readonly signature: string;
    /** The index of the (outer) instruction that emitted the event. */
    readonly instructionIndex: number;
    /** The index of the event among the events of that instruction. */
    readonly eventIndex: number;
}

/** Input of {@link WorkerStore.recordEvent}. */
export interface RecordEventInput extends EventKey, ClockOptions {
    /** The slot of the transaction. */
    slot: bigint;
    /** The event's name, e.g. `ThresholdReached`. */
    name: string;
    /** The decoded event as JSON (bigints as strings). */
    data: JsonValue;
    /** The commitment at which it was observed; `seen` when omitted. Must not be `retracted`. */
    commitment?: Exclude<CommitmentState, 'retracted'>;
}

/** One event in the inbox. */
export interface InboxEvent extends EventKey {
    /** The slot of the transaction. */
    readonly slot: bigint;
    /** The event's name. */
    readonly name: string;
    /** The decoded event. */
    readonly data: JsonValue;
    /** Its current commitment state. */
    readonly commitment: CommitmentState;
    /** When it was first recorded (ms). */
    readonly receivedAt: number;
    /** When its commitment last changed (ms). */
    readonly updatedAt: number;
}

/** Result of {@link WorkerStore.recordEvent}. */
export interface RecordEventResult {
    /** True when the event was new; false when it was already in the inbox (it is then unchanged). */
    readonly inserted: boolean;
    /** The stored event (the earlier one when `inserted` is false). */
    readonly event: InboxEvent;
}

/** Input of {@link WorkerStore.setEventCommitment}. */
export interface SetEventCommitmentInput extends EventKey, ClockOptions {
    /** The new state; ignored when it would move the event backwards. */
    commitment: CommitmentState;
}

/** Result of {@link WorkerStore.setEventCommitment}. */
export interface SetEventCommitmentResult {
    /** True when the state changed. */
    readonly changed: boolean;
    /** The event after the call, or null when it is not in the inbox. */
    readonly event: InboxEvent | null;
}

/** Filter of {@link WorkerStore.listEvents}. */
export interface ListEventsInput {
    /** Only events in one of these states; every state when omitted. */
    commitments?: readonly CommitmentState[];
    /** Only events at or after this slot. */
    minSlot?: bigint;
    /** Only events at or before this slot. */
    maxSlot?: bigint;
    /** At most this many (default 100, at most 1000). */
    limit?: number;
}

// ---------------------------------------------------------------------------------------------
// Effect ledger
// ---------------------------------------------------------------------------------------------

/**
 * Where an effect is: `pending` (intent recorded, nothing sent), `sent` (a transaction was
 * sent; its signature and last valid block height are known), `confirmed` and `failed`
 * (terminal). Allowed moves: pending -> sent | confirmed | failed; sent -> sent (re-sent with a
 * new signature after its blockhash expired) | confirmed | failed.
 */
export type EffectStatus = 'pending' | 'sent' | 'confirmed' | 'failed';

/** One entry of the effect ledger. */
export interface EffectRecord {
    /** The deterministic idempotency key, e.g. `draw:<raffle>`. */
    readonly key: string;
    /** What the worker intends to do, as JSON. Never changes after creation. */
    readonly intent: JsonValue;
    /** Where the effect is. */
    readonly status: EffectStatus;
    /** The signature of the last transaction sent for it. */
    readonly signature: string | null;
    /** The last block height at which that transaction can land. */
    readonly lastValidBlockHeight: bigint | null;
    /** How many transactions were sent for it. */
    readonly sendCount: number;
    /** Why it failed (set with `failed`). */
    readonly error: string | null;
    /** When it was created (ms). */
    readonly createdAt: number;
    /** When it last changed (ms). */
    readonly updatedAt: number;
}

/** Input of {@link WorkerStore.beginEffect}. */
export interface BeginEffectInput extends ClockOptions {
    /** The deterministic idempotency key. */
    key: string;
    /** What the worker intends to do. */
    intent: JsonValue;
}

/** Result of {@link WorkerStore.beginEffect}. */
export interface BeginEffectResult {
    /** True when this call created the entry; false when it existed (it is then unchanged). */
    readonly created: boolean;
    /** The entry. */
    readonly effect: EffectRecord;
}

/** Input of {@link WorkerStore.markEffectSent}. */
export interface MarkEffectSentInput extends ClockOptions {
    /** The idempotency key. */
    key: string;
    /** The signature of the transaction just sent. */
    signature: string;
    /** The last valid block height of its blockhash. */
    lastValidBlockHeight: bigint;
    /**
     * Compare-and-set: the `sendCount` the caller read. When another runner recorded a send
     * since, the call throws `RAFFLE_ERROR__WORKER__EFFECT_SEND_CONFLICT` and changes nothing,
     * so two runners of one job can never both send. Omit to record unconditionally.
     */
    expectedSendCount?: number;
}

/** Input of {@link WorkerStore.markEffectConfirmed}. */
export interface MarkEffectConfirmedInput extends ClockOptions {
    /** The idempotency key. */
    key: string;
    /** The signature that landed, when it differs from the last one sent or none was recorded. */
    signature?: string;
}

/** Input of {@link WorkerStore.markEffectFailed}. */
export interface MarkEffectFailedInput extends ClockOptions {
    /** The idempotency key. */
    key: string;
    /** Why it failed (no secrets). */
    error: string;
}

/** Filter of {@link WorkerStore.listEffects}. */
export interface ListEffectsInput {
    /** Only effects in one of these states; every state when omitted. */
    statuses?: readonly EffectStatus[];
    /** At most this many (default 100, at most 1000), oldest first. */
    limit?: number;
}

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

/**
 * Where a job is: `pending` (waiting for `runAt`), `running` (leased to an owner until
 * `leaseExpiresAt`), `completed`, `dead` (dead letter: out of attempts or unrecoverable).
 */
export type JobStatus = 'pending' | 'running' | 'completed' | 'dead';

/** One job. */
export interface JobRecord {
    /** Unique id; deterministic ids make enqueueing idempotent. */
    readonly id: string;
    /** The queue it belongs to. */
    readonly queue: string;
    /** The kind of work (the handler's name). */
    readonly name: string;
    /** The job's input. */
    readonly payload: JsonValue;
    /** Where the job is. */
    readonly status: JobStatus;
    /** The earliest time it may run (ms). */
    readonly runAt: number;
    /** How many times it was claimed. */
    readonly attempts: number;
    /** After this many failed attempts it becomes a dead letter. */
    readonly maxAttempts: number;
    /** The owner of the current lease (`running` only). */
    readonly leaseOwner: string | null;
    /** When the current lease expires (`running` only). */
    readonly leaseExpiresAt: number | null;
    /** The error of the last failed attempt. */
    readonly lastError: string | null;
    /** When it was enqueued (ms). */
    readonly createdAt: number;
    /** When it last changed (ms). */
    readonly updatedAt: number;
    /** When it completed or became a dead letter (ms). */
    readonly finishedAt: number | null;
}

/** Input of {@link WorkerStore.enqueueJob}. */
export interface EnqueueJobInput extends ClockOptions {
    /** A deterministic id makes enqueueing idempotent; a random id when omitted. */
    id?: string;
    /** The queue; `default` when omitted. */
    queue?: string;
    /** The kind of work. */
    name: string;
    /** The job's input. */
    payload?: JsonValue;
    /** The earliest time it may run (ms); now when omitted. */
    runAt?: number;
    /** Attempts before it becomes a dead letter (default 5, at least 1). */
    maxAttempts?: number;
    /**
     * Claims the job in the same step when it is created: it starts `running` under this lease
     * (attempt 1), exactly as if `claimJobs` had returned it, and comes back to the queue if the
     * lease expires. A job that already existed is left as it is. For a worker that enqueues work
     * it runs itself at once; not combinable with `runAt`.
     */
    lease?: { owner: string; leaseMs: number };
}

/** Result of {@link WorkerStore.enqueueJob}. */
export interface EnqueueJobResult {
    /** True when the job was created; false when a job with that id existed (it is unchanged). */
    readonly created: boolean;
    /** The job. */
    readonly job: JobRecord;
}

/** Input of {@link WorkerStore.claimJobs}. */
export interface ClaimJobsInput extends ClockOptions {
    /** Who claims: a unique id per worker process. */
    owner: string;
    /** The queue; `default` when omitted. */
    queue?: string;
    /** At most this many jobs (1..1000). */
    limit: number;
    /** Lease length in ms; the owner must complete, fail or extend before it expires. */
    leaseMs: number;
}

/** Identifies a lease on a job held by an owner. */
export interface JobLeaseInput extends ClockOptions {
    /** The job's id. */
    id: string;
    /** The owner that claimed it. */
    owner: string;
}

/** Input of {@link WorkerStore.extendJobLease}. */
export interface ExtendJobLeaseInput extends JobLeaseInput {
    /** The new lease length from now, in ms. */
    leaseMs: number;
}

/** Input of {@link WorkerStore.failJob}. */
export interface FailJobInput extends JobLeaseInput {
    /** What went wrong (no secrets). */
    error: string;
    /** Delay before the next attempt; the store's exponential backoff when omitted. */
    retryDelayMs?: number;
    /** Dead-letter now, whatever the attempts left (an unrecoverable error). */
    unrecoverable?: boolean;
}

/** Result of {@link WorkerStore.failJob}. */
export interface FailJobResult {
    /** `retry`: rescheduled; `dead`: dead-lettered; `lost`: the caller no longer held the lease. */
    readonly outcome: 'retry' | 'dead' | 'lost';
    /** The job after the call (null when it does not exist). */
    readonly job: JobRecord | null;
}

/** Input of {@link WorkerStore.completeJobs}. */
export interface CompleteJobsInput extends ClockOptions {
    /** The jobs' ids (at most {@link MAX_BATCH_SIZE}). */
    ids: readonly string[];
    /** The owner that claimed them. */
    owner: string;
}

/** Input of {@link WorkerStore.countJobs}. */
export interface CountJobsInput {
    /** Only this queue; every queue when omitted. */
    queue?: string;
    /** Only jobs in one of these states; every state when omitted. */
    statuses?: readonly JobStatus[];
}

/** Input of {@link WorkerStore.listDeadLetters}. */
export interface ListDeadLettersInput {
    /** Only this queue; every queue when omitted. */
    queue?: string;
    /** At most this many (default 100, at most 1000), oldest first. */
    limit?: number;
}

/** Input of {@link WorkerStore.redriveDeadLetter}. */
export interface RedriveDeadLetterInput extends ClockOptions {
    /** The dead job's id. */
    id: string;
    /** When to run it again; now when omitted. */
    runAt?: number;
}

// ---------------------------------------------------------------------------------------------
// Leases (leader election)
// ---------------------------------------------------------------------------------------------

/** A named lease held by one owner until it expires. */
export interface LeaseRecord {
    /** The lease's name, e.g. `leader`. */
    readonly name: string;
    /** The current owner (null after a release). */
    readonly owner: string | null;
    /**
     * The fencing token: increases by one every time the lease changes hands (never reused,
     * also across releases); unchanged while one owner renews it.
     */
    readonly token: number;
    /** When the lease expires (ms). */
    readonly expiresAt: number;
    /** When the current owner acquired it (ms). */
    readonly acquiredAt: number;
}

/** Input of {@link WorkerStore.acquireLease}. */
export interface AcquireLeaseInput extends ClockOptions {
    /** The lease's name. */
    name: string;
    /** Who acquires it. */
    owner: string;
    /** How long it lasts, in ms. */
    ttlMs: number;
}

/** Input of {@link WorkerStore.renewLease}. */
export interface RenewLeaseInput extends AcquireLeaseInput {
    /** The token returned at acquisition. */
    token: number;
}

/** Input of {@link WorkerStore.releaseLease}. */
export interface ReleaseLeaseInput {
    /** The lease's name. */
    name: string;
    /** The owner releasing it. */
    owner: string;
    /** The token returned at acquisition. */
    token: number;
}

// ---------------------------------------------------------------------------------------------
// Audit log
// ---------------------------------------------------------------------------------------------

/** One append-only audit entry. */
export interface AuditRecord {
    /** Increasing sequence number, unique per store. */
    readonly seq: number;
    /** When it was appended (ms). */
    readonly at: number;
    /** Who did it, e.g. a worker id. */
    readonly actor: string;
    /** What happened, e.g. `effect:sent`. */
    readonly action: string;
    /** What it happened to, e.g. a raffle address or an effect key. */
    readonly subject: string | null;
    /** Details (no secrets). */
    readonly data: JsonValue;
}

/** Input of {@link WorkerStore.appendAudit}. */
export interface AppendAuditInput extends ClockOptions {
    /** Who did it. */
    actor: string;
    /** What happened. */
    action: string;
    /** What it happened to. */
    subject?: string | null;
    /** Details (no secrets). */
    data?: JsonValue;
}

/** Filter of {@link WorkerStore.listAudit}. */
export interface ListAuditInput {
    /** Only entries with `seq` greater than this (pagination). */
    afterSeq?: number;
    /** Only entries about this subject. */
    subject?: string;
    /** At most this many (default 100, at most 1000), in `seq` order. */
    limit?: number;
}

// ---------------------------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------------------------

/**
 * The worker's durable state: ingestion cursors, the event inbox, the effect ledger, jobs,
 * leases and the audit log. Every adapter owns its connections: call {@link WorkerStore.ready}
 * before use and {@link WorkerStore.close} when done.
 *
 * @example
 * ```ts
 * const store = createMemoryWorkerStore();
 * await store.ready();
 * const { inserted } = await store.recordEvent({ signature, instructionIndex: 0, eventIndex: 0, slot: 5n, name: 'ThresholdReached', data: {} });
 * if (inserted) await store.enqueueJob({ id: `draw:${raffle}`, name: 'draw', payload: { raffle } });
 * const [job] = await store.claimJobs({ owner: 'worker-1', limit: 1, leaseMs: 30_000 });
 * await store.close();
 * ```
 */
export interface WorkerStore {
    /** A short name of the adapter, e.g. `postgres`. */
    readonly kind: string;

    /**
     * Connects and prepares the storage (migrations, scripts). Idempotent; concurrent calls share one attempt.
     * @returns when the store can be used
     */
    ready(): Promise<void>;
    /**
     * Releases every connection the store owns. Idempotent. Operations after `close` reject.
     * @returns when every owned connection is closed
     */
    close(): Promise<void>;

    /**
     * Reads a cursor.
     * @param name - the cursor's name
     * @returns the cursor, or null when it was never written
     */
    getCursor(name: string): Promise<CursorRecord | null>;
    /**
     * Moves a cursor, atomically checking that it does not go backwards, that the stored
     * version is `expectedVersion` (when given) and that the `fence` token is still current
     * (when given).
     * @param input - the new position and the checks
     * @returns whether the write was applied, and the cursor
     */
    setCursor(input: SetCursorInput): Promise<SetCursorResult>;

    /**
     * Inserts an event if its key is absent. A duplicate never changes the stored event.
     * @param input - the event
     * @returns whether it was new, and the stored event
     */
    recordEvent(input: RecordEventInput): Promise<RecordEventResult>;
    /**
     * Reads one event.
     * @param key - the event's key
     * @returns the event, or null
     */
    getEvent(key: EventKey): Promise<InboxEvent | null>;
    /**
     * {@link WorkerStore.recordEvent} for many events in one round trip: each is inserted if its
     * key is absent. Within one batch the first occurrence of a key wins (later ones report
     * `inserted: false`). Each insert is atomic; the batch as a whole need not be.
     * @param inputs - at most {@link MAX_BATCH_SIZE} events
     * @returns one result per input, in input order
     */
    recordEvents(inputs: readonly RecordEventInput[]): Promise<RecordEventResult[]>;
    /**
     * Reads many events in one round trip.
     * @param keys - at most {@link MAX_BATCH_SIZE} keys
     * @returns one entry per key, in input order: the event or null
     */
    getEvents(keys: readonly EventKey[]): Promise<(InboxEvent | null)[]>;
    /**
     * Moves an event's commitment forward (or to `retracted`); a backward move or a move out
     * of a terminal state changes nothing.
     * @param input - the key and the new state
     * @returns whether it changed, and the event
     */
    setEventCommitment(input: SetEventCommitmentInput): Promise<SetEventCommitmentResult>;
    /**
     * Lists events ordered by slot, signature, instruction index and event index.
     * @param input - filters
     * @returns the events
     */
    listEvents(input?: ListEventsInput): Promise<InboxEvent[]>;

    /**
     * Records the intent of an effect if its key is absent.
     * @param input - key and intent
     * @returns whether this call created it, and the entry (the existing one when not created)
     */
    beginEffect(input: BeginEffectInput): Promise<BeginEffectResult>;
    /**
     * Reads one effect.
     * @param key - its idempotency key
     * @returns the entry, or null
     */
    getEffect(key: string): Promise<EffectRecord | null>;
    /**
     * Records that a transaction was sent for a `pending` or `sent` effect.
     * @param input - key, signature and last valid block height
     * @returns the updated entry
     * @throws RaffleError when the effect does not exist or is `confirmed` / `failed`, or (`EFFECT_SEND_CONFLICT`) when `expectedSendCount` is stale
     */
    markEffectSent(input: MarkEffectSentInput): Promise<EffectRecord>;
    /**
     * Records that the effect landed. Idempotent on a `confirmed` effect.
     * @param input - key and, optionally, the signature that landed
     * @returns the updated entry
     * @throws RaffleError when the effect does not exist or is `failed`
     */
    markEffectConfirmed(input: MarkEffectConfirmedInput): Promise<EffectRecord>;
    /**
     * Records that the effect will not happen. Idempotent on a `failed` effect.
     * @param input - key and reason
     * @returns the updated entry
     * @throws RaffleError when the effect does not exist or is `confirmed`
     */
    markEffectFailed(input: MarkEffectFailedInput): Promise<EffectRecord>;
    /**
     * Lists effects, oldest first (e.g. the `pending` and `sent` ones to resolve after a restart).
     * @param input - filters
     * @returns the entries
     */
    listEffects(input?: ListEffectsInput): Promise<EffectRecord[]>;

    /**
     * Adds a job unless one with the same id exists.
     * @param input - the job
     * @returns whether it was created, and the job
     */
    enqueueJob(input: EnqueueJobInput): Promise<EnqueueJobResult>;
    /**
     * Reads one job.
     * @param id - its id
     * @returns the job, or null
     */
    getJob(id: string): Promise<JobRecord | null>;
    /**
     * {@link WorkerStore.enqueueJob} for many jobs in one round trip. Within one batch the first
     * job with an id wins (later ones report `created: false`). Each insert is atomic; the batch
     * as a whole need not be.
     * @param inputs - at most {@link MAX_BATCH_SIZE} jobs
     * @returns one result per input, in input order
     */
    enqueueJobs(inputs: readonly EnqueueJobInput[]): Promise<EnqueueJobResult[]>;
    /**
     * Counts jobs (queue depth for status reports).
     * @param input - filters
     * @returns how many jobs match
     */
    countJobs(input?: CountJobsInput): Promise<number>;
    /**
     * Atomically leases up to `limit` due jobs of a queue to `owner`: `pending` jobs whose
     * `runAt` has come and `running` jobs whose lease expired (their owner crashed), ordered by
     * `runAt` then id. Each claim increments `attempts`. An expired job that has no attempt
     * left becomes a dead letter instead. Two claimers never receive the same job.
     * @param input - owner, queue, limit and lease length
     * @returns the claimed jobs (status `running`)
     */
    claimJobs(input: ClaimJobsInput): Promise<JobRecord[]>;
    /**
     * Extends the lease of a running job (heartbeat).
     * @param input - job, owner and new lease length
     * @returns the job, or null when the owner no longer holds the lease
     */
    extendJobLease(input: ExtendJobLeaseInput): Promise<JobRecord | null>;
    /**
     * Marks a running job completed.
     * @param input - job and owner
     * @returns true when completed; false when the owner no longer held the lease
     */
    completeJob(input: JobLeaseInput): Promise<boolean>;
    /**
     * {@link WorkerStore.completeJob} for many jobs of one owner in one round trip.
     * @param input - the ids (at most {@link MAX_BATCH_SIZE}) and the owner
     * @returns the ids that were completed (those whose lease the owner still held), in input order
     */
    completeJobs(input: CompleteJobsInput): Promise<string[]>;
    /**
     * Hands a running job back without spending the attempt (graceful shutdown): it becomes
     * `pending` and due now, its attempt count goes back down by one, its lease is cleared.
     * @param input - job and owner
     * @returns true when released; false when the owner no longer held the lease
     */
    releaseJob(input: JobLeaseInput): Promise<boolean>;
    /**
     * Records a failed attempt: reschedules the job with backoff, or dead-letters it when it
     * has no attempt left or the error is unrecoverable.
     * @param input - job, owner, error and retry options
     * @returns the outcome and the job
     */
    failJob(input: FailJobInput): Promise<FailJobResult>;
    /**
     * Lists dead letters, oldest first.
     * @param input - filters
     * @returns the dead jobs
     */
    listDeadLetters(input?: ListDeadLettersInput): Promise<JobRecord[]>;
    /**
     * Puts a dead job back in its queue with its attempts reset.
     * @param input - the job and when to run it
     * @returns the job, or null when it is not a dead letter
     */
    redriveDeadLetter(input: RedriveDeadLetterInput): Promise<JobRecord | null>;

    /**
     * Acquires a lease if it is free, expired or already held by `owner` (then it is renewed
     * and keeps its token).
     * @param input - name, owner and ttl
     * @returns the lease, or null when another owner holds it
     */
    acquireLease(input: AcquireLeaseInput): Promise<LeaseRecord | null>;
    /**
     * Extends a lease still held by `owner` with `token` (also shortly after it expired, if
     * nobody took it over).
     * @param input - name, owner, token and ttl
     * @returns the lease, or null when it was lost
     */
    renewLease(input: RenewLeaseInput): Promise<LeaseRecord | null>;
    /**
     * Releases a lease held by `owner` with `token`; its token stays, so the next owner gets a higher one.
     * @param input - name, owner and token
     * @returns true when released
     */
    releaseLease(input: ReleaseLeaseInput): Promise<boolean>;
    /**
     * Reads a lease.
     * @param name - its name
     * @returns the lease (possibly expired or released), or null when never acquired
     */
    getLease(name: string): Promise<LeaseRecord | null>;

    /**
     * Appends an audit entry.
     * @param input - the entry
     * @returns the stored entry with its sequence number
     */
    appendAudit(input: AppendAuditInput): Promise<AuditRecord>;
    /**
     * Lists audit entries in `seq` order.
     * @param input - filters and pagination
     * @returns the entries
     */
    listAudit(input?: ListAuditInput): Promise<AuditRecord[]>;
}

/** Options shared by every adapter. */
export interface WorkerStoreOptions {
    /**
     * The clock used when an operation gets no `now` (ms). Defaults: `Date.now` in memory;
     * the database's clock for PostgreSQL, PGlite and Redis (so that replicas agree).
     */
    clock?: () => number;
    /** Backoff of {@link WorkerStore.failJob} when no `retryDelayMs` is given. */
    backoff?: BackoffOptions;
}

/** Exponential backoff: `min(baseMs * 2^(attempts-1), maxMs)`. */
export interface BackoffOptions {
    /** Delay after the first failed attempt (default 1000 ms). */
    baseMs?: number;
    /** Upper bound (default 5 minutes). */
    maxMs?: number;
}
