import { describe, expect, expectTypeOf, it } from 'vitest';

import {
    RAFFLE_ERROR__INVALID_ARGUMENT,
    RAFFLE_ERROR__PERMIT__EXPIRED,
    RAFFLE_ERROR__PERMIT__MESSAGE_LENGTH_INVALID,
    RaffleError,
    RaffleErrorMessages,
    isRaffleError,
} from '../index';
import * as codes from '../codes';

describe('RaffleError', () => {
    it('formats the message from the template and context', () => {
        const e = new RaffleError(RAFFLE_ERROR__PERMIT__MESSAGE_LENGTH_INVALID, { expected: 310, actual: 12 });
        expect(e.message).toBe(
            '[1000] A v1 permit message is 310 bytes long, this one is 12. Pass the exact bytes the permit issuer signed.',
        );
        expect(e.code).toBe(1000);
        expect(e.name).toBe('RaffleError');
        expect(e).toBeInstanceOf(Error);
    });

    it('narrows by code without instanceof, across copies of the class', () => {
        const e: unknown = new RaffleError(RAFFLE_ERROR__PERMIT__EXPIRED, { expiresAt: 5n, now: 9n });
        expect(isRaffleError(e)).toBe(true);
        expect(isRaffleError(e, RAFFLE_ERROR__PERMIT__EXPIRED)).toBe(true);
        expect(isRaffleError(e, RAFFLE_ERROR__INVALID_ARGUMENT)).toBe(false);
        if (isRaffleError(e, RAFFLE_ERROR__PERMIT__EXPIRED)) {
            expectTypeOf(e.context.expiresAt).toEqualTypeOf<bigint>();
        }
        // A structurally identical error from another bundle carries the same global brand.
        const foreign = Object.assign(new Error('x'), { code: RAFFLE_ERROR__PERMIT__EXPIRED });
        Object.defineProperty(foreign, Symbol.for('@raffle/errors:RaffleError'), { value: true });
        expect(isRaffleError(foreign, RAFFLE_ERROR__PERMIT__EXPIRED)).toBe(true);
        // Look-alikes without the brand are not raffle errors.
        expect(isRaffleError({ name: 'RaffleError', code: 1004 })).toBe(false);
        expect(isRaffleError(null)).toBe(false);
        expect(isRaffleError('RaffleError')).toBe(false);
    });

    it('keeps the cause and serializes bigints in toJSON', () => {
        const cause = new Error('root');
        const e = new RaffleError(RAFFLE_ERROR__PERMIT__EXPIRED, { expiresAt: 5n, now: 9n }, { cause });
        expect(e.cause).toBe(cause);
        expect(JSON.parse(JSON.stringify(e))).toEqual({
            name: 'RaffleError',
            code: 1004,
            message: e.message,
            context: { expiresAt: '5', now: '9' },
        });
    });

    it('has a message for every code, and codes are unique and in their domain ranges', () => {
        const values = Object.entries(codes).filter(([k]) => k.startsWith('RAFFLE_ERROR__')) as [string, number][];
        const seen = new Set<number>();
        for (const [name, code] of values) {
            expect(seen.has(code), `${name} reuses ${code}`).toBe(false);
            seen.add(code);
            expect(RaffleErrorMessages[code as codes.RaffleErrorCode], name).toBeTypeOf('string');
            const domain = name.split('__')[1];
            const ranges: Record<string, [number, number]> = {
                PERMIT: [1000, 1999],
                CLIENT: [2000, 2999],
                PROGRAM: [3000, 3999],
                WORKER: [4000, 4999],
                LOCALNET: [5000, 5999],
                TOOLING: [6000, 6999],
            };
            const [lo, hi] = ranges[domain!] ?? [9000, 9999];
            expect(code, name).toBeGreaterThanOrEqual(lo);
            expect(code, name).toBeLessThanOrEqual(hi);
        }
        expect(Object.keys(RaffleErrorMessages).length).toBe(values.length);
    });
});
