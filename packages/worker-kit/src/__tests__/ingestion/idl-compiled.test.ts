/**
 * The compiled IDL decoders of `createEventDecoderTableFromIdl` against kit's codecs: on the real
 * program logs, on seeded random payloads of every raffle event (valid, truncated, with trailing
 * bytes, with bytes overwritten) against the generated `RWA_RAFFLE_EVENTS`, on a synthetic IDL
 * using every supported type against a table built from kit's codecs, and the 32-byte base58
 * encoder against kit's address decoder. Same values (`toStrictEqual`: bigint, `Option`,
 * `Uint8Array`, addresses) and the same decodable / not-decodable verdicts.
 */
import * as client from '@raffle/client';
import { RWA_RAFFLE_EVENTS } from '@raffle/client';
import { isRaffleError, RAFFLE_ERROR__INVALID_ARGUMENT } from '@raffle/errors';
import { rwaRaffleIdl } from '@raffle/program';
import { type Encoder, getAddressDecoder, isSolanaError, type ReadonlyUint8Array } from '@solana/kit';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';

import { createEventDecoder, type DecodeResult, type EventDecoderTable, type EventMapOf, extractProgramEvents } from '../../ingestion/decoder';
import { decodeAddressBytes } from '../../ingestion/base58-address';
import { type AnchorEventIdl, createEventDecoderTableFromIdl } from '../../ingestion/idl';
import { addressBytes, createKitReferenceTable, createPayloadGenerator, createRng, mutatePayload } from '../fixtures/idl-fuzz';
import { produceRealEventLogs, type RealEventLogs } from '../fixtures/real-event-logs';

type RaffleEvents = EventMapOf<typeof RWA_RAFFLE_EVENTS>;
const idl = rwaRaffleIdl as unknown as AnchorEventIdl;
const fastTable = createEventDecoderTableFromIdl<RaffleEvents>(rwaRaffleIdl);
const fast = createEventDecoder(fastTable);
const generated = createEventDecoder(RWA_RAFFLE_EVENTS);
const base64 = (bytes: ReadonlyUint8Array): string => Buffer.from(bytes).toString('base64');

/** What must agree between two decoders: the verdict, the event and the values (not the reason text). */
function verdict(result: DecodeResult): unknown {
    if (result.kind === 'decoded') return result;
    if (result.kind === 'malformed') return { kind: result.kind, name: result.name };
    return { kind: result.kind };
}

describe('createEventDecoderTableFromIdl on the real program logs', () => {
    let real: RealEventLogs;
    beforeAll(async () => {
        real = await produceRealEventLogs();
    });

    it('decodes every event to the values of the generated codecs', () => {
        const kinds = new Set<string>();
        let count = 0;
        for (const t of real.transactions) {
            for (const raw of extractProgramEvents(t.logs, real.programAddress).events) {
                const expected = generated.decode(raw.base64);
                expect(expected.kind).toBe('decoded');
                expect(fast.decode(raw.base64)).toStrictEqual(expected);
                if (expected.kind !== 'decoded') continue;
                kinds.add(expected.name);
                count++;
                // Through the table's decoder directly, also at an offset in a larger buffer.
                const bytes = new Uint8Array(Buffer.from(raw.base64, 'base64'));
                const name = expected.name as keyof typeof RWA_RAFFLE_EVENTS;
                const reference = RWA_RAFFLE_EVENTS[name].getDecoder();
                expect(fastTable[name].getDecoder().read(bytes, 0)).toStrictEqual(reference.read(bytes, 0));
                const padded = new Uint8Array(bytes.length + 7);
                padded.set(bytes, 5);
                expect(fastTable[name].getDecoder().read(padded, 5)).toStrictEqual([expected.data, 5 + bytes.length]);
                expect(fastTable[name].getDecoder().decode(bytes)).toStrictEqual(expected.data);
            }
        }
        expect(kinds.size).toBe(13);
        expect(count).toBeGreaterThanOrEqual(39);
    });

    it('gives kit value types: bigint, Address, Uint8Array, enum index', () => {
        const t = real.transactions.find(t => t.label === 'raffle #1: create')!;
        const [raw] = extractProgramEvents(t.logs, real.programAddress).events;
        const result = fast.decode(raw!.base64);
        if (result.kind !== 'decoded' || result.name !== 'RaffleCreated') throw new Error(JSON.stringify(result.kind));
        const data = result.data as RaffleEvents['RaffleCreated'];
        expect(typeof data.ticketPrice).toBe('bigint');
        expect(typeof data.deadline).toBe('bigint');
        expect(typeof data.maxTickets).toBe('number');
        expect(data.enterpriseId).toBeInstanceOf(Uint8Array);
        expect(data.raffle).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
        expect([0, 1]).toContain(data.refundMode);
    });
});

