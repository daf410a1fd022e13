/**
 * The raffle automations when things go wrong, on `@raffle/localnet` with the real program: a
 * draw nobody answers (re-request, settle fallback), hostile events, a buyer who closed their
 * token account, a worker whose store is lost mid-refund, and a worker that starts after
 * everything happened with an empty store.
 */
import { cancelRaffleTx, fetchEntries, findAssociatedTokenAddress, getRefundTicketsRequestedEventEncoder, RaffleStatus } from '@raffle/client';
import { waitFor } from '@raffle/test-support';
import { getCloseAccountInstruction } from '@solana-program/token';
import {
    type Address,
    appendTransactionMessageInstructions,
    createTransactionMessage,
    getBase58Decoder,
    getBase64Decoder,
    type Signature,
} from '@solana/kit';
import { describe, expect, it } from 'vitest';

import { CLOCK_SYSVAR_ADDRESS } from '../../scheduler/chain-scheduler';
import { createMemoryWorkerStore } from '../../store/memory/index';
import type { RaffleAutomationEvents } from '../context';
import { createExternalDrawProvider } from '../draw/provider';
import { createSettleDrawProvider, settleWinnerTicket } from '../draw/settle';
import { createSplVoucherIssuer } from '../issuers/spl-voucher';
import {
    chainNow,
    clientsOf,
    createRaffle,
    joinWithTokens,
    readRaffleNow,
    startAutomationWorker,
    tokenBalance,
    useAutomationCluster,
} from './fixtures/raffles';

const cluster = useAutomationCluster({ wallets: 8, prizeNfts: 14 });
const start = cluster.start.bind(cluster);
let nextRaffleId = 200n;

async function soldOutRaffle(prize: number): Promise<Address> {
    const f = cluster.net.fixtures!;
    const raffle = await createRaffle(cluster.net, { raffleId: nextRaffleId++, prize, maxTickets: 3, refundMode: 'tokens' });
    await joinWithTokens(cluster.net, f.wallets[0]!.keypair.signer, raffle, 2);
    await joinWithTokens(cluster.net, f.wallets[1]!.keypair.signer, raffle, 1);
    return raffle;
}

describe('draws nobody answers', () => {
    it('requests a draw again when the provider does not answer within DRAW_TIMEOUT_SLOTS', async () => {
        const store = createMemoryWorkerStore();
        const { worker } = start(store, { automations: { draw: { provider: createExternalDrawProvider({ name: 'arcium' }) }, claims: { prize: false, proceeds: false } } });
        await worker.start();
        const raffle = await soldOutRaffle(0);
        const first = await waitFor('the first request', async () => {
            const r = await readRaffleNow(cluster.net, raffle);
            return r.data.status === RaffleStatus.DrawRequested ? r.data.drawRequestedSlot : undefined;
        }, { timeoutMs: 20_000 });
        cluster.net.control.advanceSlots(160);
        const second = await waitFor('the second request', async () => {
            const r = await readRaffleNow(cluster.net, raffle);
            return r.data.drawRequestedSlot > first ? r.data.drawRequestedSlot : undefined;
        }, { timeoutMs: 20_000 });
        expect(second - first).toBeGreaterThanOrEqual(150n);
        // The chain can show the second request before the worker has recorded its confirmation.
        const requests = await waitFor('the second confirmation in the audit log', async () => {
            const confirmed = (await store.listAudit({ limit: 1000 })).filter(a => a.action === 'effect:confirmed' && (a.data as { action?: string }).action === 'request-draw');
            return confirmed.length >= 2 ? confirmed : undefined;
        }, { timeoutMs: 20_000 });
        expect(requests.map(a => a.subject)).toEqual([`draw-request:${raffle}:0`, `draw-request:${raffle}:${first}`]);
    });

    it('lets the settle fallback answer a request that timed out', async () => {
        const f = cluster.net.fixtures!;
        const { worker } = start(createMemoryWorkerStore(), {
            automations: {
                draw: { provider: createExternalDrawProvider({ name: 'switchboard' }), fallback: createSettleDrawProvider({ settleAuthority: f.settleAuthority.signer }) },
            },
        });
        await worker.start();
        const raffle = await soldOutRaffle(1);
        const requested = await waitFor('the request', async () => {
            const r = await readRaffleNow(cluster.net, raffle);
            return r.data.status === RaffleStatus.DrawRequested ? r : undefined;
        }, { timeoutMs: 20_000 });
        cluster.net.control.advanceSlots(160);
        const done = await waitFor('the fallback draw and the claims', async () => {
            const r = await readRaffleNow(cluster.net, raffle);
            return r.data.status === RaffleStatus.Completed && r.data.prizeClaimed && r.data.proceedsClaimed ? r : undefined;
        }, { timeoutMs: 20_000 });
        expect(done.data.winnerTicket).toBe(settleWinnerTicket(new Uint8Array(requested.data.drawSeed), requested.data.drawRequestedSlot, 3));
    });
});

