/**
 * The seam between sources and the pipeline: the event sink every source feeds (events found in
 * logs, failed transactions skipped, truncated ones dead-lettered, each transaction's keys in
 * input order, one recording per commitment), and the push source (accepts pushes only while it
 * runs, checks hostile input). A source of one's own needs nothing more than the sink.
 */
import { isRaffleError, RAFFLE_ERROR__INVALID_ARGUMENT, RAFFLE_ERROR__WORKER__STATE_INVALID } from '@raffle/errors';
import { getThresholdReachedEventEncoder, RWA_RAFFLE_EVENTS, RWA_RAFFLE_PROGRAM_ADDRESS } from '@raffle/client';
import { address } from '@solana/kit';
import { describe, expect, it } from 'vitest';

import { createWorkerEmitter } from '../../core/events';
import { TRUNCATED_JOB_NAME } from '../../ingestion/dead-letters';
import { createEventDecoder } from '../../ingestion/decoder';
import { createEventSink } from '../../ingestion/pipeline';
import { createPushSource } from '../../ingestion/sources/push';
import type { EventSink, EventSource, ObservedTransaction } from '../../ingestion/sources/types';
import { createHandlerRegistry } from '../../runtime/handlers';
import { createMemoryWorkerStore } from '../../store/memory/index';

const PROGRAM = RWA_RAFFLE_PROGRAM_ADDRESS;
const RAFFLE = address('So11111111111111111111111111111111111111112');

/** Logs of one top-level instruction of the program emitting `ThresholdReached` events. */
function logs(...ticketsSold: number[]): string[] {
    const data = ticketsSold.map(n => {
        const bytes = getThresholdReachedEventEncoder().encode({ raffle: RAFFLE, ticketsSold: n, drawSeed: new Uint8Array(32).fill(7), slot: 7n });
        return `Program data: ${Buffer.from(bytes).toString('base64')}`;
    });
    return [`Program ${PROGRAM} invoke [1]`, ...data, `Program ${PROGRAM} success`];
}

function setup() {
    const store = createMemoryWorkerStore();
    const decoder = createEventDecoder(RWA_RAFFLE_EVENTS);
    const events = createWorkerEmitter();
    const slots: bigint[] = [];
    const sink = createEventSink({
        store,
        decoder,
        handlers: createHandlerRegistry(decoder.names),
        events,
        queue: 'q',
        maxAttempts: 3,
        programAddress: PROGRAM,
        onSlot: slot => void slots.push(slot),
    });
    return { store, sink, events, slots };
}

const SIG = (digit: string) => digit.repeat(88);

describe('event sink', () => {
    it('records the events of successful transactions at their commitment, keys in input order; failed ones add nothing; truncated ones are dead-lettered', async () => {
        const { store, sink, events, slots } = setup();
        const received: string[] = [];
        events.on('event:received', ({ event, source }) => void received.push(`${event.id}@${source}`));
        const transactions: ObservedTransaction[] = [
            { signature: SIG('1'), slot: 10n, logs: logs(1, 2), err: null },
            { signature: SIG('2'), slot: 11n, logs: logs(3), err: { InstructionError: [0, 'Custom'] } },
            { signature: SIG('3'), slot: 12n, logs: logs(4), err: null, commitment: 'finalized' },
            { signature: SIG('4'), slot: 13n, logs: [...logs(5), 'Log truncated'], err: null },
        ];
        const result = await sink.record(transactions, { origin: 'backfill' });
        expect([result.events, result.truncated]).toEqual([4, 1]);
        expect(result.keys.map(keys => keys.map(k => `${k.signature[0]}:${k.instructionIndex}:${k.eventIndex}`))).toEqual([['1:0:0', '1:0:1'], [], ['3:0:0'], ['4:0:0']]);
        const stored = await store.listEvents({});
        expect(stored.map(e => `${e.signature[0]}:${e.eventIndex}:${e.commitment}`).sort()).toEqual(['1:0:confirmed', '1:1:confirmed', '3:0:finalized', '4:0:confirmed']);
        expect((await store.getJob(`${SIG('4')}:truncated`))?.name).toBe(TRUNCATED_JOB_NAME);
        expect(received.every(r => r.endsWith('@backfill'))).toBe(true);
        expect(slots.sort()).toEqual([10n, 12n, 13n]);
        // Idempotent: recording again adds nothing.
        await sink.record(transactions);
        expect(await store.listEvents({})).toHaveLength(4);
    });

    it('is all a source of one’s own needs', async () => {
        const { store, sink } = setup();
        const archive: EventSource = {
            name: 'archive',
            async run(target: EventSink, signal: AbortSignal) {
                for (const [i, n] of [7, 8].entries()) if (!signal.aborted) await target.record([{ signature: SIG(String(i + 5)), slot: BigInt(n), logs: logs(n), err: null }]);
            },
        };
        await archive.run(sink, new AbortController().signal);
        expect((await store.listEvents({})).map(e => e.slot)).toEqual([7n, 8n]);
    });
});

describe('push source', () => {
    it('records pushes only while it runs, and checks them first', async () => {
        const { store, sink } = setup();
        const push = createPushSource();
        const good: ObservedTransaction = { signature: SIG('6'), slot: 5n, logs: logs(6), err: null };
        const refusal = (e: unknown) => (isRaffleError(e, RAFFLE_ERROR__WORKER__STATE_INVALID) ? 'state' : isRaffleError(e, RAFFLE_ERROR__INVALID_ARGUMENT) ? 'invalid' : String(e));
        expect(await push.push([good]).catch(refusal)).toBe('state');
        const lifetime = new AbortController();
        const running = push.run(sink, lifetime.signal);
        expect(await push.push([{ ...good, slot: 5 as unknown as bigint }]).catch(refusal)).toBe('invalid');
        expect(await push.push('x' as unknown as ObservedTransaction[]).catch(refusal)).toBe('invalid');
        expect(await push.push([good, good])).toEqual({ events: 2, truncated: 0 });
        expect(await store.listEvents({})).toHaveLength(1);
        lifetime.abort();
        await running;
        expect(await push.push([good]).catch(refusal)).toBe('state');
    });
});
