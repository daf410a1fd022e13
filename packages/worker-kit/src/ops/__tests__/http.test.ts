/**
 * The worker's HTTP handler over real HTTP (127.0.0.1, port 0): every route's status codes and
 * JSON shapes, admin and webhook authentication, hostile bodies, CORS, and option validation.
 */
import { isRaffleError, RAFFLE_ERROR__INVALID_ARGUMENT } from '@raffle/errors';
import { waitFor } from '@raffle/test-support';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { UnrecoverableError } from '../../core/errors';
import { createWorkerHttpHandler } from '../http';
import type { WorkerHttpAutomations, WorkerHttpHandlerOptions, WorkerHttpSpendGuard } from '../http-options';
import type { WorkerLogger } from '../logger';
import { ADMIN_TOKEN, createTestWorker, CURSOR, heliusRawTransaction, randomSignature, RAFFLE, type Served, serveHandler, thresholdLogs, WEBHOOK_SECRET } from './http-fixtures';

const servers: Served[] = [];
const workers: { stop(): Promise<void> }[] = [];

afterEach(async () => {
    for (const s of servers.splice(0)) await s.stop();
    for (const w of workers.splice(0)) await w.stop();
});

async function serveWith(options: Omit<WorkerHttpHandlerOptions, 'worker'> = {}, start = true) {
    const { worker, store, chainSlot } = createTestWorker();
    workers.push(worker);
    if (start) await worker.start();
    const served = await serveHandler({ ...options, worker });
    servers.push(served);
    return { ...served, worker, store, chainSlot };
}

function createLogger() {
    const lines: { level: string; obj: object; msg?: string }[] = [];
    const log = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, ...(msg === undefined ? {} : { msg }) });
    const logger: WorkerLogger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
    return { logger, lines };
}

function stubAutomations() {
    const report = { raffles: 2, repaired: [{ raffle: RAFFLE, actions: ['refund'] }], failed: [], ms: 12 };
    let paused = false;
    const automations: WorkerHttpAutomations = {
        status: () => ({ running: true, paused, timers: 3, lastReconcile: report }),
        pause: vi.fn(async () => void (paused = true)),
        resume: vi.fn(async () => {
            paused = false;
            return report;
        }),
        reconcile: vi.fn(async () => report),
        raffles: async () => [
            {
                address: RAFFLE, id: '7', organizer: RAFFLE, status: 'Open', ticketsSold: 3, maxTickets: 10, deadline: '1767225600', entriesRefunded: 0,
                winningTicket: null, prizeClaimed: false, proceedsClaimed: false, nextActions: [], wake: { unixTimestamp: '1767225600' },
            },
        ],
    };
    return { automations, report };
}

function stubSpendGuard(): WorkerHttpSpendGuard {
    const holds = [{ id: 'hold-1', raffle: RAFFLE, action: 'draw', reason: 'daily cap reached', lamports: '5000', tickets: 0, heldAt: 1_767_225_600_000 }];
    return {
        usage: () => ({ lamports: 123_456_789_012_345_678_901n, windowMs: 86_400_000 }),
        holds: () => holds,
        release: async id => {
            const i = holds.findIndex(h => h.id === id);
            if (i < 0) return false;
            holds.splice(i, 1);
            return true;
        },
    };
}

async function json(response: Response): Promise<any> {
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    return response.json();
}

