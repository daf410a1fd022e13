/**
 * `@raffle/worker-kit/redis`: the Redis {@link WorkerStore}, every decision a Lua script. Needs
 * `ioredis` (an optional peer dependency) and, to compile against its types,
 * `@types/redis-errors`: `npm install ioredis @types/redis-errors`. See docs/worker-storage.md.
 *
 * @packageDocumentation
 */
import type { WorkerStore } from '../store/types';

export { createRedisWorkerStore, type RedisWorkerStore, type RedisWorkerStoreOptions } from '../store/redis/index';
