/**
 * Chaos: a worker process SIGKILLed 20 times at random points while events stream, then
 * restarted. At the end every event was handled (at least once) and every effect happened
 * exactly once, checked on chain.
 *
 * Real components only: `@raffle/localnet` (LiteSVM behind JSON-RPC over HTTP and PubSub over
 * websockets, the reference program) in this process; the worker in a child process
 * (`fixtures/chaos-worker-child.ts`, started with `node --import tsx`) that reaches the cluster
 * over its URLs and keeps its state in a real PostgreSQL schema of its own (dropped
 * afterwards). PostgreSQL rather than the embedded PGlite store: a child's PostgreSQL store is
 * ready in ~20 ms, while opening a PGlite data directory takes 0.8-5 s on this machine, which
 * 21 starts would spend on nothing but startup.
 *
 * The events are real `update_config` transactions (each emits one `ConfigUpdated`). The
 * child's handler pays 1,000,000 lamports (a real System transfer from a funded wallet) to an
 * address derived from the event id, as an effect: sign, `recordSent`, send, wait for
 * confirmation. Kill points, chosen by a seeded schedule: right after `recordSent` (not sent),
 * right after the RPC accepted the transfer (not confirmed), after the chain confirmed it but
 * before the ledger says so (the child pauses there after printing a mark, the parent kills
 * it), and at random times after the spawn (also during startup). The proof: every
 * destination holds exactly 1,000,000 lamports (a double effect would show 2x) and the ledger
 * shows every effect confirmed with the signature that landed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventId } from '../../core/identity';
import { type ChaosChildBase, type ChaosKillPoint, createChaosCluster, seededRandom } from '../fixtures/chaos';
import { fileTag, skipPostgres } from '../services';

const SEED = Number(process.env.RAFFLE_CHAOS_SEED ?? 0x5eed_c4a5);
const KILLS = 20;
const MAX_EVENTS = 80;
const FEE_MIN = 1_000;
/** How long a child waits at its kill point (the parent kills it well within). */
const PAUSE_MS = 3_000;
/** Give up waiting for a kill point after this long and kill anyway. */
const MARK_TIMEOUT_MS = 6_000;
const FINAL_TIMEOUT_MS = 30_000;

const skipPg = await skipPostgres();
const schema = `wk_chaos_crash_${fileTag()}`;
/** The kill schedule and the payer key: the same on every run with the same seed. */
const random = seededRandom(SEED);
/** The event stream's pacing (a stream of its own, so it does not shift the schedule). */
const pacing = seededRandom(SEED ^ 0x9e37_79b9);
const chaos = createChaosCluster({ schema, applicationName: 'raffle-chaos-crash-parent' });

beforeAll(async () => {
    if (!skipPg) await chaos.start();
});

