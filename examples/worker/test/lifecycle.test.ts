/**
 * The example worker, started as a user starts it (a child process configured by environment
 * variables), on `@raffle/localnet` with its state in a fresh PostgreSQL schema. Users only
 * create raffles, join and warp the clock; the worker does the rest. Checked from the chain:
 * a raffle that sells out is drawn and its prize and proceeds claimed; a raffle that misses its
 * deadline is refunded, every buyer gets one MRFT voucher per ticket, the prize goes back and
 * the payments to the treasury. Then the HTTP surface (`/health`, `/ready`, `/status`,
 * `/raffles`, `/metrics` parsed as Prometheus text, the operator page, admin auth, the spend
 * guard, the pushed-transactions webhook), signed notifications to a receiver, and a graceful
 * SIGTERM that logs each step and never a secret.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { fetchRaffleView, RaffleStatus } from '@raffle/client';
import { waitFor } from '@raffle/test-support';
import { type Notification, verifyWebhookSignature } from '@raffle/worker-kit/ops';
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import { afterAll, describe, expect, it } from 'vitest';

import { DATABASE_URL, fileTag, PgAdmin, skipPostgres } from '../../../packages/worker-kit/src/__tests__/services';
import { chainNow, clientsOf, createRaffle, joinWithTokens, readRaffleNow, TICKET_PRICE, tokenBalance } from '../../../packages/worker-kit/src/raffle/__tests__/fixtures/raffles';
import { useTestCluster } from './support/cluster';
import { killAllWorkers, type LogLine, startWorkerProcess } from './support/worker-process';

const skipPg = await skipPostgres();
const cluster = useTestCluster({ wallets: 7, prizeNfts: 3 });
const schema = `example_worker_${fileTag()}`;
const ADMIN_TOKEN = `admin-${fileTag()}-${fileTag()}-token`;
const HELIUS_SECRET = `helius-${fileTag()}-${fileTag()}`;
const NOTIFY_SECRET = `notify-${fileTag()}-${fileTag()}`;

/** A webhook receiver on 127.0.0.1 that records the notifications and checks their signatures. */
async function startNotificationReceiver(): Promise<{ url: string; received: (Notification & { signed: boolean })[]; close(): Promise<void> }> {
    const received: (Notification & { signed: boolean })[] = [];
    const server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const signed = verifyWebhookSignature({ secret: NOTIFY_SECRET, header: request.headers['x-raffle-signature'] as string | undefined, body });
            received.push({ ...(JSON.parse(body) as Notification), signed });
            response.writeHead(signed ? 204 : 401).end();
        });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/raffle-events`, received, close: () => new Promise(resolve => server.close(() => resolve())) };
}

afterAll(async () => {
    await killAllWorkers();
    if (skipPg) return;
    const admin = new PgAdmin();
    await admin.dropSchema(schema).catch(() => undefined);
    await admin.close();
});

/** Sum of a metric family's samples whose labels match `labels`. */
function sum(families: readonly PrometheusFamily[], name: string, labels: Record<string, string> = {}): number {
    const family = families.find(f => f.name === name);
    if (!family) return Number.NaN;
    return family.metrics.filter(m => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)).reduce((n, m) => n + Number(m.value ?? 0), 0);
}

describe.skipIf(skipPg)('the example worker on PostgreSQL', () => {
    it('runs a sold-out raffle and an expired one to their end, serves its HTTP API, and stops gracefully', async () => {
        const started = Date.now();
        const net = cluster.net;
        const f = net.fixtures!;
        const receiver = await startNotificationReceiver();
        const env = cluster.env({
            DATABASE_URL,
            DATABASE_SCHEMA: schema,
            WORKER_ADMIN_TOKEN: ADMIN_TOKEN,
            HELIUS_WEBHOOK_SECRET: HELIUS_SECRET,
            NOTIFY_WEBHOOK_URL: receiver.url,
            NOTIFY_WEBHOOK_SECRET: NOTIFY_SECRET,
            SPEND_LAMPORTS_PER_DAY: '100000000000',
            SPEND_TICKETS_PER_HOUR: '100000',
            LOG_LEVEL: 'debug',
        });
        const child = startWorkerProcess(env, 'lifecycle');
        const url = await child.ready();
        const readyMs = Date.now() - started;
        // The worker's store is born before the raffles exist (its ledger then vouches for them).
        net.control.warpClock(chainNow(net) + 2n);

        // Raffle 1 sells out.
        const organizerMogaBefore = await tokenBalance(net, f.organizer.address, f.mints.MOGA.address);
        const treasuryMogaBefore = await tokenBalance(net, f.treasury.address, f.mints.MOGA.address);
        const raffle1 = await createRaffle(net, { raffleId: 1n, prize: 0, maxTickets: 10, refundMode: 'tokens' });
        for (const [i, count] of [3, 3, 2, 2].entries()) await joinWithTokens(net, f.wallets[i]!.keypair.signer, raffle1, count);

        // Raffle 2 misses its deadline: 9 of 20 tickets sold.
        const owed = [2n, 1n, 3n, 1n, 2n];
        const raffle2 = await createRaffle(net, { raffleId: 2n, prize: 1, maxTickets: 20, deadlineIn: 600n, refundMode: 'vouchers' });
        for (const [i, count] of owed.entries()) await joinWithTokens(net, f.wallets[i]!.keypair.signer, raffle2, Number(count));
        const mrftBefore = await Promise.all(owed.map((_, i) => tokenBalance(net, f.wallets[i]!.address, f.mints.MRFT.address)));
        net.control.warpClock((await readRaffleNow(net, raffle2)).data.deadline + 1n);

        const final1 = await waitFor('raffle 1 to be drawn and claimed', async () => {
            const r = await readRaffleNow(net, raffle1);
            return r.data.status === RaffleStatus.Completed && r.data.prizeClaimed && r.data.proceedsClaimed ? r : undefined;
        }, { timeoutMs: 60_000, intervalMs: 50 });
        await waitFor('raffle 2 to be refunded with its vouchers', async () => {
            const r = await readRaffleNow(net, raffle2);
            if (r.data.status !== RaffleStatus.Refunded || !r.data.prizeClaimed || !r.data.proceedsClaimed) return undefined;
            const held = await Promise.all(owed.map((_, i) => tokenBalance(net, f.wallets[i]!.address, f.mints.MRFT.address)));
            return held.every((n, i) => n - mrftBefore[i]! === owed[i]) ? true : undefined;
        }, { timeoutMs: 60_000, intervalMs: 50 });
        const lifecycleMs = Date.now() - started;

        // From the chain: the winner holds the prize; the organizer got the proceeds minus the fee.
        const view1 = await fetchRaffleView(clientsOf(net).rpc, raffle1);
        expect(view1.winner?.buyer).toBeDefined();
        expect(await tokenBalance(net, view1.winner!.buyer!, f.prizeNfts[0]!.mint)).toBe(1n);
        const vault1 = TICKET_PRICE * 10n;
        const fee1 = (vault1 * BigInt(f.feeBps)) / 10_000n;
        expect((await tokenBalance(net, f.organizer.address, f.mints.MOGA.address)) - organizerMogaBefore).toBe(vault1 - fee1);
        // Raffle 2: the prize went back to the organizer, the payments (9 tickets) to the treasury.
        expect(await tokenBalance(net, f.organizer.address, f.prizeNfts[1]!.mint)).toBe(1n);
        expect((await tokenBalance(net, f.treasury.address, f.mints.MOGA.address)) - treasuryMogaBefore).toBe(fee1 + TICKET_PRICE * 9n);
        expect(final1.data.entriesCount).toBe(4);

        // HTTP: liveness, readiness, status, raffles.
        const get = async (path: string, headers: Record<string, string> = {}) => {
            const response = await fetch(`${url}${path}`, { headers });
            return { status: response.status, headers: response.headers, text: await response.text() };
        };
        expect(JSON.parse((await get('/health')).text)).toEqual({ ok: true });
        const readiness = await waitFor('/ready to answer 200', async () => {
            const r = await get('/ready');
            return r.status === 200 ? JSON.parse(r.text) : undefined;
        }, { timeoutMs: 20_000, intervalMs: 50 });
        expect(readiness).toMatchObject({ ok: true, checks: { store: true, rpc: true, ingestion: true, caughtUp: true } });
        const status = JSON.parse((await get('/status')).text);
        expect(status).toMatchObject({ worker: { role: 'leader', queue: { deadLetters: 0 } }, automations: { running: true, paused: false }, spend: { holds: 0, limits: { perHour: { tickets: 100_000 } } } });
        expect(BigInt(status.spend.day.lamports)).toBeGreaterThan(0n);
        expect(status.spend.day.tickets).toBe(9);
        const raffles = JSON.parse((await get('/raffles')).text).raffles as { address: string; status: string; nextActions: string[] }[];
        expect(raffles.find(r => r.address === raffle1)).toMatchObject({ status: 'Completed', nextActions: [] });
        // Every voucher issued: the ledger's marker clears `issue-tickets` from the next actions.
        expect(raffles.find(r => r.address === raffle2)).toMatchObject({ status: 'Refunded', prizeClaimed: true, proceedsClaimed: true, entriesRefunded: 5, nextActions: [] });

        // Metrics: events ingested and effects confirmed, in Prometheus text.
        const metricsResponse = await get('/metrics');
        expect(metricsResponse.status).toBe(200);
        expect(metricsResponse.headers.get('content-type')).toMatch(/^text\/plain/);
        const families = parsePrometheusTextFormat(metricsResponse.text);
        const names = families.map(m => m.name);
        const metricsReport = { names };
        // Two creations, nine joins, and what the worker's own transactions emitted.
        expect(sum(families, 'raffle_worker_events_received_total'), JSON.stringify(metricsReport)).toBeGreaterThanOrEqual(2 + 9 + 4);
        expect(sum(families, 'raffle_worker_jobs_succeeded_total', { kind: 'handler' })).toBeGreaterThan(0);
        for (const action of ['request-draw', 'answer-draw', 'claim-prize', 'claim-proceeds', 'refund', 'issue-tickets']) {
            expect({ action, sent: sum(families, 'raffle_worker_automations_done_total', { action, outcome: 'sent' }) }).toEqual({ action, sent: expect.any(Number) });
            expect(sum(families, 'raffle_worker_automations_done_total', { action, outcome: 'sent' }), action).toBeGreaterThanOrEqual(1);
        }
        expect(sum(families, 'raffle_worker_status_ok')).toBe(1);
        expect(sum(families, 'raffle_worker_rpc_requests_total', { method: 'sendTransaction' })).toBeGreaterThanOrEqual(6);
        expect(sum(families, 'raffle_worker_rpc_requests_total', { method: 'getSignaturesForAddress' })).toBeGreaterThan(0);
        expect(sum(families, 'raffle_worker_leader')).toBe(1);
        expect(sum(families, 'raffle_worker_dead_letters')).toBe(0);

        // The operator page and its CSP; admin routes need the token.
        const page = await get('/');
        expect(page.status).toBe(200);
        expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
        expect((await get('/admin/dead-letters')).status).toBe(401);
        expect((await get('/admin/dead-letters', { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
        const deadLetters = await get('/admin/dead-letters', { authorization: `Bearer ${ADMIN_TOKEN}` });
        expect({ status: deadLetters.status, body: JSON.parse(deadLetters.text) }).toEqual({ status: 200, body: { deadLetters: [] } });

        const spend = await get('/admin/spend', { authorization: `Bearer ${ADMIN_TOKEN}` });
        expect(JSON.parse(spend.text)).toMatchObject({ holds: [], usage: { holds: 0 } });

        // Pushed transactions (Helius raw webhook): the shared secret is required.
        const push = (secret: string, body: string) => fetch(`${url}/webhooks/transactions`, { method: 'POST', headers: { authorization: secret, 'content-type': 'application/json' }, body });
        expect((await push('wrong-secret-0123456789', '[]')).status).toBe(401);
        const pushed = await push(HELIUS_SECRET, '[]');
        expect({ status: pushed.status, body: await pushed.json() }).toEqual({ status: 200, body: { events: 0, truncated: 0 } });

        // Notifications: signed webhooks for what happened (at least once: deduped by id).
        const byType = await waitFor(`the notifications (received: ${JSON.stringify(receiver.received.map(n => [n.type, n.signed]))})`, () => {
            const types = new Map<string, Set<string>>();
            for (const n of receiver.received) types.set(n.type, (types.get(n.type) ?? new Set()).add(n.id));
            const count = (t: string) => types.get(t)?.size ?? 0;
            // (A vouchers-mode refund pays in tickets: `tickets-issued`, not `refund-paid`.)
            return count('winner-drawn') >= 1 && count('prize-delivered') >= 2 && count('tickets-issued') >= 1 ? types : undefined;
        }, { timeoutMs: 30_000, intervalMs: 50 });
        expect(receiver.received.every(n => n.signed)).toBe(true);
        expect([...byType.get('winner-drawn')!].length).toBe(1);
        expect(receiver.received.find(n => n.type === 'winner-drawn')!.raffle).toBe(raffle1);
        expect(byType.get('prize-delivered')!.size).toBe(2);
        await receiver.close();

        // SIGTERM: each shutdown step logged, exit 0.
        const exit = await child.stop(30_000);
        expect(exit, child.stderr()).toEqual({ code: 0, signal: null });
        const steps = child.logs.filter(l => typeof l.step === 'string').map(l => l.step);
        expect(steps).toEqual(['starting', 'store-ready', 'chain-checked', 'worker-started', 'http-listening', 'shutdown', 'streams-closed', 'http-closed', 'worker-drained', 'store-closed', 'stopped']);
        expect(child.otherStdout).toEqual([]);
        expect(child.stderr()).toBe('');
        // Never a secret: the token, the hash-chain seed, a key file's bytes.
        const everything = JSON.stringify(child.logs);
        expect(everything).not.toContain(ADMIN_TOKEN);
        expect(everything).not.toContain(HELIUS_SECRET);
        expect(everything).not.toContain(NOTIFY_SECRET);
        expect(everything).not.toContain(env.DRAW_HASH_CHAIN_SEED!);
        expect(everything).not.toContain(JSON.stringify(Array.from(f.drawAuthority.secretKey)).slice(1, 40));
        const done = child.logs.filter((l: LogLine) => l.event === 'automation:done' && l.alreadyDone === false).map(l => String(l.action));
        expect(done).toEqual(expect.arrayContaining(['request-draw', 'answer-draw', 'claim-prize', 'claim-proceeds', 'refund', 'issue-tickets']));
        console.info(`[example-worker] lifecycle: worker ready in ${readyMs} ms, both raffles finished ${lifecycleMs} ms after the spawn`);
    }, 180_000);

    it('refuses at start what the cluster contradicts: one line naming the variable, exit 1', async () => {
        const f = cluster.net.fixtures!;
        const base = cluster.env({ DATABASE_URL, DATABASE_SCHEMA: schema });
        const cases: [string, Record<string, string>, RegExp][] = [
            ['another program', { RWA_RAFFLE_PROGRAM_ID: f.mints.MOGA.address }, /^example-worker: RWA_RAFFLE_PROGRAM_ID has no config account on this cluster \(\w+\): wrong program id or cluster/],
            ['a draw key the config does not name', { DRAW_AUTHORITY_KEYPAIR_PATH: base.SETTLE_AUTHORITY_KEYPAIR_PATH! }, new RegExp(`^example-worker: DRAW_AUTHORITY_KEYPAIR_PATH holds ${f.settleAuthority.address}, but the program's config names ${f.drawAuthority.address} as the draw authority$`)],
            ['an MRFT mint authority that is not the mint\'s', { MRFT_MINT_AUTHORITY_KEYPAIR_PATH: '' }, /^example-worker: MRFT_MINT_AUTHORITY_KEYPAIR_PATH is unset, so the worker key \w+ would mint, but the MRFT mint's authority is \w+$/],
            ['another MRFT mint', { MRFT_MINT: f.mints.USDC.address }, /^example-worker: MRFT_MINT is \w+, but the program's config names \w+: join_with_ticket would refuse these vouchers$/],
            ['an RPC URL nothing answers', { SOLANA_RPC_URL: 'http://127.0.0.1:9', SOLANA_WS_URL: 'ws://127.0.0.1:9' }, /^example-worker: SOLANA_RPC_URL did not answer as a Solana JSON-RPC node \(fetch failed/],
        ];
        const results = await Promise.all(
            cases.map(async ([what, extra, expected]) => {
                const child = startWorkerProcess({ ...base, ...extra }, what);
                const exit = await Promise.race([child.exited, new Promise<null>(resolve => setTimeout(() => resolve(null), 60_000).unref())]);
                if (exit === null) await child.stop(1_000);
                return { what, expected, code: exit?.code, stderr: child.stderr() };
            }),
        );
        for (const { what, expected, code, stderr } of results) {
            expect({ what, code }).toEqual({ what, code: 1 });
            expect(stderr.trimEnd().split('\n'), what).toEqual([expect.stringMatching(expected)]);
        }
    }, 120_000);
});
