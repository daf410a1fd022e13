import { describe, expect, it } from 'vitest';

import { createBatcher } from '../../runtime/batcher';

describe('createBatcher', () => {
    it('serves the calls of one turn with one batch call, each caller getting its own result', async () => {
        const batches: number[][] = [];
        const double = createBatcher(async (items: number[]) => {
            batches.push(items);
            return items.map(i => i * 2);
        }, 100);
        expect(await Promise.all([double(1), double(2), double(3)])).toEqual([2, 4, 6]);
        expect(await double(4)).toBe(8);
        expect(batches).toEqual([[1, 2, 3], [4]]);
    });

    it('flushes a full batch at once', async () => {
        const batches: number[][] = [];
        const echo = createBatcher(async (items: number[]) => {
            batches.push(items);
            return items;
        }, 2);
        await Promise.all([echo(1), echo(2), echo(3), echo(4), echo(5)]);
        expect(batches).toEqual([[1, 2], [3, 4], [5]]);
    });

    it('rejects every call of a batch whose operation failed or answered the wrong number of results', async () => {
        const failing = createBatcher(async () => {
            throw new Error('store down');
        }, 10);
        const results = await Promise.allSettled([failing(1), failing(2)]);
        expect(results.map(r => r.status)).toEqual(['rejected', 'rejected']);
        const short = createBatcher(async (items: number[]) => items.slice(1), 10);
        await expect(Promise.all([short(1), short(2)])).rejects.toThrow('returned 1 results for 2 items');
        // A later batch is not affected.
        const ok = createBatcher(async (items: number[]) => items, 10);
        expect(await ok(7)).toBe(7);
    });
});