describe('createEventDecoderTableFromIdl on random raffle payloads', () => {
    const names = Object.keys(RWA_RAFFLE_EVENTS) as (keyof typeof RWA_RAFFLE_EVENTS)[];

    it('has the generated table’s events, discriminators and fixed sizes', () => {
        expect(Object.keys(fastTable).sort()).toEqual([...names].sort());
        for (const name of names) {
            expect(fastTable[name].discriminator).toStrictEqual(RWA_RAFFLE_EVENTS[name].discriminator);
            expect(fastTable[name].name).toBe(name);
            expect((fastTable[name].getDecoder() as { fixedSize?: number }).fixedSize).toBe((RWA_RAFFLE_EVENTS[name].getDecoder() as { fixedSize?: number }).fixedSize);
        }
    });

    it('valid payloads (also re-encoded with the generated encoders) decode to the same values', () => {
        const rng = createRng(0x5eed);
        const payload = createPayloadGenerator(idl, rng);
        for (const name of names) {
            const encoder = (client as unknown as Record<string, () => Encoder<unknown>>)[`get${name}EventEncoder`]!();
            for (let i = 0; i < 200; i++) {
                const bytes = payload(name);
                const expected = generated.decode(base64(bytes));
                expect(expected, `${name} #${i}`).toMatchObject({ kind: 'decoded', name });
                expect(fast.decode(base64(bytes))).toStrictEqual(expected);
                if (expected.kind !== 'decoded') continue;
                const encoded = encoder.encode(expected.data);
                expect(fast.decode(base64(encoded))).toStrictEqual(generated.decode(base64(encoded)));
            }
        }
    });

    it('truncated, extended and overwritten payloads get the same verdicts and values', () => {
        const rng = createRng(0xbad);
        const payload = createPayloadGenerator(idl, rng);
        const seen = new Set<string>();
        for (const name of names) {
            for (let i = 0; i < 300; i++) {
                const bytes = mutatePayload(payload(name), rng);
                const expected = generated.decode(base64(bytes));
                seen.add(expected.kind);
                expect(verdict(fast.decode(base64(bytes))), `${name} ${Buffer.from(bytes).toString('hex')}`).toStrictEqual(verdict(expected));
            }
            // Every truncation of one payload, and one trailing byte.
            const whole = payload(name);
            for (let n = 0; n <= whole.length + 1; n++) {
                const bytes = n <= whole.length ? whole.subarray(0, n) : new Uint8Array([...whole, 0]);
                expect(verdict(fast.decode(base64(bytes))), `${name} cut at ${n}`).toStrictEqual(verdict(generated.decode(base64(bytes))));
            }
        }
        expect([...seen].sort()).toEqual(['decoded', 'malformed', 'unknown']);
    });

    it('rejects an enum index out of range, as the generated codecs do', () => {
        const bytes = createPayloadGenerator(idl, createRng(3))('TicketsPurchased');
        // paid_with (PaymentKind: Token, Voucher) is at 8 + 32 * 3 + 4 * 3 + 8.
        bytes[8 + 96 + 12 + 8] = 2;
        expect(generated.decode(base64(bytes))).toMatchObject({ kind: 'malformed', name: 'TicketsPurchased' });
        expect(fast.decode(base64(bytes))).toMatchObject({ kind: 'malformed', name: 'TicketsPurchased', reason: expect.stringMatching(/discriminator/i) });
    });

    it('throws kit errors from the decoder itself: short data, wrong discriminator', () => {
        const decoder = fastTable.ThresholdReached.getDecoder();
        const bytes = createPayloadGenerator(idl, createRng(4))('ThresholdReached');
        expect(() => decoder.decode(bytes.subarray(0, 20))).toThrow();
        try {
            decoder.decode(bytes.subarray(0, 20));
        } catch (e) {
            expect(isSolanaError(e)).toBe(true);
        }
        const other = bytes.slice();
        other[0] = other[0]! ^ 1;
        expect(() => decoder.decode(other)).toThrow();
        expect(() => RWA_RAFFLE_EVENTS.ThresholdReached.getDecoder().decode(other)).toThrow();
    });
});

