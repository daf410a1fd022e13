/**
 * Validation and rules shared by every adapter, so that all of them accept and reject the
 * same inputs and apply the same state machines.
 *
 * @internal
 */
import { type BackoffPolicy, backoffShape } from '../core/backoff';
import { invalidArgument } from './errors';
import {
    type CommitmentState,
    DEFAULT_STORE_BACKOFF,
    type EffectStatus,
    type EnqueueJobInput,
    type EventKey,
    type JobStatus,
    type JsonValue,
    MAX_BATCH_SIZE,
    type RecordEventInput,
} from './types';

/** Default and maximum page size of list operations. */
export const DEFAULT_LIST_LIMIT = 100;
/** Maximum page size of list operations and claims. */
export const MAX_LIST_LIMIT = 1000;
/** Default attempts of a job. */
export const DEFAULT_MAX_ATTEMPTS = 5;
/** Default queue. */
export const DEFAULT_QUEUE = 'default';
/** Longest accepted identifier (names, keys, owners, ids). */
export const MAX_ID_LENGTH = 512;
/** Longest accepted error text; longer texts are truncated. */
export const MAX_ERROR_LENGTH = 4000;

const COMMITMENT_RANK: Record<CommitmentState, number> = { seen: 0, confirmed: 1, finalized: 2, retracted: 3 };

/** Whether moving an event from `from` to `to` is allowed (and a change). */
export function commitmentMoveAllowed(from: CommitmentState, to: CommitmentState): boolean {
    if (from === to) return false;
    if (from === 'finalized' || from === 'retracted') return false;
    if (to === 'retracted') return true;
    return COMMITMENT_RANK[to] > COMMITMENT_RANK[from];
}

/** Effect states from which a target state may be reached (including idempotent repeats). */
export const EFFECT_SOURCES: Record<Exclude<EffectStatus, 'pending'>, readonly EffectStatus[]> = {
    sent: ['pending', 'sent'],
    confirmed: ['pending', 'sent', 'confirmed'],
    failed: ['pending', 'sent', 'failed'],
};

/** A store's backoff policy with every field set: what `failJob` computes its delay from. */
export interface StoreBackoff {
    readonly minMs: number;
    readonly maxMs: number;
    readonly factor: number;
    readonly jitter: number;
}

/**
 * Checks the `backoff` option of an adapter and fills its defaults ({@link DEFAULT_STORE_BACKOFF}
 * when omitted).
 */
export function resolveStoreBackoff(policy: BackoffPolicy | undefined): StoreBackoff {
    const p = policy ?? DEFAULT_STORE_BACKOFF;
    const finite = (name: string, value: unknown, min: number): number => {
        if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw invalidArgument(`backoff.${name}`, `expected a finite number of at least ${min}`);
        return value;
    };
    const minMs = finite('minMs', p.minMs, 0);
    const maxMs = finite('maxMs', p.maxMs, minMs);
    const { factor, jitter } = backoffShape(p);
    return { minMs, maxMs, factor: finite('factor', factor, 1), jitter };
}

/** Checks an identifier: a non-empty string of at most 512 characters. */
export function checkId(name: string, value: unknown): string {
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) {
        throw invalidArgument(name, `expected a non-empty string of at most ${MAX_ID_LENGTH} characters`);
    }
    return value;
}

/** Checks an optional identifier. */
export function checkOptionalId(name: string, value: unknown): string | null {
    return value === undefined || value === null ? null : checkId(name, value);
}

/** Checks a non-negative safe integer. */
export function checkUint(name: string, value: unknown): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        throw invalidArgument(name, 'expected a non-negative safe integer');
    }
    return value;
}

/** Checks a positive safe integer. */
export function checkPositive(name: string, value: unknown): number {
    if (checkUint(name, value) === 0) throw invalidArgument(name, 'expected a positive integer');
    return value as number;
}

/** Checks a non-negative bigint that fits a PostgreSQL BIGINT. */
export function checkU64(name: string, value: unknown): bigint {
    if (typeof value !== 'bigint' || value < 0n || value > 9_223_372_036_854_775_807n) {
        throw invalidArgument(name, 'expected a bigint between 0 and 2^63-1');
    }
    return value;
}

/** Checks an optional `now`. */
export function checkNow(value: unknown): number | null {
    return value === undefined || value === null ? null : checkUint('now', value);
}

/** Checks a list limit. */
export function checkLimit(value: unknown, fallback = DEFAULT_LIST_LIMIT): number {
    if (value === undefined) return fallback;
    const n = checkPositive('limit', value);
    if (n > MAX_LIST_LIMIT) throw invalidArgument('limit', `at most ${MAX_LIST_LIMIT}`);
    return n;
}

/** Checks an event key. */
export function checkEventKey(key: EventKey): void {
    checkId('signature', key.signature);
    checkUint('instructionIndex', key.instructionIndex);
    checkUint('eventIndex', key.eventIndex);
}

