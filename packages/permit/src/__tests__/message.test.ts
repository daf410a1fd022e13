import {
    RAFFLE_ERROR__INVALID_ARGUMENT,
    RAFFLE_ERROR__PERMIT__FIELD_INVALID,
    RAFFLE_ERROR__PERMIT__MESSAGE_LENGTH_INVALID,
    RAFFLE_ERROR__PERMIT__MESSAGE_MAGIC_INVALID,
    isRaffleError,
} from '@raffle/errors';
import {
    type Address,
    fixEncoderSize,
    getAddressEncoder,
    getBytesEncoder,
    getI64Encoder,
    getStructEncoder,
    getU32Encoder,
    getU64Encoder,
    getU8Encoder,
    getUtf8Encoder,
} from '@solana/kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
    PERMIT_MESSAGE_LENGTH,
    PERMIT_MESSAGE_MAGIC,
    type PermitFields,
    decodePermitMessage,
    encodePermitMessage,
    getPermitMessageCodec,
    getPermitMessageDecoder,
    getPermitMessageEncoder,
    getPermitMessageMagicBytes,
} from '../index';
import { FIELDS, I64_MAX, U64_MAX, permitFieldsArbitrary } from './fixtures/permit-fields';

/**
 * An independent encoder of the spec's layout, from kit's stock codecs only: the optimized
 * encoder must produce the same bytes.
 */
const referenceEncoder = getStructEncoder([
    ['magic', fixEncoderSize(getUtf8Encoder(), 20)],
    ['programId', getAddressEncoder()],
    ['config', getAddressEncoder()],
    ['organizer', getAddressEncoder()],
    ['raffleId', getU64Encoder()],
    ['tier', getU8Encoder()],
    ['enterpriseId', fixEncoderSize(getBytesEncoder(), 16)],
    ['prizeMint', getAddressEncoder()],
    ['prizeAmount', getU64Encoder()],
    ['paymentMint', getAddressEncoder()],
    ['ticketPrice', getU64Encoder()],
    ['maxTickets', getU32Encoder()],
    ['deadline', getI64Encoder()],
    ['refundMode', getU8Encoder()],
    ['expiresAt', getI64Encoder()],
]);

function reference(fields: PermitFields): Uint8Array {
    return Uint8Array.from(
        referenceEncoder.encode({
            ...fields,
            magic: PERMIT_MESSAGE_MAGIC,
            refundMode: fields.refundMode === 'vouchers' ? 1 : 0,
        }),
    );
}

function expectCode(fn: () => unknown, code: number, context?: Record<string, unknown>): void {
    try {
        fn();
    } catch (e) {
        expect(isRaffleError(e)).toBe(true);
        expect((e as { code: number }).code).toBe(code);
        if (context) expect((e as { context: unknown }).context).toMatchObject(context);
        return;
    }
    expect.unreachable('expected a RaffleError');
}

