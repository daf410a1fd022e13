import { getAddressEncoder, getBase58Decoder, getBase58Encoder, isAddress } from '@solana/kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { decodeBase58, writeAddressBytes } from '../internal/base58';
import { addressArbitrary } from './fixtures/permit-fields';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function fastDecode(text: string): Uint8Array | undefined {
    const out = new Uint8Array(32);
    return writeAddressBytes(text, out, 0) ? out : undefined;
}

describe('writeAddressBytes (the encoder fast path)', () => {
    it('decodes every address exactly like kit (property)', () => {
        fc.assert(
            fc.property(addressArbitrary, address => {
                expect(fastDecode(address)).toEqual(Uint8Array.from(getAddressEncoder().encode(address)));
            }),
            { numRuns: 3_000 },
        );
    });

    it('accepts exactly the strings kit accepts (property)', () => {
        const base58Text = fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 28, maxLength: 48 });
        const anyText = fc.string({ minLength: 30, maxLength: 46 });
        fc.assert(
            fc.property(fc.oneof(base58Text, anyText), text => {
                expect(fastDecode(text) !== undefined).toBe(isAddress(text));
            }),
            { numRuns: 5_000 },
        );
    });

    it('handles the edges: all zeros, all ones, too long, overflow', () => {
        expect(fastDecode('11111111111111111111111111111111')).toEqual(new Uint8Array(32));
        expect(fastDecode(getBase58Decoder().decode(new Uint8Array(32).fill(255)))).toEqual(new Uint8Array(32).fill(255));
        expect(fastDecode('1'.repeat(33))).toBeUndefined();
        expect(fastDecode('z'.repeat(44))).toBeUndefined(); // > 2^256
        expect(fastDecode('1'.repeat(31))).toBeUndefined();
        expect(fastDecode(`${'1'.repeat(31)}é`)).toBeUndefined();
    });
});

describe('decodeBase58 (key material)', () => {
    it('agrees with kit on valid input (property)', () => {
        fc.assert(
            fc.property(fc.uint8Array({ minLength: 1, maxLength: 80 }), bytes => {
                const text = getBase58Decoder().decode(bytes);
                expect(decodeBase58(text)).toEqual(Uint8Array.from(getBase58Encoder().encode(text)));
            }),
            { numRuns: 2_000 },
        );
    });

    it('returns undefined for non-base58 text and empty text', () => {
        expect(decodeBase58('')).toBeUndefined();
        expect(decodeBase58('abc0')).toBeUndefined();
        expect(decodeBase58('abc ')).toBeUndefined();
        expect(decodeBase58('ab€')).toBeUndefined();
    });
});
