/**
 * The typed job registry: jobs are dispatched by their exact stored name to a kind that decodes
 * their payload; and jobs stored by earlier versions (version-1 handler payloads carrying the
 * raw event, task ids with colons, undecodable dead letters) run unchanged, so upgrading over an
 * existing store is transparent. The worker runs as a follower: no RPC is called.
 */
import { isRaffleError, RAFFLE_ERROR__INVALID_ARGUMENT } from '@raffle/errors';
import { getThresholdReachedEventEncoder, RWA_RAFFLE_EVENTS, RWA_RAFFLE_PROGRAM_ADDRESS } from '@raffle/client';
import { address, createSolanaRpc, createSolanaRpcSubscriptions } from '@solana/kit';
import { afterEach, describe, expect, it } from 'vitest';

import { isUnrecoverableError } from '../../core/errors';
import { createJobRegistry, type JobKind, readJobPayload } from '../../runtime/job-registry';
import { LazyAbort } from '../../core/time';
import { createMemoryWorkerStore } from '../../store/memory/index';
import type { JobRecord, JsonValue } from '../../store/types';
import { createWorker } from '../../worker';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
    await Promise.all(stops.splice(0).map(stop => stop()));
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await check())) {
        if (Date.now() > end) throw new Error('timed out');
        await new Promise(r => setTimeout(r, 10));
    }
}

function job(name: string, payload: JsonValue): JobRecord {
    return { id: `${name}:1`, queue: 'q', name, payload, status: 'running', runAt: 0, attempts: 1, maxAttempts: 3, leaseOwner: 'w', leaseExpiresAt: 1, lastError: null, createdAt: 0, updatedAt: 0, finishedAt: null };
}

/** The base64 payload of a `ThresholdReached` event, as logged. */
function thresholdRaw(ticketsSold: number): string {
    const raffle = address('So11111111111111111111111111111111111111112');
    return Buffer.from(getThresholdReachedEventEncoder().encode({ raffle, ticketsSold, drawSeed: new Uint8Array(32).fill(7), slot: 7n })).toString('base64');
}

const SIG = (digit: string) => digit.repeat(88);

describe('job registry', () => {
    const ping: JobKind<{ url: string }> = {
        decode: payload => ({ url: readJobPayload(payload, 'ping').string('url') }),
        run: async () => undefined,
        describe: ({ url }) => ({ eventId: null, handler: url }),
    };

    it('runs a job through the kind of its exact name, with its payload decoded', async () => {
        const jobs = createJobRegistry('w1');
        const seen: string[] = [];
        jobs.define('ping', { ...ping, run: async ({ url }) => void seen.push(url) });
        await jobs.execute(job('ping', { url: 'a' }), new LazyAbort());
        expect(seen).toEqual(['a']);
        expect(jobs.describe(job('ping', { url: 'a' }))).toEqual({ eventId: null, handler: 'a' });
        expect(jobs.has('ping')).toBe(true);
        expect(jobs.has('ping:')).toBe(false);
    });

    it('a payload that is not the kind’s is unrecoverable; an unknown name is retryable (another replica may know it)', async () => {
        const jobs = createJobRegistry('w1');
        jobs.define('ping', ping);
        for (const payload of [null, [1], { url: 1 }, {}] as JsonValue[]) {
            const error = await jobs.execute(job('ping', payload), new LazyAbort()).catch((e: unknown) => e);
            expect(isUnrecoverableError(error), String(error)).toBe(true);
            expect(jobs.describe(job('ping', payload))).toEqual({ eventId: null, handler: null });
        }
        const unknown = await jobs.execute(job('pong', null), new LazyAbort()).catch((e: unknown) => e);
        expect(unknown).toBeInstanceOf(Error);
        expect(isUnrecoverableError(unknown)).toBe(false);
        expect(String(unknown)).toContain('no job kind "pong" on replica w1');
        expect(jobs.describe(job('pong', null))).toEqual({ eventId: null, handler: null });
    });

    it('defines a name once', () => {
        const jobs = createJobRegistry('w1');
        jobs.define('ping', ping);
        let error: unknown = null;
        try {
            jobs.define('ping', ping);
        } catch (e) {
            error = e;
        }
        expect(isRaffleError(error, RAFFLE_ERROR__INVALID_ARGUMENT)).toBe(true);
    });

    it('payload readers check types and versions', () => {
        const p = readJobPayload({ v: 2, kind: 'deliver', n: 3, s: 'x' }, 'test');
        expect([p.oneOf('v', [1, 2] as const), p.oneOf('kind', ['deliver', 'finalized'] as const), p.integer('n'), p.string('s'), p.optionalString('none')]).toEqual([2, 'deliver', 3, 'x', null]);
        for (const read of [() => p.oneOf('v', [1] as const), () => p.integer('s'), () => p.string('n'), () => p.optionalString('n')]) {
            expect(() => read()).toThrow(/payload of a test job/);
        }
    });
});

