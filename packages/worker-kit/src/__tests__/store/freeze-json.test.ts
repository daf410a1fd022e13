/**
 * `freezeJson` must give exactly what `JSON.parse(JSON.stringify(value))` gives (and reject what
 * it rejects), frozen all the way down: the memory store relies on it instead of keeping text.
 */
import { describe, expect, it } from 'vitest';

import { cloneJson, freezeJson, toJson } from '../../store/internal';

function viaText(value: unknown): unknown {
    return JSON.parse(toJson('v', value));
}

function expectDeepFrozen(value: unknown): void {
    if (value !== null && typeof value === 'object') {
        expect(Object.isFrozen(value)).toBe(true);
        for (const item of Object.values(value)) expectDeepFrozen(item);
    }
}

class Point {
    constructor(
        readonly x: number,
        readonly y: number,
    ) {}
}

const polluted = Object.create({ inherited: 1 }) as Record<string, unknown>;
polluted.own = 2;
const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
const deep: unknown[] = [];
let cursor = deep;
for (let i = 0; i < 200; i++) cursor = (cursor[0] = []) as unknown[];

const CASES: [string, unknown][] = [
    ['null', null],
    ['undefined (top level)', undefined],
    ['string', 'a "quoted" \u2028 string'],
    ['numbers', [0, -0, 1.5, -7, Number.MAX_SAFE_INTEGER, 1e300]],
    ['non-finite numbers', [NaN, Infinity, -Infinity]],
    ['booleans', [true, false]],
    ['plain nested', { a: { b: [1, { c: 'd' }] }, e: [] }],
    ['null prototype', Object.assign(Object.create(null), { k: 1 })],
    ['undefined and function members', { a: undefined, b: () => 1, c: 1 }],
    ['undefined in arrays', [undefined, () => 1, Symbol('s')]],
    ['sparse array', sparse],
    ['toJSON', { when: new Date(0), custom: { toJSON: () => 'x' } }],
    ['class instance', new Point(1, 2)],
    ['inherited enumerable keys', polluted],
    ['__proto__ own key', JSON.parse('{"__proto__": {"x": 1}, "y": 2}')],
    ['deep nesting', deep],
    ['decoded event shape', { fields: { raffle: '11111111111111111111111111111111', amount: '5', list: [1, 2] }, raw: 'AAAA' }],
];

describe('freezeJson and cloneJson', () => {
    it.each(CASES)('%s: the same value as a JSON round trip, frozen', (_name, value) => {
        const copy = freezeJson('v', value);
        expect(copy).toStrictEqual(viaText(value));
        expect(Object.is(copy, -0)).toBe(false);
        expectDeepFrozen(copy);
    });

    it.each(CASES)('%s: cloneJson gives the same value, not frozen', (_name, value) => {
        const copy = cloneJson('v', value);
        expect(copy).toStrictEqual(viaText(value));
        if (copy !== null && typeof copy === 'object') expect(Object.isFrozen(copy)).toBe(false);
    });

    it('copies: a later change to the input does not reach the copy', () => {
        const input = { list: [1], inner: { a: 1 } };
        const copy = freezeJson('v', input) as typeof input;
        input.list.push(2);
        input.inner.a = 2;
        expect(copy).toEqual({ list: [1], inner: { a: 1 } });
    });

    it('rejects what JSON rejects, with the same typed error', () => {
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        for (const bad of [1n, { n: 2n }, cyclic]) {
            expect(() => freezeJson('payload', bad)).toThrow(expect.objectContaining({ message: expect.stringContaining('payload') }));
            let expected: unknown;
            try {
                toJson('payload', bad);
            } catch (e) {
                expected = e;
            }
            expect(() => freezeJson('payload', bad)).toThrow((expected as Error).message);
            expect(() => cloneJson('payload', bad)).toThrow((expected as Error).message);
        }
    });
});