describe('decodeAddressBytes (base58 of 32 bytes)', () => {
    const kit = getAddressDecoder();

    it('matches kit on edge values', () => {
        const cases: Uint8Array[] = [new Uint8Array(32), new Uint8Array(32).fill(0xff), new Uint8Array(32).fill(1)];
        for (let zeros = 0; zeros <= 32; zeros++) {
            cases.push(Object.assign(new Uint8Array(32).fill(0xff), new Uint8Array(zeros)));
            const one = new Uint8Array(32);
            if (zeros < 32) one[zeros] = 1;
            cases.push(one);
        }
        for (let bit = 0; bit < 256; bit++) {
            const b = new Uint8Array(32);
            b[31 - (bit >> 3)] = 1 << (bit & 7);
            cases.push(b);
        }
        for (const bytes of cases) expect(decodeAddressBytes(bytes)).toBe(kit.decode(bytes));
        expect(decodeAddressBytes(new Uint8Array(32))).toBe('11111111111111111111111111111111');
        expect(decodeAddressBytes(new Uint8Array(32).fill(0xff))).toBe('JEKNVnkbo3jma5nREBBJCDoXFVeKkD56V3xKrvRmWxFG');
    });

    it('matches kit on random values, at any offset', () => {
        const rng = createRng(58);
        for (let i = 0; i < 20_000; i++) {
            const offset = rng.int(4);
            const buffer = rng.bytes(offset + 32 + rng.int(3));
            buffer.set(addressBytes(rng), offset);
            expect(decodeAddressBytes(buffer, offset)).toBe(kit.read(buffer, offset)[0]);
        }
    });

    it('matches kit on 100k+ seeded keys: every count of leading zero bytes, all 0xff, one non-zero byte anywhere, base58 digit boundaries', () => {
        const rng = createRng(0x58_58);
        const keys: Uint8Array[] = [];
        // Deterministic edges: 0xff after 0..32 zero bytes; one byte of each kind at each position;
        // 58^j - 1, 58^j and 58^j + 1 (a carry across every base58 digit, and across the 58^5
        // digits of the encoder) for every 58^j + 1 below 2^256.
        for (let zeros = 0; zeros <= 32; zeros++) keys.push(Object.assign(new Uint8Array(32).fill(0xff), new Uint8Array(zeros)));
        for (let position = 0; position < 32; position++) {
            for (const value of [1, 2, 57, 58, 0x7f, 0x80, 0xfe, 0xff]) keys.push(Object.assign(new Uint8Array(32), { [position]: value }));
        }
        const bigEndian = (n: bigint): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * (31 - i))) & 0xffn));
        for (let power = 1n; power + 1n < 1n << 256n; power *= 58n) for (const n of [power - 1n, power, power + 1n]) keys.push(bigEndian(n));
        // Random keys, a quarter each: uniform; 0..32 leading zero bytes then a non-zero byte; 0xff
        // after 0..32 zero bytes with a few random bytes; sparse (most bytes zero or 0xff).
        for (let i = 0; i < 100_000; i++) {
            const kind = i % 4;
            const bytes = rng.bytes(32);
            const zeros = rng.int(33);
            if (kind === 1) {
                bytes.fill(0, 0, zeros);
                if (zeros < 32) bytes[zeros] = 1 + rng.int(255);
            } else if (kind === 2) {
                bytes.fill(0xff).fill(0, 0, zeros);
                for (let n = rng.int(4); n > 0; n--) bytes[zeros + rng.int(32 - zeros)] = rng.int(256);
            } else if (kind === 3) {
                for (let i = 0; i < 32; i++) if (rng.int(8) !== 0) bytes[i] = rng.int(2) === 0 ? 0 : 0xff;
            }
            keys.push(bytes);
        }
        const counts = new Set<number>();
        const mismatches: string[] = [];
        for (const [i, key] of keys.entries()) {
            // One key in eight at an offset in a larger buffer.
            const offset = i % 8 === 0 ? 1 + rng.int(7) : 0;
            const buffer = offset === 0 ? key : rng.bytes(offset + 32 + rng.int(3));
            if (offset !== 0) buffer.set(key, offset);
            const expected = kit.read(buffer, offset)[0];
            const actual = decodeAddressBytes(buffer, offset);
            if (actual !== expected && mismatches.length < 10) mismatches.push(`${Buffer.from(key).toString('hex')}: ${actual} instead of ${expected}`);
            let zeros = 0;
            while (zeros < 32 && key[zeros] === 0) zeros++;
            counts.add(zeros);
        }
        expect(mismatches).toEqual([]);
        expect(keys.length).toBeGreaterThan(100_000);
        expect(counts.size).toBe(33);
    });
});

