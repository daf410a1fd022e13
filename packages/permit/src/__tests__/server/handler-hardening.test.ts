/**
 * Issue 17 over real HTTP on loopback: `GET /permits` pages through every permit on the SQL
 * store, the raffle id counter ends with a clear, audited 409, and behind a proxy the client
 * address comes from the trusted hop, not from the entry the client writes.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { PGlite } from '@electric-sql/pglite';
import { isRaffleError, RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID } from '@raffle/errors';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type PermitHandler, createPermitHandler } from '../../server/handler';
import { createNodeRequestListener } from '../../server/node-listener';
import { createMemoryPermitStore } from '../../server/store/memory';
import { createPglitePermitStore } from '../../server/store/pglite';
import type { PermitServerStore } from '../../server/store/types';
import { ENTERPRISE_ID, PROGRAM_ID, type TestWallet, createTestSigner, createWallet, permitBody, randomAddress, signIn } from './support/fixtures';
import { type Harness, postJson, startHarness } from './support/harness';
import { freshSchemaName } from './support/postgres';

const U64_MAX = '18446744073709551615';
const LAST_ID = '18446744073709551614';

let db: PGlite;
beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
});
afterAll(async () => {
    await db.close();
});
let harness: Harness | undefined;
afterEach(async () => {
    await harness?.close();
    harness = undefined;
});

let pgliteSchema = '';
const stores: [string, () => PermitServerStore][] = [
    ['memory', () => createMemoryPermitStore()],
    ['pglite', () => createPglitePermitStore({ db, schema: (pgliteSchema = freshSchemaName('permit_http')) })],
];

async function json(response: Response): Promise<any> {
    return response.json();
}

describe.each(stores)('GET /permits on the %s store', (_name, makeStore) => {
    it('pages through 12 permits, 5 at a time, without losing ids 9-11', async () => {
        const h = (harness = await startHarness({ store: makeStore() }));
        const collection = randomAddress();
        const wallet = await h.organizer({ tier: 'pro', collections: [collection] });
        const token = await signIn(h.url, wallet);
        for (let i = 0; i < 12; i++) {
            const response = await postJson(`${h.url}/permits`, permitBody({ prizeMint: h.prize(collection) }, Math.floor(h.clock.now / 1000)), token);
            expect(response.status).toBe(201);
        }
        const seen: string[] = [];
        let cursor: string | null = null;
        for (let page = 0; page < 10; page++) {
            const query: string = cursor === null ? '?limit=5' : `?limit=5&before=${cursor}`;
            const body = await json(await fetch(`${h.url}/permits${query}`, { headers: { authorization: `Bearer ${token}` } }));
            seen.push(...body.permits.map((p: { raffleId: string }) => p.raffleId));
            cursor = body.nextCursor;
            if (cursor === null) break;
        }
        expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => String(11 - i)));
        // The admin ledger pages the same way.
        const admin = await json(await h.admin(`/admin/permits?organizer=${wallet.address}&limit=10`));
        const rest = await json(await h.admin(`/admin/permits?organizer=${wallet.address}&limit=10&before=${admin.nextCursor}`));
        expect([...admin.permits, ...rest.permits].map((p: { raffleId: string }) => p.raffleId)).toEqual(seen);
    });
});

describe.each(stores)('the raffle id counter on the %s store', (name, makeStore) => {
    it('refuses a nextRaffleId without room, then answers an exhausted counter with an audited 409', async () => {
        const errors: unknown[] = [];
        const h = (harness = await startHarness({ store: makeStore(), policy: { requirePrizeCollection: false }, onError: e => errors.push(e) }));
        const wallet = await h.organizer({ tier: 'pro' });
        const refused = await h.admin(`/admin/organizers/${wallet.address}`, { method: 'PATCH', body: { nextRaffleId: U64_MAX } });
        expect(refused.status).toBe(400);
        expect((await json(refused)).error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'nextRaffleId' } });
        const created = await h.admin('/admin/organizers', { body: { address: randomAddress(), enterpriseId: ENTERPRISE_ID, tier: 'pro', nextRaffleId: U64_MAX } });
        expect(created.status).toBe(400);
        expect((await h.admin(`/admin/organizers/${wallet.address}`, { method: 'PATCH', body: { nextRaffleId: LAST_ID } })).status).toBe(200);

        const token = await signIn(h.url, wallet);
        const request = () => postJson(`${h.url}/permits`, permitBody({}, Math.floor(h.clock.now / 1000)), token);
        const last = await request();
        expect(last.status).toBe(201);
        expect((await json(last)).raffleId).toBe(LAST_ID);
        for (let i = 0; i < 2; i++) {
            const exhausted = await request();
            expect(exhausted.status).toBe(409);
            expect((await json(exhausted)).error.code).toBe('RAFFLE_ID_EXHAUSTED');
        }
        const audit = await json(await h.admin(`/admin/audit?organizer=${wallet.address}&action=permit.refused`));
        expect(audit.entries.map((e: { reason: string }) => e.reason)).toEqual(['RAFFLE_ID_EXHAUSTED', 'RAFFLE_ID_EXHAUSTED']);
        expect(audit.entries[0].details).toMatchObject({ nextRaffleId: U64_MAX, request: { maxTickets: 100 } });
        const me = await json(await fetch(`${h.url}/organizers/me`, { headers: { authorization: `Bearer ${token}` } }));
        expect(me.organizer.nextRaffleId).toBe(U64_MAX);
        expect(errors).toEqual([]);

        if (name === 'pglite') {
            // A counter left past u64 by an older version (the bug: every request a 500).
            const other = await h.organizer({ tier: 'pro' });
            await db.query(`UPDATE "${pgliteSchema}".permit_organizers SET next_raffle_id = $2 WHERE address = $1`, [other.address, '18446744073709551616']);
            const response = await postJson(`${h.url}/permits`, permitBody({}, Math.floor(h.clock.now / 1000)), await signIn(h.url, other));
            expect(response.status).toBe(409);
            const entries = (await json(await h.admin(`/admin/audit?organizer=${other.address}&action=permit.refused`))).entries;
            expect(entries.map((e: { reason: string }) => e.reason)).toEqual(['RAFFLE_ID_EXHAUSTED']);
            expect(errors).toEqual([]);
        }
    });
});

describe('the client address behind a proxy', () => {
    const REAL = '203.0.113.7';
    let server: Server | undefined;
    afterEach(async () => {
        server?.closeAllConnections();
        await new Promise<void>(resolve => (server === undefined ? resolve() : server.close(() => resolve())));
        server = undefined;
    });

    async function serve(handler: PermitHandler, trustProxy: Parameters<typeof createNodeRequestListener>[1]): Promise<string> {
        server = createServer(createNodeRequestListener(handler, trustProxy));
        await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', () => resolve()));
        return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    async function setUp(trustProxy: Parameters<typeof createNodeRequestListener>[1]): Promise<{ url: string; store: PermitServerStore; wallet: TestWallet }> {
        const store = createMemoryPermitStore();
        const wallet = createWallet();
        await store.createOrganizer({ address: wallet.address, enterpriseId: ENTERPRISE_ID, tier: 'pro' }, Date.now());
        const handler = createPermitHandler({
            store,
            signers: [createTestSigner()],
            programId: PROGRAM_ID,
            domain: 'permits.test',
            policy: { requirePrizeCollection: false },
            rateLimits: { perIp: false, perOrganizer: false, signInPerIp: { limit: 30, windowSeconds: 60 } },
        });
        return { url: await serve(handler, trustProxy), store, wallet };
    }

    /** What nginx sends with `proxy_add_x_forwarded_for`: whatever the client sent, then its real address. */
    const forwarded = (i: number, real = REAL): Record<string, string> => ({ 'x-forwarded-for': `10.${i % 250}.0.${i % 200}, 198.51.100.${i % 250}, ${real}` });

    async function signInVia(url: string, wallet: TestWallet, headers: Record<string, string>): Promise<number> {
        const nonce = await postJson(`${url}/auth/nonce`, { address: wallet.address }, undefined, headers);
        const { message } = await json(nonce);
        const signature = Buffer.from(wallet.signMessage(new TextEncoder().encode(message))).toString('base64');
        return (await postJson(`${url}/auth/sign-in`, { message, signature }, undefined, headers)).status;
    }

    it('with one trusted hop, a spoofed leftmost entry does not escape a 30/minute limit, and the audit names the real client', async () => {
        const { url, store, wallet } = await setUp({ trustProxy: 1 });
        expect(await signInVia(url, wallet, forwarded(0))).toBe(200); // two of the 30
        const statuses: number[] = [];
        for (let i = 1; i <= 58; i++) statuses.push((await postJson(`${url}/auth/nonce`, {}, undefined, forwarded(i))).status);
        expect(statuses.filter(s => s === 200)).toHaveLength(28);
        expect(statuses.filter(s => s === 429)).toHaveLength(30);
        // Another real client behind the same proxy has its own window.
        expect((await postJson(`${url}/auth/nonce`, {}, undefined, forwarded(99, '192.0.2.44'))).status).toBe(200);
        const [signedIn] = await store.listAudit({ action: 'organizer.signed-in', limit: 10 });
        expect(signedIn?.details).toEqual({ ip: REAL });
    });

    it('with a trusted proxy address list, skips the trusted proxies from the right', async () => {
        const { url, store, wallet } = await setUp({ trustProxy: ['loopback', '10.9.0.0/16'] });
        expect(await signInVia(url, wallet, { 'x-forwarded-for': `6.6.6.6, ${REAL}, 10.9.3.4` })).toBe(200);
        const [signedIn] = await store.listAudit({ action: 'organizer.signed-in', limit: 10 });
        expect(signedIn?.details).toEqual({ ip: REAL });
    });

    it('without trustProxy, ignores X-Forwarded-For', async () => {
        const { url, store, wallet } = await setUp({});
        expect(await signInVia(url, wallet, forwarded(0))).toBe(200);
        const [signedIn] = await store.listAudit({ action: 'organizer.signed-in', limit: 10 });
        expect(signedIn?.details).toEqual({ ip: '127.0.0.1' });
    });

    it('refuses trustProxy: true with a typed error that says what to pass', () => {
        const error = (() => {
            try {
                createNodeRequestListener(async () => new Response(null), { trustProxy: true as never });
            } catch (e) {
                return e;
            }
        })();
        expect(isRaffleError(error, RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID)).toBe(true);
        expect((error as { context: { option: string; reason: string } }).context).toMatchObject({ option: 'trustProxy', reason: expect.stringMatching(/number of proxies/) });
    });
});
