/**
 * The activity stream (`GET /events`) over real HTTP: entries arrive, resume by Last-Event-ID
 * loses and repeats nothing, filters, the client bound, pollers stop with their client, and the
 * activity feed's chain events appear in the stream.
 */
import { RWA_RAFFLE_EVENTS } from '@raffle/client';
import { waitFor } from '@raffle/test-support';
import { afterEach, describe, expect, it } from 'vitest';

import { createMemoryWorkerStore } from '../../store/memory/index';
import type { WorkerStore } from '../../store/types';
import { attachActivityFeed } from '../feed';
import type { WorkerHttpHandlerOptions } from '../http-options';
import { createTestWorker, RAFFLE, randomSignature, readSse, type Served, serveHandler, thresholdLogs } from './http-fixtures';

const servers: Served[] = [];
const workers: { stop(): Promise<void> }[] = [];

afterEach(async () => {
    for (const s of servers.splice(0)) await s.stop();
    for (const w of workers.splice(0)) await w.stop();
});

/** A store whose `listAudit` calls are counted. */
function countingStore(): { store: WorkerStore; calls: () => number } {
    const store = createMemoryWorkerStore();
    let calls = 0;
    const listAudit = store.listAudit.bind(store);
    store.listAudit = input => {
        calls++;
        return listAudit(input);
    };
    return { store, calls: () => calls };
}

async function serveStream(store: WorkerStore, options: Partial<WorkerHttpHandlerOptions> = {}) {
    const { worker } = createTestWorker(store);
    workers.push(worker);
    const served = await serveHandler({ worker, sse: { pollMs: 20 }, ...options });
    servers.push(served);
    return served;
}

async function open(url: string, query = '', headers: Record<string, string> = {}) {
    const response = await fetch(`${url}/events${query}`, { headers });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    return readSse(response);
}

const append = (store: WorkerStore, action: string, subject: string | null = null, data: unknown = null) =>
    store.appendAudit({ actor: 'test', action, subject, data: data as never });

