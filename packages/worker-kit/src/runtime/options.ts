/**
 * Checks the options of `createWorker` as hostile input (they often come from the environment):
 * every value of the wrong type or out of range, and every key the worker does not know (a typo
 * silently ignored is a setting silently lost), is refused with `RAFFLE_ERROR__INVALID_ARGUMENT`
 * naming the option.
 *
 * @packageDocumentation
 */
import { isAddress } from '@solana/kit';

import { workerConfigInvalid } from '../core/errors';

type Check = (name: string, value: unknown) => void;

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object whose keys are all known, each checked when present (undefined counts as absent). */
function object(shape: Record<string, Check>): Check {
    return (name, value) => {
        if (!isPlainObject(value)) throw workerConfigInvalid(name || 'options', 'must be an object');
        for (const [key, v] of Object.entries(value)) {
            const path = name === '' ? key : `${name}.${key}`;
            const check = Object.prototype.hasOwnProperty.call(shape, key) ? shape[key] : undefined;
            if (!check) throw workerConfigInvalid(path, `is not an option of the worker (known: ${Object.keys(shape).join(', ')})`);
            if (v !== undefined) check(path, v);
        }
    };
}

function integer(min: number, max: number): Check {
    return (name, value) => {
        if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
            throw workerConfigInvalid(name, `must be an integer from ${min} to ${max}`);
        }
    };
}

function number(min: number, max: number): Check {
    return (name, value) => {
        if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) throw workerConfigInvalid(name, `must be a number from ${min} to ${max}`);
    };
}

const text: Check = (name, value) => {
    if (typeof value !== 'string' || value.length === 0 || value.length > 200 || /[\u0000-\u001f]/.test(value)) {
        throw workerConfigInvalid(name, 'must be a string of 1 to 200 printable characters');
    }
};

const boolean: Check = (name, value) => {
    if (typeof value !== 'boolean') throw workerConfigInvalid(name, 'must be true or false');
};

function oneOf(...values: readonly string[]): Check {
    return (name, value) => {
        if (typeof value !== 'string' || !values.includes(value)) throw workerConfigInvalid(name, `must be one of ${values.join(', ')}`);
    };
}

const present: Check = () => undefined;

const HOUR = 3_600_000;

const backoff: Check = (name, value) => {
    object({ minMs: integer(0, HOUR), maxMs: integer(0, 24 * HOUR), factor: number(1, 100), jitter: number(0, 1) })(name, value);
    const b = value as { minMs?: unknown; maxMs?: unknown };
    if (b.minMs === undefined || b.maxMs === undefined) throw workerConfigInvalid(name, 'needs minMs and maxMs');
    if ((b.maxMs as number) < (b.minMs as number)) throw workerConfigInvalid(`${name}.maxMs`, 'must be at least minMs');
};

const leader: Check = (name, value) => {
    object({ name: text, leaseMs: integer(100, HOUR), ttlMs: integer(100, HOUR), renewMs: integer(10, HOUR) })(name, value);
    const l = value as { leaseMs?: number; ttlMs?: number; renewMs?: number };
    if (l.renewMs !== undefined && l.renewMs >= (l.leaseMs ?? l.ttlMs ?? 15_000)) throw workerConfigInvalid(`${name}.renewMs`, 'must be shorter than the lease leaseMs');
};

const WORKER_OPTIONS: Record<string, Check> = {
    rpc: present,
    rpcSubscriptions: present,
    store: present,
    decoder: present,
    programAddress: (name, value) => {
        if (typeof value !== 'string' || !isAddress(value)) throw workerConfigInvalid(name, 'must be a base58 program address');
    },
    owner: text,
    queue: text,
    concurrency: integer(1, 10_000),
    jobLeaseMs: integer(100, 24 * HOUR),
    pollMs: integer(1, HOUR),
    drainTimeoutMs: integer(0, HOUR),
    retry: object({ maxAttempts: integer(1, 100_000), inProcessRetries: integer(0, 100), inProcessBackoff: backoff, backoff }),
    leader,
    role: oneOf('leader-eligible', 'jobs-only'),
    ingestion: object({
        backfillIntervalMs: integer(10, HOUR),
        finalityIntervalMs: integer(10, HOUR),
        forkWindowSlots: integer(1, 1_000_000),
        reconnectBackoff: backoff,
        pageSize: integer(1, 1_000),
        maxBackfillSignatures: integer(1, 100_000_000),
        startFrom: oneOf('latest', 'genesis'),
        disableLive: boolean,
    }),
    storeDecodedFields: boolean,
    retention: (name, value) => {
        if (value === false) return;
        const age = integer(0, 10 * 365 * 24 * HOUR);
        const orFalse = (check: Check): Check => (n, v) => (v === false ? undefined : check(n, v));
        object({
            intervalMs: integer(100, 24 * HOUR),
            jobs: orFalse(object({ completedAfterMs: age, deadAfterMs: orFalse(age) })),
            events: orFalse(object({ afterMs: age })),
            effects: orFalse(object({ afterMs: age })),
            audit: orFalse(object({ afterMs: age })),
            maxBatchesPerPass: integer(1, 10_000),
        })(name, value);
    },
};

/**
 * Checks `createWorker`'s options (the required clients are checked by `createWorker` itself).
 *
 * @param options - the options as given
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` naming the first bad option
 * @internal
 */
export function assertWorkerOptions(options: unknown): void {
    object(WORKER_OPTIONS)('', options);
}
