/**
 * Input checks of the projection concern shared by every adapter: namespaces, keys, writes and
 * list filters, with the same `RAFFLE_ERROR__INVALID_ARGUMENT` errors everywhere.
 *
 * @internal
 */
import { RAFFLE_ERROR__INVALID_ARGUMENT, RaffleError } from '@raffle/errors';

import { MAX_PROJECTION_KEY_LENGTH, type ListProjectionValuesInput, type ProjectionWrite } from './types';
import { checkBatch, checkLimit, type JsonEncoding } from './internal';

const NAMESPACE = /^[A-Za-z0-9_.-]{1,64}$/;

function invalid(name: string, reason: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__INVALID_ARGUMENT, { name, reason });
}

/** A projection's name: 1-64 characters among `A-Za-z0-9_.-`. */
export function checkNamespace(value: unknown): string {
    if (typeof value !== 'string' || !NAMESPACE.test(value)) throw invalid('namespace', 'must be 1-64 characters among A-Z a-z 0-9 _ . -');
    return value;
}

/** A projection key: a string of 1-512 characters. */
export function checkProjectionKey(value: unknown): string {
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PROJECTION_KEY_LENGTH) {
        throw invalid('key', `must be a string of 1-${MAX_PROJECTION_KEY_LENGTH} characters`);
    }
    return value;
}

/** Keys of one read. */
export function checkProjectionKeys(namespace: unknown, keys: readonly string[]): { namespace: string; keys: readonly string[] } {
    const ns = checkNamespace(namespace);
    checkBatch('keys', keys).forEach(checkProjectionKey);
    return { namespace: ns, keys };
}

/** A checked write: its value encoded (null removes the key). */
export interface CheckedProjectionWrite<D> {
    readonly namespace: string;
    readonly key: string;
    readonly value: D | null;
}

/**
 * Checks a plan's writes; the last write of a key wins, so the result has one write per key.
 *
 * @param writes - the plan's writes
 * @param encode - how the adapter stores JSON
 * @returns one write per (namespace, key), in first-write order
 */
export function checkProjectionWrites<D>(writes: readonly ProjectionWrite[] | undefined, encode: JsonEncoding<D>): CheckedProjectionWrite<D>[] {
    if (writes === undefined) return [];
    if (!Array.isArray(writes)) throw invalid('writes', 'must be an array');
    const byKey = new Map<string, CheckedProjectionWrite<D>>();
    for (const w of writes) {
        const namespace = checkNamespace(w?.namespace);
        const key = checkProjectionKey(w?.key);
        const value = w.value === null ? null : encode('value', w.value);
        byKey.set(`${namespace}\u0000${key}`, { namespace, key, value });
    }
    return [...byKey.values()];
}

/** A checked list filter. */
export interface CheckedProjectionList {
    readonly namespace: string;
    readonly prefix: string;
    readonly after: string | null;
    readonly limit: number;
}

/** Checks {@link ListProjectionValuesInput}. */
export function checkListProjectionValues(input: ListProjectionValuesInput): CheckedProjectionList {
    const namespace = checkNamespace(input?.namespace);
    if (input.prefix !== undefined && typeof input.prefix !== 'string') throw invalid('prefix', 'must be a string');
    const after = input.after === undefined ? null : checkProjectionKey(input.after);
    return { namespace, prefix: input.prefix ?? '', after, limit: checkLimit(input.limit) };
}

/** Bytewise comparison of UTF-8 keys, as SQL's `COLLATE "C"` and Redis' lexicographic order. */
export function compareKeysBytewise(a: string, b: string): number {
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
