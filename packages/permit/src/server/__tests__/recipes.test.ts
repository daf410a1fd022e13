/**
 * docs/permit-server.md's framework recipes: each `// #region` of recipes/ appears verbatim in
 * the guide, and each recipe serves the whole sign-in and permit flow with the permit API's own
 * errors. Express and Fastify run on 127.0.0.1 (port 0), Hono through `app.request()`, the
 * Next.js route module by calling its exports with `Request` objects.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import express from 'express';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';

import { PROGRAM_ID, createTestSigner, createWallet, permitBody } from '../../__tests__/server/support/fixtures';
import { type PermitHandler, type PermitHandlerOptions, createPermitHandler } from '../handler';
import { createNodeRequestListener } from '../node-listener';
import { createMemoryPermitStore } from '../store/memory';
import type { PermitServerStore } from '../store/types';
import { createExpressApp } from './recipes/express';
import { createFastifyApp } from './recipes/fastify';
import { createHonoApp } from './recipes/hono';
import * as nextRoute from './recipes/next/app/permit-api/[...path]/route';
import { store as nextStore } from './recipes/next/app/permit-api/[...path]/permit-handler';

const recipesDir = new URL('./recipes/', import.meta.url).pathname;
const guide = readFileSync(new URL('../../../../../docs/permit-server.md', import.meta.url), 'utf8');
const ENTERPRISE_ID = '7f1c0d2e52a14c3b9a550e0b8c7d6f10';

/** `(path, init) => Response` for one mounted app; `path` starts with the API's prefix. */
type Fetch = (path: string, init?: RequestInit) => Promise<Response>;

function regions(): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (dir: string): void => {
        for (const name of readdirSync(dir).sort()) {
            const path = join(dir, name);
            if (statSync(path).isDirectory()) walk(path);
            else for (const m of readFileSync(path, 'utf8').matchAll(/\/\/ #region (\S+)\n([\s\S]*?)\/\/ #endregion \1/g)) out.set(m[1]!, m[2]!.trimEnd());
        }
    };
    walk(recipesDir);
    return out;
}

function newHandler(overrides: Partial<PermitHandlerOptions> = {}): { handler: PermitHandler; store: PermitServerStore } {
    const store = createMemoryPermitStore();
    const handler = createPermitHandler({
        store,
        signers: [createTestSigner()],
        programId: PROGRAM_ID,
        domain: 'app.example.com',
        policy: { requirePrizeCollection: false },
        rateLimits: { perIp: false, perOrganizer: false, signInPerIp: false },
        ...overrides,
    });
    return { handler, store };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
    for (const close of closers.splice(0)) await close();
});