describe('GET /events', () => {
    it('streams new entries only (after the newest at connection), in the contract format', async () => {
        const store = createMemoryWorkerStore();
        for (let i = 0; i < 37; i++) await append(store, 'old:entry');
        const { url } = await serveStream(store);
        const sse = await open(url);
        await append(store, 'effect:confirmed', RAFFLE, { amount: '5', nested: { ok: true } });
        await waitFor('the new entry', () => sse.events.length === 1, { timeoutMs: 5_000 });
        const [event] = sse.events;
        expect(event).toMatchObject({ id: '38', event: 'effect:confirmed' });
        expect(JSON.parse(event!.data)).toEqual({ seq: 38, at: expect.any(Number), actor: 'test', action: 'effect:confirmed', subject: RAFFLE, data: { amount: '5', nested: { ok: true } } });
        await sse.cancel();
    });

    it('?after= replays from a position; a bad Last-Event-ID or filter is a 400', async () => {
        const store = createMemoryWorkerStore();
        for (let i = 0; i < 5; i++) await append(store, `a:${i}`);
        const { url } = await serveStream(store);
        const sse = await open(url, '?after=2');
        await waitFor('the three replayed entries', () => sse.events.length === 3, { timeoutMs: 5_000 });
        expect(sse.events.map(e => e.id)).toEqual(['3', '4', '5']);
        await sse.cancel();
        for (const [query, headers] of [
            ['', { 'last-event-id': 'abc' }],
            ['?after=-1', {}],
            ['?actions=bad%20action', {}],
            [`?subject=${'x'.repeat(201)}`, {}],
        ] as const) {
            const response = await fetch(`${url}/events${query}`, { headers });
            expect(response.status, query).toBe(400);
            expect((await response.json()).error.code).toBe('BAD_REQUEST');
        }
    });

    it('resuming with Last-Event-ID after a disconnect loses nothing and repeats nothing (500 entries)', async () => {
        const store = createMemoryWorkerStore();
        const { url } = await serveStream(store);
        const first = await open(url, '?after=0');
        const writer = (async () => {
            for (let i = 1; i <= 500; i++) {
                await append(store, 'bulk:entry', null, { i });
                if (i % 50 === 0) await new Promise(r => setTimeout(r, 5));
            }
        })();
        await waitFor('the first 120 entries', () => first.events.length >= 120, { timeoutMs: 5_000 });
        await first.cancel();
        const lastId = first.lastId!;
        const second = await open(url, '', { 'last-event-id': lastId });
        await writer;
        await waitFor('the resumed stream to reach entry 500', () => second.lastId === '500', { timeoutMs: 10_000 });
        await second.cancel();
        const seqs = [...first.events, ...second.events].map(e => Number(e.id));
        expect(seqs).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
        expect([...first.events, ...second.events].map(e => JSON.parse(e.data).data.i)).toEqual(seqs);
    });

    it('filters by subject and by actions (exact or prefix*)', async () => {
        const store = createMemoryWorkerStore();
        const { url } = await serveStream(store);
        const bySubject = await open(url, `?subject=${RAFFLE}`);
        const byActions = await open(url, '?actions=chain:*,automations:paused');
        const both = await open(url, `?subject=${RAFFLE}&actions=chain:ThresholdReached`);
        await append(store, 'chain:TicketsPurchased', RAFFLE);
        await append(store, 'effect:sent', RAFFLE);
        await append(store, 'automations:paused', null);
        await append(store, 'chain:ThresholdReached', 'Other111111111111111111111111111111111111111');
        await append(store, 'chain:ThresholdReached', RAFFLE);
        await append(store, 'automations:resumed', null);
        await waitFor('the entries each filter lets through', () => bySubject.events.length === 3 && byActions.events.length === 4 && both.events.length === 1, { timeoutMs: 5_000 });
        expect(bySubject.events.map(e => e.event)).toEqual(['chain:TicketsPurchased', 'effect:sent', 'chain:ThresholdReached']);
        expect(byActions.events.map(e => e.id)).toEqual(['1', '3', '4', '5']);
        expect(both.events.map(e => e.id)).toEqual(['5']);
        // Skipped entries still move the Last-Event-ID, so a resume does not scan them again.
        await waitFor('the Last-Event-ID to move past the skipped entry', () => byActions.lastId === '6', { timeoutMs: 5_000 });
        for (const s of [bySubject, byActions, both]) await s.cancel();
    });

    it('bounds the clients (503 beyond); a closed client frees its slot and its poller stops', async () => {
        const { store, calls } = countingStore();
        const { url, handler } = await serveStream(store, { sse: { pollMs: 10, maxClients: 2 } });
        const a = await open(url, '?after=0');
        const b = await open(url, '?after=0');
        const refused = await fetch(`${url}/events`);
        expect(refused.status).toBe(503);
        expect((await refused.json()).error.code).toBe('TOO_MANY_STREAMS');
        expect(handler.openStreams).toBe(2);
        await a.cancel();
        await b.cancel();
        await waitFor('both streams to close', () => handler.openStreams === 0, { timeoutMs: 5_000 });
        const before = calls();
        await new Promise(r => setTimeout(r, 100)); // ten poll intervals
        expect(calls()).toBe(before);
        const c = await open(url);
        expect(handler.openStreams).toBe(1);
        await c.cancel();
    });

    it('sends a heartbeat comment while idle; close() ends the streams and refuses new ones', async () => {
        const store = createMemoryWorkerStore();
        const { url, handler } = await serveStream(store, { sse: { pollMs: 20, heartbeatMs: 100 } });
        const sse = await open(url);
        await waitFor('a heartbeat comment', () => sse.comments.includes('ping'), { timeoutMs: 5_000 });
        handler.close();
        await sse.done;
        expect(sse.ended).toBe(true);
        expect(handler.openStreams).toBe(0);
        const response = await fetch(`${url}/events`);
        expect([response.status, (await response.json()).error.code]).toEqual([503, 'SHUTTING_DOWN']);
    });
});