describe('jobs stored by earlier versions', () => {
    it('run unchanged: version-1 and version-2 handler jobs, task ids with colons, undecodable dead letters; unknown or malformed jobs fail', async () => {
        const store = createMemoryWorkerStore();
        const worker = createWorker({
            rpc: createSolanaRpc('http://127.0.0.1:1'),
            rpcSubscriptions: createSolanaRpcSubscriptions('ws://127.0.0.1:1'),
            store,
            programAddress: RWA_RAFFLE_PROGRAM_ADDRESS,
            decoder: RWA_RAFFLE_EVENTS,
            queue: 'q',
            role: 'jobs-only',
            pollMs: 10,
            retry: { inProcessRetries: 0, backoff: { minMs: 5, maxMs: 10 } },
        });
        stops.push(() => worker.stop());
        const handled: { id: string; ticketsSold: number; kind: string }[] = [];
        const tasks: { id: string; payload: JsonValue }[] = [];
        worker.handle('ThresholdReached', 'index', ({ event, kind }) => void handled.push({ id: event.id, ticketsSold: event.data.ticketsSold, kind }));
        worker.task('notify', async ({ id, payload }) => void tasks.push({ id, payload }));
        const position = (signature: string) => ({ signature, instructionIndex: 0, eventIndex: 0 });
        // Version 2: the event is in the inbox, the job names it.
        await store.recordEvents([{ ...position(SIG('2')), slot: 20n, name: 'ThresholdReached', data: { raw: thresholdRaw(2) }, commitment: 'confirmed' }]);
        const v2 = { kind: 'deliver', eventName: 'ThresholdReached', handler: 'index', ...position(SIG('2')), slot: '20' };
        const v1 = { kind: 'deliver', eventName: 'ThresholdReached', handler: 'index', ...position(SIG('1')), slot: '10', raw: thresholdRaw(1) };
        const undecodable = { v: 1, ...position(SIG('3')), slot: '30', raw: thresholdRaw(3), reason: 'unknown discriminator' };
        await store.enqueueJobs([
            { id: `${SIG('1')}:0:0:index`, queue: 'q', name: 'handler:ThresholdReached:index', payload: { v: 1, ...v1 } },
            { id: `${SIG('2')}:0:0:index`, queue: 'q', name: 'handler:ThresholdReached:index', payload: { v: 2, ...v2 } },
            { id: 'task:notify:winner:7', queue: 'q', name: 'task:notify', payload: { raffle: 7 } },
            { id: `${SIG('3')}:0:0:undecodable`, queue: 'q', name: 'ingest:undecodable', payload: undecodable, maxAttempts: 1 },
            { id: 'gone', queue: 'q', name: 'handler:ThresholdReached:gone', payload: { v: 2, ...v2, handler: 'gone' }, maxAttempts: 1 },
            { id: 'malformed', queue: 'q', name: 'handler:ThresholdReached:index', payload: { v: 3, ...v2 }, maxAttempts: 5 },
        ]);
        await worker.start();
        await until(async () => handled.length === 3 && tasks.length === 1 && (await store.getJob('malformed'))?.status === 'dead' && (await store.getJob('gone'))?.status === 'dead');
        expect(handled.sort((a, b) => a.ticketsSold - b.ticketsSold)).toEqual([
            { id: `${SIG('1')}:0:0`, ticketsSold: 1, kind: 'deliver' },
            { id: `${SIG('2')}:0:0`, ticketsSold: 2, kind: 'deliver' },
            { id: `${SIG('3')}:0:0`, ticketsSold: 3, kind: 'deliver' }, // the redriven dead letter decoded, was recorded and delivered
        ]);
        expect(tasks).toEqual([{ id: 'winner:7', payload: { raffle: 7 } }]);
        expect((await store.getEvent(position(SIG('3'))))?.name).toBe('ThresholdReached');
        const malformed = await store.getJob('malformed');
        expect([malformed?.attempts, malformed?.lastError]).toEqual([1, expect.stringContaining('the payload of a handler job is invalid: "v" must be one of 1, 2')]);
        expect((await store.getJob('gone'))?.lastError).toContain('no job kind "handler:ThresholdReached:gone"');
    });
});
