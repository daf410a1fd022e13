/**
 * The Redis {@link WorkerStore} (`ioredis`): for teams that run on Redis. Every decision is a
 * Lua script (atomic on the server); reads of one record are plain commands.
 */
import { createHash } from 'node:crypto';

import { Redis, type RedisOptions } from 'ioredis';

import { backendFailed, effectNotFound, effectSendConflict, effectTransitionInvalid, storeClosed } from '../errors';
import {
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_QUEUE,
    EFFECT_SOURCES,
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
    fromJson,
    num,
    randomId,
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
    CursorRejection,
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
import * as S from './scripts';

/** Options of {@link createRedisWorkerStore}. */
export interface RedisWorkerStoreOptions extends WorkerStoreOptions {
    /** A `redis://` URL; the store creates and owns a client for it (closed by `close()`). Ignored when `client` is given. */
    url?: string;
    /** Extra options for the owned client (`lazyConnect` is always set; connect happens in `ready()`). */
    redisOptions?: RedisOptions;
    /** An existing client; the store uses it and never closes it. */
    client?: Redis;
    /** Prefix of every key (default `raffle:worker:`). Use a hash tag such as `{raffle-worker}:` on Redis Cluster. */
    keyPrefix?: string;
    /** Connection errors of the owned client (it reconnects by itself); ignored when omitted. */
    onError?: (error: Error) => void;
}

/** The Redis store, with access to its key prefix. */
export interface RedisWorkerStore extends WorkerStore {
    /** The prefix of every key it writes. */
    readonly keyPrefix: string;
}

type Fields = Record<string, string>;

function fields(reply: unknown): Fields {
    const list = reply as string[];
    const out: Fields = {};
    for (let i = 0; i + 1 < list.length; i += 2) out[list[i]!] = list[i + 1]!;
    return out;
}

function orNull(v: string | undefined): string | null {
    return v === undefined || v === '' ? null : v;
}

function numOrNull(v: string | undefined): number | null {
    return v === undefined || v === '' ? null : Number(v);
}

function toCursor(f: Fields): CursorRecord {
    return {
        name: f.name!,
        slot: BigInt(f.slot!),
        signature: orNull(f.signature),
        version: num(f.version),
        updatedAt: num(f.updatedAt),
    };
}

function toEvent(f: Fields): InboxEvent {
    return {
        signature: f.signature!,
        instructionIndex: num(f.instructionIndex),
        eventIndex: num(f.eventIndex),
        slot: BigInt(f.slot!),
        name: f.name!,
        data: fromJson(f.data),
        commitment: f.commitment as CommitmentState,
        receivedAt: num(f.receivedAt),
        updatedAt: num(f.updatedAt),
    };
}

function toEffect(f: Fields): EffectRecord {
    return {
        key: f.key!,
        intent: fromJson(f.intent),
        status: f.status as EffectStatus,
        signature: orNull(f.signature),
        lastValidBlockHeight: f.lastValidBlockHeight ? BigInt(f.lastValidBlockHeight) : null,
        sendCount: num(f.sendCount),
        error: orNull(f.error),
        createdAt: num(f.createdAt),
        updatedAt: num(f.updatedAt),
    };
}

function toJob(f: Fields): JobRecord {
    return {
        id: f.id!,
        queue: f.queue!,
        name: f.name!,
        payload: fromJson(f.payload),
        status: f.status as JobRecord['status'],
        runAt: num(f.runAt),
        attempts: num(f.attempts),
        maxAttempts: num(f.maxAttempts),
        leaseOwner: orNull(f.leaseOwner),
        leaseExpiresAt: numOrNull(f.leaseExpiresAt),
        lastError: orNull(f.lastError),
        createdAt: num(f.createdAt),
        updatedAt: num(f.updatedAt),
        finishedAt: numOrNull(f.finishedAt),
    };
}

function toLease(f: Fields): LeaseRecord {
    return {
        name: f.name!,
        owner: orNull(f.owner),
        token: num(f.token),
        expiresAt: num(f.expiresAt),
        acquiredAt: num(f.acquiredAt),
    };
}

function toAudit(f: Fields): AuditRecord {
    return {
        seq: num(f.seq),
        at: num(f.at),
        actor: f.actor!,
        action: f.action!,
        subject: orNull(f.subject),
        data: fromJson(f.data),
    };
}

function pad(n: bigint | number, width: number): string {
    return n.toString().padStart(width, '0');
}

/** The event's id in keys: ordered like the SQL stores (slot, signature, indexes). */
function eventId(key: EventKey): string {
    return `${key.signature} ${pad(key.instructionIndex, 10)} ${pad(key.eventIndex, 10)}`;
}

const ALL_COMMITMENTS = 'seen,confirmed,finalized,retracted';
const ALL_EFFECTS = 'pending,sent,confirmed,failed';
const ALL_JOB_STATUSES = 'pending,running,completed,dead';

/**
 * Creates a Redis worker store. Each record is a hash under `keyPrefix`; claims, leases,
 * cursor writes and insert-if-absent run as Lua scripts; times come from the Redis server's
 * clock (`TIME`) unless an operation passes `now` or a `clock` is configured.
 *
 * Durability is Redis's: enable AOF (`appendonly yes`, `appendfsync everysec` or `always`)
 * when the worker's state must survive a Redis restart.
 *
 * @param options - URL or client, key prefix
 * @returns a store; call `ready()` to connect and load the scripts
 * @example
 * ```ts
 * const store = createRedisWorkerStore({ url: process.env.REDIS_URL, keyPrefix: 'raffle:worker:' });
 * await store.ready();
 * const jobs = await store.claimJobs({ owner: workerId, limit: 10, leaseMs: 30_000 });
 * await store.close();
 * ```
 */
export function createRedisWorkerStore(options: RedisWorkerStoreOptions): RedisWorkerStore {
    return new RedisWorkerStoreImpl(options);
}

class RedisWorkerStoreImpl implements RedisWorkerStore {
    readonly kind = 'redis';
    readonly keyPrefix: string;
    readonly #options: RedisWorkerStoreOptions;
    #client: Redis | null = null;
    #owned = false;
    #ready: Promise<void> | null = null;
    #closed = false;
    #closing: Promise<void> | null = null;
    readonly #shas = new Map<string, string>();

    constructor(options: RedisWorkerStoreOptions) {
        this.#options = options;
        this.keyPrefix = options.keyPrefix ?? 'raffle:worker:';
        if (this.keyPrefix.length === 0 || this.keyPrefix.length > 200) {
            throw backendFailed('redis', 'keyPrefix must be 1 to 200 characters');
        }
    }

    ready(): Promise<void> {
        if (this.#closed) return Promise.reject(storeClosed(this.kind));
        this.#ready ??= (async () => {
            const client =
                this.#options.client ??
                new Redis(this.#options.url ?? 'redis://127.0.0.1:6379', {
                    maxRetriesPerRequest: 3,
                    ...this.#options.redisOptions,
                    lazyConnect: true,
                });
            const owned = !this.#options.client;
            if (owned) client.on('error', (error: Error) => this.#options.onError?.(error));
            try {
                if (owned) await client.connect();
                await client.ping();
                this.#client = client;
                this.#owned = owned;
            } catch (e) {
                this.#ready = null;
                if (owned) client.disconnect();
                throw backendFailed(this.kind, `cannot connect: ${e instanceof Error ? e.message : String(e)}`, e);
            }
        })();
        return this.#ready;
    }

    close(): Promise<void> {
        this.#closed = true;
        this.#closing ??= (async () => {
            await this.#ready?.catch(() => undefined);
            const client = this.#client;
            this.#client = null;
            if (client && this.#owned) {
                try {
                    await client.quit();
                } catch {
                    client.disconnect();
                }
            }
        })();
        return this.#closing;
    }

    async #redis(): Promise<Redis> {
        if (this.#closed) throw storeClosed(this.kind);
        if (!this.#client) await this.ready();
        if (!this.#client) throw storeClosed(this.kind);
        return this.#client;
    }

    #sha(lua: string): string {
        let sha = this.#shas.get(lua);
        if (!sha) {
            sha = createHash('sha1').update(lua).digest('hex');
            this.#shas.set(lua, sha);
        }
        return sha;
    }

    /** Runs a script by its SHA, loading it when the server does not know it (first use, restart). */
    async #run(lua: string, key: string, args: readonly (string | number)[]): Promise<unknown> {
        const client = await this.#redis();
        try {
            return await client.evalsha(this.#sha(lua), 1, key, this.keyPrefix, ...args);
        } catch (e) {
            if (e instanceof Error && e.message.startsWith('NOSCRIPT')) return client.eval(lua, 1, key, this.keyPrefix, ...args);
            throw e;
        }
    }

    /**
     * Runs one script for many keys in one round trip (a pipeline; each call is atomic on its
     * own). Calls the server did not run for want of the script (NOSCRIPT) run again once it is
     * loaded; every script here is safe to repeat.
     */
    async #runMany(lua: string, calls: readonly { key: string; args: readonly (string | number)[] }[]): Promise<unknown[]> {
        if (calls.length === 0) return [];
        if (calls.length === 1) return [await this.#run(lua, calls[0]!.key, calls[0]!.args)]; // no pipeline for one call
        const client = await this.#redis();
        const sha = this.#sha(lua);
        const pipeline = client.pipeline();
        for (const c of calls) pipeline.evalsha(sha, 1, c.key, this.keyPrefix, ...c.args);
        const replies = (await pipeline.exec()) ?? [];
        const out: unknown[] = [];
        for (let i = 0; i < calls.length; i++) {
            const [error, value] = replies[i] ?? [new Error('no reply'), null];
            if (error?.message.startsWith('NOSCRIPT')) out.push(await this.#run(lua, calls[i]!.key, calls[i]!.args));
            else if (error) throw backendFailed(this.kind, error.message, error);
            else out.push(value);
        }
        return out;
    }

    #k(suffix: string): string {
        return `${this.keyPrefix}${suffix}`;
    }

    #now(now: number | undefined): string {
        const n = checkNow(now) ?? (this.#options.clock ? this.#options.clock() : null);
        return n === null ? '' : String(n);
    }

    // -- cursor ---------------------------------------------------------------------------

    async getCursor(name: string): Promise<CursorRecord | null> {
        const f = await (await this.#redis()).hgetall(this.#k(`cursor:${checkId('name', name)}`));
        return f.name ? toCursor(f) : null;
    }

    async setCursor(input: SetCursorInput): Promise<SetCursorResult> {
        const name = checkId('name', input.name);
        const slot = checkU64('slot', input.slot).toString();
        const signature = checkOptionalId('signature', input.signature) ?? '';
        const expected = input.expectedVersion === undefined ? '' : String(checkUint('expectedVersion', input.expectedVersion));
        const fenceLease = input.fence ? checkId('fence.lease', input.fence.lease) : '';
        const fenceToken = input.fence ? String(checkUint('fence.token', input.fence.token)) : '';
        const reply = (await this.#run(S.CURSOR_SET, this.#k(`cursor:${name}`), [
            name,
            slot,
            signature,
            expected,
            fenceLease,
            fenceToken,
            this.#now(input.now),
        ])) as [string, string[]];
        const f = fields(reply[1]);
        const cursor = f.name ? toCursor(f) : null;
        if (reply[0] === 'ok' && cursor) return { applied: true, cursor };
        return { applied: false, reason: reply[0] as CursorRejection, cursor };
    }

    // -- inbox ----------------------------------------------------------------------------

    async recordEvent(input: RecordEventInput): Promise<RecordEventResult> {
        return (await this.recordEvents([input]))[0]!;
    }

    async recordEvents(inputs: readonly RecordEventInput[]): Promise<RecordEventResult[]> {
        const calls = checkBatch('inputs', inputs).map(input => {
            const e = checkRecordEvent(input);
            const id = eventId(e);
            return {
                key: this.#k(`event:${id}`),
                args: [`${pad(e.slot, 20)} ${id}`, e.signature, e.instructionIndex, e.eventIndex, e.slot.toString(), e.name, e.data, e.commitment, this.#now(input.now)],
            };
        });
        const replies = (await this.#runMany(S.EVENT_RECORD, calls)) as [number, string[]][];
        return replies.map(reply => ({ inserted: reply[0] === 1, event: toEvent(fields(reply[1])) }));
    }

    async getEvent(key: EventKey): Promise<InboxEvent | null> {
        return (await this.getEvents([key]))[0] ?? null;
    }

    async getEvents(keys: readonly EventKey[]): Promise<(InboxEvent | null)[]> {
        checkBatch('keys', keys).forEach(checkEventKey);
        if (keys.length === 0) return [];
        if (keys.length === 1) {
            const f = await (await this.#redis()).hgetall(this.#k(`event:${eventId(keys[0]!)}`));
            return [f.signature ? toEvent(f) : null];
        }
        const pipeline = (await this.#redis()).pipeline();
        for (const key of keys) pipeline.hgetall(this.#k(`event:${eventId(key)}`));
        const replies = (await pipeline.exec()) ?? [];
        return replies.map(([error, value]) => {
            if (error) throw backendFailed(this.kind, error.message, error);
            const f = value as Fields;
            return f.signature ? toEvent(f) : null;
        });
    }

    async setEventCommitment(input: SetEventCommitmentInput): Promise<SetEventCommitmentResult> {
        checkEventKey(input);
        const to = checkCommitment(input.commitment, true);
        const sources = to === 'seen' ? '' : to === 'confirmed' ? 'seen' : 'seen,confirmed';
        const reply = (await this.#run(S.EVENT_COMMITMENT, this.#k(`event:${eventId(input)}`), [
            to,
            sources,
            this.#now(input.now),
        ])) as [number, string[]];
        const f = fields(reply[1]);
        return { changed: reply[0] === 1, event: f.signature ? toEvent(f) : null };
    }

    async listEvents(input: ListEventsInput = {}): Promise<InboxEvent[]> {
        const limit = checkLimit(input.limit);
        const states = input.commitments ? input.commitments.map(c => checkCommitment(c, true)).join(',') : ALL_COMMITMENTS;
        const min = input.minSlot === undefined ? '-' : `[${pad(checkU64('minSlot', input.minSlot), 20)}`;
        const max = input.maxSlot === undefined ? '+' : `(${pad(checkU64('maxSlot', input.maxSlot) + 1n, 20)}`;
        if (states === '') return [];
        const reply = (await this.#run(S.EVENT_LIST, this.#k('events:seen'), [states, min, max, limit])) as string[][];
        return reply.map(r => toEvent(fields(r)));
    }

    // -- effects --------------------------------------------------------------------------

    async beginEffect(input: BeginEffectInput): Promise<BeginEffectResult> {
        const key = checkId('key', input.key);
        const intent = toJson('intent', input.intent);
        const reply = (await this.#run(S.EFFECT_BEGIN, this.#k(`effect:${key}`), [key, intent, this.#now(input.now)])) as [
            number,
            string[],
        ];
        return { created: reply[0] === 1, effect: toEffect(fields(reply[1])) };
    }

    async getEffect(key: string): Promise<EffectRecord | null> {
        const f = await (await this.#redis()).hgetall(this.#k(`effect:${checkId('key', key)}`));
        return f.key ? toEffect(f) : null;
    }

    async #mark(
        key: string,
        target: Exclude<EffectStatus, 'pending'>,
        args: { signature?: string; height?: string; error?: string; expectedSendCount?: number | null },
        now: number | undefined,
    ): Promise<EffectRecord> {
        const reply = (await this.#run(S.EFFECT_MARK, this.#k(`effect:${key}`), [
            key,
            target,
            EFFECT_SOURCES[target].join(','),
            args.signature ?? '',
            args.height ?? '',
            args.error ?? '',
            this.#now(now),
            args.expectedSendCount === undefined || args.expectedSendCount === null ? '' : String(args.expectedSendCount),
        ])) as [string, string[]];
        const f = fields(reply[1]);
        if (reply[0] === 'missing') throw effectNotFound(key);
        if (reply[0] === 'invalid') throw effectTransitionInvalid(key, f.status ?? 'unknown', target);
        if (reply[0] === 'conflict') throw effectSendConflict(key, args.expectedSendCount ?? 0, num(f.sendCount));
        return toEffect(f);
    }

    async markEffectSent(input: MarkEffectSentInput): Promise<EffectRecord> {
        const key = checkId('key', input.key);
        const signature = checkId('signature', input.signature);
        const height = checkU64('lastValidBlockHeight', input.lastValidBlockHeight).toString();
        const expectedSendCount = input.expectedSendCount === undefined ? null : checkUint('expectedSendCount', input.expectedSendCount);
        return this.#mark(key, 'sent', { signature, height, expectedSendCount }, input.now);
    }

    async markEffectConfirmed(input: MarkEffectConfirmedInput): Promise<EffectRecord> {
        const key = checkId('key', input.key);
        const signature = checkOptionalId('signature', input.signature) ?? '';
        return this.#mark(key, 'confirmed', { signature }, input.now);
    }

    async markEffectFailed(input: MarkEffectFailedInput): Promise<EffectRecord> {
        const key = checkId('key', input.key);
        return this.#mark(key, 'failed', { error: clipError(input.error) }, input.now);
    }

    async listEffects(input: ListEffectsInput = {}): Promise<EffectRecord[]> {
        const limit = checkLimit(input.limit);
        const states = input.statuses ? input.statuses.map(checkEffectStatus).join(',') : ALL_EFFECTS;
        if (states === '') return [];
        const reply = (await this.#run(S.EFFECT_LIST, this.#k('effects:pending'), [states, limit])) as string[][];
        return reply.map(r => toEffect(fields(r)));
    }

    // -- jobs -----------------------------------------------------------------------------

    async enqueueJob(input: EnqueueJobInput): Promise<EnqueueJobResult> {
        return (await this.enqueueJobs([input]))[0]!;
    }

    async enqueueJobs(inputs: readonly EnqueueJobInput[]): Promise<EnqueueJobResult[]> {
        const calls = checkBatch('inputs', inputs).map(input => {
            const j = checkEnqueueJob(input);
            return {
                key: this.#k(`job:${j.id}`),
                args: [
                    j.id,
                    j.queue,
                    j.name,
                    j.payload,
                    j.runAt === null ? '' : String(j.runAt),
                    j.maxAttempts,
                    this.#now(input.now),
                    j.lease ? j.lease.owner : '',
                    j.lease ? j.lease.leaseMs : '',
                ],
            };
        });
        const replies = (await this.#runMany(S.JOB_ENQUEUE, calls)) as [number, string[]][];
        return replies.map(reply => ({ created: reply[0] === 1, job: toJob(fields(reply[1])) }));
    }

    async getJob(id: string): Promise<JobRecord | null> {
        const f = await (await this.#redis()).hgetall(this.#k(`job:${checkId('id', id)}`));
        return f.id ? toJob(f) : null;
    }

    async countJobs(input: CountJobsInput = {}): Promise<number> {
        const queue = input.queue === undefined ? '' : checkId('queue', input.queue);
        const states = input.statuses ? input.statuses.map(checkJobStatus).join(',') : ALL_JOB_STATUSES;
        return num(await this.#run(S.JOB_COUNT, this.#k('queues'), [queue, states]));
    }

    async claimJobs(input: ClaimJobsInput): Promise<JobRecord[]> {
        const owner = checkId('owner', input.owner);
        const queue = input.queue === undefined ? DEFAULT_QUEUE : checkId('queue', input.queue);
        const limit = checkLimit(input.limit);
        const leaseMs = checkPositive('leaseMs', input.leaseMs);
        const reply = (await this.#run(S.JOB_CLAIM, this.#k(`q:${queue}:pending`), [
            queue,
            owner,
            limit,
            leaseMs,
            this.#now(input.now),
        ])) as string[][];
        return reply.map(r => toJob(fields(r)));
    }

    async extendJobLease(input: ExtendJobLeaseInput): Promise<JobRecord | null> {
        const id = checkId('id', input.id);
        const owner = checkId('owner', input.owner);
        const leaseMs = checkPositive('leaseMs', input.leaseMs);
        const reply = (await this.#run(S.JOB_EXTEND, this.#k(`job:${id}`), [id, owner, leaseMs, this.#now(input.now)])) as string[];
        return reply.length > 0 ? toJob(fields(reply)) : null;
    }

    async completeJob(input: JobLeaseInput): Promise<boolean> {
        const done = await this.completeJobs({ ids: [checkId('id', input.id)], owner: input.owner, ...(input.now === undefined ? {} : { now: input.now }) });
        return done.length === 1;
    }

    async completeJobs(input: CompleteJobsInput): Promise<string[]> {
        const ids = checkBatch('ids', input.ids).map(id => checkId('id', id));
        const owner = checkId('owner', input.owner);
        const now = this.#now(input.now);
        const replies = await this.#runMany(
            S.JOB_COMPLETE,
            ids.map(id => ({ key: this.#k(`job:${id}`), args: [id, owner, now] })),
        );
        return ids.filter((_, i) => replies[i] === 1);
    }

    async releaseJob(input: JobLeaseInput): Promise<boolean> {
        const id = checkId('id', input.id);
        const owner = checkId('owner', input.owner);
        return (await this.#run(S.JOB_RELEASE, this.#k(`job:${id}`), [id, owner, this.#now(input.now)])) === 1;
    }

    async failJob(input: FailJobInput): Promise<FailJobResult> {
        const id = checkId('id', input.id);
        const owner = checkId('owner', input.owner);
        const error = clipError(input.error);
        const delay = input.retryDelayMs === undefined ? '' : String(checkUint('retryDelayMs', input.retryDelayMs));
        const reply = (await this.#run(S.JOB_FAIL, this.#k(`job:${id}`), [
            id,
            owner,
            error,
            delay,
            input.unrecoverable === true ? '1' : '0',
            this.#options.backoff?.baseMs ?? 1000,
            this.#options.backoff?.maxMs ?? 5 * 60_000,
            this.#now(input.now),
        ])) as [FailJobResult['outcome'], string[]];
        const f = fields(reply[1]);
        return { outcome: reply[0], job: f.id ? toJob(f) : null };
    }

    async listDeadLetters(input: ListDeadLettersInput = {}): Promise<JobRecord[]> {
        const limit = checkLimit(input.limit);
        const set = input.queue === undefined ? this.#k('dead') : this.#k(`q:${checkId('queue', input.queue)}:dead`);
        const reply = (await this.#run(S.JOB_DEAD_LIST, set, [limit])) as string[][];
        return reply.map(r => toJob(fields(r)));
    }

    async redriveDeadLetter(input: RedriveDeadLetterInput): Promise<JobRecord | null> {
        const id = checkId('id', input.id);
        const runAt = input.runAt === undefined ? '' : String(checkUint('runAt', input.runAt));
        const reply = (await this.#run(S.JOB_REDRIVE, this.#k(`job:${id}`), [id, runAt, this.#now(input.now)])) as string[];
        return reply.length > 0 ? toJob(fields(reply)) : null;
    }

    // -- leases ---------------------------------------------------------------------------

    async acquireLease(input: AcquireLeaseInput): Promise<LeaseRecord | null> {
        const name = checkId('name', input.name);
        const owner = checkId('owner', input.owner);
        const ttl = checkPositive('ttlMs', input.ttlMs);
        const reply = (await this.#run(S.LEASE_ACQUIRE, this.#k(`lease:${name}`), [name, owner, ttl, this.#now(input.now)])) as string[];
        return reply.length > 0 ? toLease(fields(reply)) : null;
    }

    async renewLease(input: RenewLeaseInput): Promise<LeaseRecord | null> {
        const name = checkId('name', input.name);
        const owner = checkId('owner', input.owner);
        const token = checkUint('token', input.token);
        const ttl = checkPositive('ttlMs', input.ttlMs);
        const reply = (await this.#run(S.LEASE_RENEW, this.#k(`lease:${name}`), [
            owner,
            String(token),
            ttl,
            this.#now(input.now),
        ])) as string[];
        return reply.length > 0 ? toLease(fields(reply)) : null;
    }

    async releaseLease(input: ReleaseLeaseInput): Promise<boolean> {
        const name = checkId('name', input.name);
        const owner = checkId('owner', input.owner);
        const token = checkUint('token', input.token);
        return (await this.#run(S.LEASE_RELEASE, this.#k(`lease:${name}`), [owner, String(token)])) === 1;
    }

    async getLease(name: string): Promise<LeaseRecord | null> {
        const f = await (await this.#redis()).hgetall(this.#k(`lease:${checkId('name', name)}`));
        return f.name ? toLease(f) : null;
    }

    // -- audit ----------------------------------------------------------------------------

    async appendAudit(input: AppendAuditInput): Promise<AuditRecord> {
        const actor = checkId('actor', input.actor);
        const action = checkId('action', input.action);
        const subject = checkOptionalId('subject', input.subject) ?? '';
        const data = toJson('data', input.data ?? null);
        const reply = (await this.#run(S.AUDIT_APPEND, this.#k('audit:seq'), [actor, action, subject, data, this.#now(input.now)])) as string[];
        return toAudit(fields(reply));
    }

    async listAudit(input: ListAuditInput = {}): Promise<AuditRecord[]> {
        const limit = checkLimit(input.limit);
        const after = input.afterSeq === undefined ? 0 : checkUint('afterSeq', input.afterSeq);
        const index = input.subject === undefined ? this.#k('audit') : this.#k(`audit:subject:${checkId('subject', input.subject)}`);
        const reply = (await this.#run(S.AUDIT_LIST, index, [after, limit])) as string[][];
        return reply.map(r => toAudit(fields(r)));
    }
}
