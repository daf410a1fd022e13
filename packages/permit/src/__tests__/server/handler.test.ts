/**
 * The permit handler over real HTTP on loopback: sign-in, permits, idempotency, policy
 * refusals, sessions, admin API and scopes, rate limits, body limits, errors.
 */
import { randomBytes } from 'node:crypto';

import { type Address, getProgramDerivedAddress } from '@solana/kit';
import { afterEach, describe, expect, it } from 'vitest';

import { createNodeCryptoSigner } from '../../entries/node';
import { toHex } from '../../internal/encoding';
import { verifyPermit } from '../../verify';
import type { Permit } from '../../permit';
import { createMemoryPermitStore } from '../../server/store/memory';
import type { PermitServerStore } from '../../server/store/types';
import { ENTERPRISE_ID, PROGRAM_ID, createWallet, permitBody, randomAddress, signIn, signInText } from './support/fixtures';
import { ADMIN_KEY, DOMAIN, type Harness, postJson, startHarness } from './support/harness';

let harness: Harness | undefined;
afterEach(async () => {
    await harness?.close();
    harness = undefined;
});

async function start(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
    harness = await startHarness(options);
    return harness;
}

async function errorCode(response: Response): Promise<string> {
    const body = (await response.json()) as { error: { code: string } };
    return body.error.code;
}

describe('GET /health', () => {
    it('reports the store and both rotation signers', async () => {
        const h = await start();
        const response = await fetch(`${h.url}/health`);
        expect(response.status).toBe(200);
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(await response.json()).toEqual({
            status: 'ok',
            store: 'memory',
            signer: h.signers[0]!.address,
            signers: [h.signers[0]!.address, h.signers[1]!.address],
            programId: PROGRAM_ID,
        });
    });

    it('answers 503 when the store is down', async () => {
        const store = createMemoryPermitStore();
        const h = await start({ store });
        await store.close();
        const response = await fetch(`${h.url}/health`);
        expect(response.status).toBe(503);
    });
});

describe('sign-in -> permit', () => {
    it('issues verifiable permits bound to the organizer, with consecutive raffle ids', async () => {
        const h = await start();
        const collection = randomAddress();
        const wallet = await h.organizer({ tier: 'pro', collections: [collection] });
        const token = await signIn(h.url, wallet);
        expect(token).toMatch(/^rps_[A-Za-z0-9_-]{43}$/);

        const me = await fetch(`${h.url}/organizers/me`, { headers: { authorization: `Bearer ${token}` } });
        expect(me.status).toBe(200);
        expect(await me.json()).toMatchObject({
            organizer: { address: wallet.address, tier: 'pro', enterpriseId: ENTERPRISE_ID, allowedCollections: [collection], active: true, nextRaffleId: '0' },
            limits: { maxTickets: 100_000, permitTtlSeconds: 300 },
            activePermits: 0,
        });

        const [config] = await getProgramDerivedAddress({ programAddress: PROGRAM_ID, seeds: ['config'] });
        for (const expectedId of [0n, 1n]) {
            const body = permitBody({ prizeMint: h.prize(collection) }, Math.floor(h.clock.now / 1000));
            const response = await postJson(`${h.url}/permits`, body, token);
            expect(response.status).toBe(201);
            const json = (await response.json()) as { raffleId: string; permit: Permit };
            expect(json.raffleId).toBe(expectedId.toString());
            const fields = await verifyPermit(json.permit, {
                trustedSigners: [h.signers[0]!.address],
                programId: PROGRAM_ID,
                now: Math.floor(h.clock.now / 1000),
            });
            expect(fields).toMatchObject({
                programId: PROGRAM_ID,
                config,
                organizer: wallet.address,
                raffleId: expectedId,
                tier: 1,
                prizeMint: body.prizeMint,
                prizeAmount: 1n,
                paymentMint: body.paymentMint,
                ticketPrice: 5_000_000n,
                maxTickets: 100,
                deadline: BigInt(body.deadline as string),
                refundMode: 'vouchers',
                expiresAt: BigInt(Math.floor(h.clock.now / 1000) + 300),
            });
            expect(toHex(fields.enterpriseId)).toBe(ENTERPRISE_ID);
        }
        const own = await fetch(`${h.url}/permits`, { headers: { authorization: `Bearer ${token}` } });
        expect(((await own.json()) as { permits: { raffleId: string; status: string }[] }).permits.map(p => [p.raffleId, p.status])).toEqual([
            ['1', 'issued'],
            ['0', 'issued'],
        ]);
        const audit = await h.admin(`/admin/audit?organizer=${wallet.address}&action=permit.issued`);
        const entries = ((await audit.json()) as { entries: { actor: string; details: { raffleId: string } }[] }).entries;
        expect(entries.map(e => [e.actor, e.details.raffleId])).toEqual([
            [wallet.address, '1'],
            [wallet.address, '0'],
        ]);
    });

    it('accepts base58 signatures and numbers for integer fields', async () => {
        const h = await start({ policy: { requirePrizeCollection: false } });
        const wallet = await h.organizer();
        const nonce = (await (await postJson(`${h.url}/auth/nonce`, {})).json()) as { nonce: string; issuedAt: string; expirationTime: string };
        const message = signInText({ domain: DOMAIN, address: wallet.address, nonce: nonce.nonce, issuedAt: new Date(h.clock.now), expirationTime: new Date(h.clock.now + 60_000) });
        const { getBase58Decoder } = await import('@solana/kit');
        const signature = getBase58Decoder().decode(wallet.signMessage(new TextEncoder().encode(message)));
        const response = await postJson(`${h.url}/auth/sign-in`, { message, signature });
        expect(response.status).toBe(200);
        const { token } = (await response.json()) as { token: string };
        const body = permitBody({ prizeAmount: 3, ticketPrice: 1000, deadline: Math.floor(h.clock.now / 1000) + 86_400 });
        expect((await postJson(`${h.url}/permits`, body, token)).status).toBe(201);
    });
});

