import { describe, expect, it } from 'vitest';

import { UnrecoverableError } from '../../core/errors';
import { decideAfterFailure, resolveRetryPolicy, runWithRetries } from '../../runtime/retry';
import { backoffDelayMs } from '../../core/time';

const fast = resolveRetryPolicy({ inProcessRetries: 2, inProcessBackoff: { minMs: 1, maxMs: 2 }, maxAttempts: 3 });

describe('backoffDelayMs', () => {
    it('grows exponentially, is capped and jittered within [(1-jitter)d, d]', () => {
        expect(backoffDelayMs({ minMs: 100, maxMs: 1_000, jitter: 0 }, 1)).toBe(100);
        expect(backoffDelayMs({ minMs: 100, maxMs: 1_000, jitter: 0 }, 3)).toBe(400);
        expect(backoffDelayMs({ minMs: 100, maxMs: 1_000, jitter: 0 }, 10)).toBe(1_000);
        expect(backoffDelayMs({ minMs: 100, maxMs: 1_000, jitter: 0.5 }, 3, () => 0)).toBe(200);
        expect(backoffDelayMs({ minMs: 100, maxMs: 1_000, jitter: 0.5 }, 3, () => 0.999)).toBe(400);
    });
});

describe('runWithRetries (p-retry)', () => {
    it('retries in process, then succeeds', async () => {
        let calls = 0;
        const retries: number[] = [];
        const result = await runWithRetries(
            async () => {
                calls++;
                if (calls < 3) throw new Error('flaky');
                return 'ok';
            },
            { policy: fast, onRetry: ({ retry }) => retries.push(retry) },
        );
        expect(result).toBe('ok');
        expect(calls).toBe(3);
        expect(retries).toEqual([1, 2]);
    });

    it('does not retry an UnrecoverableError', async () => {
        let calls = 0;
        await expect(
            runWithRetries(async () => {
                calls++;
                throw new UnrecoverableError('bad input');
            }, { policy: fast }),
        ).rejects.toThrow('bad input');
        expect(calls).toBe(1);
    });
});

describe('decideAfterFailure', () => {
    it('reschedules with backoff until maxAttempts, dead-letters unrecoverable errors at once', () => {
        expect(decideAfterFailure({ error: new Error('x'), attempts: 1, maxAttempts: 3, policy: fast, random: () => 1 })).toEqual({ outcome: 'retry', delayMs: 1_000 });
        expect(decideAfterFailure({ error: new Error('x'), attempts: 3, maxAttempts: 3, policy: fast })).toEqual({ outcome: 'dead', unrecoverable: false });
        expect(decideAfterFailure({ error: new UnrecoverableError('x'), attempts: 1, maxAttempts: 3, policy: fast })).toEqual({ outcome: 'dead', unrecoverable: true });
    });
});