async function listenExpress(app: express.Express): Promise<Fetch> {
    const server: Server = await new Promise((resolve, reject) => {
        const s = app.listen(0, '127.0.0.1', error => (error ? reject(error) : resolve(s)));
    });
    closers.push(
        () =>
            new Promise<void>(resolve => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    );
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return (path, init) => fetch(`${base}${path}`, init);
}

async function errorCode(response: Response): Promise<string> {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown }; requestId?: unknown };
    // The permit API's error shape, not the framework's.
    expect(typeof body.error?.message).toBe('string');
    expect(typeof body.requestId).toBe('string');
    return String(body.error?.code);
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** Health, wallet sign-in, a permit (replayed by its idempotency key), and the API's own errors. */
async function exercise(call: Fetch, prefix: string, store: PermitServerStore): Promise<void> {
    const health = await call(`${prefix}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    const wallet = createWallet();
    await store.createOrganizer({ address: wallet.address, enterpriseId: ENTERPRISE_ID, tier: 'pro' }, Date.now());
    const nonce = await call(`${prefix}/auth/nonce`, json({ address: wallet.address }));
    expect(nonce.status).toBe(200);
    const { message } = (await nonce.json()) as { message: string };
    const signature = Buffer.from(wallet.signMessage(new TextEncoder().encode(message))).toString('base64');
    const signIn = await call(`${prefix}/auth/sign-in`, json({ message, signature }));
    expect(signIn.status).toBe(200);
    const { token } = (await signIn.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };

    const body = permitBody();
    const issued = await call(`${prefix}/permits`, json(body, { ...auth, 'idempotency-key': 'order-1' }));
    expect(issued.status).toBe(201);
    const permit = (await issued.json()) as { raffleId: string };
    expect(permit.raffleId).toBe('0');
    const replayed = await call(`${prefix}/permits`, json(body, { ...auth, 'idempotency-key': 'order-1' }));
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(await replayed.json()).toEqual(permit);

    const listed = await call(`${prefix}/permits`, { headers: auth });
    expect(((await listed.json()) as { permits: unknown[] }).permits).toHaveLength(1);
    const unknown = await call(`${prefix}/nope`);
    expect([unknown.status, await errorCode(unknown)]).toEqual([404, 'NOT_FOUND']);
    const anonymous = await call(`${prefix}/permits`, json(body));
    expect([anonymous.status, await errorCode(anonymous)]).toEqual([401, 'UNAUTHENTICATED']);
}

/** The body errors a framework might answer in its own format. */
async function bodyErrors(call: Fetch, prefix: string, options: { malformedJson: boolean }): Promise<void> {
    if (options.malformedJson) {
        const malformed = await call(`${prefix}/auth/sign-in`, json('{"message":'));
        expect([malformed.status, await errorCode(malformed)]).toEqual([400, 'INVALID_JSON']);
    }
    const text = await call(`${prefix}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect([text.status, await errorCode(text)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const large = await call(`${prefix}/auth/sign-in`, json({ message: 'x'.repeat(20_000), signature: 'y' }));
    expect([large.status, await errorCode(large)]).toEqual([413, 'BODY_TOO_LARGE']);
    const array = await call(`${prefix}/auth/sign-in`, json([1, 2]));
    expect([array.status, await errorCode(array)]).toEqual([400, 'INVALID_REQUEST']);
}

describe('docs/permit-server.md framework recipes', () => {
    it('shows every recipe verbatim', () => {
        const all = regions();
        expect([...all.keys()].sort()).toEqual(['express', 'fastify', 'hono', 'next']);
        for (const [name, code] of all) expect(guide, `region ${name}`).toContain(code);
    });
});

describe('Express', () => {
    it('serves the API mounted before express.json(), with its own errors; the app keeps its JSON routes', async () => {
        const { handler, store } = newHandler();
        const call = await listenExpress(createExpressApp(handler));
        await exercise(call, '/permit-api', store);
        await bodyErrors(call, '/permit-api', { malformedJson: true });
        const order = await call('/orders', json({ id: 7 }));
        expect(await order.json()).toEqual({ received: { id: 7 } });
    });

    it('copes with a body already read by express.json(), express.text() or express.raw()', async () => {
        const parsers = [
            { parser: express.json(), malformedJson: false },
            { parser: express.text({ type: '*/*' }), malformedJson: true },
            { parser: express.raw({ type: '*/*' }), malformedJson: true },
        ];
        for (const { parser, malformedJson } of parsers) {
            const { handler, store } = newHandler();
            const app = express();
            app.use(parser);
            app.use('/permit-api', createNodeRequestListener(handler));
            const call = await listenExpress(app);
            await exercise(call, '/permit-api', store);
            // express.json() answers malformed JSON itself (before the permit API sees it).
            await bodyErrors(call, '/permit-api', { malformedJson });
        }
    });

    it('answers malformed JSON with Express own error when mounted after express.json()', async () => {
        const { handler } = newHandler();
        const app = express();
        app.use(express.json());
        app.use('/permit-api', createNodeRequestListener(handler));
        const call = await listenExpress(app);
        const malformed = await call('/permit-api/auth/sign-in', json('{"message":'));
        expect(malformed.status).toBe(400);
        expect(malformed.headers.get('x-request-id')).toBeNull();
    });
});

describe('Fastify', () => {
    it('serves the API with its own errors, Fastify JSON parsing stays for the other routes', async () => {
        const { handler, store } = newHandler({ basePath: '/permit-api' });
        const app = await createFastifyApp(handler);
        closers.push(() => app.close());
        const base = await app.listen({ port: 0, host: '127.0.0.1' });
        const call: Fetch = (path, init) => fetch(`${base}${path}`, init);
        await exercise(call, '/permit-api', store);
        await bodyErrors(call, '/permit-api', { malformedJson: true });
        const noType = await call('/permit-api/auth/sign-in', { method: 'POST', body: '{}' });
        expect([noType.status, await errorCode(noType)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
        const preflight = await call('/permit-api/permits', { method: 'OPTIONS' });
        expect(preflight.status).toBe(204);
        expect(await (await call('/orders', json({ id: 7 }))).json()).toEqual({ received: { id: 7 } });
        const theirs = await call('/orders', json('{"id":'));
        expect(((await theirs.json()) as { statusCode?: number }).statusCode).toBe(400); // Fastify's format outside the API
    });
});

describe('Hono', () => {
    it('serves the API with its own errors and the socket address as the client', async () => {
        const { handler, store } = newHandler({ basePath: '/permit-api', rateLimits: { perIp: { limit: 1000, windowSeconds: 60 }, perOrganizer: false, signInPerIp: false } });
        const app = createHonoApp(handler);
        const env = { incoming: { socket: { remoteAddress: '203.0.113.7' } } };
        const call: Fetch = async (path, init) => app.request(path, init, env);
        await exercise(call, '/permit-api', store);
        await bodyErrors(call, '/permit-api', { malformedJson: true });
        const signIns = await store.listAudit({ limit: 10, action: 'organizer.signed-in' });
        expect(signIns[0]?.details).toEqual({ ip: '203.0.113.7' });
        // Without bindings (another runtime), no address and no crash.
        expect((await app.request('/permit-api/health')).status).toBe(200);
    });

    it('tells the operator when a middleware read the body first (a clone is fine)', async () => {
        const errors: string[] = [];
        const { handler } = newHandler({ onError: error => errors.push(String(error)) });
        const app = new Hono();
        app.use(async (c, next) => {
            if (c.req.header('x-read') === 'clone') await c.req.raw.clone().text();
            else await c.req.json();
            await next();
        });
        app.all('*', c => handler(c.req.raw));
        expect((await app.request('/auth/nonce', json({}, { 'x-read': 'clone' }))).status).toBe(200);
        expect(errors).toEqual([]);
        const response = await app.request('/auth/nonce', json({}));
        expect([response.status, await errorCode(response)]).toEqual([500, 'INTERNAL']);
        expect(errors.join()).toMatch(/already read by a framework body parser or middleware/);
    });
});

describe('Next.js App Router route module', () => {
    const call: Fetch = async (path, init) => {
        const request = new Request(`https://app.example.com${path}`, init);
        const method = request.method as 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'OPTIONS';
        const route = nextRoute[method];
        expect(route, method).toBeTypeOf('function');
        // Next.js passes a context as second argument; the recipe must ignore it.
        return (route as (request: Request, context: unknown) => Promise<Response>)(request, { params: Promise.resolve({ path: path.split('/').slice(2) }) });
    };

    it('exports the route methods and serves the API under its basePath', async () => {
        expect(nextRoute.runtime).toBe('nodejs');
        for (const method of ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'] as const) expect(nextRoute[method]).toBeTypeOf('function');
        await exercise(call, '/permit-api', nextStore);
        await bodyErrors(call, '/permit-api', { malformedJson: true });
        const outside = await call('/other/health');
        expect([outside.status, await errorCode(outside)]).toEqual([404, 'NOT_FOUND']);
    });

    it('takes the client from the rightmost X-Forwarded-For entry', async () => {
        const wallet = createWallet();
        await nextStore.createOrganizer({ address: wallet.address, enterpriseId: ENTERPRISE_ID, tier: 'free' }, Date.now());
        const nonce = await call('/permit-api/auth/nonce', json({ address: wallet.address }));
        const { message } = (await nonce.json()) as { message: string };
        const signature = Buffer.from(wallet.signMessage(new TextEncoder().encode(message))).toString('base64');
        const signIn = await call('/permit-api/auth/sign-in', json({ message, signature }, { 'x-forwarded-for': '6.6.6.6, 198.51.100.4' }));
        expect(signIn.status).toBe(200);
        const [entry] = await nextStore.listAudit({ limit: 1, organizer: wallet.address, action: 'organizer.signed-in' });
        expect(entry?.details).toEqual({ ip: '198.51.100.4' });
    });
});
