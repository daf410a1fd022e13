import { describe, expect, it } from 'vitest';

import type { AutomationContext } from '../context';
import { coalesce, runLimited, withKeyLock } from '../locks';

const ctx = () => ({}) as AutomationContext;
const tick = () => new Promise(r => setTimeout(r, 5));

describe('automation locks', () => {
    it('withKeyLock runs calls for one key one after the other, other keys in parallel, and survives a throw', async () => {
        const c = ctx();
        const log: string[] = [];
        const job = (name: string, fail = false) => async () => {
            log.push(`start ${name}`);
            await tick();
            log.push(`end ${name}`);
            if (fail) throw new Error(name);
            return name;
        };
        const results = await Promise.allSettled([withKeyLock(c, 'a', job('a1', true)), withKeyLock(c, 'a', job('a2')), withKeyLock(c, 'b', job('b1'))]);
        expect(results.map(r => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
        expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
        expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
    });

    it('coalesce gives callers that arrive during a run one shared re-run that starts after it', async () => {
        const c = ctx();
        let runs = 0;
        const fn = async () => {
            const n = ++runs;
            await tick();
            return n;
        };
        const first = coalesce(c, 'k', fn);
        const during = [coalesce(c, 'k', fn), coalesce(c, 'k', fn), coalesce(c, 'k', fn)];
        expect(await first).toBe(1);
        expect(await Promise.all(during)).toEqual([2, 2, 2]);
        expect(await coalesce(c, 'k', fn)).toBe(3);
        expect(runs).toBe(3);
    });

    it('runLimited keeps at most `limit` tasks in flight and reports the first error after all ran', async () => {
        let inFlight = 0;
        let peak = 0;
        const seen: number[] = [];
        const run = runLimited([1, 2, 3, 4, 5, 6], 2, async n => {
            inFlight++;
            peak = Math.max(peak, inFlight);
            await tick();
            seen.push(n);
            inFlight--;
            if (n === 2) throw new Error('two');
        });
        await expect(run).rejects.toThrow('two');
        expect(peak).toBe(2);
        expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6]);
    });
});