describe('hostile input', () => {
    it('ignores forged and malformed events (naming an entry that is not refunded, an account of another program) and mints nothing for them', async () => {
        const f = cluster.net.fixtures!;
        const attacker = f.wallets[6]!;
        const { worker, automations } = start(createMemoryWorkerStore());
        const failures: RaffleAutomationEvents['automation:failed'][] = [];
        automations.events.on('automation:failed', e => failures.push(e));
        await worker.start();
        const raffle = await createRaffle(cluster.net, { raffleId: nextRaffleId++, prize: 2, maxTickets: 10, refundMode: 'vouchers' });
        await joinWithTokens(cluster.net, attacker.keypair.signer, raffle, 1);
        const [entry] = await fetchEntries(clientsOf(cluster.net).rpc, raffle, { programAddress: f.programAddress });
        const supplyBefore = await mintSupply(f.mints.MRFT.address);
        const forged = (fields: { raffle: Address; entry: Address; buyer: Address; tickets: number }) =>
            `Program data: ${getBase64Decoder().decode(getRefundTicketsRequestedEventEncoder().encode({ ...fields, slot: 1n }))}`;
        const logs = [
            `Program ${f.programAddress} invoke [1]`,
            // A real entry, not refunded: the chain says nothing is owed.
            forged({ raffle, entry: entry!.address, buyer: attacker.address, tickets: 1000 }),
            // The "raffle" is a token mint (another program's account), the "entry" a wallet.
            forged({ raffle: f.mints.MOGA.address, entry: attacker.address, buyer: attacker.address, tickets: 5 }),
            // Garbage after a valid discriminator: undecodable, dead-lettered by the engine.
            `Program data: ${getBase64Decoder().decode(new Uint8Array([67, 104, 78, 79, 193, 16, 156, 129, 1, 2, 3]))}`,
            `Program ${f.programAddress} success`,
        ];
        await worker.ingestTransactions([{ signature: randomSignature(), slot: cluster.net.control.status().slots.confirmed, logs, err: null }]);
        await waitFor('the forged event to be judged', () => failures.filter(e => e.action === 'issue-tickets').length >= 1, { timeoutMs: 10_000 });
        await new Promise(r => setTimeout(r, 500));
        expect(failures.filter(e => e.action === 'issue-tickets').every(e => !e.willRetry)).toBe(true);
        expect(await tokenBalance(cluster.net, attacker.address, f.mints.MRFT.address)).toBe(0n);
        expect(await mintSupply(f.mints.MRFT.address)).toBe(supplyBefore);
        expect((await worker.deadLetters.list()).map(j => j.name)).toEqual(['ingest:undecodable']);
        expect(await automations.advance(f.mints.MOGA.address)).toEqual({ status: null, acted: [] });
    });

    it('issues the tickets of a buyer who closed their voucher account (recreated, paid by the cranker)', async () => {
        const f = cluster.net.fixtures!;
        const buyer = f.wallets[5]!;
        const { rpc, sendAndConfirm } = clientsOf(cluster.net);
        const ata = await findAssociatedTokenAddress({ owner: buyer.address, mint: f.mints.MRFT.address });
        if ((await tokenBalance(cluster.net, buyer.address, f.mints.MRFT.address)) === 0n) {
            const close = getCloseAccountInstruction({ account: ata, destination: buyer.address, owner: buyer.keypair.signer });
            await sendAndConfirm(appendTransactionMessageInstructions([close], createTransactionMessage({ version: 0 })), { feePayer: buyer.keypair.signer });
        }
        expect((await rpc.getAccountInfo(ata, { commitment: 'confirmed', encoding: 'base64' }).send()).value).toBeNull();
        const { worker } = start(createMemoryWorkerStore());
        await worker.start();
        const raffle = await createRaffle(cluster.net, { raffleId: nextRaffleId++, prize: 3, maxTickets: 10, deadlineIn: 300n, refundMode: 'vouchers' });
        await joinWithTokens(cluster.net, buyer.keypair.signer, raffle, 2);
        cluster.net.control.warpClock(chainNow(cluster.net) + 301n);
        await waitFor('the vouchers', async () => ((await tokenBalance(cluster.net, buyer.address, f.mints.MRFT.address)) === 2n ? true : undefined), { timeoutMs: 20_000 });
    });
});

