/**
 * Property tests: 1,000+ malformed or hostile requests over real HTTP (bad JSON, wrong types,
 * huge bodies, forged sessions, replayed sign-ins, other organizers' addresses, odd routes and
 * headers). Every answer is a 4xx JSON error, the server never crashes, nothing is issued.
 */
import { randomBytes } from 'node:crypto';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createWallet, permitBody, randomAddress, signIn, signInText, type TestWallet } from './support/fixtures';
import { DOMAIN, type Harness, startHarness } from './support/harness';

let h: Harness;
let victim: TestWallet;
let attacker: TestWallet;
let attackerToken: string;
let replayable: { message: string; signature: string };
let sent = 0;

const FIELDS = ['prizeMint', 'prizeAmount', 'paymentMint', 'ticketPrice', 'maxTickets', 'deadline', 'refundMode'] as const;

beforeAll(async () => {
    h = await startHarness({ maxBodyBytes: 16_384 });
    const collection = randomAddress();
    victim = await h.organizer({ tier: 'enterprise', collections: [collection] });
    attacker = await h.organizer({ tier: 'free', collections: [] });
    attackerToken = await signIn(h.url, attacker);
    // A sign-in that already succeeded, to replay.
    const nonce = (await (await fetch(`${h.url}/auth/nonce`, { method: 'POST' })).json()) as { nonce: string };
    const message = signInText({ domain: DOMAIN, address: victim.address, nonce: nonce.nonce, issuedAt: new Date(h.clock.now), expirationTime: new Date(h.clock.now + 60_000) });
    const signature = Buffer.from(victim.signMessage(new TextEncoder().encode(message))).toString('base64');
    const first = await fetch(`${h.url}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message, signature }) });
    expect(first.status).toBe(200);
    replayable = { message, signature };
});

afterAll(async () => {
    // Nothing was issued, to anyone, and the server still answers.
    expect(await h.store.listPermits({ limit: 10 })).toEqual([]);
    expect(await h.store.listAudit({ action: 'permit.issued', limit: 10 })).toEqual([]);
    expect((await fetch(`${h.url}/health`)).status).toBe(200);
    await h.close();
});

interface HostileRequest {
    path: string;
    method: string;
    headers: Record<string, string>;
    body?: string;
}

async function send(request: HostileRequest): Promise<void> {
    sent++;
    const response = await fetch(`${h.url}${request.path}`, {
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD' && { body: request.body }),
    });
    const text = await response.text();
    const context = `${request.method} ${request.path} -> ${response.status} ${text.slice(0, 200)}`;
    expect(response.status, context).toBeGreaterThanOrEqual(400);
    expect(response.status, context).toBeLessThan(500);
    if (request.method !== 'HEAD') {
        const parsed = JSON.parse(text) as { error: { code: unknown } };
        expect(typeof parsed.error.code, context).toBe('string');
    }
}

/** Values that are wrong for every permit field (never a valid address, u64 string or ticket count). */
const wrongValue = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.double({ noInteger: true }),
    fc.constantFrom(-1, 0, 2 ** 64, Number.MAX_SAFE_INTEGER + 2, '', '-5', '0x10', '1e3', ' 1', '18446744073709551616', 'vouchers ', 'TOKENS'),
    fc.string({ maxLength: 31 }),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

const token = fc.oneof(
    fc.constant(() => attackerToken), // a real session: the body must be what fails
    fc.constant(() => `rps_${randomBytes(32).toString('base64url')}`), // forged
    fc.string({ maxLength: 80 }).map(s => () => `rps_${s.replace(/[^\x21-\x7e]/g, 'a')}`),
    fc.constant(() => attackerToken.slice(0, -2)),
);

const hostileBody = fc.oneof(
    // Bad JSON
    fc.string({ maxLength: 200 }).filter(s => {
        try {
            JSON.parse(s);
            return false;
        } catch {
            return true;
        }
    }),
    // Valid JSON that is not a permit request
    fc.jsonValue({ maxDepth: 4 }).map(v => JSON.stringify(v)),
    // A permit request with one wrong field, or a field missing
    fc.tuple(fc.constantFrom(...FIELDS), wrongValue, fc.boolean()).map(([field, value, drop]) => {
        const body: Record<string, unknown> = permitBody({}, Math.floor(h.clock.now / 1000));
        if (drop) delete body[field];
        else body[field] = value;
        return JSON.stringify(body);
    }),
    // Someone else's organizer, raffle id or signer smuggled in
    fc.constantFrom('organizer', 'raffleId', 'tier', 'enterpriseId', 'signer', 'expiresAt', '__proto__', 'constructor').map(key => {
        const body = permitBody({}, Math.floor(h.clock.now / 1000));
        const text = JSON.stringify(body);
        return `${text.slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(key === 'organizer' ? victim.address : { polluted: true })}}`;
    }),
    // Deeply nested
    fc.integer({ min: 100, max: 5000 }).map(n => '['.repeat(n) + ']'.repeat(n)),
);

const RUNS = { interruptAfterTimeLimit: 120_000, markInterruptAsFailure: true };

describe('hostile requests', () => {
    it('POST /permits with hostile bodies and tokens: 4xx, nothing issued', async () => {
        await fc.assert(
            fc.asyncProperty(
                hostileBody,
                token,
                fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', ''),
                fc.option(fc.string({ maxLength: 300 }).map(s => s.replace(/[^\x20-\x7e]/g, '')), { nil: undefined }),
                async (body, makeToken, contentType, idempotencyKey) => {
                    const headers: Record<string, string> = { authorization: `Bearer ${makeToken()}` };
                    if (contentType !== '') headers['content-type'] = contentType;
                    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
                    await send({ path: '/permits', method: 'POST', headers, body });
                },
            ),
            { ...RUNS, numRuns: 600 },
        );
    });

    it('sign-in with replayed, forged, foreign or malformed messages: 4xx, no session', async () => {
        const t = () => h.clock.now;
        const message = fc.oneof(
            fc.constant(() => replayable), // replayed sign-in
            // The victim's address, signed by the attacker
            fc.constant(async () => {
                const { nonce } = (await (await fetch(`${h.url}/auth/nonce`, { method: 'POST' })).json()) as { nonce: string };
                const text = signInText({ domain: DOMAIN, address: victim.address, nonce, issuedAt: new Date(t()), expirationTime: new Date(t() + 60_000) });
                return { message: text, signature: Buffer.from(attacker.signMessage(new TextEncoder().encode(text))).toString('base64') };
            }),
            // A well-signed message with a nonce the server never issued
            fc.string({ minLength: 8, maxLength: 40 }).map(s => async () => {
                const wallet = createWallet();
                const nonce = `${s.replace(/[^A-Za-z0-9]/g, '')}x1234567`;
                const text = signInText({ domain: DOMAIN, address: wallet.address, nonce, issuedAt: new Date(t()), expirationTime: new Date(t() + 60_000) });
                return { message: text, signature: Buffer.from(wallet.signMessage(new TextEncoder().encode(text))).toString('base64') };
            }),
            // Garbage
            fc.tuple(fc.string({ maxLength: 600 }), fc.string({ maxLength: 120 })).map(([m, s]) => () => ({ message: m, signature: s })),
            // A mangled copy of the replayable message
            fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 1 })).map(([at, ch]) => () => {
                const m = replayable.message;
                const i = at % m.length;
                return { message: m.slice(0, i) + ch + m.slice(i + 1), signature: replayable.signature };
            }),
        );
        await fc.assert(
            fc.asyncProperty(message, fc.boolean(), async (make, wrongShape) => {
                const { message: text, signature } = await make();
                const body = wrongShape ? JSON.stringify({ message: [text], signature: 42 }) : JSON.stringify({ message: text, signature });
                await send({ path: '/auth/sign-in', method: 'POST', headers: { 'content-type': 'application/json' }, body });
            }),
            { ...RUNS, numRuns: 300 },
        );
    });

    it('odd routes, methods, headers and admin calls without a valid key: 4xx', async () => {
        const segment = fc.oneof(
            fc.constantFrom('admin', 'organizers', 'permits', 'audit', 'api-keys', 'me', 'auth', 'nonce', 'sign-in', 'deactivate', victim.address),
            fc.string({ minLength: 1, maxLength: 12 }).filter(s => s !== '.' && s !== '..').map(s => encodeURIComponent(s)),
        );
        await fc.assert(
            fc.asyncProperty(
                fc.array(segment, { minLength: 1, maxLength: 5 }),
                fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'),
                fc.oneof(fc.constant(''), fc.string({ maxLength: 60 }).map(s => s.replace(/[^\x21-\x7e]/g, ''))),
                fc.option(fc.string({ maxLength: 100 }), { nil: undefined }),
                async (segments, method, key, body) => {
                    const path = `/${segments.join('/')}`;
                    // A legitimate unauthenticated route would answer 200: skip the three that exist.
                    fc.pre(!(path === '/health' || ((path === '/auth/nonce') && method === 'POST')));
                    const headers: Record<string, string> = { 'content-type': 'application/json' };
                    if (key !== '') headers['x-api-key'] = key;
                    await send({ path, method, headers, ...(body !== undefined && { body }) });
                },
            ),
            { ...RUNS, numRuns: 300 },
        );
    });

    it('huge bodies are refused with 413 before they are parsed', async () => {
        await fc.assert(
            fc.asyncProperty(fc.integer({ min: 16_385, max: 1_200_000 }), fc.constantFrom('/permits', '/auth/sign-in', '/admin/organizers'), async (size, path) => {
                const body = `{"pad":"${'x'.repeat(size)}"}`;
                await send({ path, method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${attackerToken}` }, body });
            }),
            { ...RUNS, numRuns: 25 },
        );
        expect(sent).toBeGreaterThanOrEqual(1_200);
    });
});
