/**
 * The {@link WorkerStore} over PostgreSQL SQL, shared by the PostgreSQL (`pg`) and the
 * embedded PGlite adapters. Every decision is one statement (atomic under READ COMMITTED):
 * `INSERT ... ON CONFLICT` for insert-if-absent and leases, `UPDATE ... WHERE <state>` for
 * compare-and-set, `FOR UPDATE SKIP LOCKED` for claims.
 *
 * Time: when an operation gets no `now` and the store has no `clock`, the statement reads the
 * database's clock (`clock_timestamp()`), so every replica compares lease and job expiries
 * against the same clock.
 *
 * @internal
 */
import { backendFailed, effectNotFound, effectSendConflict, effectTransitionInvalid, storeClosed } from '../errors';
import {
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_QUEUE,
    EFFECT_SOURCES,
    big,
    bigOrNull,
    type CheckedEvent,
    type CheckedJob,
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
    cloneJson,
    eventMapKey,
    num,
    numOrNull,
    toJson,
} from '../internal';
import type {
    AcquireLeaseInput,
    AppendAuditInput,
    AuditRecord,
    BeginEffectInput,
    BeginEffectResult,
    ClaimJobsInput,
    CommitmentState,
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
    JsonValue,
    JobLeaseInput,
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
} from '../types';
import type { SqlDriver, SqlQuery } from './driver';
import { migrate, quoteSchema } from './migrate';

type Row = Record<string, unknown>;

/** JSONB columns arrive parsed from both drivers; a JSON string value must not be parsed again. */
function fromJsonb(value: unknown): JsonValue {
    return value as JsonValue;
}

/** The database's clock in ms. */
const DB_NOW = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/** A CTE `t(now)`: the caller's time, or the database's. */
function nowCte(param: number): string {
    return `t AS (SELECT coalesce($${param}::bigint, ${DB_NOW}) AS now)`;
}

const CURSOR_COLS = `name, slot::text AS slot, signature, version, updated_at`;
const EVENT_COLS = `signature, instruction_index, event_index, slot::text AS slot, name, data, commitment, received_at, updated_at`;
const EFFECT_COLS = `key, intent, status, signature, last_valid_block_height::text AS last_valid_block_height, send_count, error, created_at, updated_at`;
const JOB_COLS = `id, queue, name, payload, status, run_at, attempts, max_attempts, lease_owner, lease_expires_at, last_error, created_at, updated_at, finished_at`;
const LEASE_COLS = `name, owner, token, expires_at, acquired_at`;
const AUDIT_COLS = `seq, at, actor, action, subject, data`;

function prefixed(cols: string, alias: string): string {
    return cols
        .split(', ')
        .map(c => `${alias}.${c}`)
        .join(', ');
}

function toCursor(r: Row): CursorRecord {
    return {
        name: String(r.name),
        slot: big(r.slot),
        signature: (r.signature as string | null) ?? null,
        version: num(r.version),
        updatedAt: num(r.updated_at),
    };
}

function toEvent(r: Row): InboxEvent {
    return {
        signature: String(r.signature),
        instructionIndex: num(r.instruction_index),
        eventIndex: num(r.event_index),
        slot: big(r.slot),
        name: String(r.name),
        data: fromJsonb(r.data),
        commitment: r.commitment as CommitmentState,
        receivedAt: num(r.received_at),
        updatedAt: num(r.updated_at),
    };
}

function toEffect(r: Row): EffectRecord {
    return {
        key: String(r.key),
        intent: fromJsonb(r.intent),
        status: r.status as EffectStatus,
        signature: (r.signature as string | null) ?? null,
        lastValidBlockHeight: bigOrNull(r.last_valid_block_height),
        sendCount: num(r.send_count),
        error: (r.error as string | null) ?? null,
        createdAt: num(r.created_at),
        updatedAt: num(r.updated_at),
    };
}

function toJob(r: Row): JobRecord {
    return {
        id: String(r.id),
        queue: String(r.queue),
        name: String(r.name),
        payload: fromJsonb(r.payload),
        status: r.status as JobRecord['status'],
        runAt: num(r.run_at),
        attempts: num(r.attempts),
        maxAttempts: num(r.max_attempts),
        leaseOwner: (r.lease_owner as string | null) ?? null,
        leaseExpiresAt: numOrNull(r.lease_expires_at),
        lastError: (r.last_error as string | null) ?? null,
        createdAt: num(r.created_at),
        updatedAt: num(r.updated_at),
        finishedAt: numOrNull(r.finished_at),
    };
}

function toLease(r: Row): LeaseRecord {
    return {
        name: String(r.name),
        owner: (r.owner as string | null) ?? null,
        token: num(r.token),
        expiresAt: num(r.expires_at),
        acquiredAt: num(r.acquired_at),
    };
}

function toAudit(r: Row): AuditRecord {
    return {
        seq: num(r.seq),
        at: num(r.at),
        actor: String(r.actor),
        action: String(r.action),
        subject: (r.subject as string | null) ?? null,
        data: fromJsonb(r.data),
    };
}

