/**
 * The signed webhook notifier run as a durable task of a real worker (memory store): a receiver
 * on 127.0.0.1 that checks every signature fails the first requests; each notification still
 * reaches it exactly once (retried after the failures), signed; a notification that keeps failing
 * becomes a dead letter and is delivered after a redrive. Signatures with a wrong secret or an
 * old timestamp fail verification; errors never carry the secret.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { RWA_RAFFLE_EVENTS, RWA_RAFFLE_PROGRAM_ADDRESS } from '@raffle/client';
import { isRaffleError, RAFFLE_ERROR__INVALID_ARGUMENT } from '@raffle/errors';
import { waitFor } from '@raffle/test-support';
import { createSolanaRpcSubscriptions } from '@solana/kit';
import { afterEach, describe, expect, it } from 'vitest';

import { createMemoryWorkerStore } from '../../store/memory/index';
import type { JsonValue } from '../../store/types';
import { createWorker, type WorkerRpc } from '../../worker';
import { createWebhookNotifier, type Notification, verifyWebhookSignature, WebhookDeliveryError } from '../notify';

const SECRET = 'whsec_0123456789abcdef';

interface Received {
    readonly headers: IncomingHttpHeaders;
    readonly body: string;
    readonly valid: boolean;
    readonly status: number;
}

/** A webhook receiver: verifies signatures, fails the first `failFirst` requests and any id in `failIds` with 500, dedupes by id. */
async function startReceiver(options: { failFirst: number; failIds?: Set<string> }) {
    const requests: Received[] = [];
    const delivered = new Map<string, Notification>();
    const server: Server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= 64 * 1024) chunks.push(c);
        });
        req.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const header = req.headers['x-raffle-signature'];
            const valid = size <= 64 * 1024 && verifyWebhookSignature({ secret: SECRET, header: typeof header === 'string' ? header : null, body });
            const notification = valid ? (JSON.parse(body) as Notification) : null;
            let status = valid ? 200 : 401;
            if (requests.length < options.failFirst || (notification && options.failIds?.has(notification.id))) status = 500;
            requests.push({ headers: req.headers, body, valid, status });
            if (status === 200 && notification && !delivered.has(notification.id)) delivered.set(notification.id, notification);
            res.statusCode = status;
            res.end(status === 200 ? 'ok' : 'try again');
        });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/raffle`;
    return { url, requests, delivered, close: () => new Promise<void>(resolve => server.close(() => resolve())) };
}

function makeWorker() {
    return createWorker({
        rpc: { getSlot: () => ({ send: async () => 1n }) } as unknown as WorkerRpc,
        rpcSubscriptions: createSolanaRpcSubscriptions('ws://127.0.0.1:1'), // never used: jobs-only
        store: createMemoryWorkerStore(),
        programAddress: RWA_RAFFLE_PROGRAM_ADDRESS,
        decoder: RWA_RAFFLE_EVENTS,
        role: 'jobs-only',
        pollMs: 10,
        retry: { inProcessRetries: 0, backoff: { minMs: 5, maxMs: 20 } },
    });
}

function notification(id: string, data: JsonValue = { n: 1 }): Notification {
    return { id, type: 'winner-drawn', raffle: 'Raffle1111111111111111111111111111111111111', at: 1_700_000_000_000, data };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
});

describe('createWebhookNotifier as a durable task', () => {
    it('delivers each notification once, signed, after the receiver failed the first requests; a dead letter is delivered after a redrive', async () => {
        const stuck = new Set(['stuck']);
        const receiver = await startReceiver({ failFirst: 2, failIds: stuck });
        cleanup.push(receiver.close);
        const notifier = createWebhookNotifier({ url: receiver.url, secret: SECRET, headers: { 'user-agent': 'raffle-worker-test' } });
        const worker = makeWorker();
        worker.task('notify', ({ payload, signal }) => notifier.notify(payload as unknown as Notification, { signal }), { maxAttempts: 5 });
        worker.task('notify-once', ({ payload, signal }) => notifier.notify(payload as unknown as Notification, { signal }), { maxAttempts: 2 });
        await worker.start();
        cleanup.push(() => worker.stop());

        const ids = ['winner-drawn:a', 'winner-drawn:b', 'winner-drawn:c'];
        for (const id of ids) expect((await worker.enqueueTask('notify', { id, payload: notification(id, { id, amount: '5000000' }) as unknown as JsonValue })).created).toBe(true);
        // The same id again enqueues nothing.
        expect((await worker.enqueueTask('notify', { id: ids[0]!, payload: notification(ids[0]!) as unknown as JsonValue })).created).toBe(false);
        await waitFor('every notification', () => ids.every(id => receiver.delivered.has(id)));
        await waitFor('the queue to drain', async () => (await worker.status()).queue.pending === 0);

        const oks = receiver.requests.filter(r => r.status === 200);
        expect(oks.map(r => JSON.parse(r.body).id).sort()).toEqual(ids); // each delivered exactly once
        expect(receiver.requests.filter(r => r.status === 500)).toHaveLength(2); // the two failures were retried
        for (const r of receiver.requests) {
            expect(r.valid).toBe(true);
            expect(r.headers['content-type']).toBe('application/json');
            expect(r.headers['x-raffle-notification-id']).toBe(JSON.parse(r.body).id);
            expect(r.headers['user-agent']).toBe('raffle-worker-test');
            expect(r.headers['x-raffle-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
        }
        expect(JSON.parse(oks[0]!.body)).toEqual({ ...notification(JSON.parse(oks[0]!.body).id), data: expect.any(Object) });
        expect(receiver.delivered.get('winner-drawn:b')?.data).toEqual({ id: 'winner-drawn:b', amount: '5000000' });

        // A notification the receiver keeps refusing becomes a dead letter; a redrive delivers it.
        const dead = new Promise<{ jobId: string; error: string }>(resolve => worker.events.once('job:dead', resolve));
        await worker.enqueueTask('notify-once', { id: 'stuck', payload: notification('stuck') as unknown as JsonValue });
        const { jobId, error } = await dead;
        expect(error).toContain('HTTP 500');
        expect(error).not.toContain(SECRET);
        stuck.clear();
        expect(await worker.deadLetters.redrive(jobId)).not.toBeNull();
        await waitFor('the redriven notification', () => receiver.delivered.has('stuck'));
    });
});

describe('verifyWebhookSignature', () => {
    const body = JSON.stringify(notification('winner-drawn:x'));

    async function signedRequest(): Promise<{ header: string; body: string }> {
        let captured: { header: string; body: string } | null = null;
        const notifier = createWebhookNotifier({
            url: 'https://hooks.example.com/raffle',
            secret: SECRET,
            fetch: async (_url, init) => {
                captured = { header: new Headers(init?.headers).get('x-raffle-signature')!, body: String(init?.body) };
                return new Response('ok');
            },
        });
        await notifier.notify(notification('winner-drawn:x'), { signal: new AbortController().signal });
        return captured!;
    }

    it('accepts a fresh signature and refuses a wrong secret, a changed body, a stale or future timestamp and malformed headers', async () => {
        const signed = await signedRequest();
        expect(signed.body).toBe(body);
        const t = Number(/t=(\d+)/.exec(signed.header)![1]);
        expect(verifyWebhookSignature({ secret: SECRET, header: signed.header, body: signed.body, now: t * 1000 })).toBe(true);
        expect(verifyWebhookSignature({ secret: SECRET, header: signed.header, body: new TextEncoder().encode(signed.body), now: t * 1000 + 299_000 })).toBe(true);
        expect(verifyWebhookSignature({ secret: 'whsec_another-secret-000', header: signed.header, body: signed.body, now: t * 1000 })).toBe(false);
        expect(verifyWebhookSignature({ secret: SECRET, header: signed.header, body: signed.body.replace('winner-drawn:x', 'winner-drawn:y'), now: t * 1000 })).toBe(false);
        expect(verifyWebhookSignature({ secret: SECRET, header: signed.header, body: signed.body, now: (t + 301) * 1000 })).toBe(false);
        expect(verifyWebhookSignature({ secret: SECRET, header: signed.header, body: signed.body, now: (t - 301) * 1000 })).toBe(false);
        expect(verifyWebhookSignature({ secret: SECRET, header: signed.header, body: signed.body, now: (t + 30) * 1000, toleranceSeconds: 10 })).toBe(false);
        for (const header of [null, undefined, '', 't=abc,v1=00', `v1=${'0'.repeat(64)}`, `t=${t}`, `t=${t},v1=${'z'.repeat(64)}`, 'x'.repeat(5_000)]) {
            expect(verifyWebhookSignature({ secret: SECRET, header, body: signed.body, now: t * 1000 })).toBe(false);
        }
    });

    it('throws delivery errors that name the receiver but never the secret, the signature or URL credentials', async () => {
        let sentSignature = '';
        const failing = createWebhookNotifier({
            url: 'https://user:urlpassword@hooks.example.com/raffle?token=querytoken123',
            secret: SECRET,
            fetch: async (_url, init) => {
                sentSignature = new Headers(init?.headers).get('x-raffle-signature')!;
                return new Response('nope', { status: 503 });
            },
        });
        const error = await failing.notify(notification('n1'), { signal: new AbortController().signal }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WebhookDeliveryError);
        expect((error as WebhookDeliveryError).status).toBe(503);
        expect((error as Error).message).toBe('notification n1 to https://hooks.example.com: HTTP 503');

        const unreachable = createWebhookNotifier({
            url: 'http://127.0.0.1:1/hook?token=querytoken123',
            secret: SECRET,
            fetch: async () => {
                throw new Error(`connect failed with ${SECRET} and ${sentSignature} via token=querytoken123`);
            },
        });
        const network = (await unreachable.notify(notification('n2'), { signal: new AbortController().signal }).catch((e: unknown) => e)) as WebhookDeliveryError;
        expect(network.status).toBeNull();
        for (const leaked of [SECRET, sentSignature.split('v1=')[1]!, 'urlpassword', 'querytoken123']) expect(network.message).not.toContain(leaked);
        expect(network.message).toMatch(/^notification n2 to http:\/\/127\.0\.0\.1:1 failed: connect failed/);

        const slow = createWebhookNotifier({ url: 'https://hooks.example.com/', secret: SECRET, timeoutMs: 20, fetch: (_url, init) => new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted')))) });
        await expect(slow.notify(notification('n3'), { signal: new AbortController().signal })).rejects.toThrow('timed out after 20 ms');
    });

    it('refuses bad options', () => {
        const name = (f: () => unknown) => {
            try {
                f();
            } catch (e) {
                return isRaffleError(e, RAFFLE_ERROR__INVALID_ARGUMENT) ? e.context.name : e;
            }
            return null;
        };
        expect(name(() => createWebhookNotifier({ url: 'ftp://hooks.example.com', secret: SECRET }))).toBe('url');
        expect(name(() => createWebhookNotifier({ url: 'not a url', secret: SECRET }))).toBe('url');
        expect(name(() => createWebhookNotifier({ url: 'https://hooks.example.com', secret: 'short' }))).toBe('secret');
        expect(name(() => createWebhookNotifier({ url: 'https://hooks.example.com', secret: SECRET, timeoutMs: 0 }))).toBe('timeoutMs');
        expect(name(() => verifyWebhookSignature({ secret: '', header: 't=1,v1=00', body: '' }))).toBe('secret');
    });
});
