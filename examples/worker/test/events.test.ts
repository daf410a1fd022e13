/**
 * The activity stream (`GET /events`, Server-Sent Events of the worker's audit log) of the
 * example worker running as a child process on `@raffle/localnet`, its state in Redis under a
 * fresh key prefix: a client reads, disconnects, the users and the worker act while it is away,
 * and it reconnects with `Last-Event-ID`: it gets everything it missed, once, in order. Also the
 * spend guard holding refund tickets over its limit until released through the admin routes,
 * and a second signal during the shutdown.
 */
import { connect as connectTcp } from 'node:net';

import { RaffleStatus } from '@raffle/client';
import { waitFor } from '@raffle/test-support';
import { afterAll, describe, expect, it } from 'vitest';

import { fileTag, REDIS_URL, RedisAdmin, skipRedis } from '../../../packages/worker-kit/src/__tests__/services';
import { chainNow, createRaffle, joinWithTokens, readRaffleNow, tokenBalance } from '../../../packages/worker-kit/src/raffle/__tests__/fixtures/raffles';
import { useTestCluster } from './support/cluster';
import { openEvents, type SseConnection, type SseEvent } from './support/sse';
import { killAllWorkers, startWorkerProcess } from './support/worker-process';

const skip = await skipRedis();
const cluster = useTestCluster({ wallets: 5, prizeNfts: 2 });
const keyPrefix = `example-worker:${fileTag()}:`;
const ADMIN_TOKEN = `admin-${fileTag()}-${fileTag()}-token`;
const open: SseConnection[] = [];

afterAll(async () => {
    for (const c of open) c.close();
    await killAllWorkers();
    if (skip) return;
    const admin = new RedisAdmin();
    await admin.deletePrefix(keyPrefix);
    await admin.close();
});

async function connect(url: string, lastEventId?: number): Promise<SseConnection> {
    const c = await openEvents(url, lastEventId);
    open.push(c);
    expect(c.status).toBe(200);
    return c;
}

const ids = (events: readonly SseEvent[]) => events.map(e => e.id);

