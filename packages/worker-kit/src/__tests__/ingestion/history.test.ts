import { describe, expect, it } from 'vitest';

import { contiguousFinalizedPrefix, type HistoryEntry, orderOldestFirst } from '../../ingestion/history';

type Status = HistoryEntry['confirmationStatus'];
const entry = (signature: string, slot: bigint, confirmationStatus: Status = 'finalized') => ({ signature, slot, failed: false, confirmationStatus });

describe('orderOldestFirst', () => {
    it('reverses newest-first pages, drops repeats across pages and keeps slot order', () => {
        const pages = [entry('d', 4n), entry('c', 3n), entry('b2', 2n), entry('b1', 2n), entry('c', 3n), entry('a', 1n)];
        expect(orderOldestFirst(pages).map(e => [e.signature, e.position])).toEqual([
            ['a', 0],
            ['b1', 1],
            ['b2', 2],
            ['c', 3],
            ['d', 4],
        ]);
    });
});

describe('contiguousFinalizedPrefix', () => {
    const history = orderOldestFirst([entry('e', 5n, 'confirmed'), entry('d', 4n), entry('c', 3n), entry('b', 2n), entry('a', 1n)]);

    it('stops at the first unprocessed entry: the cursor never skips a gap', () => {
        const processed = new Set(['a', 'b', 'd', 'e']);
        expect(contiguousFinalizedPrefix(history, e => processed.has(e.signature))).toBe(1);
    });

    it('stops at the first entry that is not finalized (it could still be retracted)', () => {
        expect(contiguousFinalizedPrefix(history, () => true)).toBe(3);
    });

    it('returns -1 when the oldest entry blocks', () => {
        expect(contiguousFinalizedPrefix(history, e => e.signature !== 'a')).toBe(-1);
        expect(contiguousFinalizedPrefix([], () => true)).toBe(-1);
    });
});