describe('permit message v1 layout', () => {
    it('is 242 bytes with every field at its spec offset, little endian', () => {
        const bytes = encodePermitMessage(FIELDS);
        expect(bytes.length).toBe(PERMIT_MESSAGE_LENGTH);
        expect(PERMIT_MESSAGE_LENGTH).toBe(242);
        const view = new DataView(bytes.buffer);
        expect(new TextDecoder().decode(bytes.subarray(0, 20))).toBe('RWA_RAFFLE_PERMIT_V1');
        const address = (a: Address) => Uint8Array.from(getAddressEncoder().encode(a));
        expect(bytes.subarray(20, 52)).toEqual(address(FIELDS.programId));
        expect(bytes.subarray(52, 84)).toEqual(address(FIELDS.config));
        expect(bytes.subarray(84, 116)).toEqual(address(FIELDS.organizer));
        expect(view.getBigUint64(116, true)).toBe(FIELDS.raffleId);
        expect(bytes[124]).toBe(FIELDS.tier);
        expect(bytes.subarray(125, 141)).toEqual(FIELDS.enterpriseId);
        expect(bytes.subarray(141, 173)).toEqual(address(FIELDS.prizeMint));
        expect(view.getBigUint64(173, true)).toBe(FIELDS.prizeAmount);
        expect(bytes.subarray(181, 213)).toEqual(address(FIELDS.paymentMint));
        expect(view.getBigUint64(213, true)).toBe(FIELDS.ticketPrice);
        expect(view.getUint32(221, true)).toBe(FIELDS.maxTickets);
        expect(view.getBigInt64(225, true)).toBe(FIELDS.deadline);
        expect(bytes[233]).toBe(1); // vouchers
        expect(view.getBigInt64(234, true)).toBe(FIELDS.expiresAt);
    });

    it('exposes the magic as text and as fresh bytes', () => {
        expect(PERMIT_MESSAGE_MAGIC).toBe('RWA_RAFFLE_PERMIT_V1');
        const magic = getPermitMessageMagicBytes();
        expect(Array.from(magic)).toEqual([82, 87, 65, 95, 82, 65, 70, 70, 76, 69, 95, 80, 69, 82, 77, 73, 84, 95, 86, 49]);
        magic.fill(0); // does not corrupt the codec
        expect(() => decodePermitMessage(encodePermitMessage(FIELDS))).not.toThrow();
    });

    it('encodes tokens as 0 and vouchers as 1', () => {
        expect(encodePermitMessage({ ...FIELDS, refundMode: 'tokens' })[233]).toBe(0);
        expect(encodePermitMessage({ ...FIELDS, refundMode: 'vouchers' })[233]).toBe(1);
    });

    it('agrees byte for byte with a stock-kit reference encoder (property)', () => {
        fc.assert(
            fc.property(permitFieldsArbitrary, fields => {
                expect(encodePermitMessage(fields)).toEqual(reference(fields));
            }),
            { numRuns: 500 },
        );
    });

    it('round-trips arbitrary valid fields (property)', () => {
        fc.assert(
            fc.property(permitFieldsArbitrary, fields => {
                const decoded = decodePermitMessage(encodePermitMessage(fields));
                expect({ ...decoded, enterpriseId: Array.from(decoded.enterpriseId) }).toEqual({
                    ...fields,
                    enterpriseId: Array.from(fields.enterpriseId),
                });
            }),
            { numRuns: 500 },
        );
    });

    it('works as kit codecs', () => {
        const codec = getPermitMessageCodec();
        expect(codec.fixedSize).toBe(242);
        const bytes = codec.encode(FIELDS);
        expect(codec.decode(bytes)).toEqual({ ...FIELDS, enterpriseId: expect.any(Uint8Array) });
        expect(getPermitMessageEncoder().encode(FIELDS)).toEqual(bytes);
        // Inside a larger buffer, at an offset, as kit decoders do.
        const padded = new Uint8Array(300);
        padded.set(bytes, 10);
        expect(getPermitMessageDecoder().read(padded, 10)[1]).toBe(252);
        expect(getPermitMessageDecoder().decode(padded, 10).raffleId).toBe(FIELDS.raffleId);
    });

    it('decodes into fresh objects, not views of the input', () => {
        const bytes = encodePermitMessage(FIELDS);
        const decoded = decodePermitMessage(bytes);
        bytes.fill(0xee, 125, 141);
        expect(decoded.enterpriseId).toEqual(FIELDS.enterpriseId);
    });
});

describe('encodePermitMessage validation', () => {
    const bad: [keyof PermitFields, unknown, string][] = [
        ['programId', 'not-an-address', 'base58 address'],
        ['programId', '0'.repeat(44), 'base58 address'],
        ['config', 42, 'base58 address'],
        ['organizer', '1111111111111111111111111111111111', 'base58 address'], // 34 '1's: 34 bytes
        ['prizeMint', '', 'base58 address'],
        ['paymentMint', 'JEKNVnkbo3jma5nREBBJCDoXFVeKkD56V3xKrvRmWxFGH', 'base58 address'], // 45 chars
        ['raffleId', -1n, 'between'],
        ['raffleId', U64_MAX + 1n, 'between'],
        ['raffleId', 5, 'bigint'],
        ['tier', 256, 'between'],
        ['tier', -1, 'between'],
        ['tier', 1.5, 'integer'],
        ['tier', 1n, 'integer'],
        ['enterpriseId', new Uint8Array(15), '16 bytes'],
        ['enterpriseId', new Uint8Array(17), '16 bytes'],
        ['enterpriseId', 'aa'.repeat(16), '16 bytes'],
        ['prizeAmount', 0n, 'between 1'],
        ['prizeAmount', U64_MAX + 1n, 'between'],
        ['ticketPrice', 0n, 'between 1'],
        ['ticketPrice', '5', 'bigint'],
        ['maxTickets', 0, 'between 1'],
        ['maxTickets', 1_000_001, 'between'],
        ['maxTickets', Number.NaN, 'integer'],
        ['deadline', -1n, 'between 0'],
        ['deadline', I64_MAX + 1n, 'between'],
        ['refundMode', 'refund', "'tokens' or 'vouchers'"],
        ['refundMode', 1, "'tokens' or 'vouchers'"],
        ['expiresAt', -5n, 'between 0'],
        ['expiresAt', I64_MAX + 1n, 'between'],
        ['expiresAt', undefined, 'bigint'],
    ];
    it.each(bad)('rejects %s = %s with FIELD_INVALID', (field, value, reason) => {
        expectCode(() => encodePermitMessage({ ...FIELDS, [field]: value }), RAFFLE_ERROR__PERMIT__FIELD_INVALID, {
            field,
            reason: expect.stringContaining(reason),
        });
    });

    it('accepts the bounds', () => {
        const extremes: PermitFields = {
            ...FIELDS,
            programId: '11111111111111111111111111111111' as Address,
            raffleId: U64_MAX,
            tier: 255,
            prizeAmount: U64_MAX,
            ticketPrice: 1n,
            maxTickets: 1_000_000,
            deadline: I64_MAX,
            expiresAt: 0n,
        };
        expect(decodePermitMessage(encodePermitMessage(extremes))).toMatchObject({ ...extremes, enterpriseId: expect.anything() });
    });

    it('rejects a non-object with INVALID_ARGUMENT', () => {
        expectCode(() => encodePermitMessage(null as unknown as PermitFields), RAFFLE_ERROR__INVALID_ARGUMENT);
    });

    it('keeps hostile strings short in messages', () => {
        try {
            encodePermitMessage({ ...FIELDS, organizer: `${'x'.repeat(10_000)}` as Address });
        } catch (e) {
            expect((e as Error).message.length).toBeLessThan(200);
        }
    });
});

