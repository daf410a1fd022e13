import { describe, expect, it } from 'vitest';

import { WaitForTimeoutError, waitFor } from '../wait-for';

describe('waitFor', () => {
    it('returns the first value the check gives, after the not-yet answers', async () => {
        const answers: unknown[] = [undefined, null, false, 0, 'late'];
        let calls = 0;
        expect(await waitFor('the fifth answer', () => answers[calls++], { intervalMs: 1 })).toBe(0);
        expect(calls).toBe(4);
        expect(await waitFor('an async value', async () => 'now')).toBe('now');
    });

    it('ends at once with the error a check throws', async () => {
        let calls = 0;
        const started = Date.now();
        const error = await waitFor(
            'a check that fails',
            () => {
                calls++;
                throw new Error('expected 1 to be 2');
            },
            { timeoutMs: 5_000 },
        ).catch((e: unknown) => e);
        expect(error).toEqual(new Error('expected 1 to be 2'));
        expect(calls).toBe(1);
        expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('times out with a message naming what was awaited, bounded in time and in checks', async () => {
        let calls = 0;
        const started = Date.now();
        const error = await waitFor('the answer that never comes', () => void calls++, { timeoutMs: 60, intervalMs: 10 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WaitForTimeoutError);
        expect((error as Error).message).toMatch(/^timed out after 60 ms \(\d+ checks\) waiting for the answer that never comes$/);
        expect(Date.now() - started).toBeLessThan(1_000);
        expect(calls).toBeGreaterThanOrEqual(2);
        expect(calls).toBeLessThanOrEqual(7);
        expect((error as WaitForTimeoutError).attempts).toBe(calls);
    });

    it('refuses bounds that are not positive', async () => {
        await expect(waitFor('x', () => 1, { timeoutMs: 0 })).rejects.toThrow(RangeError);
        await expect(waitFor('x', () => 1, { timeoutMs: Number.POSITIVE_INFINITY })).rejects.toThrow(RangeError);
        await expect(waitFor('x', () => 1, { intervalMs: -1 })).rejects.toThrow(RangeError);
    });
});
