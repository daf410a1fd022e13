import { getThresholdReachedEventEncoder, RWA_RAFFLE_EVENTS, RWA_RAFFLE_PROGRAM_ADDRESS } from '@raffle/client';
import { address, createDecoder, type ReadonlyUint8Array } from '@solana/kit';
import { describe, expect, it } from 'vitest';

import { createEventDecoder, type EventDecoderTable, type ExtractedEvents, extractProgramEvents, type RawProgramEvent } from '../../ingestion/decoder';
import { compareEventPositions, eventId, parseEventId, toJsonValue } from '../../core/identity';
import { createRng } from '../fixtures/idl-fuzz';

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

/**
 * The reference for `extractProgramEvents`: the same parser with every regex run on every line
 * (how it was written before prefix checks decided which regex, if any, can match a line).
 */
function extractWithRegexesOnly(logs: readonly string[], programAddress: string): ExtractedEvents {
    const INVOKE = /^Program (\S+) invoke \[(\d+)\]$/;
    const SUCCESS = /^Program (\S+) success$/;
    const FAILED = /^Program (\S+) failed: /;
    const stack: string[] = [];
    const events: RawProgramEvent[] = [];
    let instructionIndex = -1;
    let eventIndex = 0;
    let truncated = false;
    for (const line of logs) {
        if (typeof line !== 'string') continue;
        if (line === 'Log truncated') {
            truncated = true;
            continue;
        }
        const invoke = INVOKE.exec(line);
        if (invoke) {
            const depth = Number(invoke[2]);
            if (!(depth >= 1 && depth <= 64)) {
                truncated = true;
                break;
            }
            if (depth === 1) {
                instructionIndex++;
                eventIndex = 0;
            }
            stack.length = Math.max(0, depth - 1);
            stack.push(invoke[1]!);
            continue;
        }
        const done = SUCCESS.exec(line) ?? FAILED.exec(line);
        if (done) {
            if (stack[stack.length - 1] === done[1]) stack.pop();
            continue;
        }
        if (line.startsWith('Program data: ') && stack[stack.length - 1] === programAddress) {
            const fields = line.slice('Program data: '.length).split(' ');
            if (fields.length !== 1 || fields[0] === '') continue;
            events.push({ instructionIndex: Math.max(instructionIndex, 0), eventIndex: eventIndex++, base64: fields[0]! });
        }
    }
    return { events, truncated };
}

describe('extractProgramEvents against the plain regexes', () => {
    it('same events, numbering and truncation on random logs of real, odd and hostile lines', () => {
        const rng = createRng(2024);
        const p = thresholdPayload();
        // Lines the runtime writes, in plausible nesting...
        const real = [
            ...[1, 2, 3].flatMap(depth => [`Program ${PROGRAM} invoke [${depth}]`, `Program ${OTHER} invoke [${depth}]`]),
            `Program ${PROGRAM} success`,
            `Program ${OTHER} success`,
            `Program ${PROGRAM} failed: custom program error: 0x1`,
            `Program ${PROGRAM} consumed 2540 of 200000 compute units`,
            `Program data: ${p}`,
            'Program log: Instruction: Join',
            'Log truncated',
        ];
        // ...and lines assembled from pieces that sit on every boundary of the three regexes: the
        // program token (empty, `data:`, with a tab or a no-break space), the separator (space,
        // tab, two spaces, none) and what follows (near misses of invoke, success and failed).
        const heads = ['Program ', 'Program  ', 'program ', '', 'Program data: ', 'Program log: ', 'Log truncated'];
        const programs = [PROGRAM, OTHER, 'data:', 'data', '', 'a\tb', 'x\u00a0y', 'Program'];
        const separators = [' ', ' ', ' ', '\t', '  ', '\u00a0', ''];
        const tails = [
            'invoke [1]', 'invoke [2]', 'invoke [3]', 'invoke [0]', 'invoke [65]', 'invoke [01]', 'invoke [1] ', 'invoke [1]\n',
            'invoke [x]', 'invoke [', 'invoke  [1]', 'success', 'success ', 'successful', 'success\t', 'failed: boom', 'failed:',
            'failed:  x', 'failed', p, `${p} ${p}`, ` ${p}`, '', 'consumed 1 of 2 compute units',
        ];
        const whole = [`Program data: ${p}`, 'Program data: invoke [1]', 'Program data: success', 'Program data: failed: x', 'Program data: ', 'Program data:', 'Program  data: x'];
        const line = (): string => {
            const r = rng.int(10);
            if (r < 5) return rng.pick(real);
            if (r === 5) return rng.pick(whole);
            return rng.pick(heads) + rng.pick(programs) + rng.pick(separators) + rng.pick(tails);
        };
        let events = 0;
        for (let i = 0; i < 20_000; i++) {
            const logs: unknown[] = Array.from({ length: 1 + rng.int(20) }, line);
            if (rng.int(20) === 0) logs.splice(rng.int(logs.length), 0, rng.pick([null, 42, undefined]));
            const expected = extractWithRegexesOnly(logs as string[], PROGRAM);
            expect(extractProgramEvents(logs as string[], PROGRAM)).toEqual(expected);
            events += expected.events.length;
        }
        expect(events).toBeGreaterThan(1_000);
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

    it('accepts padded standard base64 only', () => {
        // Node's decoder would skip or accept most of these: the check before it rejects them.
        for (const payload of ['AAA', 'AAAAA', 'AA=A', 'A===', '====', 'AA==AAAA', '-_AA', 'AA-A', 'AAAA\n', ' AAAA', 'AA AA', '\u00c0AAA', 'AAA\u0141']) {
            expect(decoder.decode(payload), payload).toEqual({ kind: 'malformed', name: null, reason: 'the payload is not base64' });
        }
        for (const payload of ['', 'AA==', 'AAA=', 'AAAA', 'AB==', '++//']) expect(decoder.decode(payload).kind, payload).toBe('unknown');
    });

    it('hands decoders a plain Uint8Array of the payload, read at its byteOffset', () => {
        const seen: ReadonlyUint8Array[] = [];
        const table: EventDecoderTable = {
            Probe: {
                name: 'Probe',
                discriminator: new Uint8Array([9]),
                getDecoder: () => createDecoder({ read: (bytes: ReadonlyUint8Array, offset: number) => (seen.push(bytes), [Array.from(bytes.subarray(offset + 1)), bytes.length]) }),
            },
        };
        const probe = createEventDecoder(table);
        for (const payload of [[9], [9, 1, 2, 3], [9, ...Array.from({ length: 600 }, (_, i) => i & 0xff)]]) {
            expect(probe.decode(Buffer.from(payload).toString('base64'))).toEqual({ kind: 'decoded', name: 'Probe', data: payload.slice(1) });
        }
        for (const bytes of seen) expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
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