describe.skipIf(skip)('the activity stream of the example worker on Redis', () => {
    it('resumes after a disconnect with Last-Event-ID: nothing lost, nothing repeated', async () => {
        const net = cluster.net;
        const f = net.fixtures!;
        const child = startWorkerProcess(cluster.env({ REDIS_URL, REDIS_KEY_PREFIX: keyPrefix, WORKER_ADMIN_TOKEN: ADMIN_TOKEN }), 'events');
        const url = await child.ready();
        net.control.warpClock(chainNow(net) + 2n);

        // Only new activity without a position; the whole log from ?after=0.
        const live = await connect(`${url}/events`);
        const first = await connect(`${url}/events?after=0`);
        const raffle = await createRaffle(net, { raffleId: 7n, prize: 0, maxTickets: 6, refundMode: 'tokens' });
        await joinWithTokens(net, f.wallets[0]!.keypair.signer, raffle, 2);
        await first.waitFor(e => e.event === 'chain:TicketsPurchased' && e.data.subject === raffle, 20_000, 'the first purchase');
        first.close();
        await first.ended;
        const lastSeen = first.events[first.events.length - 1]!.id;
        const missedFrom = first.events.length;

        // While the client is away: the raffle sells out, the worker draws and claims.
        await joinWithTokens(net, f.wallets[1]!.keypair.signer, raffle, 2);
        await joinWithTokens(net, f.wallets[2]!.keypair.signer, raffle, 2);
        await waitFor('the raffle to be drawn and claimed', async () => {
            const r = (await readRaffleNow(net, raffle)).data;
            return r.status === RaffleStatus.Completed && r.prizeClaimed && r.proceedsClaimed;
        }, { timeoutMs: 60_000, intervalMs: 50 });

        // Back, with Last-Event-ID: everything after lastSeen, from the oldest missed on.
        const resumed = await connect(`${url}/events`, lastSeen);
        await resumed.waitFor(e => e.event === 'chain:ProceedsClaimed' && e.data.subject === raffle, 20_000, 'the proceeds claim');
        // ?after= works the same way.
        const byQuery = await connect(`${url}/events?after=${lastSeen}`);
        await byQuery.waitFor(e => e.event === 'chain:ProceedsClaimed', 20_000, 'the proceeds claim (by ?after=)');

        // The reference: the whole log read in one go, up to what the resumed stream has seen.
        const upTo = resumed.events[resumed.events.length - 1]!.id;
        const whole = await connect(`${url}/events?after=0`);
        await whole.waitFor(e => e.id >= upTo, 20_000, `entry ${upTo}`);
        const reference = whole.events.filter(e => e.id <= upTo);
        const stitched = [...first.events, ...resumed.events.filter(e => e.id <= upTo)];

        expect(new Set(ids(stitched)).size).toBe(stitched.length); // nothing repeated
        expect(ids(stitched)).toEqual(ids(reference)); // nothing lost, same order
        expect(stitched.map(e => [e.event, e.data.subject, e.data.seq])).toEqual(reference.map(e => [e.event, e.data.subject, e.data.seq]));
        expect(ids(byQuery.events.filter(e => e.id <= upTo))).toEqual(ids(reference.slice(missedFrom)));
        expect(ids(resumed.events)).toEqual([...ids(resumed.events)].sort((a, b) => a - b));
        // What happened while away is there: chain events and the worker's effects.
        const missed = resumed.events.map(e => e.event);
        expect(missed).toEqual(expect.arrayContaining(['chain:TicketsPurchased', 'chain:ThresholdReached', 'chain:WinnerDrawn', 'chain:PrizeClaimed', 'chain:ProceedsClaimed', 'effect:confirmed']));
        for (const e of resumed.events) expect(e.data.seq).toBe(e.id);

        // The live stream (no position) saw only what came after it connected: the same entries
        // (it may trail the resumed one: wait until it has reached the same point).
        await live.waitFor(e => e.id >= upTo, 20_000, `entry ${upTo} on the live stream`);
        const liveIds = ids(live.events.filter(e => e.id <= upTo));
        expect(liveIds.length).toBeGreaterThan(0);
        expect(liveIds).toEqual(ids(reference).slice(reference.length - liveIds.length));

        // Filters: one subject, action prefixes.
        const chainOnly = await connect(`${url}/events?after=0&actions=chain:*&subject=${raffle}`);
        await chainOnly.waitFor(e => e.event === 'chain:ProceedsClaimed', 20_000, 'the filtered proceeds claim');
        expect(chainOnly.events.every(e => e.event.startsWith('chain:') && e.data.subject === raffle)).toBe(true);

        // An admin action shows up at once on an open stream.
        const pause = await fetch(`${url}/admin/automations/pause`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: '{"reason":"test"}' });
        expect(pause.status).toBe(200);
        await resumed.waitFor(e => e.event === 'automations:paused', 10_000, 'the pause');
        const resume = await fetch(`${url}/admin/automations/resume`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        expect(resume.status).toBe(200);
        await resumed.waitFor(e => e.event === 'automations:resumed', 10_000, 'the resume');

        // SIGTERM ends the open streams and the process exits 0.
        const exit = await child.stop(30_000);
        expect(exit, child.stderr()).toEqual({ code: 0, signal: null });
        await Promise.all([resumed.ended, live.ended, whole.ended]);
    }, 150_000);

    it('holds refund tickets over the spend limit until an operator releases them', async () => {
        const net = cluster.net;
        const f = net.fixtures!;
        const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
        const child = startWorkerProcess(cluster.env({ REDIS_URL, REDIS_KEY_PREFIX: `${keyPrefix}spend:`, WORKER_ADMIN_TOKEN: ADMIN_TOKEN, SPEND_TICKETS_PER_HOUR: '3' }), 'spend');
        const url = await child.ready();
        net.control.warpClock(chainNow(net) + 2n);
        const raffle = await createRaffle(net, { raffleId: 8n, prize: 1, maxTickets: 20, deadlineIn: 600n, refundMode: 'vouchers' });
        const owed = [3n, 2n];
        const before = await Promise.all(owed.map((_, i) => tokenBalance(net, f.wallets[i]!.address, f.mints.MRFT.address)));
        for (const [i, n] of owed.entries()) await joinWithTokens(net, f.wallets[i]!.keypair.signer, raffle, Number(n));
        net.control.warpClock((await readRaffleNow(net, raffle)).data.deadline + 1n);

        // 5 tickets owed, 3 allowed per hour: an issuance is held, and reported.
        const spendNow = async () => (await (await fetch(`${url}/admin/spend`, { headers: admin })).json()) as { usage: { holds: number }; holds: { id: string; action: string; tickets: number; raffle: string | null }[] };
        const held = await waitFor('a spend hold', async () => ((await spendNow()).holds.length > 0 ? (await spendNow()).holds : undefined), { timeoutMs: 30_000, intervalMs: 50 });
        expect(held[0]).toMatchObject({ action: 'issue-tickets', raffle });
        await child.waitFor(l => l.event === 'spend:held', 10_000, 'the spend:held log line');
        const status = (await (await fetch(`${url}/status`)).json()) as { spend: { holds: number; limits: unknown } };
        expect(status.spend).toMatchObject({ holds: held.length, limits: { perHour: { tickets: 3 } } });
        expect((await fetch(`${url}/admin/spend/holds/no-such-hold/release`, { method: 'POST', headers: admin })).status).toBe(404);

        // The operator releases every hold (bounded); then every buyer gets exactly what is owed.
        let releases = 0;
        await waitFor('the vouchers after the release', async () => {
            for (const hold of (await spendNow()).holds) {
                const r = await fetch(`${url}/admin/spend/holds/${encodeURIComponent(hold.id)}/release`, { method: 'POST', headers: admin });
                expect(await r.json()).toEqual({ released: true });
                releases++;
            }
            const held = await Promise.all(owed.map((_, i) => tokenBalance(net, f.wallets[i]!.address, f.mints.MRFT.address)));
            return held.every((n, i) => n - before[i]! === owed[i]) ? true : undefined;
        }, { timeoutMs: 30_000, intervalMs: 50 });
        expect(releases).toBeGreaterThanOrEqual(1);
        expect((await spendNow()).holds).toEqual([]);
        const exit = await child.stop(30_000);
        expect(exit, child.stderr()).toEqual({ code: 0, signal: null });
    }, 120_000);

    it('exits at once (code 1) on a second signal during the shutdown', async () => {
        const child = startWorkerProcess(cluster.env({ REDIS_URL, REDIS_KEY_PREFIX: keyPrefix }), 'double-signal');
        const url = new URL(await child.ready());
        // A client in the middle of sending its headers keeps the listener from closing (for up
        // to 2 s): the shutdown is still under way when the second signal comes.
        const socket = connectTcp(Number(url.port), url.hostname);
        socket.on('error', () => undefined); // reset when the process exits
        await new Promise<void>(resolve => socket.once('connect', () => resolve()));
        socket.write('GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n');
        child.signal('SIGINT');
        await child.waitFor(l => l.step === 'streams-closed', 10_000, 'the shutdown');
        child.signal('SIGINT');
        const exit = await Promise.race([child.exited, new Promise<null>(resolve => setTimeout(() => resolve(null), 20_000).unref())]);
        expect(exit, child.stderr()).toEqual({ code: 1, signal: null });
        const steps = child.logs.filter(l => typeof l.step === 'string').map(l => l.step);
        expect(steps).toContain('shutdown');
        expect(steps[steps.length - 1]).toBe('forced-exit');
        socket.destroy();
    }, 60_000);
});
