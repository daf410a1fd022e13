/**
 * The example's TRUST_PROXY (hop counts and proxy addresses, never "true"), its HTTP timeouts
 * and its retention settings, in process on 127.0.0.1 port 0 with an in-memory PGlite.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

import { afterEach, describe, expect, it } from 'vitest';

import { loadConfig } from '../src/config';
import { type RunningPermitServer, startPermitServer } from '../src/server';

const ADMIN_KEY = 'example-admin-key-0123456789abcdefghijklmnop';
const REAL = '203.0.113.7';
const DAY = 86_400_000;

const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    PERMIT_SIGNER_KEY: JSON.stringify([...randomBytes(32)]),
    PERMIT_ADMIN_API_KEY: ADMIN_KEY,
    REQUIRE_PRIZE_COLLECTION: 'false',
    PERMIT_DOMAIN: 'localhost:8787',
    PGLITE_DATA_DIR: 'memory://',
    PORT: '0',
    ...extra,
});

let running: RunningPermitServer | undefined;
afterEach(async () => {
    await running?.close();
    running = undefined;
});

async function start(extra: Record<string, string>): Promise<string> {
    const e = env(extra);
    running = await startPermitServer(loadConfig(e), e);
    return `http://127.0.0.1:${running.address.port}`;
}

function wallet(): { address: string; sign(text: string): string } {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
    const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
    let n = BigInt(`0x${raw.toString('hex')}`);
    let address = '';
    while (n > 0n) {
        address = alphabet[Number(n % 58n)] + address;
        n /= 58n;
    }
    for (const b of raw) {
        if (b !== 0) break;
        address = `1${address}`;
    }
    return { address, sign: text => sign(null, Buffer.from(text), privateKey).toString('base64') };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('config', () => {
    it('reads TRUST_PROXY as a hop count or a list of proxy addresses, and refuses "true"', () => {
        expect(loadConfig(env()).trustProxy).toBe(false);
        for (const off of ['0', 'false', 'no']) expect(loadConfig(env({ TRUST_PROXY: off })).trustProxy).toBe(false);
        expect(loadConfig(env({ TRUST_PROXY: '1' })).trustProxy).toBe(1);
        expect(loadConfig(env({ TRUST_PROXY: '2' })).trustProxy).toBe(2);
        expect(loadConfig(env({ TRUST_PROXY: 'loopback, 10.0.0.0/8,192.0.2.10' })).trustProxy).toEqual(['loopback', '10.0.0.0/8', '192.0.2.10']);
        for (const bad of ['true', 'yes', 'TRUE']) expect(() => loadConfig(env({ TRUST_PROXY: bad }))).toThrow(/TRUST_PROXY must be the number of proxies/);
        for (const bad of ['33', 'nginx', '10.0.0.0/40', '1,x']) expect(() => loadConfig(env({ TRUST_PROXY: bad }))).toThrow(/TRUST_PROXY must be a hop count/);
    });

    it('reads the HTTP timeouts and the retention periods', () => {
        expect(loadConfig(env())).toMatchObject({
            http: { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 },
            retention: { permitRetentionMs: 30 * DAY, auditRetentionMs: 90 * DAY },
        });
        expect(loadConfig(env({ AUDIT_RETENTION_DAYS: '0', PERMIT_RETENTION_DAYS: '7' })).retention).toEqual({ permitRetentionMs: 7 * DAY, auditRetentionMs: 0 });
        expect(loadConfig(env({ HTTP_REQUEST_TIMEOUT_MS: '2000' })).http).toMatchObject({ headersTimeoutMs: 2000, requestTimeoutMs: 2000 });
        expect(() => loadConfig(env({ HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' }))).toThrow(/HTTP_HEADERS_TIMEOUT_MS must not exceed/);
        expect(() => loadConfig(env({ HTTP_REQUEST_TIMEOUT_MS: '0' }))).toThrow(/HTTP_REQUEST_TIMEOUT_MS/);
        expect(() => loadConfig(env({ AUDIT_RETENTION_DAYS: '-1' }))).toThrow(/AUDIT_RETENTION_DAYS/);
    });
});

describe('the example server', () => {
    it('sets the node server timeouts from the configuration', async () => {
        await start({ HTTP_REQUEST_TIMEOUT_MS: '20000', HTTP_HEADERS_TIMEOUT_MS: '8000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '4000' });
        expect(running!.http).toMatchObject({ requestTimeout: 20_000, headersTimeout: 8_000, keepAliveTimeout: 4_000 });
    });

    it('with TRUST_PROXY=1, rate-limits and audits the address nginx appended, not the one the client wrote', async () => {
        const url = await start({ TRUST_PROXY: '1' });
        const organizer = wallet();
        const created = await post(`${url}/admin/organizers`, { address: organizer.address, enterpriseId: randomBytes(16).toString('hex'), tier: 'pro' }, { 'x-api-key': ADMIN_KEY });
        expect(created.status).toBe(201);
        const forwarded = (i: number): Record<string, string> => ({ 'x-forwarded-for': `198.51.100.${i % 250}, ${REAL}` });
        const { message } = await (await post(`${url}/auth/nonce`, { address: organizer.address }, forwarded(0))).json();
        expect((await post(`${url}/auth/sign-in`, { message, signature: organizer.sign(message) }, forwarded(1))).status).toBe(200);
        const statuses: number[] = [];
        for (let i = 2; i < 60; i++) statuses.push((await post(`${url}/auth/nonce`, {}, forwarded(i))).status);
        // 30 per minute per client (sign-in limit): 2 used above, 28 more, then 429.
        expect(statuses.filter(s => s === 200)).toHaveLength(28);
        expect(statuses.filter(s => s === 429)).toHaveLength(30);
        const audit = await (await fetch(`${url}/admin/audit?action=organizer.signed-in`, { headers: { 'x-api-key': ADMIN_KEY } })).json();
        expect(audit.entries.map((e: { details: unknown }) => e.details)).toEqual([{ ip: REAL }]);
    });

    it('prunes by the configured retention', async () => {
        await start({ AUDIT_RETENTION_DAYS: '30' });
        const { store } = running!.app;
        const now = Date.now();
        for (const age of [40, 20]) await store.appendAudit({ at: now - age * DAY, actor: 'test', action: 'organizer.updated', organizer: null, reason: null, details: { age } });
        expect(await running!.app.prune(now)).toMatchObject({ audit: 1 });
        expect((await store.listAudit({ limit: 10 })).map(e => e.details.age)).toEqual([20]);
    });
});
