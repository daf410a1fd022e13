import { describe, expect, it } from 'vitest';

import { toJsonValue } from '../../core/identity';

describe('toJsonValue', () => {
    it('turns decoded data into JSON: bigints as strings, bytes as numbers, undefined members dropped', () => {
        expect(toJsonValue({ a: 5n, b: new Uint8Array([1, 2]), c: [1n, 'x', true, null], d: undefined, e: { __option: 'Some', value: 3n }, f: NaN })).toStrictEqual({
            a: '5',
            b: [1, 2],
            c: ['1', 'x', true, null],
            e: { __option: 'Some', value: '3' },
            f: null,
        });
    });

    it('keeps a hostile own `__proto__` key as a key and never changes the prototype', () => {
        const hostile = JSON.parse('{"__proto__": {"polluted": 1}, "ok": 1}') as Record<string, unknown>;
        (hostile['__proto__'] as Record<string, unknown>).polluted = 2n;
        const out = toJsonValue(hostile) as Record<string, unknown>;
        expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
        expect(Object.hasOwn(out, '__proto__')).toBe(true);
        expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":"2"},"ok":1}');
        expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    });

    it('ignores inherited keys', () => {
        const data = Object.assign(Object.create({ inherited: 1 }) as object, { own: 2 });
        expect(toJsonValue(data)).toStrictEqual({ own: 2 });
    });
});