afterAll(() => chaos.stop());

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe.skipIf(skipPg)('crash: a worker process SIGKILLed 20 times during a stream of events', () => {
    it('handles every event at least once and performs every effect exactly once (on chain)', async () => {
        const started = Date.now();
        const base: ChaosChildBase = await chaos.childBase(random, { feeMin: FEE_MIN, ttlMs: 1_000, renewMs: 250, pauseMs: PAUSE_MS });
        const handled = new Map<string, number>();
        const marks = { presend: 0, postsend: 0, confirmed: 0 };
        const dead: string[] = [];
        let resolvedFromChain = 0;
        const onLine = (line: string) => {
            const [kind, a, b] = line.split(' ');
            if (kind === 'effect' && b === 'already') resolvedFromChain++;
            if (kind === 'handled') handled.set(a!, (handled.get(a!) ?? 0) + 1);
            if (kind === 'mark') marks[a as ChaosKillPoint]++;
            if (kind === 'dead') dead.push(line);
        };

        // The kill schedule: five of each kind, shuffled by the seed, with the random kill times.
        const kinds = Array.from({ length: KILLS }, (_, i): ChaosKillPoint | 'random' => (['presend', 'postsend', 'confirmed', 'random'] as const)[i % 4]!);
        for (let i = kinds.length - 1; i > 0; i--) {
            const j = Math.floor(random() * (i + 1));
            [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
        }
        const delays = kinds.map(() => 150 + Math.floor(random() * 2_500));

        // The event stream: runs during all the kill rounds, bounded by count.
        const emitter = chaos.startEmitter(MAX_EVENTS, FEE_MIN, () => 150 + pacing() * 500);

        const kills: { round: number; kind: ChaosKillPoint | 'random'; at: string; aliveMs: number }[] = [];
        for (let round = 0; round < KILLS; round++) {
            const kind = kinds[round]!;
            const spawnedAt = Date.now();
            const child = chaos.spawn({ ...base, owner: `crash-${round}`, pauseAt: kind === 'random' ? null : kind }, onLine);
            let at: string = kind;
            if (kind === 'random') {
                const delay = delays[round]!;
                await sleep(delay);
                at = `random ${delay} ms ${child.lines.some(l => l.startsWith('ready')) ? 'after start' : 'during startup'}`;
            } else {
                try {
                    await child.waitFor(line => line.startsWith(`mark ${kind} `), MARK_TIMEOUT_MS);
                } catch (e) {
                    if (child.hasExited) throw e;
                    at = `${kind} not reached, killed after ${MARK_TIMEOUT_MS} ms`;
                }
            }
            child.kill('SIGKILL');
            const exit = await Promise.race([child.exited, sleep(10_000).then(() => null)]);
            expect(exit, `child crash-${round} did not die`).not.toBeNull();
            expect(exit!.signal, `child crash-${round} exited by itself: ${child.stderrTail()}`).toBe('SIGKILL');
            kills.push({ round, kind, at, aliveMs: Date.now() - spawnedAt });
        }
        await emitter.stop();
        const emitted = emitter.emitted;

        // One last run, not killed: it must finish everything.
        const last = chaos.spawn({ ...base, owner: 'crash-final', pauseAt: null }, onLine);
        await last.waitFor(line => line.startsWith('ready'), 30_000);
        const ids = emitted.map(signature => eventId({ signature, instructionIndex: 0, eventIndex: 0 }));
        const effects = await chaos.waitForEffects(ids, handled, {
            timeoutMs: FINAL_TIMEOUT_MS,
            label: 'not finished after the last restart',
            giveUp: () => last.hasExited,
            detail: () => `; stderr: ${last.stderrTail()}`,
        });
        expect(await last.stop(15_000), 'the last worker stops gracefully on SIGTERM').toBeNull();

        // Every event handled at least once.
        expect(emitted.length).toBeGreaterThanOrEqual(20);
        for (const id of ids) expect(handled.get(id), `event ${id} handled`).toBeGreaterThanOrEqual(1);
        // Every effect once in the ledger, confirmed, with the transfer that landed.
        const ours = effects.filter(e => e.key.startsWith('pay:'));
        expect(ours.map(e => e.key).sort()).toEqual(ids.map(id => `pay:${id}`).sort());
        for (const e of ours) {
            expect(e.status, e.key).toBe('confirmed');
            expect(e.signature, e.key).not.toBeNull();
        }
        // Every transfer landed; exactly once on chain: each destination holds exactly one payment.
        await chaos.expectEffectsOnChain(expect, ours, ids);
        // Nothing dead-lettered.
        expect(dead).toEqual([]);
        expect(await chaos.store.listDeadLetters({ limit: 100 })).toEqual([]);

        const hits = (k: ChaosKillPoint) => kills.filter(x => x.at === k).length;
        expect(kills).toHaveLength(KILLS);
        for (const k of ['presend', 'postsend', 'confirmed'] as const) expect(hits(k), `kills at ${k}`).toBeGreaterThanOrEqual(1);
        const redelivered = ids.filter(id => handled.get(id)! > 1).length;
        const resent = ours.filter(e => e.sendCount > 1).length;
        console.log(
            `[crash] seed ${SEED}: ${kills.length} kills (${hits('presend')} after recordSent, ${hits('postsend')} after send, ` +
                `${hits('confirmed')} after confirmation, ${kills.filter(k => k.kind === 'random').length} at random times, ` +
                `${kills.filter(k => k.at.includes('not reached')).length} kill points not reached), ${emitted.length} events, ` +
                `${ours.length} effects exactly once on chain (${resolvedFromChain} found done on chain after a crash, ${resent} re-sent after their blockhash expired), ` +
                `${redelivered} events handled more than once, marks seen ${JSON.stringify(marks)}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
        console.log(`[crash] schedule: ${kills.map(k => `${k.round}:${k.at}(${k.aliveMs}ms)`).join(', ')}`);
    }, 120_000);
});
