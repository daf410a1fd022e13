import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import { RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID, RAFFLE_ERROR__PERMIT__STORE_CURSOR_INVALID } from '@raffle/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createPglitePermitStore } from '../../server/store/pglite';
import { ENTERPRISE_ID, randomAddress } from './support/fixtures';
import { freshSchemaName } from './support/postgres';
import { describeStoreConformance } from './support/store-conformance';

// One in-memory PGlite for the file; every test gets its own schema in it.
let db: PGlite;
beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
});
afterAll(async () => {
    await db.close();
});

describeStoreConformance('pglite', async () => createPglitePermitStore({ db, schema: freshSchemaName('pglite') }));

describe('createPglitePermitStore', () => {
    it('persists to a data directory it owns and closes', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'permit-pglite-'));
        try {
            const address = randomAddress();
            const first = createPglitePermitStore({ dataDir: dir, PGlite });
            await first.ready();
            await first.createOrganizer({ address, enterpriseId: ENTERPRISE_ID, tier: 'pro' }, 1000);
            const r = await first.reservePermit({ organizer: address, now: 1000, expiresAt: 2000, maxActive: null });
            expect(r.ok && r.raffleId).toBe(0n);
            await first.close();

            const second = createPglitePermitStore({ dataDir: dir, PGlite });
            await second.ready(); // migrations already applied: nothing to do
            expect((await second.getOrganizer(address))?.nextRaffleId).toBe(1n);
            await second.close();
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it('never closes a database it was given', async () => {
        const store = createPglitePermitStore({ db, schema: freshSchemaName('pglite') });
        await store.ready();
        await store.close();
        expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });

    it('rejects options that are not a PGlite', () => {
        expect(() => createPglitePermitStore({} as never)).toThrow(/db.*dataDir/);
        expect(() => createPglitePermitStore({ dataDir: '/tmp/x' } as never)).toThrow(/PGlite class/);
        expect(() => createPglitePermitStore({ db, schema: 'Bad-Name' })).toThrow(
            expect.objectContaining({ code: RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID, context: expect.objectContaining({ option: 'schema' }) }),
        );
    });

    it('refuses a pagination cursor that no page returned', async () => {
        const store = createPglitePermitStore({ db, schema: freshSchemaName('pglite') });
        await store.ready();
        for (const list of [() => store.listPermits({ limit: 5, before: 'not-a-cursor' }), () => store.listAudit({ limit: 5, before: '1e9' })]) {
            await expect(list()).rejects.toThrow(expect.objectContaining({ code: RAFFLE_ERROR__PERMIT__STORE_CURSOR_INVALID, context: { name: 'before' } }));
        }
        await store.close();
    });
});