describe('sign-in', () => {
    async function prepared(h: Harness, wallet = createWallet()) {
        const nonce = ((await (await postJson(`${h.url}/auth/nonce`, { address: wallet.address })).json()) as { nonce: string; message: string });
        return { wallet, nonce: nonce.nonce, message: nonce.message };
    }
    const sign = (wallet: ReturnType<typeof createWallet>, message: string) => Buffer.from(wallet.signMessage(new TextEncoder().encode(message))).toString('base64');

    it('prepares a message for the configured domain', async () => {
        const h = await start({ chainId: 'devnet' });
        const { wallet, message } = await prepared(h);
        expect(message.split('\n').slice(0, 2)).toEqual([`${DOMAIN} wants you to sign in with your Solana account:`, wallet.address]);
        expect(message).toContain('Chain ID: devnet');
    });

    it('rejects a replayed sign-in', async () => {
        const h = await start();
        const wallet = await h.organizer();
        const { message } = await prepared(h, wallet);
        const signature = sign(wallet, message);
        expect((await postJson(`${h.url}/auth/sign-in`, { message, signature })).status).toBe(200);
        const replay = await postJson(`${h.url}/auth/sign-in`, { message, signature });
        expect(replay.status).toBe(401);
        expect(await errorCode(replay)).toBe('SIGN_IN_INVALID');
    });

    it('rejects expired, future, long-lived, foreign-domain, wrongly signed and unknown-nonce messages', async () => {
        const h = await start({ chainId: 'devnet' });
        const wallet = await h.organizer();
        const other = createWallet();
        const t = h.clock.now;
        const cases: { name: string; build: (nonce: string) => { message: string; signer?: typeof wallet } }[] = [
            { name: 'expired', build: nonce => ({ message: signInText({ domain: DOMAIN, address: wallet.address, nonce, issuedAt: new Date(t - 120_000), expirationTime: new Date(t - 1) }) }) },
            { name: 'future', build: nonce => ({ message: signInText({ domain: DOMAIN, address: wallet.address, nonce, issuedAt: new Date(t + 3_600_000), expirationTime: new Date(t + 3_700_000) }) }) },
            { name: 'long-lived', build: nonce => ({ message: signInText({ domain: DOMAIN, address: wallet.address, nonce, issuedAt: new Date(t), expirationTime: new Date(t + 86_400_000) }) }) },
            { name: 'domain', build: nonce => ({ message: signInText({ domain: 'evil.test', address: wallet.address, nonce, issuedAt: new Date(t), expirationTime: new Date(t + 60_000) }) }) },
            { name: 'no chain id', build: nonce => ({ message: signInText({ domain: DOMAIN, address: wallet.address, nonce, issuedAt: new Date(t), expirationTime: new Date(t + 60_000) }) }) },
            { name: 'signed by another key', build: nonce => ({ message: (prepare(nonce)), signer: other }) },
            { name: 'unknown nonce', build: () => ({ message: prepare('NotIssuedByTheServer123') }) },
        ];
        function prepare(nonce: string): string {
            return `${DOMAIN} wants you to sign in with your Solana account:\n${wallet.address}\n\nSign in to request raffle permits.\n\nVersion: 1\nChain ID: devnet\nNonce: ${nonce}\nIssued At: ${new Date(t).toISOString()}\nExpiration Time: ${new Date(t + 60_000).toISOString()}`;
        }
        for (const c of cases) {
            const { nonce } = await prepared(h, wallet);
            const { message, signer = wallet } = c.build(nonce);
            const response = await postJson(`${h.url}/auth/sign-in`, { message, signature: sign(signer, message) });
            expect([c.name, response.status, await errorCode(response)]).toEqual([c.name, 401, 'SIGN_IN_INVALID']);
        }
        // The well-formed one works, proving the cases above failed for their own reason.
        const { nonce } = await prepared(h, wallet);
        const message = prepare(nonce);
        expect((await postJson(`${h.url}/auth/sign-in`, { message, signature: sign(wallet, message) })).status).toBe(200);
    });

    it('refuses wallets that are not organizers (after consuming the nonce)', async () => {
        const h = await start();
        const { wallet, message } = await prepared(h);
        const response = await postJson(`${h.url}/auth/sign-in`, { message, signature: sign(wallet, message) });
        expect(response.status).toBe(403);
        expect(await errorCode(response)).toBe('ORGANIZER_UNKNOWN');
    });

    it('lets sessions expire and sign-out end them; forged tokens are rejected', async () => {
        const h = await start({ sessionTtlSeconds: 60, policy: { requirePrizeCollection: false } });
        const wallet = await h.organizer();
        const token = await signIn(h.url, wallet);
        const me = (t: string) => fetch(`${h.url}/organizers/me`, { headers: { authorization: `Bearer ${t}` } });
        expect((await me(token)).status).toBe(200);
        for (const forged of [`rps_${randomBytes(32).toString('base64url')}`, token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), ADMIN_KEY, 'x']) {
            const response = await me(forged);
            expect(response.status).toBe(401);
            expect(await errorCode(response)).toBe('UNAUTHENTICATED');
        }
        expect((await fetch(`${h.url}/organizers/me`)).status).toBe(401);
        expect((await fetch(`${h.url}/organizers/me`, { headers: { authorization: 'Basic abc' } })).status).toBe(401);
        h.clock.now += 60_000;
        expect((await me(token)).status).toBe(401);
        h.clock.now -= 60_000;
        const out = await fetch(`${h.url}/auth/sign-out`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
        expect(out.status).toBe(204);
        expect((await me(token)).status).toBe(401);
    });
});

