/**
 * Worker metrics: a real worker (memory store, stub RPC) runs tasks that succeed, retry and die;
 * emitted worker and automation events feed the counters; `render()` is parsed as Prometheus
 * text. A failing `status()` never fails a scrape. `instrumentRpc` counts a real kit client's calls.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

import { RWA_RAFFLE_EVENTS, RWA_RAFFLE_PROGRAM_ADDRESS } from '@raffle/client';
import { isRaffleError, RAFFLE_ERROR__INVALID_ARGUMENT } from '@raffle/errors';
import { waitFor } from '@raffle/test-support';
import { createSolanaRpc, createSolanaRpcSubscriptions } from '@solana/kit';
import EventEmitter from 'eventemitter3';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';

import type { RaffleAutomationEmitter } from '../../raffle/context';
import { createMemoryWorkerStore } from '../../store/memory/index';
import { createWorker, type WorkerRpc } from '../../worker';
import { createWorkerMetrics, instrumentRpc, type WorkerMetrics } from '../metrics';

type Family = { name: string; type: string; help: string; metrics: { value?: string; labels?: Record<string, string> }[] };
const parse = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

/** The value of `name` with exactly `labels` (undefined when absent). */
function valueOf(families: Family[], name: string, labels: Record<string, string> = {}): number | undefined {
    const family = families.find(f => f.name === name);
    const sample = family?.metrics.find(m => JSON.stringify(Object.entries(m.labels ?? {}).sort()) === JSON.stringify(Object.entries(labels).sort()));
    return sample?.value === undefined ? undefined : Number(sample.value);
}

/** Stub RPC: the worker only calls getSlot (for its status) here. */
const stubRpc = { getSlot: () => ({ send: async () => 1_000n }) } as unknown as WorkerRpc;

function makeWorker() {
    return createWorker({
        rpc: stubRpc,
        rpcSubscriptions: createSolanaRpcSubscriptions('ws://127.0.0.1:1'), // never used: jobs-only
        store: createMemoryWorkerStore(),
        programAddress: RWA_RAFFLE_PROGRAM_ADDRESS,
        decoder: RWA_RAFFLE_EVENTS,
        role: 'jobs-only',
        pollMs: 10,
        retry: { inProcessRetries: 0, backoff: { minMs: 5, maxMs: 10 } },
    });
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
});

