import { RAFFLE_ERROR__WORKER__STORE_CONTENDED, isRaffleError } from '@raffle/errors';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { PlanInboxStep, RecordEventInput } from '@raffle/worker-kit';
import { createRedisWorkerStore } from '@raffle/worker-kit/redis';
import { describeWorkerStoreConformance } from '@raffle/worker-kit/testing';

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
        await store.recordEvents([{ signature: 's', instructionIndex: 0, eventIndex: 0, slot: 1n, name: 'E', data: null }]);
        await store.beginEffect({ key: 'e', intent: null });
        await store.enqueueJob({ id: 'j', name: 'n' });
        await store.claimJobs({ owner: 'w', limit: 1, leaseMs: 10 });
        await store.acquireLease({ name: 'l', owner: 'o', leaseMs: 10 });
        await store.appendAudit({ actor: 'a', action: 'x', subject: 's' });
        await store.recordEventsWith([{ signature: 't', instructionIndex: 0, eventIndex: 0, slot: 2n, name: 'E', data: null }], async () => ({
            writes: [{ namespace: 'p', key: 'k', value: 1 }],
        }));
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
        const lease = await store.acquireLease({ name: 'l', owner: 'a', leaseMs: 1000 });
        expect(Math.abs(lease!.acquiredAt - (Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)))).toBeLessThan(5_000);
        await store.close();
        await admin.deletePrefix(keyPrefix);
    });
});

function event(signature: string, name = 'Joined'): RecordEventInput {
    return { signature, instructionIndex: 0, eventIndex: 0, slot: 10n, name, data: { n: 1 }, commitment: 'confirmed' };
}

/** Counts the events the step inserts per name in namespace `count` (a read-modify-write). */
const countByName: PlanInboxStep = async (changed, read) => {
    const names = [...new Set(changed.map(e => e.name))];
    if (names.length === 0) return {};
    const current = await read('count', names);
    return { writes: names.map((n, i) => ({ namespace: 'count', key: n, value: ((current[i] as number | null) ?? 0) + changed.filter(e => e.name === n).length })) };
};