describe('POST /permits', () => {
    async function ready(options: Parameters<typeof startHarness>[0] = {}, tier: 'free' | 'pro' | 'enterprise' = 'pro') {
        const h = await start(options);
        const collection = randomAddress();
        const wallet = await h.organizer({ tier, collections: [collection] });
        const token = await signIn(h.url, wallet);
        const body = (overrides: Record<string, unknown> = {}) =>
            permitBody({ prizeMint: h.prize(collection), ...overrides }, Math.floor(h.clock.now / 1000));
        return { h, wallet, token, collection, body };
    }

    it('replays the same permit for the same Idempotency-Key, refuses it with another body', async () => {
        const { h, token: firstToken, body, wallet } = await ready();
        const request = body();
        const first = await postJson(`${h.url}/permits`, request, firstToken, { 'idempotency-key': 'order-42' });
        expect(first.status).toBe(201);
        const firstJson = await first.json();
        h.clock.now += 3_600_000; // an hour later (new session) the same key still returns the same permit
        let token = await signIn(h.url, wallet);
        const again = await postJson(`${h.url}/permits`, request, token, { 'idempotency-key': 'order-42' });
        expect(again.status).toBe(201);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(await again.json()).toEqual(firstJson);
        const other = await postJson(`${h.url}/permits`, body(), token, { 'idempotency-key': 'order-42' });
        expect(other.status).toBe(422);
        expect(await errorCode(other)).toBe('IDEMPOTENCY_KEY_REUSED');
        h.clock.now += 86_400_000; // after 24 h the key is free again
        token = await signIn(h.url, wallet);
        const later = await postJson(`${h.url}/permits`, request, token, { 'idempotency-key': 'order-42' });
        expect(later.status).toBe(201);
        expect(later.headers.get('idempotent-replayed')).toBeNull();
        expect(((await later.json()) as { raffleId: string }).raffleId).toBe('1');
        const bad = await postJson(`${h.url}/permits`, request, token, { 'idempotency-key': 'x'.repeat(256) });
        expect(await errorCode(bad)).toBe('INVALID_IDEMPOTENCY_KEY');
        expect((await h.store.listPermits({ limit: 10 })).length).toBe(2);
    });

    it('issues one permit for concurrent requests with one key', async () => {
        const { h, token, body } = await ready();
        const request = body();
        const responses = await Promise.all(Array.from({ length: 10 }, () => postJson(`${h.url}/permits`, request, token, { 'idempotency-key': 'same' })));
        const statuses = responses.map(r => r.status);
        expect(statuses.every(s => s === 201 || s === 409)).toBe(true);
        expect((await h.store.listPermits({ limit: 100 })).length).toBe(1);
    });

    it('refuses with typed reasons and audits every refusal', async () => {
        const { h, token, body, wallet, collection } = await ready({ policy: { all: { allowedPaymentMints: [randomAddress()] } } }, 'free');
        const now = Math.floor(h.clock.now / 1000);
        const payment = (await h.admin('/health')).status; // keep the admin helper exercised
        expect(payment).toBe(200);
        const allowedMint = h.handler.issuer.policy.tiers.free.allowedPaymentMints as Address[];
        const unverified = randomAddress();
        h.prizes.set(unverified, { status: 'unverified', collection });
        const foreign = h.prize(randomAddress());
        const noCollection = randomAddress();
        h.prizes.set(noCollection, { status: 'no-collection' });
        const cases: [Record<string, unknown>, string][] = [
            [body({ paymentMint: randomAddress() }), 'PAYMENT_MINT_NOT_ALLOWED'],
            [body({ paymentMint: allowedMint[0], maxTickets: 1001 }), 'TICKETS_ABOVE_TIER_LIMIT'],
            [body({ paymentMint: allowedMint[0], deadline: String(now + 60) }), 'DEADLINE_TOO_SOON'],
            [body({ paymentMint: allowedMint[0], deadline: String(now + 15 * 86_400) }), 'DEADLINE_TOO_FAR'],
            [body({ paymentMint: allowedMint[0], prizeMint: randomAddress() }), 'PRIZE_METADATA_MISSING'],
            [body({ paymentMint: allowedMint[0], prizeMint: noCollection }), 'PRIZE_COLLECTION_MISSING'],
            [body({ paymentMint: allowedMint[0], prizeMint: unverified }), 'PRIZE_COLLECTION_UNVERIFIED'],
            [body({ paymentMint: allowedMint[0], prizeMint: foreign }), 'PRIZE_COLLECTION_NOT_ALLOWED'],
        ];
        for (const [request, reason] of cases) {
            const response = await postJson(`${h.url}/permits`, request, token);
            expect([reason, response.status, await errorCode(response)]).toEqual([reason, 422, reason]);
        }
        // The free tier holds 3 unexpired permits at most.
        for (let i = 0; i < 3; i++) expect((await postJson(`${h.url}/permits`, body({ paymentMint: allowedMint[0] }), token)).status).toBe(201);
        const limited = await postJson(`${h.url}/permits`, body({ paymentMint: allowedMint[0] }), token);
        expect(await errorCode(limited)).toBe('ACTIVE_PERMIT_LIMIT');
        h.clock.now += 300_000; // they expire
        expect((await postJson(`${h.url}/permits`, body({ paymentMint: allowedMint[0] }), token)).status).toBe(201);

        const audit = await h.admin(`/admin/audit?organizer=${wallet.address}&action=permit.refused&limit=100`);
        const reasons = ((await audit.json()) as { entries: { reason: string; details: { request: { maxTickets: number } } }[] }).entries.map(e => e.reason);
        expect(reasons.reverse()).toEqual([...cases.map(c => c[1]), 'ACTIVE_PERMIT_LIMIT']);

        await h.admin(`/admin/organizers/${wallet.address}/deactivate`, { method: 'POST' });
        const inactive = await postJson(`${h.url}/permits`, body({ paymentMint: allowedMint[0] }), token);
        expect([inactive.status, await errorCode(inactive)]).toEqual([403, 'ORGANIZER_INACTIVE']);
    });

    it('answers 503 CHAIN_UNAVAILABLE when the collection cannot be read, and issues nothing', async () => {
        const { h, token, body } = await ready();
        h.chainDown.value = true;
        const response = await postJson(`${h.url}/permits`, body(), token, { 'idempotency-key': 'k1' });
        expect(response.status).toBe(503);
        expect(await errorCode(response)).toBe('CHAIN_UNAVAILABLE');
        h.chainDown.value = false;
        expect((await postJson(`${h.url}/permits`, body(), token, { 'idempotency-key': 'k1' })).status).toBe(201);
    });

    it('validates the body strictly', async () => {
        const { h, token, body, wallet } = await ready();
        const cases: [unknown, number, string][] = [
            ['{', 400, 'INVALID_JSON'],
            ['[]', 400, 'INVALID_REQUEST'],
            [{ ...body(), organizer: randomAddress() }, 400, 'INVALID_REQUEST'],
            [{ ...body(), raffleId: '9' }, 400, 'INVALID_REQUEST'],
            [{ ...body(), prizeAmount: '0' }, 400, 'INVALID_REQUEST'],
            [{ ...body(), prizeAmount: '18446744073709551616' }, 400, 'INVALID_REQUEST'],
            [{ ...body(), ticketPrice: 1.5 }, 400, 'INVALID_REQUEST'],
            [{ ...body(), maxTickets: 1_000_001 }, 400, 'INVALID_REQUEST'],
            [{ ...body(), refundMode: 'cash' }, 400, 'INVALID_REQUEST'],
            [{ ...body(), prizeMint: 'not-an-address' }, 400, 'INVALID_REQUEST'],
            [{ ...body(), deadline: '-1' }, 400, 'INVALID_REQUEST'],
        ];
        for (const [request, status, code] of cases) {
            const response = await postJson(`${h.url}/permits`, request, token);
            expect([response.status, await errorCode(response)]).toEqual([status, code]);
        }
        const form = await fetch(`${h.url}/permits`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: JSON.stringify(body()) });
        expect([form.status, await errorCode(form)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
        const huge = await postJson(`${h.url}/permits`, JSON.stringify({ ...body(), pad: 'x'.repeat(100_000) }), token);
        expect([huge.status, await errorCode(huge)]).toEqual([413, 'BODY_TOO_LARGE']);
        expect((await h.store.listPermits({ organizer: wallet.address, limit: 10 })).length).toBe(0);
    });
});

describe('rate limits', () => {
    it('limits per organizer and per IP, in the store', async () => {
        const h = await start({ rateLimits: { perOrganizer: { limit: 3, windowSeconds: 60 }, perIp: { limit: 12, windowSeconds: 60 }, signInPerIp: false } });
        const wallet = await h.organizer();
        const token = await signIn(h.url, wallet); // 2 requests from this IP (nonce, sign-in) + 1 admin
        const me = () => fetch(`${h.url}/organizers/me`, { headers: { authorization: `Bearer ${token}` } });
        expect([(await me()).status, (await me()).status, (await me()).status]).toEqual([200, 200, 200]);
        const limited = await me();
        expect(limited.status).toBe(429);
        expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await errorCode(limited)).toBe('RATE_LIMITED');
        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) statuses.push((await fetch(`${h.url}/auth/nonce`, { method: 'POST' })).status);
        expect(statuses.filter(s => s === 429).length).toBeGreaterThan(0);
        expect((await fetch(`${h.url}/health`)).status).toBe(200); // never limited
        h.clock.now += 60_000;
        expect((await me()).status).toBe(200);
    });
});