function expectCommonHeaders(response: Response) {
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
}

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('createWorkerHttpHandler options', () => {
    it('refuses invalid options with a typed error naming the option', () => {
        const { worker } = createTestWorker();
        const refusal = (options: unknown): string | null => {
            try {
                createWorkerHttpHandler(options as WorkerHttpHandlerOptions).close();
                return null;
            } catch (e) {
                if (!isRaffleError(e, RAFFLE_ERROR__INVALID_ARGUMENT)) throw e;
                return e.context.name;
            }
        };
        expect(refusal({ worker })).toBeNull();
        expect(refusal({ worker, adminToken: ADMIN_TOKEN, webhook: { secret: WEBHOOK_SECRET, header: 'X-Helius-Auth' }, cors: { origins: ['https://ops.example.com'] }, sse: { pollMs: 50 } })).toBeNull();
        const cases: [unknown, string][] = [
            [undefined, 'options'],
            [{}, 'worker'],
            [{ worker: {} }, 'worker'],
            [{ worker, adminTokn: ADMIN_TOKEN }, 'adminTokn'],
            [{ worker, adminToken: 'short' }, 'adminToken'],
            [{ worker, adminToken: 'has spaces in the token' }, 'adminToken'],
            [{ worker, webhook: { secret: 'short' } }, 'webhook.secret'],
            [{ worker, webhook: { secret: WEBHOOK_SECRET, headr: 'x' } }, 'webhook.headr'],
            [{ worker, webhook: { secret: WEBHOOK_SECRET, header: 'bad header' } }, 'webhook.header'],
            [{ worker, automations: { status: () => null } }, 'automations'],
            [{ worker, metrics: { render: async () => '' } }, 'metrics.contentType'],
            [{ worker, spendGuard: {} }, 'spendGuard'],
            [{ worker, logger: console.log }, 'logger'],
            [{ worker, operatorPage: { html: '<p>', script: 5 } }, 'operatorPage.script'],
            [{ worker, ready: { maxLagSlots: -1 } }, 'ready.maxLagSlots'],
            [{ worker, sse: { pollMs: 0 } }, 'sse.pollMs'],
            [{ worker, sse: { maxClients: 1.5 } }, 'sse.maxClients'],
            [{ worker, sse: { heartbeat: 5 } }, 'sse.heartbeat'],
            [{ worker, maxBodyBytes: 10 }, 'maxBodyBytes'],
            [{ worker, cors: { origins: ['*'] } }, 'cors.origins[0]'],
            [{ worker, cors: { origins: ['https://ops.example.com/path'] } }, 'cors.origins[0]'],
            [{ worker, cors: { origins: 'https://ops.example.com' } }, 'cors.origins'],
        ];
        for (const [options, name] of cases) expect(refusal(options), name).toBe(name);
    });
});

