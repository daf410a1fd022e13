/**
 * SIGTERM in the middle of a large refund, then a restart with the same environment: the
 * example worker (a child process on `@raffle/localnet`) drains, exits 0, and the next run
 * finishes the job with nothing done twice. Two raffles miss their deadline at once: one in
 * vouchers mode (300 entries: refunded in batches, one MRFT voucher per ticket) and one in
 * tokens mode (120 entries: the payments go back). Checked from the chain: every entry refunded
 * once, every buyer's MOGA back exactly as owed, every buyer holding exactly the vouchers owed,
 * the voucher supply grown by exactly the tickets sold, the treasury credited once. Run on the
 * embedded store (SQLite, the default) and on PostgreSQL.
 */
import { fetchEntries, RaffleStatus, RefundMode } from '@raffle/client';
import { waitFor } from '@raffle/test-support';
import type { Address } from '@solana/kit';
import { afterAll, describe, expect, it } from 'vitest';

import { DATABASE_URL, fileTag, PgAdmin, skipPostgres } from '../../../packages/worker-kit/src/__tests__/services';
import {
    type BulkJoin,
    chainNow,
    clientsOf,
    createRaffle,
    joinManyWithTokens,
    mintSupply,
    readRaffleNow,
    TICKET_PRICE,
    tokenBalance,
} from '../../../packages/worker-kit/src/raffle/__tests__/fixtures/raffles';
import { useTestCluster } from './support/cluster';
import { killAllWorkers, type LogLine, startWorkerProcess } from './support/worker-process';

const BUYERS = 30;
const VOUCHER_JOINS_PER_BUYER = 10;
const TOKEN_JOINS_PER_BUYER = 4;
const skipPg = await skipPostgres();
const cluster = useTestCluster({ wallets: BUYERS + 1, prizeNfts: 4 });
const schema = `example_worker_restart_${fileTag()}`;

afterAll(async () => {
    await killAllWorkers();
    if (skipPg) return;
    const admin = new PgAdmin();
    await admin.dropSchema(schema).catch(() => undefined);
    await admin.close();
});

/** Name, skipped, the store's variables, and the store the worker reports opening. */
const stores: [string, boolean, () => Record<string, string>, string][] = [
    ['the embedded store (SQLite)', false, () => ({ WORKER_DATA_DIR: cluster.tempDir('example-worker-data-') }), 'sqlite'],
    ['PostgreSQL', skipPg, () => ({ DATABASE_URL, DATABASE_SCHEMA: schema }), 'postgres'],
];

let nextRaffleId = 100n;