describe('admin API', () => {
    it('creates, reads, updates and deactivates organizers; enforces scopes', async () => {
        const h = await start();
        const created = await h.admin('/admin/api-keys', { body: { scopes: ['read'], label: 'dashboard' } });
        expect(created.status).toBe(201);
        const { key: readKey, apiKey } = (await created.json()) as { key: string; apiKey: { id: string; scopes: string[] } };
        expect(readKey).toMatch(/^rpk_/);
        expect(apiKey.scopes).toEqual(['read']);
        const writer = (await (await h.admin('/admin/api-keys', { body: { scopes: ['write'] } })).json()) as { key: string };

        const wallet = createWallet();
        const input = { address: wallet.address, enterpriseId: '7f1c0d2e-52a1-4c3b-9a55-0e0b8c7d6f10', tier: 'free', nextRaffleId: '100' };
        const denied = await h.admin('/admin/organizers', { body: input, key: readKey });
        expect([denied.status, await errorCode(denied)]).toEqual([403, 'FORBIDDEN']);
        const ok = await h.admin('/admin/organizers', { body: input, key: writer.key });
        expect(ok.status).toBe(201);
        expect(((await ok.json()) as { organizer: { nextRaffleId: string; enterpriseId: string } }).organizer).toMatchObject({ nextRaffleId: '100', enterpriseId: ENTERPRISE_ID });
        expect(await errorCode(await h.admin('/admin/organizers', { body: input, key: writer.key }))).toBe('ORGANIZER_EXISTS');
        const invalid = await h.admin('/admin/organizers', { body: { ...input, address: randomAddress(), tier: 'gold' }, key: writer.key });
        expect([invalid.status, ((await invalid.json()) as { error: { details: { field: string } } }).error.details.field]).toEqual([400, 'tier']);

        const one = await h.admin(`/admin/organizers/${wallet.address}`, { key: readKey });
        expect(((await one.json()) as { organizer: { tier: string } }).organizer.tier).toBe('free');
        const patched = await h.admin(`/admin/organizers/${wallet.address}`, { method: 'PATCH', body: { tier: 'enterprise', allowedCollections: [randomAddress()] }, key: writer.key });
        expect(((await patched.json()) as { organizer: { tier: string } }).organizer.tier).toBe('enterprise');
        expect(await errorCode(await h.admin(`/admin/organizers/${randomAddress()}`, { method: 'PATCH', body: { tier: 'pro' }, key: writer.key }))).toBe('ORGANIZER_NOT_FOUND');
        expect(await errorCode(await h.admin(`/admin/organizers/${wallet.address}`, { method: 'PATCH', body: { address: randomAddress() }, key: writer.key }))).toBe('INVALID_REQUEST');
        const off = await h.admin(`/admin/organizers/${wallet.address}/deactivate`, { method: 'POST', key: writer.key });
        expect(((await off.json()) as { organizer: { active: boolean } }).organizer.active).toBe(false);
        const list = await h.admin('/admin/organizers?active=false', { key: readKey });
        expect(((await list.json()) as { organizers: { address: string }[] }).organizers.map(o => o.address)).toEqual([wallet.address]);

        // API keys: admin scope only; revoked keys stop working.
        expect((await h.admin('/admin/api-keys', { key: writer.key })).status).toBe(403);
        const keys = (await (await h.admin('/admin/api-keys')).json()) as { apiKeys: { id: string; label: string }[] };
        expect(keys.apiKeys.map(k => k.label)).toContain('dashboard');
        expect(JSON.stringify(keys)).not.toContain(readKey);
        expect((await h.admin(`/admin/api-keys/${apiKey.id}`, { method: 'DELETE' })).status).toBe(204);
        expect((await h.admin(`/admin/api-keys/${apiKey.id}`, { method: 'DELETE' })).status).toBe(404);
        expect((await h.admin('/admin/organizers', { key: readKey })).status).toBe(401);
        const headerKey = await fetch(`${h.url}/admin/organizers`, { headers: { 'x-api-key': writer.key } });
        expect(headerKey.status).toBe(200);

        const audit = (await (await h.admin('/admin/audit?limit=100')).json()) as { entries: { action: string; actor: string }[] };
        expect(audit.entries.map(e => e.action)).toEqual(
            expect.arrayContaining(['api-key.created', 'organizer.created', 'organizer.updated', 'api-key.revoked']),
        );
        expect(audit.entries.find(e => e.action === 'organizer.created')?.actor).toMatch(/^api-key:key_/);
    });

    it('pages permits and audit entries', async () => {
        const h = await start({ policy: { requirePrizeCollection: false } });
        const wallet = await h.organizer({ tier: 'enterprise' });
        const token = await signIn(h.url, wallet);
        for (let i = 0; i < 5; i++) await postJson(`${h.url}/permits`, permitBody({}, Math.floor(h.clock.now / 1000)), token);
        const first = (await (await h.admin(`/admin/permits?organizer=${wallet.address}&limit=2`)).json()) as { permits: { raffleId: string }[]; nextCursor: string };
        expect(first.permits.map(p => p.raffleId)).toEqual(['4', '3']);
        const second = (await (await h.admin(`/admin/permits?limit=10&before=${first.nextCursor}`)).json()) as { permits: { raffleId: string }[]; nextCursor: null };
        expect(second.permits.map(p => p.raffleId)).toEqual(['2', '1', '0']);
        expect(second.nextCursor).toBeNull();
        for (const bad of ['limit=0', 'limit=abc', 'before=-1', 'organizer=xyz', 'unknown=1']) {
            expect((await h.admin(`/admin/permits?${bad}`)).status).toBe(400);
        }
        expect((await h.admin('/admin/audit?action=nope')).status).toBe(400);
    });
});

