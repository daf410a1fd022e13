/**
 * Chaos: three replicas on one PostgreSQL schema; the leader is SIGKILLed three times while
 * events stream. Another replica takes over within the lease TTL (measured from the kill to its
 * `lease:acquired`), and at the end every event was handled and every effect happened exactly
 * once, checked on chain.
 *
 * Real components only: `@raffle/localnet` in this process, three worker child processes
 * (`fixtures/chaos-worker-child.ts`) on its URLs and on a PostgreSQL schema of their own
 * (dropped afterwards). The effect is the one of the crash test: a real System transfer of
 * 1,000,000 lamports to an address derived from the event id, so a double effect shows as 2x.
 * A killed replica is restarted (under a new owner id) as a follower.
 */
import { waitFor } from '@raffle/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventId } from '../../core/identity';
import { type ChaosChild, type ChaosChildConfig, createChaosCluster, seededRandom } from '../fixtures/chaos';
import { fileTag, skipPostgres } from '../services';

const SEED = Number(process.env.RAFFLE_CHAOS_SEED ?? 0x7e91_1ca5);
const REPLICAS = 3;
const LEADER_KILLS = 3;
const MAX_EVENTS = 50;
const FEE_MIN = 2_000;
const TTL_MS = 2_000;
const RENEW_MS = 500;
/** Scheduling slack on a loaded 2-core machine (3 workers, the cluster, PostgreSQL). */
const MARGIN_MS = 1_000;
const FINAL_TIMEOUT_MS = 30_000;

const skipPg = await skipPostgres();
const schema = `wk_chaos_replicas_${fileTag()}`;
/** The kill schedule and the payer key: the same on every run with the same seed. */
const random = seededRandom(SEED);
/** The event stream's pacing (a stream of its own, so it does not shift the schedule). */
const pacing = seededRandom(SEED ^ 0x9e37_79b9);
const chaos = createChaosCluster({ schema, applicationName: 'raffle-chaos-replicas-parent' });

beforeAll(async () => {
    if (!skipPg) await chaos.start();
});

