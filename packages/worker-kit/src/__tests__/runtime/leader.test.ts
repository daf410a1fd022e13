import { waitFor } from '@raffle/test-support';
import { describe, expect, it } from 'vitest';

import { createMemoryWorkerStore } from '../../store/memory/index';
import { createWorkerEmitter } from '../../core/events';
import { runLeaderElection } from '../../runtime/leader';

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
                leaseMs: 1_000,
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
        await waitFor('one replica to lead', () => leading.size === 1, { timeoutMs: 5_000 });
        const [first, token] = [...leading.entries()][0]!;
        stops.get(first)!.abort();
        const other = first === 'a' ? 'b' : 'a';
        await waitFor(`${other} to take over`, () => leading.has(other), { timeoutMs: 5_000 });
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
            leaseMs: 1_000,
            renewMs: 20,
            events,
            signal: stop.signal,
            lead: async (_fence, signal) => {
                leadingSignal = signal;
                await new Promise(r => signal.addEventListener('abort', r));
            },
        });
        await waitFor('a to lead', () => leadingSignal !== null, { timeoutMs: 5_000 });
        now = 5_000; // a's lease expired (it was paused); b takes over
        expect(await store.acquireLease({ name: 'leader', owner: 'b', leaseMs: 60_000 })).not.toBeNull();
        await waitFor('the overtaken leader to stop leading', () => leadingSignal!.aborted, { timeoutMs: 5_000 });
        expect(lost[0]).toBe('taken');
        stop.abort();
        await run;
    });
    it('a follower wakes up when the lease expires instead of polling only every renewMs', async () => {
        const store = createMemoryWorkerStore();
        const events = createWorkerEmitter();
        // A leader that dies: it holds the lease without an election loop behind it.
        const held = await store.acquireLease({ name: 'leader', owner: 'dead', leaseMs: 1_000 });
        let acquiredAt: number | null = null;
        const stop = new AbortController();
        const run = runLeaderElection({
            store,
            name: 'leader',
            owner: 'b',
            leaseMs: 1_000,
            renewMs: 999, // polling alone would try at ~0, ~1000, ~2000 ms
            events,
            signal: stop.signal,
            lead: async (_fence, signal) => {
                acquiredAt = Date.now();
                await new Promise(r => signal.addEventListener('abort', r));
            },
        });
        // Its last renewal, 300 ms in: the lease now expires at ~1300 ms.
        await new Promise(r => setTimeout(r, 300));
        const renewed = await store.renewLease({ name: 'leader', owner: 'dead', token: held!.token, leaseMs: 1_000 });
        await waitFor('the follower to take the expired lease', () => acquiredAt !== null, { timeoutMs: 5_000 });
        const late = acquiredAt! - renewed!.expiresAt;
        expect(late).toBeGreaterThanOrEqual(0);
        expect(late).toBeLessThan(500); // polling alone would be ~700 ms late (next try at ~2000 ms)
        stop.abort();
        await run;
    });

    it('without getLease in the store, a follower polls every renewMs', async () => {
        const memory = createMemoryWorkerStore();
        const store = { acquireLease: memory.acquireLease.bind(memory), renewLease: memory.renewLease.bind(memory), releaseLease: memory.releaseLease.bind(memory) };
        await memory.acquireLease({ name: 'leader', owner: 'dead', leaseMs: 1_000 });
        const attempts: number[] = [];
        const counting = { ...store, acquireLease: (input: Parameters<typeof store.acquireLease>[0]) => (attempts.push(Date.now()), store.acquireLease(input)) };
        const stop = new AbortController();
        let leading = false;
        const run = runLeaderElection({
            store: counting,
            name: 'leader',
            owner: 'b',
            leaseMs: 1_000,
            renewMs: 400,
            events: createWorkerEmitter(),
            signal: stop.signal,
            lead: async (_fence, signal) => {
                leading = true;
                await new Promise(r => signal.addEventListener('abort', r));
            },
        });
        await waitFor('the follower to lead', () => leading, { timeoutMs: 5_000 });
        expect(attempts.length).toBeGreaterThanOrEqual(3);
        for (let i = 1; i < attempts.length; i++) expect(attempts[i]! - attempts[i - 1]!).toBeGreaterThanOrEqual(390);
        stop.abort();
        await run;
    });
    it('stopped while an acquisition is in flight: does not start leading and hands the lease back', async () => {
        const memory = createMemoryWorkerStore();
        const stop = new AbortController();
        const store = {
            acquireLease: async (input: Parameters<typeof memory.acquireLease>[0]) => {
                stop.abort(); // e.g. SIGTERM arrives while the query runs
                return memory.acquireLease(input);
            },
            renewLease: memory.renewLease.bind(memory),
            releaseLease: memory.releaseLease.bind(memory),
            getLease: memory.getLease.bind(memory),
        };
        let led = false;
        const run = runLeaderElection({
            store,
            name: 'leader',
            owner: 'a',
            leaseMs: 1_000,
            renewMs: 50,
            events: createWorkerEmitter(),
            signal: stop.signal,
            lead: async (_fence, signal) => {
                led = true;
                await new Promise(r => signal.addEventListener('abort', r));
            },
        });
        const ended = await Promise.race([run.then(() => true), new Promise(r => setTimeout(() => r(false), 2_000))]);
        expect(ended).toBe(true);
        expect(led).toBe(false);
        expect((await memory.getLease('leader'))?.owner).toBeNull();
    });
});
