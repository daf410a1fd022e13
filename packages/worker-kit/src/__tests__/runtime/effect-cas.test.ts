/**
 * Two runners of one job (the first one's lease expired while it was still alive) reach the
 * same pending effect: the send count compare-and-set lets exactly one of them send.
 */
import { RAFFLE_ERROR__WORKER__EFFECT_SEND_CONFLICT, isRaffleError } from '@raffle/errors';
import { describe, expect, it } from 'vitest';

import { runEffect, type EffectDependencies } from '../../runtime/effect';
import { createMemoryWorkerStore } from '../../store/memory/index';

/** The chain is never asked on this path (the effect is pending, nothing was sent yet). */
const noChain = new Proxy({}, { get: () => () => { throw new Error('the chain must not be asked for a pending effect'); } }) as EffectDependencies['rpc'];

describe('runEffect with two runners at once', () => {
    it('exactly one records its send and sends; the other stops before sending with EFFECT_SEND_CONFLICT', async () => {
        const store = createMemoryWorkerStore();
        const sent: string[] = [];
        let arrived = 0;
        let release!: () => void;
        const bothRead = new Promise<void>(r => (release = r));
        const runner = (name: string) =>
            runEffect(
                { rpc: noChain, store },
                {
                    key: 'pay:event-1',
                    intent: { amount: '1000000' },
                    signal: new AbortController().signal,
                    run: async ({ recordSent }) => {
                        if (++arrived === 2) release();
                        await bothRead; // both runners read the effect as pending
                        await recordSent(`sig-${name}`, 100n);
                        sent.push(name);
                    },
                },
            );
        const [a, b] = await Promise.allSettled([runner('a'), runner('b')]);
        expect(sent).toHaveLength(1);
        const loser = a.status === 'rejected' ? a : b;
        expect(loser.status).toBe('rejected');
        expect(isRaffleError((loser as PromiseRejectedResult).reason, RAFFLE_ERROR__WORKER__EFFECT_SEND_CONFLICT)).toBe(true);
        expect(await store.getEffect('pay:event-1')).toMatchObject({ status: 'confirmed', sendCount: 1, signature: `sig-${sent[0]}` });
    });
});