afterAll(() => chaos.stop());

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe.skipIf(skipPg)('replicas: three workers on PostgreSQL, the leader SIGKILLed while events stream', () => {
    it('another replica takes over within the lease TTL; every event handled, every effect exactly once on chain', async () => {
        const started = Date.now();
        const base: Omit<ChaosChildConfig, 'owner'> = {
            ...(await chaos.childBase(random, { feeMin: FEE_MIN, ttlMs: TTL_MS, renewMs: RENEW_MS, pauseMs: 250 })),
            // Each transfer waits a little between send and confirmation (pauseMs): a killed leader
            // often leaves one in flight, for another replica to resolve from the chain.
            pauseAt: 'postsend',
        };
        const handled = new Map<string, number>();
        const handledBy = new Map<string, number>();
        const leases: { owner: string; token: number; at: number }[] = [];
        const dead: string[] = [];
        const onLine = (line: string, child: ChaosChild) => {
            const [kind, a, b] = line.split(' ');
            if (kind === 'handled') {
                handled.set(a!, (handled.get(a!) ?? 0) + 1);
                handledBy.set(child.owner, (handledBy.get(child.owner) ?? 0) + 1);
            }
            if (kind === 'lease') leases.push({ owner: a!, token: Number(b), at: Date.now() });
            if (kind === 'dead') dead.push(line);
            if (kind === 'effect' && b === 'already') resolvedFromChain++;
        };
        let resolvedFromChain = 0;
        const live = new Map<number, ChaosChild>();
        const spawnReplica = (slot: number, generation: number) => {
            const child = chaos.spawn({ ...base, owner: `r${slot}-g${generation}` }, onLine);
            live.set(slot, child);
            return child;
        };
        await Promise.all(Array.from({ length: REPLICAS }, (_, slot) => spawnReplica(slot, 0).waitFor(l => l.startsWith('ready'), 30_000)));
        await waitFor('a leader', () => leases.length > 0, { timeoutMs: 10_000 });

        const waits = Array.from({ length: LEADER_KILLS }, () => 1_000 + Math.floor(random() * 1_500));
        const emitter = chaos.startEmitter(MAX_EVENTS, FEE_MIN, () => 150 + pacing() * 350);

        const takeovers: { killed: string; by: string; ms: number; afterExpiryMs: number; tokens: [number, number] }[] = [];
        for (let k = 0; k < LEADER_KILLS; k++) {
            await sleep(waits[k]!);
            const current = leases[leases.length - 1]!;
            const slot = [...live.entries()].find(([, c]) => c.owner === current.owner)?.[0];
            expect(slot, `the leader ${current.owner} is one of the live replicas`).toBeDefined();
            const victim = live.get(slot!)!;
            const before = leases.length;
            const killedAt = victim.kill('SIGKILL');
            // The dead leader's lease as it stays: when it expires.
            const orphan = await chaos.store.getLease(`leader:${chaos.net.fixtures!.programAddress}`);
            expect(orphan?.owner).toBe(victim.owner);
            await victim.exited;
            live.delete(slot!);
            await waitFor(`a new leader after killing ${victim.owner}`, () => leases.length > before, { timeoutMs: TTL_MS + RENEW_MS + 10_000 });
            const next = leases[before]!;
            expect(next.owner).not.toBe(victim.owner);
            expect(next.token).toBeGreaterThan(current.token);
            takeovers.push({ killed: victim.owner, by: next.owner, ms: next.at - killedAt, afterExpiryMs: next.at - orphan!.expiresAt, tokens: [current.token, next.token] });
            // The killed replica comes back (as a follower, under a new id).
            await spawnReplica(slot!, k + 1).waitFor(l => l.startsWith('ready'), 30_000);
        }
        await emitter.stop();
        const emitted = emitter.emitted;

        const ids = emitted.map(signature => eventId({ signature, instructionIndex: 0, eventIndex: 0 }));
        const effects = await chaos.waitForEffects(ids, handled, { timeoutMs: FINAL_TIMEOUT_MS, label: 'not finished' });
        const survivors = [...live.values()];
        const stopped = await Promise.all(survivors.map(c => c.stop(15_000)));
        survivors.forEach((child, i) => expect(stopped[i], `${child.owner} stops gracefully on SIGTERM`).toBeNull());

        // Takeover within the lease TTL (plus one poll interval and scheduling slack).
        expect(takeovers).toHaveLength(LEADER_KILLS);
        for (const t of takeovers) {
            expect(t.ms, `takeover after killing ${t.killed}`).toBeLessThan(TTL_MS + RENEW_MS + MARGIN_MS);
            expect(t.afterExpiryMs, `takeover after the lease of ${t.killed} expired`).toBeLessThan(RENEW_MS + MARGIN_MS);
        }
        // Every event handled at least once; every effect once in the ledger and on chain.
        expect(emitted.length).toBeGreaterThanOrEqual(20);
        for (const id of ids) expect(handled.get(id), `event ${id} handled`).toBeGreaterThanOrEqual(1);
        const ours = effects.filter(e => e.key.startsWith('pay:'));
        expect(ours.map(e => e.key).sort()).toEqual(ids.map(id => `pay:${id}`).sort());
        for (const e of ours) expect(e.status, e.key).toBe('confirmed');
        await chaos.expectEffectsOnChain(expect, ours, ids);
        expect(dead).toEqual([]);
        expect(await chaos.store.listDeadLetters({ limit: 100 })).toEqual([]);

        console.log(
            `[replicas] seed ${SEED}: ttl ${TTL_MS} ms, renew ${RENEW_MS} ms; takeovers after SIGKILL of the leader: ` +
                `${takeovers.map(t => `${t.killed} -> ${t.by} in ${t.ms} ms, ${t.afterExpiryMs} ms after the lease expired (token ${t.tokens[0]} -> ${t.tokens[1]})`).join(', ')}; ` +
                `${emitted.length} events, ${ours.length} effects exactly once on chain (${resolvedFromChain} found done after a crash, ${ours.filter(e => e.sendCount > 1).length} re-sent after expiry), ` +
                `${ids.filter(id => handled.get(id)! > 1).length} events handled more than once, handled per replica ${JSON.stringify(Object.fromEntries(handledBy))}, ` +
                `${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
    }, 120_000);
});
