import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, inject, it } from 'vitest';

import { cachedForRun } from '../run-cache';

describe('cachedForRun', () => {
    it('builds once per run and hands the same bytes back afterwards', async () => {
        const name = `run-cache-test-${process.pid}-${Date.now()}.bin`;
        let builds = 0;
        const build = async () => {
            builds++;
            return Uint8Array.of(1, 2, 3);
        };
        expect(await cachedForRun(name, build)).toEqual(Uint8Array.of(1, 2, 3));
        expect(await cachedForRun(name, build)).toEqual(Uint8Array.of(1, 2, 3));
        expect(builds).toBe(1);
        expect(existsSync(join(inject('raffleTestRunDir'), name))).toBe(true);
    });

    it('refuses names that are not plain file names', async () => {
        for (const name of ['', '../escape.bin', 'a/b.bin', 'x'.repeat(201)]) {
            await expect(cachedForRun(name, async () => new Uint8Array())).rejects.toThrow(RangeError);
        }
    });
});