function byRunAtThenId(a: JobRecord, b: JobRecord): number {
    return a.runAt - b.runAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The claim statement ($1 owner, $2 queue, $3 limit, $4 lease ms, $5 now or null): jobs whose
 * lease expired with no attempts left become dead letters; then up to `limit` jobs are taken, due
 * pending ones and expired leases, in `run_at, id` order. Each kind is read from its own partial
 * index in that order and stops at `limit` rows, so a claim costs the same with ten jobs waiting
 * or a million (one query over both kinds would sort the whole backlog on every claim).
 *
 * @internal
 */
export function claimJobsSql(s: string): string {
    const now = `(SELECT now FROM t)`;
    return `WITH ${nowCte(5)},
             out_of_attempts AS (
                 UPDATE ${s}.jobs AS d SET status = 'dead', lease_owner = NULL, lease_expires_at = NULL,
                        last_error = coalesce(d.last_error, 'lease expired'), updated_at = t.now, finished_at = t.now
                 FROM t
                 WHERE d.id IN (SELECT x.id FROM ${s}.jobs AS x
                                WHERE x.queue = $2 AND x.status = 'running' AND x.lease_expires_at <= ${now} AND x.attempts >= x.max_attempts
                                FOR UPDATE OF x SKIP LOCKED)
                 RETURNING d.id
             ),
             due_pending AS (
                 SELECT p.id, p.run_at FROM ${s}.jobs AS p
                 WHERE p.queue = $2 AND p.status = 'pending' AND p.run_at <= ${now}
                 ORDER BY p.run_at, p.id
                 LIMIT $3
                 FOR UPDATE OF p SKIP LOCKED
             ),
             due_expired AS (
                 SELECT x.id, x.run_at FROM ${s}.jobs AS x
                 WHERE x.queue = $2 AND x.status = 'running' AND x.lease_expires_at <= ${now} AND x.attempts < x.max_attempts
                 ORDER BY x.run_at, x.id
                 LIMIT $3
                 FOR UPDATE OF x SKIP LOCKED
             ),
             due AS (
                 SELECT u.id FROM (SELECT id, run_at FROM due_pending UNION ALL SELECT id, run_at FROM due_expired) AS u
                 ORDER BY u.run_at, u.id
                 LIMIT $3
             )
             UPDATE ${s}.jobs AS j SET status = 'running', lease_owner = $1, lease_expires_at = t.now + $4::bigint,
                    attempts = j.attempts + 1, updated_at = t.now
             FROM due, t WHERE j.id = due.id
             RETURNING ${prefixed(JOB_COLS, 'j')}`;
}

/** States an event may move from to reach `to`. */
function commitmentSources(to: CommitmentState): string {
    switch (to) {
        case 'seen':
            return '';
        case 'confirmed':
            return 'seen';
        case 'finalized':
        case 'retracted':
            return 'seen,confirmed';
    }
}

/** JSON text of a string (for rows built as JSON text). */
const q = JSON.stringify;

/** Event keys as a JSON array parameter for `jsonb_to_recordset`. */
function keysJson(keys: readonly EventKey[]): string {
    return `[${keys.map(k => `{"signature":${q(k.signature)},"instruction_index":${k.instructionIndex},"event_index":${k.eventIndex}}`).join(',')}]`;
}

/** The `jsonb_to_recordset` column list of {@link keysJson}. */
const KEY_RECORD = `k(signature text, instruction_index int, event_index int)`;
/** Joins `e` (inbox_events) to `k` (a {@link KEY_RECORD}). */
const KEY_JOIN = `e.signature = k.signature COLLATE "C" AND e.instruction_index = k.instruction_index AND e.event_index = k.event_index`;

/**
 * Keeps the first result per key: a later duplicate in the same batch reports "not new" with
 * the first one's record.
 */
function firstWins<T, R>(items: readonly T[], keyOf: (item: T) => string, inserted: Map<string, R>, existing: Map<string, R>): { isNew: boolean; record: R | undefined }[] {
    const taken = new Set<string>();
    return items.map(item => {
        const key = keyOf(item);
        const fresh = inserted.get(key);
        if (fresh !== undefined && !taken.has(key)) {
            taken.add(key);
            return { isNew: true, record: fresh };
        }
        return { isNew: false, record: fresh ?? existing.get(key) };
    });
}

/** Options of the shared SQL store. */
export interface SqlWorkerStoreOptions extends WorkerStoreOptions {
    /** The adapter's name. */
    kind: string;
    /** The PostgreSQL schema holding the tables. */
    schema: string;
    /** Apply migrations in `ready()` (default true). */
    migrate?: boolean;
    /** Opens the connection(s); called once by `ready()`. */
    connect: () => Promise<SqlDriver>;
}

/** The shared SQL implementation. */
export class SqlWorkerStore implements WorkerStore {
    readonly kind: string;
    readonly #options: SqlWorkerStoreOptions;
    readonly #s: string;
    #driver: SqlDriver | null = null;
    #ready: Promise<void> | null = null;
    #closed = false;
    #closing: Promise<void> | null = null;

    constructor(options: SqlWorkerStoreOptions) {
        this.kind = options.kind;
        this.#options = options;
        this.#s = quoteSchema(options.schema);
    }

    /** The schema holding the tables. */
    get schema(): string {
        return this.#options.schema;
    }

    ready(): Promise<void> {
        if (this.#closed) return Promise.reject(storeClosed(this.kind));
        this.#ready ??= (async () => {
            let driver: SqlDriver | null = null;
            try {
                driver = await this.#options.connect();
                if (this.#options.migrate !== false) await migrate(driver, this.#options.schema);
                this.#driver = driver;
            } catch (e) {
                // Leave the store retryable: the next ready() opens a fresh connection.
                this.#ready = null;
                await driver?.close().catch(() => undefined);
                throw e;
            }
        })();
        return this.#ready;
    }

    close(): Promise<void> {
        this.#closed = true;
        this.#closing ??= (async () => {
            await this.#ready?.catch(() => undefined);
            const driver = this.#driver;
            this.#driver = null;
            await driver?.close();
        })();
        return this.#closing;
    }

    async #q(text: string, params: readonly unknown[] = []): Promise<Row[]> {
        if (this.#closed) throw storeClosed(this.kind);
        if (!this.#driver) await this.ready();
        const driver = this.#driver;
        if (!driver) throw storeClosed(this.kind);
        return driver.query(text, params);
    }

    /** The `now` parameter: the caller's, the configured clock's, or null (database clock). */
    #now(now: number | undefined): number | null {
        return checkNow(now) ?? (this.#options.clock ? this.#options.clock() : null);
    }

    // -- cursor ---------------------------------------------------------------------------

    async getCursor(name: string): Promise<CursorRecord | null> {
        const rows = await this.#q(`SELECT ${CURSOR_COLS} FROM ${this.#s}.cursors WHERE name = $1`, [checkId('name', name)]);
        return rows[0] ? toCursor(rows[0]) : null;
    }

    async setCursor(input: SetCursorInput): Promise<SetCursorResult> {
        const name = checkId('name', input.name);
        const slot = checkU64('slot', input.slot).toString();
        const signature = checkOptionalId('signature', input.signature);
        const expected = input.expectedVersion === undefined ? null : checkUint('expectedVersion', input.expectedVersion);
        const fenceLease = input.fence ? checkId('fence.lease', input.fence.lease) : null;
        const fenceToken = input.fence ? checkUint('fence.token', input.fence.token) : null;
        const now = this.#now(input.now);
        const s = this.#s;
        const fenceOk = `($5::text IS NULL OR EXISTS (SELECT 1 FROM ${s}.leases WHERE name = $5::text AND token = $6::bigint))`;
        const params: unknown[] = [name, slot, signature, now, fenceLease, fenceToken];
        let rows: Row[];
        if (expected === null || expected === 0) {
            const onConflict =
                expected === 0
                    ? 'DO NOTHING'
                    : `DO UPDATE SET slot = EXCLUDED.slot, signature = EXCLUDED.signature, version = c.version + 1, updated_at = EXCLUDED.updated_at
                       WHERE c.slot <= EXCLUDED.slot`;
            rows = await this.#q(
                `WITH ${nowCte(4)}
                 INSERT INTO ${s}.cursors AS c (name, slot, signature, version, updated_at)
                 SELECT $1::text, $2::bigint, $3::text, 1, t.now FROM t WHERE ${fenceOk}
                 ON CONFLICT (name) ${onConflict}
                 RETURNING ${CURSOR_COLS}`,
                params,
            );
        } else {
            rows = await this.#q(
                `WITH ${nowCte(4)}
                 UPDATE ${s}.cursors AS c SET slot = $2::bigint, signature = $3::text, version = c.version + 1, updated_at = t.now
                 FROM t WHERE c.name = $1::text AND c.version = $7::bigint AND c.slot <= $2::bigint AND ${fenceOk}
                 RETURNING ${prefixed(CURSOR_COLS, 'c')}`,
                [...params, expected],
            );
        }
        if (rows[0]) return { applied: true, cursor: toCursor(rows[0]) };
        const cursor = await this.getCursor(name);
        if (fenceLease !== null) {
            const lease = await this.getLease(fenceLease);
            if (lease?.token !== fenceToken) return { applied: false, reason: 'fenced', cursor };
        }
        if (expected !== null && (cursor?.version ?? 0) !== expected) return { applied: false, reason: 'version-mismatch', cursor };
        return { applied: false, reason: 'backwards', cursor };
    }

    // -- inbox ----------------------------------------------------------------------------

    async recordEvent(input: RecordEventInput): Promise<RecordEventResult> {
        return (await this.recordEvents([input]))[0]!;
    }

    async recordEvents(inputs: readonly RecordEventInput[]): Promise<RecordEventResult[]> {
        // `source`: the caller's data, copied for the result (the same value as parsing the text back).
        const checked: (CheckedEvent & { now: number | null; source: unknown })[] = checkBatch('inputs', inputs).map(input => ({
            ...checkRecordEvent(input),
            now: this.#now(input.now),
            source: input.data,
        }));
        if (checked.length === 0) return [];
        // One array per column, unnested in input order (cheaper for the server to read than one
        // JSON document of rows: only the data itself is parsed as JSON).
        const rows = await this.#q(
            `WITH ${nowCte(8)}
             INSERT INTO ${this.#s}.inbox_events (signature, instruction_index, event_index, slot, name, data, commitment, received_at, updated_at)
             SELECT x.signature, x.instruction_index, x.event_index, x.slot, x.name, x.data::jsonb, x.commitment, coalesce(x.now, t.now), coalesce(x.now, t.now)
             FROM unnest($1::text[], $2::int[], $3::int[], $4::bigint[], $5::text[], $6::text[], $7::text[], $9::bigint[])
                  WITH ORDINALITY AS x(signature, instruction_index, event_index, slot, name, data, commitment, now, ord), t
             ORDER BY x.ord
             ON CONFLICT DO NOTHING
             RETURNING signature, instruction_index, event_index, received_at`,
            [
                checked.map(e => e.signature),
                checked.map(e => e.instructionIndex),
                checked.map(e => e.eventIndex),
                checked.map(e => e.slot.toString()),
                checked.map(e => e.name),
                checked.map(e => e.data),
                checked.map(e => e.commitment),
                null,
                checked.map(e => e.now),
            ],
        );
        // What was inserted is known: only the database's clock comes back (no payload round trip).
        const byKey = new Map<string, (typeof checked)[number]>();
        for (const e of checked) if (!byKey.has(eventMapKey(e))) byKey.set(eventMapKey(e), e); // the first occurrence was inserted
        const inserted = new Map<string, InboxEvent>();
        for (const r of rows) {
            const mapKey = eventMapKey({ signature: String(r.signature), instructionIndex: num(r.instruction_index), eventIndex: num(r.event_index) });
            const e = byKey.get(mapKey)!;
            const at = num(r.received_at);
            inserted.set(mapKey, {
                signature: e.signature,
                instructionIndex: e.instructionIndex,
                eventIndex: e.eventIndex,
                slot: e.slot,
                name: e.name,
                data: cloneJson('data', e.source),
                commitment: e.commitment,
                receivedAt: at,
                updatedAt: at,
            });
        }
        const missing = checked.filter(e => !inserted.has(eventMapKey(e)));
        const existing = new Map<string, InboxEvent>();
        if (missing.length > 0) for (const e of await this.getEvents(missing)) if (e) existing.set(eventMapKey(e), e);
        return firstWins(checked, eventMapKey, inserted, existing).map(({ isNew, record }, i) => {
            if (!record) throw backendFailed(this.kind, `event ${checked[i]!.signature} conflicted on insert but cannot be read`);
            return { inserted: isNew, event: record };
        });
    }

    async getEvent(key: EventKey): Promise<InboxEvent | null> {
        return (await this.getEvents([key]))[0] ?? null;
    }

    async getEvents(keys: readonly EventKey[]): Promise<(InboxEvent | null)[]> {
        checkBatch('keys', keys).forEach(checkEventKey);
        if (keys.length === 0) return [];
        const rows = await this.#q(
            `SELECT ${prefixed(EVENT_COLS, 'e')} FROM ${this.#s}.inbox_events AS e JOIN jsonb_to_recordset($1::jsonb) AS ${KEY_RECORD} ON ${KEY_JOIN}`,
            [keysJson(keys)],
        );
        const found = new Map(rows.map(r => [eventMapKey(toEvent(r)), toEvent(r)]));
        return keys.map(k => found.get(eventMapKey(k)) ?? null);
    }

    async setEventCommitment(input: SetEventCommitmentInput): Promise<SetEventCommitmentResult> {
        checkEventKey(input);
        const to = checkCommitment(input.commitment, true);
        const now = this.#now(input.now);
        const rows = await this.#q(
            `WITH ${nowCte(6)}
             UPDATE ${this.#s}.inbox_events AS e SET commitment = $4::text, updated_at = t.now FROM t
             WHERE e.signature = $1 AND e.instruction_index = $2 AND e.event_index = $3 AND e.commitment = ANY(string_to_array($5::text, ','))
             RETURNING ${prefixed(EVENT_COLS, 'e')}`,
            [input.signature, input.instructionIndex, input.eventIndex, to, commitmentSources(to), now],
        );
        if (rows[0]) return { changed: true, event: toEvent(rows[0]) };
        return { changed: false, event: await this.getEvent(input) };
    }

    async listEvents(input: ListEventsInput = {}): Promise<InboxEvent[]> {
        const limit = checkLimit(input.limit);
        const states = input.commitments ? input.commitments.map(c => checkCommitment(c, true)).join(',') : null;
        const min = input.minSlot === undefined ? null : checkU64('minSlot', input.minSlot).toString();
        const max = input.maxSlot === undefined ? null : checkU64('maxSlot', input.maxSlot).toString();
        const rows = await this.#q(
            `SELECT ${prefixed(EVENT_COLS, 'e')} FROM ${this.#s}.inbox_events AS e
             WHERE ($1::text IS NULL OR e.commitment = ANY(string_to_array($1::text, ',')))
               AND ($2::bigint IS NULL OR e.slot >= $2::bigint) AND ($3::bigint IS NULL OR e.slot <= $3::bigint)
             ORDER BY e.slot, e.signature, e.instruction_index, e.event_index LIMIT $4`,
            [states, min, max, limit],
        );
        return rows.map(toEvent);
    }

    // -- effects --------------------------------------------------------------------------

    async beginEffect(input: BeginEffectInput): Promise<BeginEffectResult> {
        const key = checkId('key', input.key);
        const intent = toJson('intent', input.intent);
        const now = this.#now(input.now);
        const rows = await this.#q(
            `WITH ${nowCte(3)}
             INSERT INTO ${this.#s}.effects (key, intent, status, created_at, updated_at)
             SELECT $1::text, $2::jsonb, 'pending', t.now, t.now FROM t
             ON CONFLICT DO NOTHING RETURNING ${EFFECT_COLS}`,
            [key, intent, now],
        );
        if (rows[0]) return { created: true, effect: toEffect(rows[0]) };
        const existing = await this.getEffect(key);
        if (!existing) throw backendFailed(this.kind, `effect ${key} conflicted on insert but cannot be read`);
        return { created: false, effect: existing };
    }

    async getEffect(key: string): Promise<EffectRecord | null> {
        const rows = await this.#q(`SELECT ${EFFECT_COLS} FROM ${this.#s}.effects WHERE key = $1`, [checkId('key', key)]);
        return rows[0] ? toEffect(rows[0]) : null;
    }

    async #transitionFailed(key: string, to: EffectStatus): Promise<never> {
        const current = await this.getEffect(key);
        if (!current) throw effectNotFound(key);
        throw effectTransitionInvalid(key, current.status, to);
    }

    async markEffectSent(input: MarkEffectSentInput): Promise<EffectRecord> {
        const key = checkId('key', input.key);
        const signature = checkId('signature', input.signature);
        const height = checkU64('lastValidBlockHeight', input.lastValidBlockHeight).toString();
        const expected = input.expectedSendCount === undefined ? null : checkUint('expectedSendCount', input.expectedSendCount);
        const now = this.#now(input.now);
        const rows = await this.#q(
            `WITH ${nowCte(4)}
             UPDATE ${this.#s}.effects AS f SET status = 'sent', signature = $2::text, last_valid_block_height = $3::bigint,
                    send_count = f.send_count + 1, updated_at = t.now
             FROM t WHERE f.key = $1 AND f.status = ANY(string_to_array($5::text, ',')) AND ($6::int IS NULL OR f.send_count = $6::int)
             RETURNING ${prefixed(EFFECT_COLS, 'f')}`,
            [key, signature, height, now, EFFECT_SOURCES.sent.join(','), expected],
        );
        if (rows[0]) return toEffect(rows[0]);
        const current = await this.getEffect(key);
        if (current && expected !== null && EFFECT_SOURCES.sent.includes(current.status) && current.sendCount !== expected) {
            throw effectSendConflict(key, expected, current.sendCount);
        }
        return this.#transitionFailed(key, 'sent');
    }

    async markEffectConfirmed(input: MarkEffectConfirmedInput): Promise<EffectRecord> {
        const key = checkId('key', input.key);
        const signature = checkOptionalId('signature', input.signature);
        const now = this.#now(input.now);
        const rows = await this.#q(
            `WITH ${nowCte(3)}
             UPDATE ${this.#s}.effects AS f SET status = 'confirmed', signature = coalesce($2::text, f.signature),
                    updated_at = CASE WHEN f.status = 'confirmed' AND ($2::text IS NULL OR $2::text = f.signature) THEN f.updated_at ELSE t.now END
             FROM t WHERE f.key = $1 AND f.status = ANY(string_to_array($4::text, ','))
             RETURNING ${prefixed(EFFECT_COLS, 'f')}`,
            [key, signature, now, EFFECT_SOURCES.confirmed.join(',')],
        );
        return rows[0] ? toEffect(rows[0]) : this.#transitionFailed(key, 'confirmed');
    }

    async markEffectFailed(input: MarkEffectFailedInput): Promise<EffectRecord> {
        const key = checkId('key', input.key);
        const error = clipError(input.error);
        const now = this.#now(input.now);
        const rows = await this.#q(
            `WITH ${nowCte(3)}
             UPDATE ${this.#s}.effects AS f SET status = 'failed',
                    error = CASE WHEN f.status = 'failed' THEN f.error ELSE $2::text END,
                    updated_at = CASE WHEN f.status = 'failed' THEN f.updated_at ELSE t.now END
             FROM t WHERE f.key = $1 AND f.status = ANY(string_to_array($4::text, ','))
             RETURNING ${prefixed(EFFECT_COLS, 'f')}`,
            [key, error, now, EFFECT_SOURCES.failed.join(',')],
        );
        return rows[0] ? toEffect(rows[0]) : this.#transitionFailed(key, 'failed');
    }

    async listEffects(input: ListEffectsInput = {}): Promise<EffectRecord[]> {
        const limit = checkLimit(input.limit);
        const states = input.statuses ? input.statuses.map(checkEffectStatus).join(',') : null;
        const rows = await this.#q(
            `SELECT ${EFFECT_COLS} FROM ${this.#s}.effects
             WHERE ($1::text IS NULL OR status = ANY(string_to_array($1::text, ',')))
             ORDER BY created_at, key LIMIT $2`,
            [states, limit],
        );
        return rows.map(toEffect);
    }

    // -- jobs -----------------------------------------------------------------------------

    async enqueueJob(input: EnqueueJobInput): Promise<EnqueueJobResult> {
        return (await this.enqueueJobs([input]))[0]!;
    }

    async enqueueJobs(inputs: readonly EnqueueJobInput[]): Promise<EnqueueJobResult[]> {
        // `source`: the caller's payload, copied for the result (the same value as parsing the text back).
        const checked: (CheckedJob & { now: number | null; source: unknown })[] = checkBatch('inputs', inputs).map(input => ({
            ...checkEnqueueJob(input),
            now: this.#now(input.now),
            source: input.payload ?? null,
        }));
        if (checked.length === 0) return [];
        // One array per column, unnested in input order. A job with a lease is claimed as it is
        // created (status, attempt and lease as a claim sets them).
        const rows = await this.#q(
            `WITH ${nowCte(10)}
             INSERT INTO ${this.#s}.jobs (id, queue, name, payload, status, run_at, attempts, max_attempts, lease_owner, lease_expires_at, created_at, updated_at)
             SELECT x.id, x.queue, x.name, x.payload::jsonb, CASE WHEN x.owner IS NULL THEN 'pending' ELSE 'running' END,
                    coalesce(x.run_at, x.now, t.now), CASE WHEN x.owner IS NULL THEN 0 ELSE 1 END, x.max_attempts,
                    x.owner, coalesce(x.now, t.now) + x.lease_ms, coalesce(x.now, t.now), coalesce(x.now, t.now)
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::int[], $7::bigint[], $8::text[], $9::bigint[])
                  WITH ORDINALITY AS x(id, queue, name, payload, run_at, max_attempts, now, owner, lease_ms, ord), t
             ORDER BY x.ord
             ON CONFLICT DO NOTHING RETURNING id, run_at, lease_expires_at, created_at`,
            [
                checked.map(j => j.id),
                checked.map(j => j.queue),
                checked.map(j => j.name),
                checked.map(j => j.payload),
                checked.map(j => j.runAt),
                checked.map(j => j.maxAttempts),
                checked.map(j => j.now),
                checked.map(j => j.lease?.owner ?? null),
                checked.map(j => j.lease?.leaseMs ?? null),
                null,
            ],
        );
        // What was inserted is known: only the database's clock comes back (no payload round trip).
        const byId = new Map<string, (typeof checked)[number]>();
        for (const j of checked) if (!byId.has(j.id)) byId.set(j.id, j); // the first occurrence was inserted
        const inserted = new Map<string, JobRecord>();
        for (const r of rows) {
            const j = byId.get(String(r.id))!;
            const at = num(r.created_at);
            inserted.set(j.id, {
                id: j.id,
                queue: j.queue,
                name: j.name,
                payload: cloneJson('payload', j.source),
                status: j.lease ? 'running' : 'pending',
                runAt: num(r.run_at),
                attempts: j.lease ? 1 : 0,
                maxAttempts: j.maxAttempts,
                leaseOwner: j.lease ? j.lease.owner : null,
                leaseExpiresAt: numOrNull(r.lease_expires_at),
                lastError: null,
                createdAt: at,
                updatedAt: at,
                finishedAt: null,
            });
        }
        const missing = checked.filter(j => !inserted.has(j.id)).map(j => j.id);
        const existing = new Map<string, JobRecord>();
        if (missing.length > 0) {
            const found = await this.#q(`SELECT ${JOB_COLS} FROM ${this.#s}.jobs WHERE id = ANY($1::text[])`, [missing]);
            for (const r of found) existing.set(String(r.id), toJob(r));
        }
        return firstWins(checked, j => j.id, inserted, existing).map(({ isNew, record }, i) => {
            if (!record) throw backendFailed(this.kind, `job ${checked[i]!.id} conflicted on insert but cannot be read`);
            return { created: isNew, job: record };
        });
    }

    async getJob(id: string): Promise<JobRecord | null> {
        const rows = await this.#q(`SELECT ${JOB_COLS} FROM ${this.#s}.jobs WHERE id = $1`, [checkId('id', id)]);
        return rows[0] ? toJob(rows[0]) : null;
    }

    async countJobs(input: CountJobsInput = {}): Promise<number> {
        const queue = input.queue === undefined ? null : checkId('queue', input.queue);
        const states = input.statuses ? [...new Set(input.statuses.map(checkJobStatus))] : null;
        if (states?.length === 0) return 0;
        // One count per status, with the status as a literal (a checked enum value), so that the
        // partial index of pending, running or dead jobs serves it: completed jobs, which pile up,
        // are never scanned unless asked for.
        const where = (status: string | null) => `(${status === null ? 'TRUE' : `status = '${status}'`}) AND ($1::text IS NULL OR queue = $1::text)`;
        const counts = (states ?? [null]).map(status => `(SELECT count(*) FROM ${this.#s}.jobs WHERE ${where(status)})`);
        const rows = await this.#q(`SELECT (${counts.join(' + ')})::bigint AS n`, [queue]);
        return num(rows[0]?.n ?? 0);
    }

    async claimJobs(input: ClaimJobsInput): Promise<JobRecord[]> {
        const owner = checkId('owner', input.owner);
        const queue = input.queue === undefined ? DEFAULT_QUEUE : checkId('queue', input.queue);
        const limit = checkLimit(input.limit);
        const leaseMs = checkPositive('leaseMs', input.leaseMs);
        const now = this.#now(input.now);
        const rows = await this.#q(claimJobsSql(this.#s), [owner, queue, limit, leaseMs, now]);
        return rows.map(toJob).sort(byRunAtThenId);
    }

    async extendJobLease(input: ExtendJobLeaseInput): Promise<JobRecord | null> {
        const id = checkId('id', input.id);
        const owner = checkId('owner', input.owner);
        const leaseMs = checkPositive('leaseMs', input.leaseMs);
        const now = this.#now(input.now);
        const rows = await this.#q(
            `WITH ${nowCte(4)}
             UPDATE ${this.#s}.jobs AS j SET lease_expires_at = t.now + $3::bigint, updated_at = t.now
             FROM t WHERE j.id = $1 AND j.lease_owner = $2 AND j.status = 'running'
             RETURNING ${prefixed(JOB_COLS, 'j')}`,
            [id, owner, leaseMs, now],
        );
        return rows[0] ? toJob(rows[0]) : null;
    }

    async completeJob(input: JobLeaseInput): Promise<boolean> {
        const done = await this.completeJobs({ ids: [checkId('id', input.id)], owner: input.owner, ...(input.now === undefined ? {} : { now: input.now }) });
        return done.length === 1;
    }

    async completeJobs(input: CompleteJobsInput): Promise<string[]> {
        const ids = checkBatch('ids', input.ids).map(id => checkId('id', id));
        const owner = checkId('owner', input.owner);
        const now = this.#now(input.now);
        if (ids.length === 0) return [];
        const rows = await this.#q(
            `WITH ${nowCte(3)}
             UPDATE ${this.#s}.jobs AS j SET status = 'completed', lease_owner = NULL, lease_expires_at = NULL, updated_at = t.now, finished_at = t.now
             FROM t WHERE j.id = ANY($1::text[]) AND j.lease_owner = $2 AND j.status = 'running'
             RETURNING j.id`,
            [ids, owner, now],
        );
        const done = new Set(rows.map(r => String(r.id)));
        return [...new Set(ids)].filter(id => done.has(id));
    }

    async releaseJob(input: JobLeaseInput): Promise<boolean> {
        const id = checkId('id', input.id);
        const owner = checkId('owner', input.owner);
        const now = this.#now(input.now);
        const rows = await this.#q(
            `WITH ${nowCte(3)}
             UPDATE ${this.#s}.jobs AS j SET status = 'pending', run_at = t.now, attempts = GREATEST(j.attempts - 1, 0),
                    lease_owner = NULL, lease_expires_at = NULL, updated_at = t.now
             FROM t WHERE j.id = $1 AND j.lease_owner = $2 AND j.status = 'running'
             RETURNING j.id`,
            [id, owner, now],
        );
        return rows.length === 1;
    }

    async failJob(input: FailJobInput): Promise<FailJobResult> {
        const id = checkId('id', input.id);
        const owner = checkId('owner', input.owner);
        const error = clipError(input.error);
        const delay = input.retryDelayMs === undefined ? null : checkUint('retryDelayMs', input.retryDelayMs);
        const unrecoverable = input.unrecoverable === true;
        const now = this.#now(input.now);
        const base = this.#options.backoff?.baseMs ?? 1000;
        const max = this.#options.backoff?.maxMs ?? 5 * 60_000;
        const dead = `($5::boolean OR j.attempts >= j.max_attempts)`;
        const rows = await this.#q(
            `WITH ${nowCte(4)}
             UPDATE ${this.#s}.jobs AS j SET
                 status = CASE WHEN ${dead} THEN 'dead' ELSE 'pending' END,
                 run_at = CASE WHEN ${dead} THEN j.run_at
                               ELSE t.now + coalesce($6::bigint, LEAST($7::float8 * power(2::float8, LEAST(GREATEST(j.attempts - 1, 0), 40)), $8::float8)::bigint) END,
                 finished_at = CASE WHEN ${dead} THEN t.now ELSE NULL END,
                 lease_owner = NULL, lease_expires_at = NULL, last_error = $3::text, updated_at = t.now
             FROM t WHERE j.id = $1 AND j.lease_owner = $2 AND j.status = 'running'
             RETURNING ${prefixed(JOB_COLS, 'j')}`,
            [id, owner, error, now, unrecoverable, delay, base, max],
        );
        if (rows[0]) {
            const job = toJob(rows[0]);
            return { outcome: job.status === 'dead' ? 'dead' : 'retry', job };
        }
        return { outcome: 'lost', job: await this.getJob(id) };
    }

    async listDeadLetters(input: ListDeadLettersInput = {}): Promise<JobRecord[]> {
        const limit = checkLimit(input.limit);
        const queue = input.queue === undefined ? null : checkId('queue', input.queue);
        const rows = await this.#q(
            `SELECT ${JOB_COLS} FROM ${this.#s}.jobs WHERE status = 'dead' AND ($1::text IS NULL OR queue = $1::text)
             ORDER BY finished_at, id LIMIT $2`,
            [queue, limit],
        );
        return rows.map(toJob);
    }

    async redriveDeadLetter(input: RedriveDeadLetterInput): Promise<JobRecord | null> {
        const id = checkId('id', input.id);
        const runAt = input.runAt === undefined ? null : checkUint('runAt', input.runAt);
        const now = this.#now(input.now);
        const rows = await this.#q(
            `WITH ${nowCte(3)}
             UPDATE ${this.#s}.jobs AS j SET status = 'pending', run_at = coalesce($2::bigint, t.now), attempts = 0,
                    updated_at = t.now, finished_at = NULL
             FROM t WHERE j.id = $1 AND j.status = 'dead'
             RETURNING ${prefixed(JOB_COLS, 'j')}`,
            [id, runAt, now],
        );
        return rows[0] ? toJob(rows[0]) : null;
    }

    // -- leases ---------------------------------------------------------------------------

    async acquireLease(input: AcquireLeaseInput): Promise<LeaseRecord | null> {
        const name = checkId('name', input.name);
        const owner = checkId('owner', input.owner);
        const ttl = checkPositive('ttlMs', input.ttlMs);
        const now = this.#now(input.now);
        const held = `(l.owner = EXCLUDED.owner AND l.expires_at > EXCLUDED.acquired_at)`;
        const rows = await this.#q(
            `WITH ${nowCte(4)}
             INSERT INTO ${this.#s}.leases AS l (name, owner, token, expires_at, acquired_at)
             SELECT $1::text, $2::text, 1, t.now + $3::bigint, t.now FROM t
             ON CONFLICT (name) DO UPDATE SET
                 owner = EXCLUDED.owner,
                 token = CASE WHEN ${held} THEN l.token ELSE l.token + 1 END,
                 acquired_at = CASE WHEN ${held} THEN l.acquired_at ELSE EXCLUDED.acquired_at END,
                 expires_at = EXCLUDED.expires_at
             WHERE l.owner IS NULL OR l.expires_at <= EXCLUDED.acquired_at OR l.owner = EXCLUDED.owner
             RETURNING ${LEASE_COLS}`,
            [name, owner, ttl, now],
        );
        return rows[0] ? toLease(rows[0]) : null;
    }

    async renewLease(input: RenewLeaseInput): Promise<LeaseRecord | null> {
        const name = checkId('name', input.name);
        const owner = checkId('owner', input.owner);
        const token = checkUint('token', input.token);
        const ttl = checkPositive('ttlMs', input.ttlMs);
        const now = this.#now(input.now);
        const rows = await this.#q(
            `WITH ${nowCte(5)}
             UPDATE ${this.#s}.leases AS l SET expires_at = t.now + $4::bigint
             FROM t WHERE l.name = $1 AND l.owner = $2 AND l.token = $3::bigint
             RETURNING ${prefixed(LEASE_COLS, 'l')}`,
            [name, owner, token, ttl, now],
        );
        return rows[0] ? toLease(rows[0]) : null;
    }

    async releaseLease(input: ReleaseLeaseInput): Promise<boolean> {
        const name = checkId('name', input.name);
        const owner = checkId('owner', input.owner);
        const token = checkUint('token', input.token);
        const rows = await this.#q(
            `UPDATE ${this.#s}.leases SET owner = NULL WHERE name = $1 AND owner = $2 AND token = $3::bigint RETURNING name`,
            [name, owner, token],
        );
        return rows.length === 1;
    }

    async getLease(name: string): Promise<LeaseRecord | null> {
        const rows = await this.#q(`SELECT ${LEASE_COLS} FROM ${this.#s}.leases WHERE name = $1`, [checkId('name', name)]);
        return rows[0] ? toLease(rows[0]) : null;
    }

    // -- audit ----------------------------------------------------------------------------

    async appendAudit(input: AppendAuditInput): Promise<AuditRecord> {
        const actor = checkId('actor', input.actor);
        const action = checkId('action', input.action);
        const subject = checkOptionalId('subject', input.subject);
        const data = toJson('data', input.data ?? null);
        const now = this.#now(input.now);
        // The transaction-scoped advisory lock makes seq order equal commit order, so a
        // reader paginating with afterSeq never skips an entry committed late.
        const rows = await this.#q(
            `WITH ${nowCte(5)}, lock AS (SELECT pg_advisory_xact_lock(hashtext($6::text)) AS l)
             INSERT INTO ${this.#s}.audit_log (at, actor, action, subject, data)
             SELECT t.now, $1::text, $2::text, $3::text, $4::jsonb FROM t, lock
             RETURNING ${AUDIT_COLS}`,
            [actor, action, subject, data, now, `raffle-worker-kit:audit:${this.#options.schema}`],
        );
        if (!rows[0]) throw backendFailed(this.kind, 'audit insert returned no row');
        return toAudit(rows[0]);
    }

    async listAudit(input: ListAuditInput = {}): Promise<AuditRecord[]> {
        const limit = checkLimit(input.limit);
        const after = input.afterSeq === undefined ? 0 : checkUint('afterSeq', input.afterSeq);
        const subject = input.subject === undefined ? null : checkId('subject', input.subject);
        const rows = await this.#q(
            `SELECT ${AUDIT_COLS} FROM ${this.#s}.audit_log WHERE seq > $1::bigint AND ($2::text IS NULL OR subject = $2::text)
             ORDER BY seq LIMIT $3`,
            [after, subject, limit],
        );
        return rows.map(toAudit);
    }
}