/** Every supported IDL type, in events of several shapes. */
const synthetic = {
    events: [
        { name: 'Numbers', discriminator: [1, 1, 1, 1, 1, 1, 1, 1] },
        { name: 'Variable', discriminator: [2, 2, 2, 2, 2, 2, 2, 2] },
        { name: 'Nested', discriminator: [3] },
        { name: 'Tail', discriminator: [4, 4, 4, 4, 4, 4, 4, 4] },
        { name: 'Empty', discriminator: [5, 5, 5, 5, 5, 5, 5, 5] },
    ],
    types: [
        {
            name: 'Numbers',
            type: {
                kind: 'struct',
                fields: ['bool', 'u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64', 'u128', 'i128', 'f32', 'f64', 'pubkey', 'publicKey'].map(t => ({ name: `field_${t}`, type: t })),
            },
        },
        {
            name: 'Variable',
            type: {
                kind: 'struct',
                fields: [
                    { name: 'label', type: 'string' },
                    { name: 'blob', type: 'bytes' },
                    { name: 'small', type: { vec: 'u16' } },
                    { name: 'keys', type: { vec: 'pubkey' } },
                    { name: 'maybe_amount', type: { option: 'u64' } },
                    { name: 'maybe_label', type: { option: 'string' } },
                    { name: 'maybe_maybe', type: { option: { option: 'u8' } } },
                    { name: 'seed', type: { array: ['u8', 4] } },
                    { name: 'nothing', type: { array: ['u8', 0] } },
                    { name: 'deltas', type: { array: ['i16', 3] } },
                    { name: 'pair', type: { array: ['pubkey', 2] } },
                    { name: 'kind', type: { defined: { name: 'Kind' } } },
                    { name: 'action', type: { defined: 'Action' } },
                    { name: 'point', type: { defined: { name: 'Point' } } },
                ],
            },
        },
        {
            name: 'Nested',
            type: {
                kind: 'struct',
                fields: [
                    { name: 'entries', type: { vec: { defined: { name: 'Entry' } } } },
                    { name: 'maybe_entry', type: { option: { defined: { name: 'Entry' } } } },
                    { name: 'matrix', type: { vec: { vec: 'u8' } } },
                    { name: 'actions', type: { array: [{ defined: { name: 'Action' } }, 2] } },
                ],
            },
        },
        { name: 'Tail', type: { kind: 'struct', fields: [{ name: 'head', type: 'u8' }, { name: 'rest', type: { vec: 'u32' } }] } },
        { name: 'Empty', type: { kind: 'struct', fields: [] } },
        { name: 'Kind', type: { kind: 'enum', variants: [{ name: 'A' }, { name: 'B' }, { name: 'C' }] } },
        {
            name: 'Action',
            type: {
                kind: 'enum',
                variants: [
                    { name: 'Stop' },
                    { name: 'Move', fields: [{ name: 'to_x', type: 'i32' }, { name: 'to_y', type: 'i32' }] },
                    { name: 'Say', fields: ['string', { option: 'bool' }] },
                    { name: 'Pay', fields: [{ name: 'payer', type: 'pubkey' }, { name: 'amount', type: 'u64' }, { name: 'kind', type: { defined: { name: 'Kind' } } }] },
                ],
            },
        },
        { name: 'Point', type: { kind: 'struct', fields: ['i64', 'u8'] } },
        { name: 'Entry', type: { kind: 'struct', fields: [{ name: 'owner', type: 'pubkey' }, { name: 'weight', type: 'u32' }, { name: 'note', type: { option: 'bytes' } }] } },
    ],
} as const satisfies AnchorEventIdl;