describe.each(stores)('SIGTERM mid-refund on %s', (_name, skip, storeEnv, storeKind) => {
    it.skipIf(skip)('drains, exits 0, and the restarted worker finishes with every buyer refunded once and every ticket issued once', async () => {
        const net = cluster.net;
        const f = net.fixtures!;
        const { rpc } = clientsOf(net);
        const env = cluster.env({ ...storeEnv(), WORKER_DRAIN_TIMEOUT_MS: '15000' });
        const first = startWorkerProcess(env, 'restart-1');
        await first.ready();
        expect(first.logs.find(l => l.step === 'store-ready')).toMatchObject({ store: storeKind });
        net.control.warpClock(chainNow(net) + 2n);

        const buyers = f.wallets.slice(0, BUYERS);
        const mogaBefore = await Promise.all(buyers.map(b => tokenBalance(net, b.address, f.mints.MOGA.address)));
        const mrftBefore = await Promise.all(buyers.map(b => tokenBalance(net, b.address, f.mints.MRFT.address)));
        const treasuryBefore = await tokenBalance(net, f.treasury.address, f.mints.MOGA.address);
        const supplyBefore = await mintSupply(net, f.mints.MRFT.address);

        const vouchersRaffle = await createRaffle(net, { raffleId: nextRaffleId++, prize: 0, maxTickets: 100_000, deadlineIn: 3_600n, refundMode: 'vouchers' });
        const tokensRaffle = await createRaffle(net, { raffleId: nextRaffleId++, prize: 1, maxTickets: 100_000, deadlineIn: 3_600n, refundMode: 'tokens' });
        const ticketsV = new Map<Address, bigint>(buyers.map(b => [b.address, 0n]));
        const joinsV: BulkJoin[] = [];
        const joinsT: BulkJoin[] = [];
        for (let round = 0; round < VOUCHER_JOINS_PER_BUYER; round++) {
            for (const [i, b] of buyers.entries()) {
                const ticketCount = 1 + ((i + round) % 2);
                ticketsV.set(b.address, ticketsV.get(b.address)! + BigInt(ticketCount));
                joinsV.push({ buyer: b.keypair.signer, ticketCount });
                if (round < TOKEN_JOINS_PER_BUYER) joinsT.push({ buyer: b.keypair.signer, ticketCount: 3 - ticketCount });
            }
        }
        await joinManyWithTokens(net, vouchersRaffle, joinsV);
        await joinManyWithTokens(net, tokensRaffle, joinsT);
        const totalV = [...ticketsV.values()].reduce((a, b) => a + b, 0n);
        expect((await readRaffleNow(net, vouchersRaffle)).data.entriesCount).toBe(joinsV.length);
        expect((await readRaffleNow(net, tokensRaffle)).data.entriesCount).toBe(joinsT.length);

        // Past both deadlines: the worker refunds in batches and issues vouchers. SIGTERM it mid-way.
        const deadline = (await readRaffleNow(net, tokensRaffle)).data.deadline;
        net.control.warpClock(deadline + 1n);
        await first.waitFor(l => l.event === 'automation:done' && l.action === 'refund' && l.alreadyDone === false, 60_000, 'the first refund batch');
        first.signal('SIGTERM');
        const firstExit = await Promise.race([first.exited, new Promise<null>(resolve => setTimeout(() => resolve(null), 30_000).unref())]);
        expect(firstExit, `first run did not exit: ${first.stderr()}`).toEqual({ code: 0, signal: null });
        const steps = first.logs.filter(l => typeof l.step === 'string').map(l => String(l.step));
        // worker-drain-timeout: worker.stop() outlived WORKER_DRAIN_TIMEOUT_MS (+5 s) and was cut; the restart must still finish.
        const drain = steps.includes('worker-drained') ? 'worker-drained' : 'worker-drain-timeout';
        expect(steps.slice(-6)).toEqual(['shutdown', 'streams-closed', 'http-closed', drain, 'store-closed', 'stopped']);
        // It stopped mid-way: vouchers (or refunds) remain.
        const atStop = {
            vouchers: (await mintSupply(net, f.mints.MRFT.address)) - supplyBefore,
            refundedV: (await readRaffleNow(net, vouchersRaffle)).data.entriesRefunded,
            refundedT: (await readRaffleNow(net, tokensRaffle)).data.entriesRefunded,
        };
        expect(atStop.vouchers < totalV || atStop.refundedV < joinsV.length || atStop.refundedT < joinsT.length, JSON.stringify(atStop, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).toBe(true);

        // Restart with the same environment: it finishes.
        const second = startWorkerProcess(env, 'restart-2');
        await second.ready();
        await waitFor('both refunds and every voucher', async () => {
            const [v, t] = [(await readRaffleNow(net, vouchersRaffle)).data, (await readRaffleNow(net, tokensRaffle)).data];
            if (v.status !== RaffleStatus.Refunded || !v.prizeClaimed || !v.proceedsClaimed || t.status !== RaffleStatus.Refunded || !t.prizeClaimed) return undefined;
            return (await mintSupply(net, f.mints.MRFT.address)) - supplyBefore >= totalV ? true : undefined;
        }, { timeoutMs: 180_000, intervalMs: 50 });

        // From the chain: every entry refunded once; every buyer whole, exactly.
        expect(v(await readRaffleNow(net, vouchersRaffle))).toMatchObject({ entriesRefunded: joinsV.length, refundMode: RefundMode.Vouchers });
        expect(v(await readRaffleNow(net, tokensRaffle))).toMatchObject({ entriesRefunded: joinsT.length, refundMode: RefundMode.Tokens });
        for (const raffle of [vouchersRaffle, tokensRaffle]) {
            const entries = await fetchEntries(rpc, raffle, { programAddress: f.programAddress, commitment: 'confirmed' });
            expect(entries.filter(e => !e.data.refunded).length).toBe(0);
        }
        expect((await mintSupply(net, f.mints.MRFT.address)) - supplyBefore).toBe(totalV);
        const mogaAfter = await Promise.all(buyers.map(b => tokenBalance(net, b.address, f.mints.MOGA.address)));
        const mrftAfter = await Promise.all(buyers.map(b => tokenBalance(net, b.address, f.mints.MRFT.address)));
        buyers.forEach((b, i) => {
            // Tokens-mode payments came back; vouchers-mode payments became vouchers.
            expect({ buyer: i, moga: mogaAfter[i]! - mogaBefore[i]! }).toEqual({ buyer: i, moga: -TICKET_PRICE * ticketsV.get(b.address)! });
            expect({ buyer: i, mrft: mrftAfter[i]! - mrftBefore[i]! }).toEqual({ buyer: i, mrft: ticketsV.get(b.address)! });
        });
        expect((await tokenBalance(net, f.treasury.address, f.mints.MOGA.address)) - treasuryBefore).toBe(TICKET_PRICE * totalV);
        expect(await tokenBalance(net, f.organizer.address, f.prizeNfts[0]!.mint)).toBe(1n);
        expect(await tokenBalance(net, f.organizer.address, f.prizeNfts[1]!.mint)).toBe(1n);

        // From the logs: no effect sent twice across both runs.
        const sent = [...first.logs, ...second.logs].filter((l: LogLine) => l.event === 'automation:done' && l.alreadyDone === false).map(l => String(l.key));
        expect(sent.length).toBeGreaterThan(0);
        expect(sent.length - new Set(sent).size).toBe(0);
        const exit = await second.stop(30_000);
        expect(exit, second.stderr()).toEqual({ code: 0, signal: null });
        console.info(`[example-worker] restart (${_name}): ${drain}; stopped with ${atStop.vouchers}/${totalV} vouchers, ${atStop.refundedV}/${joinsV.length} + ${atStop.refundedT}/${joinsT.length} entries refunded`);
    }, 300_000);
});

function v<T>(account: { data: T }): T {
    return account.data;
}