describe('a refund sent too early', () => {
    it('is retried later and never dead-lettered when the program answers DeadlineNotReached (an RPC whose clock runs ahead)', async () => {
        const f = cluster.net.fixtures!;
        const { rpc } = clientsOf(cluster.net);
        // A hostile or lagging RPC node: its Clock sysvar is 10 minutes ahead of the bank's.
        const ahead = new Proxy(rpc, {
            get(target, property, receiver) {
                if (property !== 'getAccountInfo') return Reflect.get(target, property, receiver);
                return (address: Address, config?: Parameters<typeof rpc.getAccountInfo>[1]) => {
                    const request = target.getAccountInfo(address, config);
                    if (address !== CLOCK_SYSVAR_ADDRESS) return request;
                    return {
                        async send(options?: Parameters<typeof request.send>[0]) {
                            const response = await request.send(options);
                            const data = Buffer.from(response.value!.data[0] as string, 'base64');
                            data.writeBigInt64LE(data.readBigInt64LE(32) + 600n, 32);
                            return { ...response, value: { ...response.value!, data: [data.toString('base64'), 'base64'] } };
                        },
                    };
                };
            },
        });
        const store = createMemoryWorkerStore();
        const { worker } = start(store, { automations: { rpc: ahead as typeof rpc } });
        await worker.start();
        const raffle = await createRaffle(cluster.net, { raffleId: nextRaffleId++, prize: 9, maxTickets: 10, deadlineIn: 300n, refundMode: 'tokens' });
        await joinWithTokens(cluster.net, f.wallets[4]!.keypair.signer, raffle, 1);
        // The worker believes the deadline passed and sends the refund: the program refuses it.
        const refused = await waitFor('the refused refund', async () => (await store.listEffects({ statuses: ['failed'] })).find(e => e.key.startsWith(`refund:${raffle}`)), { timeoutMs: 20_000 });
        expect(refused.error).toMatch(/DeadlineNotReached|deadline has not passed/);
        expect((await readRaffleNow(cluster.net, raffle)).data.status).toBe(RaffleStatus.Open);
        // The deadline comes: the refund is sent again, under the next key generation.
        cluster.net.control.warpClock(chainNow(cluster.net) + 301n);
        await waitFor('the refund', async () => ((await readRaffleNow(cluster.net, raffle)).data.status === RaffleStatus.Refunded ? true : undefined), { timeoutMs: 20_000 });
        expect(await worker.deadLetters.list()).toEqual([]);
    });
});