describe('public routes', () => {
    it('GET /health: 503 before start, 200 while running, 503 once stopped', async () => {
        const { url, worker } = await serveWith({}, false);
        let response = await fetch(`${url}/health`);
        expect(response.status).toBe(503);
        expectCommonHeaders(response);
        expect(await json(response)).toEqual({ ok: false });
        await worker.start();
        response = await fetch(`${url}/health`);
        expect([response.status, await response.json()]).toEqual([200, { ok: true }]);
        await worker.stop();
        response = await fetch(`${url}/health`);
        expect([response.status, await response.json()]).toEqual([503, { ok: false }]);
    });

    it('GET /health answers from status() when the handler was made after start', async () => {
        const t = createTestWorker();
        workers.push(t.worker);
        await t.worker.start();
        const served = await serveHandler({ worker: t.worker });
        servers.push(served);
        expect((await fetch(`${served.url}/health`)).status).toBe(200);
    });

    it('GET /ready: caught up within maxLagSlots; 503 with the failing check otherwise', async () => {
        const { url, store, chainSlot } = await serveWith({ ready: { maxLagSlots: 100 } });
        // No cursor yet: the lag is unknown, not caught up.
        let response = await fetch(`${url}/ready`);
        expect(response.status).toBe(503);
        expect(await json(response)).toEqual({ ok: false, checks: { store: true, rpc: true, ingestion: true, caughtUp: false }, lagSlots: null });
        await store.setCursor({ name: CURSOR, slot: 950n });
        response = await fetch(`${url}/ready`);
        expect([response.status, await response.json()]).toEqual([200, { ok: true, checks: { store: true, rpc: true, ingestion: true, caughtUp: true }, lagSlots: '50' }]);
        chainSlot.value = 1_051n;
        response = await fetch(`${url}/ready`);
        expect([response.status, await response.json()]).toEqual([503, { ok: false, checks: { store: true, rpc: true, ingestion: true, caughtUp: false }, lagSlots: '101' }]);
        chainSlot.value = null;
        response = await fetch(`${url}/ready`);
        expect(response.status).toBe(503);
        expect((await response.json()).checks.rpc).toBe(false);
    });

    it('GET /status: the worker status with bigints as strings, automations and spend', async () => {
        const { automations, report } = stubAutomations();
        const { url, store, worker } = await serveWith({ automations, spendGuard: stubSpendGuard() });
        await store.setCursor({ name: CURSOR, slot: 990n });
        const body = await json(await fetch(`${url}/status`));
        expect(body.worker).toMatchObject({ owner: worker.owner, role: 'follower', chainSlot: '1000', cursor: { slot: '990' }, queue: { deadLetters: 0 } });
        expect(body.automations).toEqual({ running: true, paused: false, timers: 3, lastReconcile: report });
        expect(body.spend).toEqual({ lamports: '123456789012345678901', windowMs: 86_400_000 });
        const bare = await serveWith();
        expect(await json(await fetch(`${bare.url}/status`))).toMatchObject({ automations: null, spend: null });
    });

    it('GET /raffles and /metrics: 404 unless configured', async () => {
        const bare = await serveWith();
        for (const path of ['/raffles', '/metrics']) {
            const response = await fetch(`${bare.url}${path}`);
            expect(response.status).toBe(404);
            expect(await json(response)).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
        }
        const { automations } = stubAutomations();
        const metrics = { contentType: 'text/plain; version=0.0.4; charset=utf-8', render: async () => '# HELP up 1\nworker_up 1\n' };
        const { url } = await serveWith({ automations, metrics });
        const raffles = await json(await fetch(`${url}/raffles`));
        expect(raffles.raffles).toHaveLength(1);
        expect(raffles.raffles[0]).toMatchObject({ address: RAFFLE, status: 'Open', ticketsSold: 3 });
        const response = await fetch(`${url}/metrics`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe(metrics.contentType);
        expectCommonHeaders(response);
        expect(await response.text()).toContain('worker_up 1');
    });

    it('unknown routes 404, wrong methods 405 with allow', async () => {
        const { url } = await serveWith({ webhook: { secret: WEBHOOK_SECRET } });
        let response = await fetch(`${url}/nope`);
        expect(response.status).toBe(404);
        expectCommonHeaders(response);
        expect((await json(response)).error.code).toBe('NOT_FOUND');
        response = await fetch(`${url}/health`, { method: 'POST' });
        expect(response.status).toBe(405);
        expect(response.headers.get('allow')).toBe('GET');
        expect((await response.json()).error.code).toBe('METHOD_NOT_ALLOWED');
        response = await fetch(`${url}/webhooks/transactions`);
        expect([response.status, response.headers.get('allow')]).toEqual([405, 'POST']);
        expect((await fetch(`${url}/`)).status).toBe(404); // no operator page configured
    });

    it('serves the operator page with its content security policy', async () => {
        const { url } = await serveWith({ operatorPage: { html: '<!doctype html><p>ops</p>', script: 'console.log(1)', css: 'p{color:red}' } });
        const csp = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";
        for (const [path, type, text] of [
            ['/', 'text/html; charset=utf-8', '<p>ops</p>'],
            ['/operator.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
            ['/operator.css', 'text/css; charset=utf-8', 'p{color:red}'],
        ] as const) {
            const response = await fetch(`${url}${path}`);
            expect(response.status).toBe(200);
            expect(response.headers.get('content-type')).toBe(type);
            expect(response.headers.get('content-security-policy')).toBe(csp);
            expectCommonHeaders(response);
            expect(await response.text()).toContain(text);
        }
        const withoutCss = await serveWith({ operatorPage: { html: '<p>', script: '' } });
        expect((await fetch(`${withoutCss.url}/operator.css`)).status).toBe(404);
    });

    it('a failing dependency answers 500 without details and logs the message only', async () => {
        const { logger, lines } = createLogger();
        const metrics = { contentType: 'text/plain', render: async () => Promise.reject(new Error(`registry exploded (token ${ADMIN_TOKEN})`)) };
        const { url } = await serveWith({ metrics, logger, adminToken: ADMIN_TOKEN });
        const response = await fetch(`${url}/metrics`);
        expect(response.status).toBe(500);
        expect(await json(response)).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
        expect(lines).toEqual([{ level: 'error', obj: { route: '/metrics', method: 'GET', error: expect.stringContaining('registry exploded') }, msg: 'request failed' }]);
        expect(JSON.stringify(lines)).not.toContain(ADMIN_TOKEN);
    });

    it('CORS headers only for exact listed origins; preflight answered', async () => {
        const { url } = await serveWith({ cors: { origins: ['https://ops.example.com'] } });
        let response = await fetch(`${url}/health`, { headers: { origin: 'https://ops.example.com' } });
        expect(response.headers.get('access-control-allow-origin')).toBe('https://ops.example.com');
        response = await fetch(`${url}/health`, { headers: { origin: 'https://ops.example.com.evil.test' } });
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
        response = await fetch(`${url}/admin/spend`, { method: 'OPTIONS', headers: { origin: 'https://ops.example.com', 'access-control-request-method': 'GET' } });
        expect(response.status).toBe(204);
        expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
        const none = await serveWith();
        response = await fetch(`${none.url}/health`, { headers: { origin: 'https://ops.example.com' } });
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
    });
});

describe('admin routes', () => {
    it('404 ADMIN_DISABLED without a token; 401 without or with a wrong token (logged without the value); 200 with it', async () => {
        const disabled = await serveWith();
        let response = await fetch(`${disabled.url}/admin/dead-letters`, { headers: admin });
        expect(response.status).toBe(404);
        expect((await json(response)).error.code).toBe('ADMIN_DISABLED');

        const { logger, lines } = createLogger();
        const { url } = await serveWith({ adminToken: ADMIN_TOKEN, logger });
        response = await fetch(`${url}/admin/dead-letters`);
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toContain('Bearer');
        expect((await json(response)).error.code).toBe('UNAUTHORIZED');
        const wrong = `${ADMIN_TOKEN}x`;
        response = await fetch(`${url}/admin/dead-letters`, { headers: { authorization: `Bearer ${wrong}` } });
        expect(response.status).toBe(401);
        expect(await response.text()).not.toContain(wrong);
        response = await fetch(`${url}/admin/dead-letters`, { headers: { authorization: ADMIN_TOKEN } }); // not a bearer header
        expect(response.status).toBe(401);
        response = await fetch(`${url}/admin/dead-letters`, { headers: admin });
        expect([response.status, await response.json()]).toEqual([200, { deadLetters: [] }]);
        expect(lines.map(l => l.level)).toEqual(['warn', 'warn', 'warn']);
        expect(JSON.stringify(lines)).not.toContain(ADMIN_TOKEN);
        // Unknown admin routes and methods (after authentication).
        expect((await fetch(`${url}/admin/nope`, { headers: admin })).status).toBe(404);
        response = await fetch(`${url}/admin/dead-letters`, { method: 'POST', headers: admin });
        expect([response.status, response.headers.get('allow')]).toEqual([405, 'GET']);
    });

    it('dead letters: list, inspect and redrive on a real worker', async () => {
        const t = createTestWorker();
        workers.push(t.worker);
        let fail = true;
        let runs = 0;
        t.worker.task('flaky', async () => {
            runs++;
            if (fail) throw new UnrecoverableError('the payload names an unknown mint');
        });
        await t.worker.start();
        const dead = new Promise(resolve => t.worker.events.once('job:dead', resolve));
        const { jobId } = await t.worker.enqueueTask('flaky', { id: 'one', payload: { amount: '5' } });
        await dead;
        const served = await serveHandler({ worker: t.worker, adminToken: ADMIN_TOKEN });
        servers.push(served);
        const { url } = served;

        let body = await json(await fetch(`${url}/admin/dead-letters?limit=10`, { headers: admin }));
        expect(body.deadLetters).toHaveLength(1);
        expect(body.deadLetters[0]).toMatchObject({ id: jobId, name: 'task:flaky', attempts: 1, payload: { amount: '5' }, lastError: expect.stringContaining('unknown mint') });
        expect(Object.keys(body.deadLetters[0]).sort()).toEqual(['attempts', 'createdAt', 'finishedAt', 'id', 'lastError', 'maxAttempts', 'name', 'payload', 'status', 'updatedAt']);
        for (const limit of ['0', '501', 'ten', '1.5']) expect((await fetch(`${url}/admin/dead-letters?limit=${limit}`, { headers: admin })).status).toBe(400);

        body = await json(await fetch(`${url}/admin/dead-letters/${encodeURIComponent(jobId)}`, { headers: admin }));
        expect(body.deadLetter).toMatchObject({ id: jobId, status: 'dead' });
        expect((await fetch(`${url}/admin/dead-letters/nope`, { headers: admin })).status).toBe(404);
        expect((await fetch(`${url}/admin/dead-letters/nope/redrive`, { method: 'POST', headers: admin })).status).toBe(404);

        fail = false;
        const response = await fetch(`${url}/admin/dead-letters/${encodeURIComponent(jobId)}/redrive`, { method: 'POST', headers: admin });
        expect(response.status).toBe(200);
        expect((await response.json()).job).toMatchObject({ id: jobId, status: 'pending' });
        await waitFor('the redriven task to run again', () => runs === 2, { timeoutMs: 5_000 });
        await waitFor('the redriven job to complete', async () => (await t.worker.deadLetters.inspect(jobId))?.status === 'completed', { timeoutMs: 5_000 });
        expect((await json(await fetch(`${url}/admin/dead-letters`, { headers: admin }))).deadLetters).toEqual([]);
    });

    it('reconcile, pause and resume with the automations; bodies are bounded JSON objects', async () => {
        const { automations, report } = stubAutomations();
        const { url } = await serveWith({ adminToken: ADMIN_TOKEN, automations });
        const post = (path: string, body?: string, headers: Record<string, string> = {}) =>
            fetch(`${url}${path}`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body }) });

        expect(await json(await post('/admin/reconcile'))).toEqual({ report });
        expect(await json(await post('/admin/automations/pause', JSON.stringify({ reason: 'maintenance' })))).toEqual({ paused: true });
        expect(automations.pause).toHaveBeenCalledWith('maintenance');
        expect((await json(await fetch(`${url}/status`))).automations.paused).toBe(true);
        expect(await json(await post('/admin/automations/resume'))).toEqual({ paused: false, report });

        for (const body of [JSON.stringify({ reason: 5 }), JSON.stringify({ reason: 'x'.repeat(501) }), JSON.stringify({ why: 'x' }), '[1]', '"x"']) {
            const response = await post('/admin/automations/pause', body);
            expect(response.status, body).toBe(400);
        }
        let response = await post('/admin/automations/pause', '{"reason": ');
        expect([response.status, (await response.json()).error.code]).toEqual([400, 'BAD_JSON']);
        response = await post('/admin/automations/pause', JSON.stringify({ reason: 'x'.repeat(20_000) }));
        expect([response.status, (await response.json()).error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);

        const without = await serveWith({ adminToken: ADMIN_TOKEN });
        for (const path of ['/admin/reconcile', '/admin/automations/pause', '/admin/automations/resume']) {
            expect((await fetch(`${without.url}${path}`, { method: 'POST', headers: admin })).status).toBe(404);
        }
    });

    it('spend: usage and holds, release a hold (404 when none)', async () => {
        const { url } = await serveWith({ adminToken: ADMIN_TOKEN, spendGuard: stubSpendGuard() });
        const body = await json(await fetch(`${url}/admin/spend`, { headers: admin }));
        expect(body).toEqual({
            usage: { lamports: '123456789012345678901', windowMs: 86_400_000 },
            holds: [{ id: 'hold-1', raffle: RAFFLE, action: 'draw', reason: 'daily cap reached', lamports: '5000', tickets: 0, heldAt: 1_767_225_600_000 }],
        });
        let response = await fetch(`${url}/admin/spend/holds/hold-1/release`, { method: 'POST', headers: admin });
        expect([response.status, await response.json()]).toEqual([200, { released: true }]);
        response = await fetch(`${url}/admin/spend/holds/hold-1/release`, { method: 'POST', headers: admin });
        expect(response.status).toBe(404);
        const without = await serveWith({ adminToken: ADMIN_TOKEN });
        expect((await fetch(`${without.url}/admin/spend`, { headers: admin })).status).toBe(404);
    });
});