/** Checks a batch argument: an array of at most {@link MAX_BATCH_SIZE} items. */
export function checkBatch<T>(name: string, value: readonly T[]): readonly T[] {
    if (!Array.isArray(value)) throw invalidArgument(name, 'expected an array');
    if (value.length > MAX_BATCH_SIZE) throw invalidArgument(name, `at most ${MAX_BATCH_SIZE} items per call`);
    return value;
}

/** Checks a job status. */
export function checkJobStatus(value: unknown): JobStatus {
    if (value === 'pending' || value === 'running' || value === 'completed' || value === 'dead') return value;
    throw invalidArgument('statuses', 'expected pending, running, completed or dead');
}

/** How an adapter keeps JSON values: as text ({@link toJson}) or as frozen copies ({@link freezeJson}). */
export type JsonEncoding<D> = (name: string, value: unknown) => D;

/** A validated {@link RecordEventInput}: what every adapter stores. */
export interface CheckedEvent<D = string> {
    readonly signature: string;
    readonly instructionIndex: number;
    readonly eventIndex: number;
    readonly slot: bigint;
    readonly name: string;
    /** The data, encoded for the adapter (JSON text by default). */
    readonly data: D;
    readonly commitment: CommitmentState;
}

/** Validates one event to record. */
export function checkRecordEvent(input: RecordEventInput): CheckedEvent;
export function checkRecordEvent<D>(input: RecordEventInput, encode: JsonEncoding<D>): CheckedEvent<D>;
export function checkRecordEvent(input: RecordEventInput, encode: JsonEncoding<unknown> = toJson): CheckedEvent<unknown> {
    checkEventKey(input);
    return {
        signature: input.signature,
        instructionIndex: input.instructionIndex,
        eventIndex: input.eventIndex,
        slot: checkU64('slot', input.slot),
        name: checkId('name', input.name),
        data: encode('data', input.data),
        commitment: checkCommitment(input.commitment ?? 'seen', false),
    };
}

/** A validated {@link EnqueueJobInput}. */
export interface CheckedJob<D = string> {
    readonly id: string;
    readonly queue: string;
    readonly name: string;
    /** The payload, encoded for the adapter (JSON text by default). */
    readonly payload: D;
    readonly maxAttempts: number;
    /** The requested run time, or null for "now". */
    readonly runAt: number | null;
    /** Claimed when created, under this lease; null for a pending job. */
    readonly lease: { readonly owner: string; readonly leaseMs: number } | null;
}

/** Validates one job to enqueue (a random id when it has none). */
export function checkEnqueueJob(input: EnqueueJobInput): CheckedJob;
export function checkEnqueueJob<D>(input: EnqueueJobInput, encode: JsonEncoding<D>): CheckedJob<D>;
export function checkEnqueueJob(input: EnqueueJobInput, encode: JsonEncoding<unknown> = toJson): CheckedJob<unknown> {
    return {
        id: input.id === undefined ? randomId() : checkId('id', input.id),
        queue: input.queue === undefined ? DEFAULT_QUEUE : checkId('queue', input.queue),
        name: checkId('name', input.name),
        payload: encode('payload', input.payload ?? null),
        maxAttempts: input.maxAttempts === undefined ? DEFAULT_MAX_ATTEMPTS : checkPositive('maxAttempts', input.maxAttempts),
        runAt: input.runAt === undefined ? null : checkUint('runAt', input.runAt),
        lease: input.lease === undefined ? null : checkEnqueueLease(input),
    };
}

function checkEnqueueLease(input: EnqueueJobInput): { owner: string; leaseMs: number } {
    const lease = input.lease;
    if (lease === null || typeof lease !== 'object') throw invalidArgument('lease', 'expected { owner, leaseMs }');
    if (input.runAt !== undefined) throw invalidArgument('lease', 'a job claimed when enqueued runs now: omit runAt');
    return { owner: checkId('lease.owner', lease.owner), leaseMs: checkPositive('lease.leaseMs', lease.leaseMs) };
}

/** The key of an event as one string (for maps). */
export function eventMapKey(key: EventKey): string {
    return `${key.signature}\u0000${key.instructionIndex}\u0000${key.eventIndex}`;
}

/** Checks a commitment state. */
export function checkCommitment(value: unknown, allowRetracted: boolean): CommitmentState {
    if (value === 'seen' || value === 'confirmed' || value === 'finalized' || (allowRetracted && value === 'retracted')) {
        return value;
    }
    throw invalidArgument('commitment', `expected one of seen, confirmed, finalized${allowRetracted ? ', retracted' : ''}`);
}

/** Checks an effect status. */
export function checkEffectStatus(value: unknown): EffectStatus {
    if (value === 'pending' || value === 'sent' || value === 'confirmed' || value === 'failed') return value;
    throw invalidArgument('statuses', 'expected pending, sent, confirmed or failed');
}

