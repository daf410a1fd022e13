import { describe, expect, it } from 'vitest';

import { createMemoryWorkerStore } from '../../store/memory';
import { createWorkerEmitter } from '../../runtime/events';
import { runLeaderElection } from '../../runtime/leader';

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!check()) {
        if (Date.now() > end) throw new Error('timed out');
        await new Promise(r => setTimeout(r, 5));
    }
}

describe('leader election', () => {
    it('one replica leads; on release a follower takes over with a higher fencing token', async () => {
        const store = createMemoryWorkerStore();
        const leading = new Map<string, number>();
        const events = createWorkerEmitter();
        const acquired: string[] = [];
        events.on('lease:acquired', e => acquired.push(`${e.owner}:${e.token}`));
        const stops = new Map<string, AbortController>();
        const runs = ['a', 'b'].map(owner => {
            const stop = new AbortController();
            stops.set(owner, stop);
            return runLeaderElection({
                store,
                name: 'leader',
                owner,
                ttlMs: 1_000,
                renewMs: 20,
                events,
                signal: stop.signal,
                lead: (fence, signal) =>
                    new Promise<void>(resolve => {
                        leading.set(owner, fence.token);
                        signal.addEventListener('abort', () => {
                            leading.delete(owner);
                            resolve();
                        });
                    }),
            });
        });
        await until(() => leading.size === 1);
        const [first, token] = [...leading.entries()][0]!;
        stops.get(first)!.abort();
        const other = first === 'a' ? 'b' : 'a';
        await until(() => leading.has(other));
        expect(leading.get(other)).toBeGreaterThan(token);
        expect(acquired).toEqual([`${first}:${token}`, `${other}:${leading.get(other)}`]);
        stops.get(other)!.abort();
        await Promise.all(runs);
        expect((await store.getLease('leader'))?.owner).toBeNull();
    });

    it('a leader whose lease was taken over stops leading', async () => {
        let now = 0;
        const store = createMemoryWorkerStore({ clock: () => now });
        const events = createWorkerEmitter();
        const lost: string[] = [];
        events.on('lease:lost', e => lost.push(e.reason));
        let leadingSignal: AbortSignal | null = null;
        const stop = new AbortController();
        const run = runLeaderElection({
            store,
            name: 'leader',
            owner: 'a',
            ttlMs: 1_000,
            renewMs: 20,
            events,
            signal: stop.signal,
            lead: async (_fence, signal) => {
                leadingSignal = signal;
                await new Promise(r => signal.addEventListener('abort', r));
            },
        });
        await until(() => leadingSignal !== null);
        now = 5_000; // a's lease expired (it was paused); b takes over
        expect(await store.acquireLease({ name: 'leader', owner: 'b', ttlMs: 60_000 })).not.toBeNull();
        await until(() => leadingSignal!.aborted);
        expect(lost[0]).toBe('taken');
        stop.abort();
        await run;
    });
});
