/**
 * The handler on real PostgreSQL: 50 concurrent POST /permits for one organizer get 50
 * distinct raffle ids; replicas share sessions, rate limits and the active-permit limit.
 */
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { createPermitHandler } from '../../server/handler';
import { createPostgresPermitStore } from '../../server/store/postgres';
import { PROGRAM_ID, permitBody, randomAddress, signIn } from './support/fixtures';
import { type Harness, postJson, startHarness } from './support/harness';
import { serveHandler } from './support/http';
import { TEST_DATABASE_URL, postgresAvailable, schemaPool } from './support/postgres';

const schemas = schemaPool('permit_http');
const pool = postgresAvailable ? new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 10 }) : undefined;
let harness: Harness | undefined;
afterEach(async () => {
    await harness?.close();
    harness = undefined;
});
afterAll(async () => {
    await schemas.dropAll();
    await pool?.end();
});

describe.skipIf(!postgresAvailable)('permit handler on PostgreSQL', () => {
    it('gives 50 concurrent permit requests of one organizer 50 distinct raffle ids', async () => {
        const h = (harness = await startHarness({ store: createPostgresPermitStore({ pool: pool!, schema: schemas.schema() }) }));
        const collection = randomAddress();
        const wallet = await h.organizer({ tier: 'enterprise', collections: [collection] });
        const token = await signIn(h.url, wallet);
        const responses = await Promise.all(
            Array.from({ length: 50 }, () => postJson(`${h.url}/permits`, permitBody({ prizeMint: h.prize(collection) }, Math.floor(h.clock.now / 1000)), token)),
        );
        expect(responses.map(r => r.status)).toEqual(Array(50).fill(201));
        const ids = await Promise.all(responses.map(async r => BigInt(((await r.json()) as { raffleId: string }).raffleId)));
        expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i)));
        const permits = await h.store.listPermits({ organizer: wallet.address, limit: 100 });
        expect(permits.filter(p => p.status === 'issued')).toHaveLength(50);
    });

    it('never issues more than maxActivePermits under concurrency', async () => {
        const h = (harness = await startHarness({
            store: createPostgresPermitStore({ pool: pool!, schema: schemas.schema() }),
            policy: { tiers: { pro: { maxActivePermits: 7 } }, requirePrizeCollection: false },
        }));
        const wallet = await h.organizer({ tier: 'pro' });
        const token = await signIn(h.url, wallet);
        const responses = await Promise.all(
            Array.from({ length: 50 }, () => postJson(`${h.url}/permits`, permitBody({}, Math.floor(h.clock.now / 1000)), token)),
        );
        const statuses = responses.map(r => r.status);
        expect(statuses.filter(s => s === 201)).toHaveLength(7);
        expect(statuses.filter(s => s === 422)).toHaveLength(43);
    });

    it('shares sessions and rate limits between replicas', async () => {
        const schema = schemas.schema();
        const h = (harness = await startHarness({
            store: createPostgresPermitStore({ pool: pool!, schema }),
            policy: { requirePrizeCollection: false },
            rateLimits: { perOrganizer: { limit: 4, windowSeconds: 60 }, perIp: false, signInPerIp: false },
        }));
        const replica = createPermitHandler({
            store: createPostgresPermitStore({ pool: pool!, schema }),
            signers: h.signers,
            programId: PROGRAM_ID,
            domain: 'permits.test',
            now: () => h.clock.now,
            policy: { requirePrizeCollection: false },
            rateLimits: { perOrganizer: { limit: 4, windowSeconds: 60 }, perIp: false, signInPerIp: false },
        });
        const other = await serveHandler(replica);
        try {
            const wallet = await h.organizer({ tier: 'pro' });
            const token = await signIn(h.url, wallet);
            const body = () => permitBody({}, Math.floor(h.clock.now / 1000));
            const statuses = [];
            for (const url of [h.url, other.url, h.url, other.url, other.url]) statuses.push((await postJson(`${url}/permits`, body(), token)).status);
            expect(statuses).toEqual([201, 201, 201, 201, 429]);
            // Idempotency keys are shared too.
            h.clock.now += 60_000;
            const request = body();
            const a = await postJson(`${h.url}/permits`, request, token, { 'idempotency-key': 'shared' });
            const b = await postJson(`${other.url}/permits`, request, token, { 'idempotency-key': 'shared' });
            expect(b.headers.get('idempotent-replayed')).toBe('true');
            expect(await b.json()).toEqual(await a.json());
        } finally {
            await other.close();
        }
    });
});