describe('POST /webhooks/transactions', () => {
    const post = (url: string, body: string, secret: string | null = WEBHOOK_SECRET, header = 'authorization') =>
        fetch(`${url}/webhooks/transactions`, { method: 'POST', headers: { 'content-type': 'application/json', ...(secret === null ? {} : { [header]: secret }) }, body });

    it('404 when not configured; 401 without or with a wrong secret (logged without the value)', async () => {
        const bare = await serveWith();
        expect((await post(bare.url, '[]')).status).toBe(404);
        const { logger, lines } = createLogger();
        const { url } = await serveWith({ webhook: { secret: WEBHOOK_SECRET }, logger });
        let response = await post(url, '[]', null);
        expect([response.status, (await json(response)).error.code]).toEqual([401, 'UNAUTHORIZED']);
        response = await post(url, '[]', `${WEBHOOK_SECRET}-nope`);
        expect(response.status).toBe(401);
        expect(await response.text()).not.toContain(WEBHOOK_SECRET);
        expect(lines.map(l => l.level)).toEqual(['warn', 'warn']);
        expect(JSON.stringify(lines)).not.toContain(WEBHOOK_SECRET);
        response = await post(url, '[]');
        expect([response.status, await response.json()]).toEqual([200, { events: 0, truncated: 0 }]);
    });

    it('ingests a Helius raw body (custom header); logs missing means truncated, read again by the worker', async () => {
        const { url, store } = await serveWith({ webhook: { secret: WEBHOOK_SECRET, header: 'X-Helius-Auth' } });
        const signature = randomSignature();
        const body = JSON.stringify([
            heliusRawTransaction({ signature, slot: 500, logs: thresholdLogs() }),
            heliusRawTransaction({ signature: randomSignature(), slot: 501, logs: thresholdLogs(), err: { InstructionError: [0, 'Custom'] } }),
            heliusRawTransaction({ signature: randomSignature(), slot: 502, logs: null }),
        ]);
        expect((await post(url, body)).status).toBe(401); // the secret is expected in x-helius-auth
        const response = await post(url, body, WEBHOOK_SECRET, 'x-helius-auth');
        expect([response.status, await response.json()]).toEqual([200, { events: 1, truncated: 1 }]);
        const events = await store.listEvents({});
        expect(events.map(e => [e.signature, e.name, e.slot])).toEqual([[signature, 'ThresholdReached', 500n]]);
        // The same body again adds nothing.
        await post(url, body, WEBHOOK_SECRET, 'x-helius-auth');
        expect(await store.listEvents({})).toHaveLength(1);
    });

    it('refuses hostile bodies: oversized (413), not JSON, wrong types and 1,001 transactions (400 naming the field)', async () => {
        const { url } = await serveWith({ webhook: { secret: WEBHOOK_SECRET }, maxBodyBytes: 64 * 1024 });
        let response = await post(url, JSON.stringify([heliusRawTransaction({ signature: randomSignature(), slot: 1, logs: Array.from({ length: 2_000 }, () => 'Program log: padding padding padding') })]));
        expect([response.status, (await json(response)).error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
        // Without content-length (chunked): still cut at the bound.
        const chunks = new ReadableStream<Uint8Array>({
            start(controller) {
                for (let i = 0; i < 100; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(1024)));
                controller.close();
            },
        });
        response = await fetch(`${url}/webhooks/transactions`, { method: 'POST', headers: { authorization: WEBHOOK_SECRET }, body: chunks, duplex: 'half' } as RequestInit);
        expect(response.status).toBe(413);
        response = await post(url, '[{"slot": 1,');
        expect([response.status, (await response.json()).error.code]).toEqual([400, 'BAD_JSON']);
        response = await post(url, '');
        expect(response.status).toBe(400);
        response = await post(url, JSON.stringify({ transactions: [] }));
        expect([response.status, (await response.json()).error]).toEqual([400, { code: 'BAD_REQUEST', message: expect.stringMatching(/^body: /) }]);
        response = await post(url, JSON.stringify([{ ...heliusRawTransaction({ signature: randomSignature(), slot: 1, logs: [] }), slot: 'soon' }]));
        expect([response.status, (await response.json()).error.message]).toEqual([400, expect.stringMatching(/^body\[0\]\.slot: /)]);
        response = await post(url, JSON.stringify([heliusRawTransaction({ signature: 'x', slot: 1, logs: [] })]));
        expect((await response.json()).error.message).toMatch(/^body\[0\]\.transaction\.signatures\[0\]: /);
        const many = JSON.stringify(Array.from({ length: 1_001 }, () => ({})));
        response = await post(url, many);
        expect([response.status, (await response.json()).error.message]).toEqual([400, expect.stringContaining('at most 1000 transactions')]);
    });

    it('503 once the worker stopped', async () => {
        const { url, worker } = await serveWith({ webhook: { secret: WEBHOOK_SECRET } });
        await worker.stop();
        const response = await post(url, '[]');
        expect([response.status, (await response.json()).error.code]).toEqual([503, 'WORKER_NOT_RUNNING']);
    });
});
