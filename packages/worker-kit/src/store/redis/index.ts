/**
 * The Redis {@link WorkerStore} (`ioredis`): for teams that run on Redis. Every decision is a
 * Lua command (`commands/*.lua`, atomic on the server); reads of one record are plain
 * commands. One file per concern over one connection (`connection.ts`).
 */
import type { WorkerStore } from '../types';
import { redisAuditLog } from './audit';
import { RedisConnection, type RedisWorkerStoreOptions } from './connection';
import { redisCursorStore } from './cursor';
import { redisEffectLedger } from './effects';
import { redisEventInbox } from './inbox';
import { redisJobQueue } from './jobs';
import { redisLeaseStore } from './leases';
import { redisProjectionStore } from './projections';
import { redisRetentionStore } from './retention';

export type { RedisWorkerStoreOptions } from './connection';

/** The Redis store, with access to its key prefix. */
export interface RedisWorkerStore extends WorkerStore {
    /** The prefix of every key it writes. */
    readonly keyPrefix: string;
}

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
 * import { createRedisWorkerStore } from '@raffle/worker-kit/redis';
 *
 * const store = createRedisWorkerStore({ url: process.env.REDIS_URL, keyPrefix: 'raffle:worker:' });
 * await store.ready();
 * const jobs = await store.claimJobs({ owner: workerId, limit: 10, leaseMs: 30_000 });
 * await store.close();
 * ```
 */
export function createRedisWorkerStore(options: RedisWorkerStoreOptions): RedisWorkerStore {
    const db = new RedisConnection(options);
    return {
        kind: db.kind,
        keyPrefix: db.keyPrefix,
        ready: () => db.ready(),
        close: () => db.close(),
        ...redisCursorStore(db),
        ...redisEventInbox(db),
        ...redisEffectLedger(db),
        ...redisJobQueue(db),
        ...redisLeaseStore(db),
        ...redisAuditLog(db),
        ...redisProjectionStore(db),
        ...redisRetentionStore(db),
    };
}
