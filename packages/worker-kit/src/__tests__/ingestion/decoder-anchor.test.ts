/**
 * Our event decoding cross-checked against Anchor's `EventParser` on real logs: the reference
 * program on `@raffle/localnet` (LiteSVM) runs config updates and four raffle lifecycles, and
 * every transaction's `meta.logMessages` is decoded by both. Same events, same order, same
 * field values (compared as strings through the IDL). The decode benchmark
 * (`pnpm bench decode`) times the same comparison.
 */
import type { EventParser } from '@coral-xyz/anchor';
import { RWA_RAFFLE_EVENTS } from '@raffle/client';
import { rwaRaffleIdl } from '@raffle/program';
import { beforeAll, describe, expect, it } from 'vitest';

import { createEventDecoder, extractProgramEvents } from '../../ingestion/decoder';
import { type AnchorEventIdl, createEventDecoderTableFromIdl } from '../../ingestion/idl';
import { anchorEvents, type CanonicalEvent, createAnchorEventParser, createCanonicalizer, ourEvents } from '../fixtures/anchor-events';
import { produceRealEventLogs, type RealEventLogs } from '../fixtures/real-event-logs';

const idl = rwaRaffleIdl as unknown as AnchorEventIdl & Parameters<typeof createCanonicalizer>[0];
const canon = createCanonicalizer(idl);
let real: RealEventLogs;
let parser: EventParser;
let expected: CanonicalEvent[][];

beforeAll(async () => {
    real = await produceRealEventLogs();
    parser = createAnchorEventParser(real.programAddress, rwaRaffleIdl);
    expected = real.transactions.map(t => anchorEvents(parser, t.logs, canon));
});

describe('event decoding against Anchor EventParser on real logs', () => {
    it('the logs cover every event of the IDL, single- and multi-event transactions', () => {
        const names = new Set(expected.flat().map(e => e.name));
        expect([...names].sort()).toEqual((idl.events ?? []).map(e => e.name).sort());
        const counts = expected.map(events => events.length);
        expect(counts).toContain(1);
        expect(Math.max(...counts)).toBeGreaterThanOrEqual(4);
        const soldOut = real.transactions.findIndex(t => t.label.includes('sells out'));
        expect(expected[soldOut]!.map(e => e.name)).toEqual(['TicketsPurchased', 'ThresholdReached']);
    });

    for (const [label, table] of [
        ['the generated codecs (RWA_RAFFLE_EVENTS)', RWA_RAFFLE_EVENTS],
        ['the IDL table (createEventDecoderTableFromIdl)', createEventDecoderTableFromIdl(idl)],
    ] as const) {
        it(`gives the same events as Anchor with ${label}`, () => {
            const decoder = createEventDecoder(table);
            for (const [i, t] of real.transactions.entries()) {
                expect({ transaction: t.label, events: ourEvents(decoder, t.logs, real.programAddress, canon) }).toEqual({ transaction: t.label, events: expected[i] });
            }
        });
    }

    it('the comparison sees a changed value, field or variant', () => {
        const decoder = createEventDecoder(RWA_RAFFLE_EVENTS);
        const t = real.transactions.find(t => t.label === 'raffle #1: create')!;
        const [raw] = extractProgramEvents(t.logs, real.programAddress).events;
        const result = decoder.decode(raw!.base64);
        if (result.kind !== 'decoded') throw new Error(result.kind);
        const data = result.data as Record<string, unknown>;
        const reference = canon.ours(result.name, data);
        expect(reference).toEqual(expected[real.transactions.indexOf(t)]![0]);
        expect(canon.ours(result.name, { ...data, ticketPrice: (data.ticketPrice as bigint) + 1n })).not.toEqual(reference);
        expect(canon.ours(result.name, { ...data, refundMode: 1 })).not.toEqual(reference);
        expect(canon.ours(result.name, { ...data, enterpriseId: new Uint8Array(16) })).not.toEqual(reference);
        const { slot: _slot, ...withoutSlot } = data;
        expect(() => canon.ours(result.name, withoutSlot)).toThrow(/missing field slot/);
        expect(() => canon.ours(result.name, { ...data, extra: 1 })).toThrow(/unexpected field/);
    });

    it('numbers the events by top-level instruction and position', () => {
        const multi = real.transactions.find(t => t.label.startsWith('4 x update_config'))!;
        expect(extractProgramEvents(multi.logs, real.programAddress).events.map(e => [e.instructionIndex, e.eventIndex])).toEqual([
            [0, 0],
            [1, 0],
            [2, 0],
            [3, 0],
        ]);
        const refund = real.transactions.find(t => t.label === 'raffle #3: refund batch 1/1')!;
        expect(extractProgramEvents(refund.logs, real.programAddress).events.map(e => e.eventIndex)).toEqual([0, 1, 2, 3]);
    });
});