/** Serializes a JSON value, rejecting what JSON cannot hold. */
export function toJson(name: string, value: unknown): string {
    let text: string | undefined;
    try {
        text = JSON.stringify(value === undefined ? null : value);
    } catch (e) {
        throw invalidArgument(name, `not JSON-serializable (${e instanceof Error ? e.message : String(e)}); encode bigints as strings`);
    }
    if (text === undefined) throw invalidArgument(name, 'not JSON-serializable');
    return text;
}

/** Returned by {@link copyPlainJson} for what only JSON's own rules can settle. */
const NOT_PLAIN = Symbol('not plain JSON');
/** Deeper values are left to `JSON.stringify` (which also reports cycles). */
const MAX_PLAIN_DEPTH = 64;

/**
 * A deep, frozen copy of a JSON value: the same value as `JSON.parse(JSON.stringify(value))`
 * (and the same errors), frozen, so that a store can hand it out without copying it again. Plain
 * data (what decoded events and payloads are) is copied directly without the text in between;
 * anything JSON would transform (a `toJSON`, a class instance, an `undefined` member, a
 * non-finite number, an array hole, a `__proto__` key, a bigint, deep or cyclic nesting) goes
 * through JSON itself.
 */
export function freezeJson(name: string, value: unknown): JsonValue {
    const copy = copyPlainJson(value === undefined ? null : value, 0, true);
    return copy === NOT_PLAIN ? deepFreeze(JSON.parse(toJson(name, value)) as JsonValue) : copy;
}

/**
 * A deep copy of a JSON value: {@link freezeJson} without the freezing, for adapters that hand
 * back what they were given (the same value as `JSON.parse(JSON.stringify(value))`).
 */
export function cloneJson(name: string, value: unknown): JsonValue {
    const copy = copyPlainJson(value === undefined ? null : value, 0, false);
    return copy === NOT_PLAIN ? (JSON.parse(toJson(name, value)) as JsonValue) : copy;
}

function copyPlainJson(value: unknown, depth: number, freeze: boolean): JsonValue | typeof NOT_PLAIN {
    switch (typeof value) {
        case 'string':
        case 'boolean':
            return value;
        case 'number':
            return Number.isFinite(value) ? (value === 0 ? 0 : value) : NOT_PLAIN; // -0 becomes 0, as in JSON
        case 'object': {
            if (value === null) return null;
            if (depth >= MAX_PLAIN_DEPTH) return NOT_PLAIN;
            if (Array.isArray(value)) {
                const out: JsonValue[] = [];
                for (let i = 0; i < value.length; i++) {
                    if (!(i in value)) return NOT_PLAIN;
                    const item = copyPlainJson(value[i], depth + 1, freeze);
                    if (item === NOT_PLAIN) return NOT_PLAIN;
                    out.push(item);
                }
                if (freeze) Object.freeze(out);
                return out;
            }
            const proto = Object.getPrototypeOf(value);
            if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
            if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return NOT_PLAIN;
            const out: { [key: string]: JsonValue } = {};
            for (const key in value) {
                if (key === '__proto__' || !Object.hasOwn(value, key)) return NOT_PLAIN;
                const item = copyPlainJson((value as Record<string, unknown>)[key], depth + 1, freeze);
                if (item === NOT_PLAIN) return NOT_PLAIN;
                out[key] = item;
            }
            if (freeze) Object.freeze(out);
            return out;
        }
        default:
            return NOT_PLAIN; // undefined members, functions, symbols, bigints
    }
}

function deepFreeze(value: JsonValue): JsonValue {
    if (value !== null && typeof value === 'object') {
        for (const item of Object.values(value)) deepFreeze(item);
        Object.freeze(value);
    }
    return value;
}

/** Parses a stored JSON value (drivers may already have parsed JSONB). */
export function fromJson(value: unknown): JsonValue {
    return (typeof value === 'string' ? JSON.parse(value) : value) as JsonValue;
}

/** Clips an error text. */
export function clipError(value: unknown): string {
    const text = typeof value === 'string' ? value : String(value);
    return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/** A random id (job ids when the caller gives none). */
export function randomId(): string {
    return globalThis.crypto.randomUUID();
}

/** Converts a driver's integer (number, string or bigint) to a number. */
export function num(value: unknown): number {
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
    throw new TypeError(`expected an integer, got ${typeof value}`);
}

/** Converts a nullable driver integer to a number. */
export function numOrNull(value: unknown): number | null {
    return value === null || value === undefined ? null : num(value);
}

/** Converts a driver's integer to a bigint. */
export function big(value: unknown): bigint {
    if (typeof value === 'bigint') return value;
    if (typeof value === 'string' || typeof value === 'number') return BigInt(value);
    throw new TypeError(`expected an integer, got ${typeof value}`);
}

/** Converts a nullable driver integer to a bigint. */
export function bigOrNull(value: unknown): bigint | null {
    return value === null || value === undefined ? null : big(value);
}