describe('store lost, worker late', () => {
    it('finishes a refund after its store was lost mid-run without issuing any ticket twice (the chain proves what was issued)', async () => {
        const f = cluster.net.fixtures!;
        const buyers = f.wallets.slice(0, 5);
        const raffle = await createRaffle(cluster.net, { raffleId: nextRaffleId++, prize: 4, maxTickets: 200, deadlineIn: 300n, refundMode: 'vouchers' });
        const owed = new Map<Address, bigint>();
        for (let i = 0; i < 25; i++) {
            const buyer = buyers[i % buyers.length]!;
            const count = 1 + (i % 3);
            await joinWithTokens(cluster.net, buyer.keypair.signer, raffle, count);
            owed.set(buyer.address, (owed.get(buyer.address) ?? 0n) + BigInt(count));
        }
        const before = new Map(await Promise.all(buyers.map(async b => [b.address, await tokenBalance(cluster.net, b.address, f.mints.MRFT.address)] as const)));
        const supplyBefore = await mintSupply(f.mints.MRFT.address);

        const first = start(createMemoryWorkerStore(), { worker: { concurrency: 1 }, automations: { concurrency: 1, claims: { prize: false, proceeds: false } } });
        let issued = 0;
        first.automations.events.on('automation:done', e => void (e.action === 'issue-tickets' && !e.alreadyDone && issued++));
        await first.worker.start();
        cluster.net.control.warpClock(chainNow(cluster.net) + 301n);
        await waitFor('some issuances', () => issued >= 6, { timeoutMs: 30_000 });
        await first.worker.stop(); // its store is thrown away with it

        const secondStore = createMemoryWorkerStore();
        const second = start(secondStore);
        await second.worker.start();
        await waitFor('the refund to finish', async () => {
            const r = await readRaffleNow(cluster.net, raffle);
            return r.data.status === RaffleStatus.Refunded && r.data.proceedsClaimed ? true : undefined;
        }, { timeoutMs: 60_000 });
        const total = [...owed.values()].reduce((a, b) => a + b, 0n);
        await waitFor('every ticket', async () => ((await mintSupply(f.mints.MRFT.address)) - supplyBefore === total ? true : undefined), { timeoutMs: 30_000 });
        await new Promise(r => setTimeout(r, 1_000)); // nothing more may come
        expect((await mintSupply(f.mints.MRFT.address)) - supplyBefore).toBe(total);
        for (const b of buyers) expect((await tokenBalance(cluster.net, b.address, f.mints.MRFT.address)) - before.get(b.address)!).toBe(owed.get(b.address));
        const proven = (await secondStore.listAudit({ limit: 1000 })).filter(a => a.action === 'effect:proven-on-chain');
        expect(proven.length).toBeGreaterThanOrEqual(6);
    });

    it('finishes every raffle when started after everything happened, with an empty store, and reports what it repaired', async () => {
        const f = cluster.net.fixtures!;
        const soldOut = await soldOutRaffle(5);
        const unsold = await createRaffle(cluster.net, { raffleId: nextRaffleId++, prize: 6, maxTickets: 10, deadlineIn: 120n, refundMode: 'tokens' });
        await joinWithTokens(cluster.net, f.wallets[2]!.keypair.signer, unsold, 2);
        const cancelled = await createRaffle(cluster.net, { raffleId: nextRaffleId++, prize: 7, maxTickets: 10, refundMode: 'tokens' });
        const { sendAndConfirm } = clientsOf(cluster.net);
        await sendAndConfirm(() => cancelRaffleTx({ authority: f.organizer.keypair.signer, raffle: cancelled }), { feePayer: f.organizer.keypair.signer });
        cluster.net.control.warpClock(chainNow(cluster.net) + 121n);
        cluster.net.control.advanceSlots(10); // all of it finalized: a worker starting now sees none of these events

        const { worker, automations } = start(createMemoryWorkerStore());
        const sweeps: RaffleAutomationEvents['reconcile:done'][] = [];
        automations.events.on('reconcile:done', s => sweeps.push(s));
        await worker.start();
        const sweep = await waitFor('the first sweep', () => sweeps[0], { timeoutMs: 60_000 });
        const repaired = new Map(sweep.repaired.map(r => [r.raffle, r.actions]));
        expect(repaired.get(soldOut)).toEqual(expect.arrayContaining(['request-draw', 'answer-draw', 'claim-prize', 'claim-proceeds']));
        expect(repaired.get(unsold)).toEqual(expect.arrayContaining(['refund', 'claim-prize']));
        expect(repaired.get(cancelled)).toEqual(['claim-prize']);
        const states = await Promise.all([soldOut, unsold, cancelled].map(r => readRaffleNow(cluster.net, r)));
        expect(states.map(r => r.data.status)).toEqual([RaffleStatus.Completed, RaffleStatus.Refunded, RaffleStatus.Cancelled]);
        expect(states.every(r => r.data.prizeClaimed)).toBe(true);
        expect(await tokenBalance(cluster.net, f.organizer.address, f.prizeNfts[7]!.mint)).toBe(1n);
        expect(await tokenBalance(cluster.net, f.organizer.address, f.prizeNfts[6]!.mint)).toBe(1n);
    });
});