describe('errors', () => {
    it('answers unknown routes 404 and wrong methods 405, always as JSON with a request id', async () => {
        const h = await start();
        for (const [path, method, status, code] of [
            ['/nope', 'GET', 404, 'NOT_FOUND'],
            ['/admin/nope', 'GET', 404, 'NOT_FOUND'],
            ['/permits', 'DELETE', 405, 'METHOD_NOT_ALLOWED'],
            ['/health', 'POST', 405, 'METHOD_NOT_ALLOWED'],
            ['/auth/nonce', 'GET', 405, 'METHOD_NOT_ALLOWED'],
        ] as const) {
            const response = await fetch(`${h.url}${path}`, { method });
            expect(response.status).toBe(status);
            const body = (await response.json()) as { error: { code: string }; requestId: string };
            expect(body.error.code).toBe(code);
            expect(body.requestId).toBe(response.headers.get('x-request-id'));
        }
    });

    it('hides internal errors behind INTERNAL and reports them to onError', async () => {
        const seen: unknown[] = [];
        const store = createMemoryPermitStore();
        const broken: PermitServerStore = { ...store, getSession: async () => { throw new Error('db password=hunter2 leaked?'); } };
        const h = await start({ store: broken, onError: e => seen.push(e) });
        const response = await fetch(`${h.url}/organizers/me`, { headers: { authorization: 'Bearer rps_abc' } });
        expect(response.status).toBe(500);
        const text = await response.text();
        expect(text).not.toContain('hunter2');
        expect(JSON.parse(text).error.code).toBe('INTERNAL');
        expect(seen).toHaveLength(1);
    });

    it('never puts signer key material in a response', async () => {
        const seed = randomBytes(32);
        const signer = createNodeCryptoSigner(seed);
        const h = await start({ signers: [signer], policy: { requirePrizeCollection: false } });
        const wallet = await h.organizer();
        const token = await signIn(h.url, wallet);
        const bodies = [
            await (await fetch(`${h.url}/health`)).text(),
            await (await postJson(`${h.url}/permits`, permitBody({}, Math.floor(h.clock.now / 1000)), token)).text(),
            await (await h.admin('/admin/permits')).text(),
            await (await h.admin('/admin/audit')).text(),
        ];
        for (const text of bodies) {
            expect(text).not.toContain(seed.toString('hex'));
            expect(text).not.toContain(seed.toString('base64'));
            expect(text).not.toContain(JSON.stringify([...seed]).slice(1, -1));
        }
    });

    it('answers CORS preflights for allowed origins only', async () => {
        const h = await start({ corsOrigins: ['https://app.example.com'] });
        const ok = await fetch(`${h.url}/permits`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com' } });
        expect(ok.status).toBe(204);
        expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
        expect(ok.headers.get('access-control-allow-headers')).toContain('Idempotency-Key');
        const no = await fetch(`${h.url}/permits`, { method: 'OPTIONS', headers: { origin: 'https://evil.example.com' } });
        expect(no.headers.get('access-control-allow-origin')).toBeNull();
    });
});