describe.skipIf(skip)('redis atomic inbox steps (optimistic concurrency)', () => {
    /** A store and a peer over the same keys (their own connections), removed after `run`. */
    async function withPeers(run: (store: ReturnType<typeof createRedisWorkerStore>, peer: ReturnType<typeof createRedisWorkerStore>) => Promise<void>): Promise<void> {
        const { keyPrefix, connectionName, open } = freshStore();
        const store = open();
        const peer = open();
        try {
            await run(store, peer);
        } finally {
            await store.close();
            await peer.close();
            await admin.assertNoClients(connectionName);
            await admin.deletePrefix(keyPrefix);
        }
    }

    it('plans again when a peer commits between plan and commit, and counts each event exactly once', async () => {
        await withPeers(async (store, peer) => {
            const seen: string[][] = [];
            const { results, jobs } = await store.recordEventsWith([event('a'), event('b')], async (changed, read) => {
                seen.push(changed.map(e => e.signature));
                const plan = await countByName(changed, read);
                // The peer records an overlapping event and bumps the count after this plan read it.
                if (seen.length === 1) await peer.recordEventsWith([event('b'), event('c')], countByName);
                return { ...plan, jobs: changed.map(e => ({ id: `${e.signature}:h`, name: 'h' })) };
            });
            expect(seen).toEqual([['a', 'b'], ['a']]);
            expect(results.map(r => r.inserted)).toEqual([true, false]);
            expect(jobs.map(j => j.job.id)).toEqual(['a:h']);
            expect(await store.getProjectionValues('count', ['Joined'])).toEqual([3]);
            expect(await store.getJob('b:h')).toBeNull();
        });
    });

    it('plans again when only a value it read changed (no overlapping events); steps over other keys do not conflict', async () => {
        await withPeers(async (store, peer) => {
            let calls = 0;
            await store.recordEventsWith([event('x1')], async (changed, read) => {
                calls++;
                const plan = await countByName(changed, read);
                if (calls === 1) {
                    await peer.recordEventsWith([event('y1', 'Other')], countByName); // another key: no conflict
                    await peer.recordEventsWith([event('y2')], countByName); // the key read: conflict
                }
                return plan;
            });
            expect(calls).toBe(2);
            expect(await store.getProjectionValues('count', ['Joined', 'Other'])).toEqual([2, 1]);
            let once = 0;
            await store.recordEventsWith([event('x2')], async (changed, read) => {
                once++;
                const plan = await countByName(changed, read);
                await peer.recordEventsWith([event('y3', 'Other')], countByName);
                return plan;
            });
            expect(once).toBe(1);
            expect(await store.getProjectionValues('count', ['Joined', 'Other'])).toEqual([3, 2]);
        });
    });

    it('plans a commitment move again when a peer moved the event meanwhile; the plan sees it as it ends up', async () => {
        await withPeers(async (store, peer) => {
            await store.recordEvents([{ ...event('m'), commitment: 'seen' }]);
            const key = { signature: 'm', instructionIndex: 0, eventIndex: 0 };
            const plans: string[][] = [];
            const { results } = await store.setEventCommitmentsWith([{ ...key, commitment: 'confirmed' }, { ...key, commitment: 'finalized' }], async changed => {
                plans.push(changed.map(e => e.commitment));
                if (plans.length === 1) await peer.setEventCommitment({ ...key, commitment: 'confirmed' });
                return { writes: changed.map(e => ({ namespace: 'moves', key: e.commitment, value: e.signature })) };
            });
            expect(plans).toEqual([['finalized'], ['finalized']]);
            expect(results.map(r => [r.changed, r.event?.commitment])).toEqual([
                [false, 'confirmed'],
                [true, 'finalized'],
            ]);
            expect(await store.getProjectionValues('moves', ['confirmed', 'finalized'])).toEqual([null, 'm']);
        });
    });

    it('gives up after 16 conflicting attempts with STORE_CONTENDED, writing nothing', async () => {
        await withPeers(async (store, peer) => {
            let calls = 0;
            let error: unknown;
            try {
                await store.recordEventsWith([event('z')], async (changed, read) => {
                    calls++;
                    const plan = await countByName(changed, read);
                    await peer.recordEventsWith([event(`p${calls}`)], countByName);
                    return { ...plan, jobs: [{ id: 'z:h', name: 'h' }] };
                });
            } catch (e) {
                error = e;
            }
            expect(isRaffleError(error, RAFFLE_ERROR__WORKER__STORE_CONTENDED), String(error)).toBe(true);
            expect(calls).toBe(16);
            expect(await store.getEvent({ signature: 'z', instructionIndex: 0, eventIndex: 0 })).toBeNull();
            expect(await store.getJob('z:h')).toBeNull();
            expect(await store.getProjectionValues('count', ['Joined'])).toEqual([16]);
        });
    }, 20_000);

    it('lists keys in UTF-8 byte order (not UTF-16), by prefix and page', async () => {
        await withPeers(async store => {
            const keys = ['z', '\u00e9', 'Z', '\ud83d\ude00', '\ufffd', 'a\u0000b', 'a'];
            await store.recordEventsWith([event('k')], async () => ({ writes: keys.map(key => ({ namespace: 'utf8', key, value: key })) }));
            const listed = (await store.listProjectionValues({ namespace: 'utf8' })).map(e => e.key);
            expect(listed).toEqual(['Z', 'a', 'a\u0000b', 'z', '\u00e9', '\ufffd', '\ud83d\ude00']);
            expect((await store.listProjectionValues({ namespace: 'utf8', prefix: 'a' })).map(e => e.key)).toEqual(['a', 'a\u0000b']);
            expect((await store.listProjectionValues({ namespace: 'utf8', after: '\u00e9', limit: 1 })).map(e => e.key)).toEqual(['\ufffd']);
            expect((await store.listProjectionValues({ namespace: 'utf8', prefix: 'a', after: 'Z' })).map(e => e.key)).toEqual(['a', 'a\u0000b']);
            expect(await store.listProjectionValues({ namespace: 'utf8', prefix: 'a', after: 'b' })).toEqual([]);
        });
    });
});