describe('one buyer, two equal entries', () => {
    it('mints the tickets of both when their chunks share one transaction (identical mint instructions are not merged)', async () => {
        const f = cluster.net.fixtures!;
        const { worker } = start(createMemoryWorkerStore());
        await worker.start();
        const raffle = await createRaffle(cluster.net, { raffleId: nextRaffleId++, prize: 10, maxTickets: 10, deadlineIn: 120n, refundMode: 'vouchers' });
        const buyer = f.wallets[5]!;
        await joinWithTokens(cluster.net, buyer.keypair.signer, raffle, 2);
        await joinWithTokens(cluster.net, buyer.keypair.signer, raffle, 2);
        const before = await tokenBalance(cluster.net, buyer.address, f.mints.MRFT.address);
        cluster.net.control.warpClock(chainNow(cluster.net) + 121n);
        await waitFor('both entries’ tickets', async () => ((await tokenBalance(cluster.net, buyer.address, f.mints.MRFT.address)) === before + 4n ? true : undefined), { timeoutMs: 30_000 });
        await new Promise(r => setTimeout(r, 500)); // and no more than that
        expect(await tokenBalance(cluster.net, buyer.address, f.mints.MRFT.address)).toBe(before + 4n);
    });
});

// Last: the raffle it leaves owing tickets would be finished by the workers of later tests.
describe('an issuer that keeps failing', () => {
    it('does not hold back the claims of a refunded raffle; the failure is reported and retried', async () => {
        const f = cluster.net.fixtures!;
        const { rpc } = clientsOf(cluster.net);
        const full = { ...createSplVoucherIssuer({ rpc, mint: f.mints.MRFT.address, mintAuthority: f.mrftMintAuthority.signer }), checkCapacity: () => Promise.reject(new Error('the tree is full')) };
        const { worker, automations } = start(createMemoryWorkerStore(), { automations: { issuer: full } });
        const failures: RaffleAutomationEvents['automation:failed'][] = [];
        automations.events.on('automation:failed', e => failures.push(e));
        await worker.start();
        const raffle = await createRaffle(cluster.net, { raffleId: nextRaffleId++, prize: 8, maxTickets: 10, deadlineIn: 300n, refundMode: 'vouchers' });
        await joinWithTokens(cluster.net, f.wallets[3]!.keypair.signer, raffle, 2);
        const vouchersBefore = await tokenBalance(cluster.net, f.wallets[3]!.address, f.mints.MRFT.address);
        cluster.net.control.warpClock(chainNow(cluster.net) + 301n);
        await waitFor('the claims', async () => {
            const r = await readRaffleNow(cluster.net, raffle);
            return r.data.status === RaffleStatus.Refunded && r.data.prizeClaimed && r.data.proceedsClaimed ? true : undefined;
        }, { timeoutMs: 20_000 });
        await waitFor('the reported failure', () => failures.some(e => e.error.message.includes('the tree is full') && e.willRetry), { timeoutMs: 20_000 });
        expect(await tokenBalance(cluster.net, f.wallets[3]!.address, f.mints.MRFT.address)).toBe(vouchersBefore);
    });
});

async function mintSupply(mint: Address): Promise<bigint> {
    const { value } = await clientsOf(cluster.net).rpc.getTokenSupply(mint, { commitment: 'confirmed' }).send();
    return BigInt(value.amount);
}

function randomSignature(): Signature {
    return getBase58Decoder().decode(crypto.getRandomValues(new Uint8Array(64))) as Signature;
}