describe('attachActivityFeed', () => {
    it('chain events ingested by the worker appear in the stream at once (woken, not polled)', async () => {
        const { worker, store } = createTestWorker();
        workers.push(worker);
        attachActivityFeed(worker, { eventNames: Object.keys(RWA_RAFFLE_EVENTS) });
        await worker.start();
        // A poll interval longer than the test: only the wake on `handler:succeeded` can deliver in time.
        const served = await serveHandler({ worker, sse: { pollMs: 60_000, heartbeatMs: 300_000 } });
        servers.push(served);
        const sse = await open(served.url, `?actions=chain:*&subject=${RAFFLE}`);
        const signature = randomSignature();
        expect(await worker.ingestTransactions([{ signature, slot: 4_242n, logs: thresholdLogs(RAFFLE, 12), err: null }])).toEqual({ events: 1, truncated: 0 });
        await waitFor('the ingested event in the stream', () => sse.events.length === 1, { timeoutMs: 5_000 });
        const entry = JSON.parse(sse.events[0]!.data);
        expect(entry).toMatchObject({
            actor: worker.owner,
            action: 'chain:ThresholdReached',
            subject: RAFFLE,
            data: {
                eventId: `${signature}:1:0`, // the compute budget instruction comes first
                signature,
                slot: '4242',
                fields: { raffle: RAFFLE, ticketsSold: 12, drawSeed: Array.from({ length: 32 }, () => 7), slot: '1750000000' },
            },
        });
        expect((await store.listAudit({})).filter(e => e.action.startsWith('chain:'))).toHaveLength(1);
        await sse.cancel();
    });

    it('records retractions and uses subjectOf; refuses bad options', async () => {
        const { worker, store } = createTestWorker();
        const registered: { name: string; handler: string; options: { commitment?: string; onRetracted?: (ctx: unknown) => Promise<void> } }[] = [];
        const handle = worker.handle.bind(worker);
        worker.handle = ((name: string, handlerName: string, fn: never, options: never) => {
            registered.push({ name, handler: handlerName, options });
            return handle(name as never, handlerName, fn, options);
        }) as typeof worker.handle;
        attachActivityFeed(worker, { eventNames: ['ThresholdReached', 'WinnerDrawn'], subjectOf: event => `subject:${event.name}` });
        expect(registered.map(r => [r.name, r.handler, r.options.commitment])).toEqual([
            ['ThresholdReached', 'feed', 'confirmed'],
            ['WinnerDrawn', 'feed', 'confirmed'],
        ]);
        const event = { signature: 'sig', instructionIndex: 1, eventIndex: 0, id: 'sig:1:0', name: 'WinnerDrawn', data: {}, slot: 9n };
        await registered[1]!.options.onRetracted!({ event, kind: 'retracted', attempt: 1, signal: new AbortController().signal, effect: null });
        const [entry] = await store.listAudit({});
        expect(entry).toMatchObject({ action: 'chain:retracted', subject: 'subject:WinnerDrawn', data: { eventId: 'sig:1:0', event: 'WinnerDrawn', slot: '9' } });

        const fresh = () => createTestWorker().worker;
        expect(() => attachActivityFeed(fresh(), { eventNames: [] })).toThrow(/eventNames/);
        expect(() => attachActivityFeed(fresh(), { eventNames: ['A', 'A'] })).toThrow(/eventNames/);
        expect(() => attachActivityFeed(fresh(), { eventNames: ['NotAnEvent'] })).toThrow();
        expect(() => attachActivityFeed(fresh(), { eventNames: ['WinnerDrawn'], extra: 1 } as never)).toThrow(/extra/);
    });
});
