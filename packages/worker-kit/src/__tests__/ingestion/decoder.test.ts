import { getThresholdReachedEventEncoder, RWA_RAFFLE_EVENTS, RWA_RAFFLE_PROGRAM_ADDRESS } from '@raffle/client';
import { address } from '@solana/kit';
import { describe, expect, it } from 'vitest';

import { createEventDecoder, extractProgramEvents } from '../../ingestion/decoder';
import { compareEventPositions, eventId, parseEventId, toJsonValue } from '../../ingestion/identity';

const PROGRAM = RWA_RAFFLE_PROGRAM_ADDRESS;
const OTHER = 'Other11111111111111111111111111111111111111';
const RAFFLE = address('So11111111111111111111111111111111111111112');

function thresholdPayload(): string {
    const bytes = getThresholdReachedEventEncoder().encode({ raffle: RAFFLE, ticketsSold: 10, drawSeed: new Uint8Array(32).fill(7), slot: 1_750_000_000n });
    return Buffer.from(bytes).toString('base64');
}

describe('extractProgramEvents', () => {
    it('numbers payloads by top-level instruction and position, only for the program (also by CPI)', () => {
        const p = thresholdPayload();
        const logs = [
            'Program Ed25519SigVerify111111111111111111111111111 invoke [1]',
            'Program Ed25519SigVerify111111111111111111111111111 success',
            `Program ${PROGRAM} invoke [1]`,
            `Program data: ${p}`,
            `Program ${OTHER} invoke [2]`,
            `Program data: ${p}`,
            `Program ${OTHER} success`,
            `Program data: ${p}`,
            `Program ${PROGRAM} success`,
            `Program ${OTHER} invoke [1]`,
            `Program ${PROGRAM} invoke [2]`,
            `Program data: ${p}`,
            `Program ${PROGRAM} success`,
            `Program ${OTHER} success`,
        ];
        const { events, truncated } = extractProgramEvents(logs, PROGRAM);
        expect(truncated).toBe(false);
        expect(events.map(e => [e.instructionIndex, e.eventIndex])).toEqual([
            [1, 0],
            [1, 1],
            [2, 0],
        ]);
    });

    it('reports truncated logs', () => {
        expect(extractProgramEvents([`Program ${PROGRAM} invoke [1]`, 'Log truncated'], PROGRAM).truncated).toBe(true);
    });

    it('hostile invoke depths (0, absurd, beyond 2^32) never throw: what came before is kept, the rest is treated as truncated', () => {
        const p = thresholdPayload();
        for (const depth of ['0', '65', '4294967296', '99999999999999999999']) {
            const logs = [`Program ${PROGRAM} invoke [1]`, `Program data: ${p}`, `Program ${PROGRAM} invoke [${depth}]`, `Program data: ${p}`, `Program ${PROGRAM} success`];
            const result = extractProgramEvents(logs, PROGRAM);
            expect(result.truncated, depth).toBe(true);
            expect(result.events.map(e => [e.instructionIndex, e.eventIndex])).toEqual([[0, 0]]);
        }
        // The deepest real nesting still parses.
        const deep = [`Program ${OTHER} invoke [1]`, ...Array.from({ length: 8 }, (_, i) => `Program ${OTHER} invoke [${i + 2}]`), `Program ${PROGRAM} invoke [10]`, `Program data: ${p}`];
        expect(extractProgramEvents(deep, PROGRAM)).toMatchObject({ truncated: false, events: [{ instructionIndex: 0, eventIndex: 0 }] });
    });
});

describe('createEventDecoder', () => {
    const decoder = createEventDecoder(RWA_RAFFLE_EVENTS);

    it('decodes a known event with the generated decoder', () => {
        const result = decoder.decode(thresholdPayload());
        expect(result.kind).toBe('decoded');
        if (result.kind === 'decoded') {
            expect(result.name).toBe('ThresholdReached');
            expect(toJsonValue(result.data)).toMatchObject({ raffle: RAFFLE, slot: '1750000000' });
        }
    });

    it('never throws: unknown, truncated and non-base64 payloads are classified', () => {
        expect(decoder.decode(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9]).toString('base64')).kind).toBe('unknown');
        const cut = Buffer.from(thresholdPayload(), 'base64').subarray(0, 12).toString('base64');
        expect(decoder.decode(cut)).toMatchObject({ kind: 'malformed', name: 'ThresholdReached' });
        expect(decoder.decode('%%%')).toMatchObject({ kind: 'malformed', name: null });
    });
});

describe('event identity and order', () => {
    it('round-trips ids and orders by slot, position, instruction, event', () => {
        const sig = '5'.repeat(64);
        expect(parseEventId(eventId({ signature: sig, instructionIndex: 2, eventIndex: 3 }))).toEqual({ signature: sig, instructionIndex: 2, eventIndex: 3 });
        expect(parseEventId('nope')).toBeNull();
        const a = { signature: 'b', instructionIndex: 0, eventIndex: 1, slot: 5n, transactionIndex: 0 };
        const b = { signature: 'a', instructionIndex: 0, eventIndex: 0, slot: 5n, transactionIndex: 1 };
        const c = { signature: 'c', instructionIndex: 1, eventIndex: 0, slot: 4n };
        expect([a, b, c].sort(compareEventPositions)).toEqual([c, a, b]);
    });
});