describe.skipIf(skip)('redis retention specifics', () => {
    const T = 1_700_000_000_000;
    const final = (signature: string, slot: bigint): RecordEventInput => ({ ...event(signature), slot, commitment: 'finalized', now: T });
    const jobFor = (changed: readonly { signature: string }[]) => ({ jobs: changed.map(e => ({ id: `${e.signature}:h`, name: 'h', now: T })) });

    async function withStore(run: (store: ReturnType<typeof createRedisWorkerStore>, peer: ReturnType<typeof createRedisWorkerStore>, keyPrefix: string) => Promise<void>): Promise<void> {
        const { keyPrefix, open } = freshStore();
        const store = open();
        const peer = open();
        try {
            await run(store, peer, keyPrefix);
        } finally {
            await store.close();
            await peer.close();
            await admin.deletePrefix(keyPrefix);
        }
    }

    it('a step planned against an older watermark plans again and reports the event pruned, with no job', async () => {
        await withStore(async (store, peer) => {
            const plans: string[][] = [];
            const step = await store.recordEventsWith([final('w', 5n), final('w', 5n), final('above', 11n)], async changed => {
                plans.push(changed.map(e => e.signature));
                if (plans.length === 1) await peer.pruneEvents({ throughSlot: 10n, events: [] });
                return jobFor(changed);
            });
            expect(plans).toEqual([['w', 'above'], ['above']]);
            expect(step.results.map(r => [r.inserted, r.pruned ?? false])).toEqual([
                [false, true],
                [false, true],
                [true, false],
            ]);
            expect(step.results[0]!.event).toMatchObject({ signature: 'w', slot: 5n, receivedAt: T });
            expect(step.jobs.map(j => j.job.id)).toEqual(['above:h']);
            expect(await store.getJob('w:h')).toBeNull();
            expect(await store.getEvent({ signature: 'w', instructionIndex: 0, eventIndex: 0 })).toBeNull();
        });
    });

    it('a step that saw an event present plans again when a prune deletes it, then reports it pruned', async () => {
        await withStore(async (store, peer) => {
            await store.recordEvents([final('gone', 5n)]);
            const plans: string[][] = [];
            const step = await store.recordEventsWith([final('gone', 5n)], async changed => {
                plans.push(changed.map(e => e.signature));
                if (plans.length === 1) {
                    const pruned = await peer.pruneEvents({ throughSlot: 10n, events: [{ key: { signature: 'gone', instructionIndex: 0, eventIndex: 0 }, jobIds: [] }] });
                    expect(pruned).toEqual({ deleted: 1, kept: 0, prunedThroughSlot: 10n });
                }
                return jobFor(changed);
            });
            expect(plans).toEqual([[], []]);
            expect(step.results.map(r => [r.inserted, r.pruned ?? false])).toEqual([[false, true]]);
        });
    });

    it('keeps the completed count right, and leaves completed jobs of a store older than retention (no index) alone', async () => {
        await withStore(async (store, _peer, keyPrefix) => {
            for (const id of ['a', 'b', 'legacy']) {
                await store.enqueueJob({ id, queue: 'q', name: 'x', now: T });
                await store.claimJobs({ owner: 'w', queue: 'q', limit: 1, leaseMs: 1000, now: T });
                await store.completeJobs({ ids: [id], owner: 'w', now: T });
            }
            // As an older store left it: completed, but not in the index.
            await admin.client.zrem(`${keyPrefix}jobs:completed`, 'legacy');
            expect(await store.countJobs({ queue: 'q', statuses: ['completed'] })).toBe(3);
            expect(await store.pruneJobs({ finishedBefore: T + 1 })).toEqual({ deleted: 2 });
            expect(await store.countJobs({ queue: 'q', statuses: ['completed'] })).toBe(1);
            expect((await store.getJob('legacy'))?.status).toBe('completed');
        });
    });

    it('indexes the audit entries of a store older than retention before pruning them', async () => {
        await withStore(async (store, _peer, keyPrefix) => {
            const first = await store.appendAudit({ actor: 'w', action: 'old', now: T });
            await store.appendAudit({ actor: 'w', action: 'old', subject: 's', now: T });
            // As an older store left it: no time index, no backfill progress.
            await admin.client.del(`${keyPrefix}audit:at`, `${keyPrefix}audit:at:backfilled`);
            const recent = await store.appendAudit({ actor: 'w', action: 'new', now: T + 10_000 });
            expect(await store.pruneAudit({ before: T + 5_000 })).toEqual({ deleted: 2 });
            expect(await store.listAudit()).toEqual([recent]);
            expect(await store.listAudit({ subject: 's' })).toEqual([]);
            expect(await admin.client.get(`${keyPrefix}audit:at:backfilled`)).toBe('done');
            expect((await store.appendAudit({ actor: 'w', action: 'next' })).seq).toBe(first.seq + 3);
        });
    });

    it('matches kept prefixes literally (no pattern characters)', async () => {
        await withStore(async store => {
            for (const key of ['a.b', 'axb', '%x', 'ab*', 'abc']) {
                await store.beginEffect({ key, intent: null, now: T });
                await store.markEffectFailed({ key, error: 'e', now: T });
            }
            expect(await store.pruneEffects({ updatedBefore: T + 1, keepKeyPrefixes: ['a.', '%', 'ab*'] })).toEqual({ deleted: 2 });
            const left = await Promise.all(['a.b', 'axb', '%x', 'ab*', 'abc'].map(k => store.getEffect(k)));
            expect(left.map(e => e?.key ?? null)).toEqual(['a.b', null, '%x', 'ab*', null]);
        });
    });
});