describe('createWorkerMetrics', () => {
    it('counts jobs and events, reads gauges from status at scrape time, and stops counting after close()', async () => {
        const worker = makeWorker();
        let flaky = 0;
        worker.task('flaky', async () => {
            if (++flaky === 1) throw new Error('first attempt fails');
        });
        worker.task('doomed', async () => {
            throw new Error('always fails');
        }, { maxAttempts: 1 });
        const automationEvents: RaffleAutomationEmitter = new EventEmitter();
        let paused = true;
        const automations = { events: automationEvents, status: () => ({ running: true, paused, timers: 2, lastReconcile: null }) };
        const spendGuard = { usage: () => ({ lamports: { used: '1500', limit: 10_000 }, tickets: 3, note: 'not a number' }), holds: () => [{ id: 'h1' }] };
        const metrics = createWorkerMetrics({ worker, automations, spendGuard, statusCacheMs: 0 });
        cleanup.push(() => metrics.close());
        await worker.start();
        cleanup.push(() => worker.stop());

        await worker.enqueueTask('flaky', { id: 'a', payload: null });
        await worker.enqueueTask('doomed', { id: 'b', payload: null });
        worker.events.emit('event:received', { event: { id: 's:0:0', name: 'WinnerDrawn', signature: 's', slot: 1n, commitment: 'confirmed' }, source: 'live' });
        worker.events.emit('event:received', { event: { id: 's:0:1', name: 'WinnerDrawn', signature: 's', slot: 1n, commitment: 'confirmed' }, source: 'backfill' });
        worker.events.emit('event:finalized', { event: { id: 's:0:0', name: 'WinnerDrawn', signature: 's', slot: 1n, commitment: 'finalized' } });
        worker.events.emit('event:retracted', { event: { id: 's:0:1', name: 'WinnerDrawn', signature: 's', slot: 1n, commitment: 'retracted' } });
        worker.events.emit('event:undecodable', { signature: 's', instructionIndex: 0, eventIndex: 2, reason: 'unknown discriminator' });
        worker.events.emit('worker:error', { scope: 'service:raffle-automations', error: new Error('x') });
        worker.events.emit('worker:error', { scope: 'ingestion', error: new Error('x') });
        worker.events.emit('ingest:disconnected', { error: null, attempt: 1, delayMs: 100 });
        worker.events.emit('effect:resolved', { key: 'k', status: 'expired', signature: null });
        worker.events.emit('retention:pruned', { jobs: 1000, events: 998, effects: 0, audit: 3, prunedThroughSlot: 90n });
        worker.events.emit('lease:acquired', { name: 'l', owner: worker.owner, token: 1 });
        worker.events.emit('lease:lost', { name: 'l', owner: worker.owner, token: 1, reason: 'expired' });
        automationEvents.emit('automation:done', { action: 'claim-prize', raffle: 'r' as never, key: 'k1', signature: 'sig', alreadyDone: false });
        automationEvents.emit('automation:done', { action: 'claim-prize', raffle: 'r' as never, key: 'k1', signature: null, alreadyDone: true });
        automationEvents.emit('automation:failed', { action: 'refund', raffle: null, error: new Error('x'), willRetry: true });
        automationEvents.emit('reconcile:done', { raffles: 3, repaired: [], ms: 250 });

        await waitFor('the jobs to settle', async () => (await worker.status()).queue.pending === 0 && (await worker.status()).queue.deadLetters === 1);
        const text = await metrics.render();
        const m = parse(text);
        expect(metrics.contentType).toMatch(/^text\/plain/);
        expect(valueOf(m, 'raffle_worker_status_ok')).toBe(1);
        expect(valueOf(m, 'raffle_worker_events_received_total', { source: 'live' })).toBe(1);
        expect(valueOf(m, 'raffle_worker_events_received_total', { source: 'backfill' })).toBe(1);
        expect(valueOf(m, 'raffle_worker_events_received_total', { source: 'redrive' })).toBe(0);
        expect(valueOf(m, 'raffle_worker_events_finalized_total')).toBe(1);
        expect(valueOf(m, 'raffle_worker_events_retracted_total')).toBe(1);
        expect(valueOf(m, 'raffle_worker_events_undecodable_total')).toBe(1);
        expect(valueOf(m, 'raffle_worker_jobs_succeeded_total', { kind: 'task' })).toBe(1);
        expect(valueOf(m, 'raffle_worker_jobs_failed_total', { kind: 'task' })).toBe(2);
        expect(valueOf(m, 'raffle_worker_job_retries_total', { scope: 'rescheduled' })).toBe(1);
        expect(valueOf(m, 'raffle_worker_dead_letters_total')).toBe(1);
        expect(valueOf(m, 'raffle_worker_dead_letters')).toBe(1);
        expect(valueOf(m, 'raffle_worker_jobs', { state: 'dead' })).toBe(1);
        expect(valueOf(m, 'raffle_worker_jobs', { state: 'pending' })).toBe(0);
        expect(valueOf(m, 'raffle_worker_jobs', { state: 'in_flight' })).toBe(0);
        expect(valueOf(m, 'raffle_worker_chain_slot')).toBe(1000);
        expect(valueOf(m, 'raffle_worker_cursor_slot')).toBeNaN(); // no cursor: this replica never ingested
        expect(valueOf(m, 'raffle_worker_slot_lag')).toBeNaN();
        expect(valueOf(m, 'raffle_worker_leader')).toBe(0); // jobs-only: a follower, whatever the events said
        expect(valueOf(m, 'raffle_worker_lease_changes_total', { change: 'acquired' })).toBe(1);
        expect(valueOf(m, 'raffle_worker_lease_changes_total', { change: 'lost' })).toBe(1);
        expect(valueOf(m, 'raffle_worker_errors_total', { scope: 'service' })).toBe(1);
        expect(valueOf(m, 'raffle_worker_errors_total', { scope: 'ingestion' })).toBe(1);
        expect(valueOf(m, 'raffle_worker_ingest_disconnects_total')).toBe(1);
        expect(valueOf(m, 'raffle_worker_effects_resolved_total', { status: 'expired' })).toBe(1);
        expect(valueOf(m, 'raffle_worker_retention_pruned_total', { kind: 'events' })).toBe(998);
        expect(valueOf(m, 'raffle_worker_retention_pruned_total', { kind: 'effects' })).toBe(0);
        expect(valueOf(m, 'raffle_worker_automations_done_total', { action: 'claim-prize', outcome: 'sent' })).toBe(1);
        expect(valueOf(m, 'raffle_worker_automations_done_total', { action: 'claim-prize', outcome: 'already_done' })).toBe(1);
        expect(valueOf(m, 'raffle_worker_automations_failed_total', { action: 'refund', will_retry: 'true' })).toBe(1);
        expect(valueOf(m, 'raffle_worker_reconcile_passes_total')).toBe(1);
        expect(valueOf(m, 'raffle_worker_reconcile_last_duration_seconds')).toBe(0.25);
        expect(valueOf(m, 'raffle_worker_automations_paused')).toBe(1);
        expect(valueOf(m, 'raffle_worker_spend_usage', { field: 'lamports_used' })).toBe(1500);
        expect(valueOf(m, 'raffle_worker_spend_usage', { field: 'lamports_limit' })).toBe(10_000);
        expect(valueOf(m, 'raffle_worker_spend_usage', { field: 'tickets' })).toBe(3);
        expect(valueOf(m, 'raffle_worker_spend_usage', { field: 'note' })).toBeUndefined();
        expect(valueOf(m, 'raffle_worker_spend_holds')).toBe(1);
        expect(m.find(f => f.name === 'raffle_worker_rpc_requests_total')?.type).toBe('COUNTER');

        // Scrape-time values follow the sources; counters stop after close().
        paused = false;
        metrics.close();
        worker.events.emit('job:dead', { jobId: 'x', name: 'task:doomed', attempt: 1, error: 'e' });
        const after = parse(await metrics.render());
        expect(valueOf(after, 'raffle_worker_automations_paused')).toBe(0);
        expect(valueOf(after, 'raffle_worker_dead_letters_total')).toBe(1);
    });

    it('keeps scraping when status() fails: status_ok 0, status gauges NaN or gone, counters intact', async () => {
        const worker = makeWorker();
        let failing = true;
        let calls = 0;
        const flaky = {
            events: worker.events,
            status: () => {
                calls++;
                return failing ? Promise.reject(new Error('store unreachable')) : worker.status();
            },
        };
        const metrics = createWorkerMetrics({ worker: flaky, statusCacheMs: 0, prefix: 'w_' });
        worker.events.emit('job:dead', { jobId: 'x', name: 'handler:A:b', attempt: 3, error: 'e' });
        const text = await metrics.render();
        const m = parse(text);
        expect(valueOf(m, 'w_status_ok')).toBe(0);
        expect(valueOf(m, 'w_dead_letters')).toBeNaN();
        expect(valueOf(m, 'w_chain_slot')).toBeNaN();
        expect(m.find(f => f.name === 'w_jobs')?.metrics ?? []).toEqual([]);
        expect(valueOf(m, 'w_dead_letters_total')).toBe(1);
        failing = false;
        const healthy = parse(await metrics.render());
        expect(valueOf(healthy, 'w_status_ok')).toBe(1);
        expect(valueOf(healthy, 'w_dead_letters')).toBe(0);
        expect(calls).toBe(2);

        // With a cache, one status() serves every gauge of several scrapes.
        const cachedCalls = calls;
        const cached = createWorkerMetrics({ worker: flaky, statusCacheMs: 60_000, registry: new Registry() });
        await cached.render();
        await cached.render();
        expect(calls - cachedCalls).toBe(1);
        metrics.close();
        cached.close();
    });

    it('adds the process metrics on request, into its own registry', async () => {
        const metrics = createWorkerMetrics({ worker: makeWorker(), defaultMetrics: true });
        const names = parse(await metrics.render()).map(f => f.name);
        expect(names).toContain('raffle_worker_process_cpu_user_seconds_total');
        expect(names).toContain('raffle_worker_nodejs_heap_size_used_bytes');
        metrics.close();
    });

    it('refuses bad options and a registry that already has these metrics', () => {
        const worker = makeWorker();
        const registry = new Registry();
        createWorkerMetrics({ worker, registry }).close();
        const invalid = (f: () => unknown) => {
            try {
                f();
            } catch (e) {
                return isRaffleError(e, RAFFLE_ERROR__INVALID_ARGUMENT) ? e.context.name : e;
            }
            return null;
        };
        expect(invalid(() => createWorkerMetrics({ worker, registry }))).toBe('registry');
        expect(invalid(() => createWorkerMetrics({ worker, prefix: 'bad prefix' }))).toBe('prefix');
        expect(invalid(() => createWorkerMetrics({ worker, statusCacheMs: -1 }))).toBe('statusCacheMs');
        expect(invalid(() => createWorkerMetrics({ worker: {} as never }))).toBe('worker');
    });
});

