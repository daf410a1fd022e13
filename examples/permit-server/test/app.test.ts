/**
 * The example server over real HTTP (Hono on @hono/node-server, 127.0.0.1, port 0): embedded
 * PGlite store that survives a restart, and PostgreSQL with DATABASE_URL.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { serve } from '@hono/node-server';
import { afterAll, describe, expect, it } from 'vitest';

import { TEST_DATABASE_URL, postgresAvailable, schemaPool } from '../../../packages/permit/src/__tests__/server/support/postgres';
import { type PermitServerApp, createPermitServerApp } from '../src/app';
import { loadConfig } from '../src/config';

const ADMIN_KEY = 'example-admin-key-0123456789abcdefghijklmnop';
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58(bytes: Uint8Array): string {
    let n = BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
    let out = '';
    while (n > 0n) {
        out = BASE58[Number(n % 58n)] + out;
        n /= 58n;
    }
    for (const b of bytes) {
        if (b !== 0) break;
        out = `1${out}`;
    }
    return out;
}

function wallet() {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const address = base58(Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url'));
    return { address, signMessage: (text: string) => sign(null, Buffer.from(text), privateKey).toString('base64') };
}

async function start(env: Record<string, string>): Promise<{ url: string; app: PermitServerApp; stop(): Promise<void> }> {
    const config = loadConfig(env);
    const app = await createPermitServerApp(config, env);
    const server = serve({ fetch: app.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>(resolve => server.once('listening', () => resolve()));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        app,
        async stop() {
            await new Promise<void>(resolve => server.close(() => resolve()));
            await app.close();
        },
    };
}

async function call(url: string, init: { method?: string; body?: unknown; token?: string; apiKey?: string } = {}): Promise<{ status: number; body: any }> {
    const response = await fetch(url, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
            ...(init.body !== undefined && { 'content-type': 'application/json' }),
            ...(init.token !== undefined && { authorization: `Bearer ${init.token}` }),
            ...(init.apiKey !== undefined && { 'x-api-key': init.apiKey }),
        },
        ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });
    return { status: response.status, body: await response.json() };
}

async function flow(url: string, organizer: ReturnType<typeof wallet>, create: boolean): Promise<string> {
    if (create) {
        const created = await call(`${url}/admin/organizers`, {
            apiKey: ADMIN_KEY,
            body: { address: organizer.address, enterpriseId: randomBytes(16).toString('hex'), tier: 'pro' },
        });
        expect(created.status).toBe(201);
    }
    const nonce = await call(`${url}/auth/nonce`, { body: { address: organizer.address } });
    const signedIn = await call(`${url}/auth/sign-in`, { body: { message: nonce.body.message, signature: organizer.signMessage(nonce.body.message) } });
    expect(signedIn.status).toBe(200);
    const permit = await call(`${url}/permits`, {
        token: signedIn.body.token,
        body: {
            prizeMint: wallet().address,
            prizeAmount: '1',
            paymentMint: wallet().address,
            ticketPrice: '5000000',
            maxTickets: 500,
            deadline: String(Math.floor(Date.now() / 1000) + 7 * 86_400),
            refundMode: 'vouchers',
        },
    });
    expect(permit.status).toBe(201);
    return permit.body.raffleId as string;
}

const baseEnv = (extra: Record<string, string>): Record<string, string> => ({
    PERMIT_SIGNER_KEY: JSON.stringify([...randomBytes(32)]),
    PERMIT_ADMIN_API_KEY: ADMIN_KEY,
    REQUIRE_PRIZE_COLLECTION: 'false',
    PERMIT_DOMAIN: 'localhost:8787',
    PORT: '0',
    ...extra,
});

describe('config', () => {
    it('names the variable that is wrong, never its value', () => {
        expect(() => loadConfig({})).toThrow(/PERMIT_SIGNER_KEYPAIR or PERMIT_SIGNER_KEY/);
        expect(() => loadConfig({ PERMIT_SIGNER_KEY: 'x' })).toThrow(/SOLANA_RPC_URL/);
        expect(() => loadConfig({ PERMIT_SIGNER_KEY: 'x', REQUIRE_PRIZE_COLLECTION: 'false', PERMIT_ADMIN_API_KEY: 'short-secret' })).toThrow(
            /PERMIT_ADMIN_API_KEY must be at least 32/,
        );
        expect(() => loadConfig({ PERMIT_SIGNER_KEY: 'x', REQUIRE_PRIZE_COLLECTION: 'maybe' })).toThrow(/REQUIRE_PRIZE_COLLECTION/);
        const config = loadConfig({ PERMIT_SIGNER_KEYPAIR: '/run/secrets/permit.json', SOLANA_RPC_URL: 'http://127.0.0.1:8899', ALLOWED_PAYMENT_MINTS: `${wallet().address}, ${wallet().address}` });
        expect(config).toMatchObject({ signer: { file: '/run/secrets/permit.json' }, port: 8787, domain: '127.0.0.1:8787', databaseUrl: undefined });
        expect(config.allowedPaymentMints).toHaveLength(2);
    });
});

describe('example permit server', () => {
    it('serves the whole flow on the embedded store and keeps its state across restarts', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'permit-example-'));
        const env = baseEnv({ PGLITE_DATA_DIR: dir });
        const organizer = wallet();
        try {
            const first = await start(env);
            try {
                expect((await call(`${first.url}/health`)).body).toMatchObject({ status: 'ok', store: 'pglite' });
                expect(await flow(first.url, organizer, true)).toBe('0');
            } finally {
                await first.stop();
            }
            const second = await start(env);
            try {
                expect(await flow(second.url, organizer, false)).toBe('1');
                const audit = await call(`${second.url}/admin/audit?action=permit.issued`, { apiKey: ADMIN_KEY });
                expect(audit.body.entries).toHaveLength(2);
            } finally {
                await second.stop();
            }
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    const schemas = schemaPool('permit_example');
    afterAll(() => schemas.dropAll());

    it.skipIf(!postgresAvailable)('uses PostgreSQL with DATABASE_URL', async () => {
        const server = await start(baseEnv({ DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schemas.schema() }));
        try {
            expect((await call(`${server.url}/health`)).body).toMatchObject({ status: 'ok', store: 'postgres' });
            expect(await flow(server.url, wallet(), true)).toBe('0');
        } finally {
            await server.stop();
        }
    });
});