describe('createEventDecoderTableFromIdl with every supported type', () => {
    const table = createEventDecoderTableFromIdl(synthetic);
    const compiled = createEventDecoder(table);
    const reference = createEventDecoder(createKitReferenceTable(synthetic));

    it('random valid payloads decode to kit’s values', () => {
        const rng = createRng(0xc0dec);
        const payload = createPayloadGenerator(synthetic, rng);
        for (const { name } of synthetic.events) {
            for (let i = 0; i < 500; i++) {
                const bytes = payload(name);
                const expected = reference.decode(base64(bytes));
                expect(expected, `${name} ${Buffer.from(bytes).toString('hex')}`).toMatchObject({ kind: 'decoded', name });
                expect(compiled.decode(base64(bytes))).toStrictEqual(expected);
            }
        }
    });

    it('random truncations, trailing bytes and overwritten bytes get kit’s verdicts and values', () => {
        const rng = createRng(0xfeed);
        const payload = createPayloadGenerator(synthetic, rng);
        for (const { name } of synthetic.events) {
            for (let i = 0; i < 1000; i++) {
                const bytes = mutatePayload(payload(name), rng);
                expect(verdict(compiled.decode(base64(bytes))), `${name} ${Buffer.from(bytes).toString('hex')}`).toStrictEqual(verdict(reference.decode(base64(bytes))));
            }
        }
    });

    it('decodes kit’s shapes: Option, data enums, tuples, bytes', () => {
        const bytes = createPayloadGenerator(synthetic, createRng(9))('Variable');
        const result = compiled.decode(base64(bytes));
        if (result.kind !== 'decoded') throw new Error(result.kind);
        const data = result.data as Record<string, unknown>;
        expect(Object.keys(data)).toEqual(['label', 'blob', 'small', 'keys', 'maybeAmount', 'maybeLabel', 'maybeMaybe', 'seed', 'nothing', 'deltas', 'pair', 'kind', 'action', 'point']);
        expect(['Some', 'None']).toContain((data.maybeAmount as { __option: string }).__option);
        expect(data.blob).toBeInstanceOf(Uint8Array);
        expect(data.nothing).toStrictEqual(new Uint8Array(0));
        expect(Object.keys(data.point as object)).toEqual(['0', '1']);
        expect(['Stop', 'Move', 'Say', 'Pay']).toContain((data.action as { __kind: string }).__kind);
    });

    it('keeps kit’s quirks: a Vec absent at the very end is empty; an option prefix other than 1 is None', () => {
        const tail = new Uint8Array([4, 4, 4, 4, 4, 4, 4, 4, 7]);
        expect(compiled.decode(base64(tail))).toStrictEqual({ kind: 'decoded', name: 'Tail', data: { head: 7, rest: [] } });
        expect(reference.decode(base64(tail))).toStrictEqual(compiled.decode(base64(tail)));
        const bytes = createPayloadGenerator(synthetic, createRng(1))('Nested');
        const bad = Uint8Array.from([3, 0, 0, 0, 0, 2, ...bytes.subarray(6)]);
        expect(verdict(compiled.decode(base64(bad)))).toStrictEqual(verdict(reference.decode(base64(bad))));
    });

    it('a fixed-size layout gets a fixed-size decoder', () => {
        expect((table.Numbers!.getDecoder() as { fixedSize?: number }).fixedSize).toBe(8 + 1 + 1 + 1 + 2 + 2 + 4 + 4 + 8 + 8 + 16 + 16 + 4 + 8 + 32 + 32);
        expect((table.Variable!.getDecoder() as { fixedSize?: number }).fixedSize).toBeUndefined();
        expect(compiled.decode(base64(new Uint8Array(8).fill(5)))).toStrictEqual({ kind: 'decoded', name: 'Empty', data: {} });
    });

    it('refuses IDLs it cannot decode, when the table is built', () => {
        const cases: AnchorEventIdl[] = [
            { events: [{ name: 'E', discriminator: [1] }] },
            { events: [{ name: 'E', discriminator: [1] }], types: [{ name: 'E', type: { kind: 'struct', fields: [{ name: 'x', type: 'u256' }] } }] },
            { events: [{ name: 'E', discriminator: [1] }], types: [{ name: 'E', type: { kind: 'struct', fields: [{ name: 'x', type: { defined: { name: 'E' } } }] } }] },
            { events: [{ name: 'E', discriminator: [] }], types: [{ name: 'E', type: { kind: 'struct', fields: [] } }] },
        ];
        for (const bad of cases) {
            let error: unknown;
            try {
                createEventDecoderTableFromIdl(bad);
            } catch (e) {
                error = e;
            }
            expect(isRaffleError(error, RAFFLE_ERROR__INVALID_ARGUMENT)).toBe(true);
        }
    });
});

describe('createEventDecoderTableFromIdl types', () => {
    it('is typed by its type argument, and like any table without one', () => {
        expectTypeOf<EventMapOf<typeof fastTable>>().toEqualTypeOf<RaffleEvents>();
        expectTypeOf(fastTable.ThresholdReached.getDecoder().decode).returns.toEqualTypeOf<client.ThresholdReachedEvent>();
        expectTypeOf(fastTable).toMatchTypeOf<EventDecoderTable>();
        expectTypeOf(createEventDecoderTableFromIdl(idl)).toEqualTypeOf<EventDecoderTable>();
        expectTypeOf(createEventDecoder(fastTable).names).toEqualTypeOf<readonly (keyof RaffleEvents)[]>();
    });
});
