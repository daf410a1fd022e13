import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { describeWorkerStoreConformance } from '@raffle/worker-kit/testing';

import { createRedisWorkerStore } from '../store/redis/index';
import { REDIS_URL, RedisAdmin, fileTag, skipRedis } from './services';

const skip = await skipRedis();
const tag = `raffle-test:${fileTag()}:`;
let admin: RedisAdmin;
let counter = 0;

beforeAll(() => {
    if (!skip) admin = new RedisAdmin();
});

afterAll(async () => {
    if (skip) return;
    await admin.deletePrefix(tag);
    await admin.close();
});

function freshStore() {
    const n = ++counter;
    const keyPrefix = `${tag}${n}:`;
    const connectionName = `wk-redis-${tag.split(':')[1]}-${n}`;
    const open = () => createRedisWorkerStore({ url: REDIS_URL, keyPrefix, redisOptions: { connectionName } });
    return { keyPrefix, connectionName, open };
}

describeWorkerStoreConformance(
    'redis',
    async () => {
        const { keyPrefix, connectionName, open } = freshStore();
        return {
            store: open(),
            connectPeer: async () => open(),
            cleanup: async () => {
                await admin.assertNoClients(connectionName);
                await admin.deletePrefix(keyPrefix);
            },
        };
    },
    { skip },
);

describe.skipIf(skip)('redis store specifics', () => {
    it('writes only under its key prefix', async () => {
        const { keyPrefix, open } = freshStore();
        const store = open();
        await store.setCursor({ name: 'c', slot: 1n });
        await store.recordEvent({ signature: 's', instructionIndex: 0, eventIndex: 0, slot: 1n, name: 'E', data: null });
        await store.beginEffect({ key: 'e', intent: null });
        await store.enqueueJob({ id: 'j', name: 'n' });
        await store.claimJobs({ owner: 'w', limit: 1, leaseMs: 10 });
        await store.acquireLease({ name: 'l', owner: 'o', ttlMs: 10 });
        await store.appendAudit({ actor: 'a', action: 'x', subject: 's' });
        await store.close();
        const keys = await admin.client.keys(`${keyPrefix}*`);
        expect(keys.length).toBeGreaterThan(5);
        expect(await admin.deletePrefix(keyPrefix)).toBe(keys.length);
    });

    it('uses a client it is given without closing it', async () => {
        const { keyPrefix } = freshStore();
        const client = new Redis(REDIS_URL);
        const store = createRedisWorkerStore({ client, keyPrefix });
        await store.enqueueJob({ id: 'j', name: 'n' });
        await store.close();
        expect(await client.ping()).toBe('PONG');
        await client.quit();
        await admin.deletePrefix(keyPrefix);
    });

    it('fails ready() with a typed error when Redis is unreachable, leaving no connection behind', async () => {
        const store = createRedisWorkerStore({
            url: 'redis://127.0.0.1:1',
            redisOptions: { retryStrategy: () => null, connectTimeout: 500, maxRetriesPerRequest: 0 },
        });
        await expect(store.ready()).rejects.toThrow(/cannot connect/);
        await store.close();
    });

    it('reads the Redis server clock when no `now` is given', async () => {
        const { keyPrefix, open } = freshStore();
        const store = open();
        const [seconds, micros] = await admin.client.time();
        const lease = await store.acquireLease({ name: 'l', owner: 'a', ttlMs: 1000 });
        expect(Math.abs(lease!.acquiredAt - (Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)))).toBeLessThan(5_000);
        await store.close();
        await admin.deletePrefix(keyPrefix);
    });
});