describe('instrumentRpc', () => {
    let server: Server | undefined;
    afterEach(async () => {
        await new Promise(resolve => (server ? server.close(resolve) : resolve(undefined)));
        server = undefined;
    });

    it('counts the requests and failures of a real kit client by method, with unknown names as other', async () => {
        // A JSON-RPC endpoint on 127.0.0.1: getSlot answers, getBalance fails.
        server = createServer((req, res) => {
            let body = '';
            req.on('data', (c: Buffer) => (body += c.toString('utf8').slice(0, 10_000)));
            req.on('end', () => {
                const { id, method } = JSON.parse(body) as { id: number; method: string };
                res.setHeader('content-type', 'application/json');
                res.end(JSON.stringify(method === 'getSlot' ? { jsonrpc: '2.0', id, result: 42 } : { jsonrpc: '2.0', id, error: { code: -32000, message: 'nope' } }));
            });
        });
        await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve));
        const rpc = createSolanaRpc(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
        const registry = new Registry();
        const counted = instrumentRpc(rpc, { registry });
        expectTypeOf(counted).toEqualTypeOf(rpc);

        expect(await counted.getSlot().send()).toBe(42n);
        expect(await counted.getSlot({ commitment: 'confirmed' }).send()).toBe(42n);
        await expect(counted.getBalance('11111111111111111111111111111111' as never).send()).rejects.toThrow();
        // A name that is no Solana method is counted as `other` (the label stays bounded).
        const loose = counted as unknown as Record<string, () => { send(): Promise<unknown> }>;
        await expect(loose.getEverythingForFree!().send()).rejects.toThrow();

        const metrics: WorkerMetrics = createWorkerMetrics({ worker: makeWorker(), registry });
        const m = parse(await metrics.render());
        expect(valueOf(m, 'raffle_worker_rpc_requests_total', { method: 'getSlot' })).toBe(2);
        expect(valueOf(m, 'raffle_worker_rpc_errors_total', { method: 'getSlot' })).toBeUndefined();
        expect(valueOf(m, 'raffle_worker_rpc_requests_total', { method: 'getBalance' })).toBe(1);
        expect(valueOf(m, 'raffle_worker_rpc_errors_total', { method: 'getBalance' })).toBe(1);
        expect(valueOf(m, 'raffle_worker_rpc_requests_total', { method: 'other' })).toBe(1);
        expect(m.find(f => f.name === 'raffle_worker_rpc_requests_total')?.metrics).toHaveLength(3);

        // Wrapping with the metrics themselves counts in the same series; a frozen stub works too;
        // a request its caller aborted is not an RPC failure.
        const frozen = Object.freeze({
            getSlot: () => Object.freeze({ send: async (o?: { abortSignal?: AbortSignal }) => (o?.abortSignal?.aborted ? Promise.reject(new Error('aborted')) : 7n) }),
        });
        const wrapped = instrumentRpc(frozen, metrics);
        expect(await wrapped.getSlot().send()).toBe(7n);
        const aborted = new AbortController();
        aborted.abort();
        await expect(wrapped.getSlot().send({ abortSignal: aborted.signal })).rejects.toThrow('aborted');
        const last = parse(await metrics.render());
        expect(valueOf(last, 'raffle_worker_rpc_requests_total', { method: 'getSlot' })).toBe(4);
        expect(valueOf(last, 'raffle_worker_rpc_errors_total', { method: 'getSlot' })).toBeUndefined();
        metrics.close();
    });
});