describe('decodePermitMessage', () => {
    const good = encodePermitMessage(FIELDS);

    it('rejects a wrong length with MESSAGE_LENGTH_INVALID', () => {
        expectCode(() => decodePermitMessage(good.subarray(0, 241)), RAFFLE_ERROR__PERMIT__MESSAGE_LENGTH_INVALID, {
            expected: 242,
            actual: 241,
        });
        expectCode(() => decodePermitMessage(new Uint8Array(243)), RAFFLE_ERROR__PERMIT__MESSAGE_LENGTH_INVALID, { actual: 243 });
        expectCode(() => decodePermitMessage(new Uint8Array(0)), RAFFLE_ERROR__PERMIT__MESSAGE_LENGTH_INVALID, { actual: 0 });
    });

    it('rejects a wrong magic with MESSAGE_MAGIC_INVALID', () => {
        for (const index of [0, 7, 19]) {
            const bytes = good.slice();
            bytes[index] = bytes[index]! ^ 0x20;
            expectCode(() => decodePermitMessage(bytes), RAFFLE_ERROR__PERMIT__MESSAGE_MAGIC_INVALID);
        }
    });

    it.each([
        ['refundMode', 233, [2], 'must be 0 (tokens) or 1 (vouchers)'],
        ['maxTickets', 221, [0, 0, 0, 0], 'between 1'],
        ['maxTickets', 221, [0x41, 0x42, 0x0f, 0], 'between 1'], // 1_000_001
        ['ticketPrice', 213, [0, 0, 0, 0, 0, 0, 0, 0], 'between 1'],
        ['prizeAmount', 173, [0, 0, 0, 0, 0, 0, 0, 0], 'between 1'],
        ['deadline', 225, [0, 0, 0, 0, 0, 0, 0, 0x80], 'between 0'],
        ['expiresAt', 234, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 'between 0'],
    ])('rejects a bad %s with FIELD_INVALID', (field, offset, patch, reason) => {
        const bytes = good.slice();
        bytes.set(patch, offset);
        expectCode(() => decodePermitMessage(bytes), RAFFLE_ERROR__PERMIT__FIELD_INVALID, {
            field,
            reason: expect.stringContaining(reason),
        });
    });

    it('rejects non-bytes with INVALID_ARGUMENT', () => {
        expectCode(() => decodePermitMessage('abc' as unknown as Uint8Array), RAFFLE_ERROR__INVALID_ARGUMENT);
        expectCode(() => decodePermitMessage(Array.from(good) as unknown as Uint8Array), RAFFLE_ERROR__INVALID_ARGUMENT);
    });

    it('only ever throws RaffleError, for arbitrary bytes of any length (property)', () => {
        fc.assert(
            fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), bytes => {
                try {
                    decodePermitMessage(bytes);
                } catch (e) {
                    expect(isRaffleError(e)).toBe(true);
                }
            }),
            { numRuns: 2_000 },
        );
    });

    it('only ever throws RaffleError, for 242 bytes with the right magic and random content (property)', () => {
        const magic = getPermitMessageMagicBytes();
        let decoded = 0;
        let rejected = 0;
        fc.assert(
            fc.property(fc.uint8Array({ minLength: 222, maxLength: 222 }), fc.boolean(), (rest, fixRanges) => {
                const bytes = new Uint8Array(242);
                bytes.set(magic);
                bytes.set(rest, 20);
                if (fixRanges) {
                    // Half the runs get in-range values where the layout has limits, so that
                    // successful decodes are exercised too.
                    bytes[233] = bytes[233]! & 1; // refund_mode 0/1
                    bytes[224] = 0; // max_tickets <= 0x07ffff
                    bytes[223] = bytes[223]! & 0x07;
                    bytes[221] = bytes[221]! | 1; // max_tickets > 0
                    bytes[173] = bytes[173]! | 1; // prize_amount > 0
                    bytes[213] = bytes[213]! | 1; // ticket_price > 0
                    bytes[232] = bytes[232]! & 0x7f; // deadline >= 0
                    bytes[241] = bytes[241]! & 0x7f; // expires_at >= 0
                }
                try {
                    const fields = decodePermitMessage(bytes);
                    decoded++;
                    expect(encodePermitMessage(fields)).toEqual(bytes);
                } catch (e) {
                    rejected++;
                    expect(isRaffleError(e)).toBe(true);
                }
            }),
            { numRuns: 2_000 },
        );
        expect(decoded).toBeGreaterThan(500);
        expect(rejected).toBeGreaterThan(500);
    });
});
