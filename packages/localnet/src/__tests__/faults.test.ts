import { isRaffleError, RAFFLE_ERROR__LOCALNET__PORT_IN_USE } from '@raffle/errors';
import { waitFor } from '@raffle/test-support';
import type { Address } from '@solana/kit';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type Localnet, startLocalnet } from '../index';
import { rpc, rpcOk, rpcRaw, send, sleep, transferTx, WsClient } from './helpers';

let net: Localnet;
const clients: WsClient[] = [];
const stranger = '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin' as Address;

beforeAll(async () => {
    net = await startLocalnet({ rpcPort: 0, slotIntervalMs: null, confirmationLag: 1, finalizationLag: 3, faultSeed: 7, fixtures: { wallets: 3, prizeNfts: 0 } });
});
afterEach(() => {
    for (const c of clients.splice(0)) c.close();
    net.control.clearFaults();
});
afterAll(async () => {
    await net?.stop();
});

describe('fault injection', () => {
    it('fails a fraction of calls with 429 or 503 (seeded), but never control methods', async () => {
        net.control.setFaults({ failureRate: 0.5, failureStatus: 429 });
        const statuses: number[] = [];
        for (let i = 0; i < 40; i++) statuses.push((await rpcRaw(net.rpcUrl, JSON.stringify({ jsonrpc: '2.0', id: i, method: 'getSlot' }))).status);
        const failed = statuses.filter((s) => s === 429).length;
        expect(failed).toBeGreaterThan(8);
        expect(failed).toBeLessThan(32);
        expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
        const r429 = await fetch(net.rpcUrl, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getSlot' }) });
        void r429.text();
        net.control.setFaults({ failureRate: 1, failureStatus: 503 });
        const r = await rpcRaw(net.rpcUrl, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getSlot' }));
        expect(r.status).toBe(503);
        expect((await rpcOk(net.rpcUrl, 'localnet_status')).faults.failureRate).toBe(1);
        await rpcOk(net.rpcUrl, 'localnet_clearFaults');
        expect(await rpcOk(net.rpcUrl, 'getHealth')).toBe('ok');
    });

    it('limits faults to listed methods and delays responses', async () => {
        net.control.setFaults({ failureRate: 1, methods: ['getBalance'] });
        expect((await rpcRaw(net.rpcUrl, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getSlot' }))).status).toBe(200);
        expect((await rpcRaw(net.rpcUrl, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getBalance', params: [stranger] }))).status).toBe(429);
        net.control.setFaults({ failureRate: 0, methods: [], delayMs: 150 });
        const t0 = Date.now();
        await rpcOk(net.rpcUrl, 'getSlot');
        expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
        const t1 = Date.now();
        await rpcOk(net.rpcUrl, 'localnet_status');
        expect(Date.now() - t1).toBeLessThan(140);
    });

    it('reports an unhealthy node', async () => {
        await rpcOk(net.rpcUrl, 'localnet_setFaults', [{ unhealthy: true }]);
        expect((await rpc(net.rpcUrl, 'getHealth')).error).toMatchObject({ code: -32005, message: 'Node is unhealthy' });
        expect((await fetch(`${net.rpcUrl}/health`)).status).toBe(503);
        expect((await rpc(net.rpcUrl, 'localnet_setFaults', [{ failureRate: 2 }])).error?.code).toBe(-32602);
    });

    it('drops every websocket connection and refuses new ones while asked to', async () => {
        const a = await WsClient.open(net.wsUrl);
        const b = await WsClient.open(net.wsUrl);
        clients.push(a, b);
        await a.subscribe('slotSubscribe');
        expect(await rpcOk(net.rpcUrl, 'localnet_dropWebsockets')).toBe(2);
        await waitFor('both websockets to close', () => (a.closed && b.closed ? true : undefined));
        net.control.setFaults({ refuseWebsockets: true });
        await expect(WsClient.open(net.wsUrl)).rejects.toThrow(/503/);
        net.control.setFaults({ refuseWebsockets: false });
        const c = await WsClient.open(net.wsUrl);
        clients.push(c);
        expect(c.closed).toBe(false);
        expect(net.control.status().subscriptions).toBe(0);
        void WebSocket;
    });

    it('drops PubSub notifications at the configured rate', async () => {
        const c = await WsClient.open(net.wsUrl);
        clients.push(c);
        const sub = await c.subscribe('slotSubscribe');
        net.control.setFaults({ notificationDropRate: 1 });
        net.control.advanceSlots(3);
        await sleep(50);
        expect(c.of(sub)).toHaveLength(0);
        net.control.setFaults({ notificationDropRate: 0 });
        net.control.advanceSlots(1);
        await waitFor('a slot notification once none is dropped', () => c.of(sub)[0]);
    });

    it('forks a confirmed transaction away: statuses forget it, processed/confirmed subscribers see the rollback, finalized never see it', async () => {
        const c = await WsClient.open(net.wsUrl);
        clients.push(c);
        const payer = net.fixtures!.wallets[0]!;
        const logsConfirmed = await c.subscribe('logsSubscribe', [{ mentions: [stranger] }, { commitment: 'confirmed' }]);
        const logsFinal = await c.subscribe('logsSubscribe', [{ mentions: [stranger] }, { commitment: 'finalized' }]);
        const accProcessed = await c.subscribe('accountSubscribe', [stranger, { commitment: 'processed', encoding: 'base64' }]);
        const accConfirmed = await c.subscribe('accountSubscribe', [stranger, { commitment: 'confirmed', encoding: 'base64' }]);
        const { wire, signature } = await transferTx(net.rpcUrl, payer.keypair.signer, stranger, 3_000_000_000n);
        await send(net.rpcUrl, wire);
        net.control.advanceSlots(1);
        await waitFor('the confirmed logs notification', () => c.of(logsConfirmed)[0]);
        await waitFor('the confirmed account notification', () => c.of(accConfirmed)[0]);
        expect((await rpcOk(net.rpcUrl, 'getSignatureStatuses', [[signature]])).value[0].confirmationStatus).toBe('confirmed');
        const forked = await rpcOk(net.rpcUrl, 'localnet_fork', [signature]);
        expect(forked.dropped.map((d: { signature: string }) => d.signature)).toEqual([signature]);
        expect((await rpcOk(net.rpcUrl, 'getSignatureStatuses', [[signature], { searchTransactionHistory: true }])).value).toEqual([null]);
        expect((await rpcOk(net.rpcUrl, 'getBalance', [stranger, { commitment: 'processed' }])).value).toBe(0);
        const rolledBack = await waitFor('the processed account notification of the rollback', () => c.of(accProcessed).find((n) => n.params.result.value.lamports === 0));
        expect(rolledBack.params.result.value.owner).toBe('11111111111111111111111111111111');
        await waitFor('the confirmed account notification of the rollback', () => c.of(accConfirmed).find((n) => n.params.result.value.lamports === 0));
        net.control.advanceSlots(6);
        await sleep(50);
        expect(c.of(logsFinal)).toHaveLength(0);
        expect((await rpcOk(net.rpcUrl, 'getSignaturesForAddress', [stranger])).map((s: { signature: string }) => s.signature)).not.toContain(signature);
        // A finalized transaction cannot be forked.
        const second = await transferTx(net.rpcUrl, payer.keypair.signer, stranger, 3_000_000_000n);
        await send(net.rpcUrl, second.wire);
        net.control.advanceSlots(5);
        expect((await rpc(net.rpcUrl, 'localnet_fork', [second.signature])).error?.code).toBe(-32602);
        await waitFor('the finalized logs notification of the second transfer', () => c.of(logsFinal)[0]);
    });
});

describe('control methods', () => {
    it('warps clock and slot, advances slots, funds accounts and tokens, snapshots and restores', async () => {
        const status = await rpcOk(net.rpcUrl, 'localnet_status');
        const unix = await rpcOk(net.rpcUrl, 'localnet_warpClock', [status.unixTimestamp + 86_400]);
        expect(unix).toBe(status.unixTimestamp + 86_400);
        const slots = await rpcOk(net.rpcUrl, 'localnet_warpToSlot', [status.slots.processed + 10_000]);
        expect(slots.processed).toBe(status.slots.processed + 10_000);
        expect(await rpcOk(net.rpcUrl, 'localnet_advanceSlots', [2])).toBe(status.slots.processed + 10_002);
        const snap = await rpcOk(net.rpcUrl, 'localnet_snapshot');
        expect(snap.id).toMatch(/^snapshot-/);
        expect(await rpcOk(net.rpcUrl, 'localnet_airdrop', [stranger, 5_000_000_000])).toBeGreaterThanOrEqual(5_000_000_000);
        const f = net.fixtures!;
        const tokens = await rpcOk(net.rpcUrl, 'localnet_airdropTokens', [{ owner: stranger, mint: f.mints.USDC.address, amount: 42_000_000 }]);
        expect((await rpcOk(net.rpcUrl, 'getTokenAccountBalance', [tokens.tokenAccount, { commitment: 'processed' }])).value.uiAmountString).toBe('42');
        const loaded = await rpcOk(net.rpcUrl, 'localnet_loadFixtures', [{ wallets: 1, prizeNfts: 1 }]);
        expect(loaded.wallets).toHaveLength(1);
        expect((await rpcOk(net.rpcUrl, 'getAccountInfo', [loaded.prizeNfts[0].metadata, { encoding: 'base64', commitment: 'processed' }])).value.owner).toBe(
            'metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s',
        );
        const accounts = await rpcOk(net.rpcUrl, 'localnet_loadAccounts', [
            [{ pubkey: 'CktRuQ2mttgRGkXJtyksdKHjUdc2C4TgDzyB98oEzy8', account: { lamports: 1_000_000, data: ['AQID', 'base64'], owner: '11111111111111111111111111111111', executable: false } }],
        ]);
        expect(accounts).toEqual(['CktRuQ2mttgRGkXJtyksdKHjUdc2C4TgDzyB98oEzy8']);
        await rpcOk(net.rpcUrl, 'localnet_restore', [snap.id]);
        expect((await rpcOk(net.rpcUrl, 'getAccountInfo', [tokens.tokenAccount, { commitment: 'processed' }])).value).toBeNull();
        expect((await rpcOk(net.rpcUrl, 'getSlot', [{ commitment: 'processed' }]))).toBe(status.slots.processed + 10_002);
        expect((await rpc(net.rpcUrl, 'localnet_restore', ['snapshot-999'])).error?.code).toBe(-32602);
        const lags = await rpcOk(net.rpcUrl, 'localnet_setCommitmentLags', [{ finalization: 10 }]);
        expect(lags).toEqual({ confirmation: 1, finalization: 10 });
        await rpcOk(net.rpcUrl, 'localnet_setCommitmentLags', [{ finalization: 3 }]);
        expect(await rpcOk(net.rpcUrl, 'localnet_setSlotInterval', [50])).toBe(50);
        const s0 = await rpcOk(net.rpcUrl, 'getSlot', [{ commitment: 'processed' }]);
        await waitFor('two slots on the slot clock', async () => ((await rpcOk(net.rpcUrl, 'getSlot', [{ commitment: 'processed' }])) > s0 + 1 ? true : undefined));
        expect(await rpcOk(net.rpcUrl, 'localnet_setSlotInterval', [null])).toBeNull();
        const fixtures = await rpcOk(net.rpcUrl, 'localnet_getFixtures');
        expect(fixtures.configAddress).toBe(f.configAddress);
        expect(fixtures.admin.secretKey).toHaveLength(64);
    });

    it('refuses bad control input with -32602 and the message of its localnet error code', async () => {
        const error = async (method: string, params: unknown[]) => (await rpc(net.rpcUrl, method, params)).error;
        expect(await error('localnet_restore', ['snapshot-999'])).toMatchObject({
            code: -32602,
            message: '[5005] No snapshot snapshot-999; snapshots live in memory (at most 64) and are lost on restart.',
        });
        expect(await error('localnet_setFaults', [{ failureRate: 2 }])).toMatchObject({ code: -32602, message: expect.stringMatching(/^\[5008\] Fault injection setting `failureRate` is invalid/) });
        expect(await error('localnet_airdropTokens', [{ owner: stranger, mint: stranger, amount: 1 }])).toMatchObject({
            code: -32602,
            message: `[5007] ${stranger} is not an initialized SPL Token mint in the local cluster.`,
        });
        const badKey = [{ pubkey: 'not-a-key', account: { lamports: 1, data: ['', 'base64'], owner: '11111111111111111111111111111111' } }];
        expect(await error('localnet_loadAccounts', [badKey])).toMatchObject({ code: -32602, message: expect.stringMatching(/^\[5009\] Account fixture #0 is invalid: pubkey is not a base58 address/) });
        expect(await error('localnet_fork', ['1'.repeat(64)])).toMatchObject({ code: -32602, message: expect.stringMatching(/^\[5001\] No landed transaction/) });
        expect(await error('localnet_setSlotInterval', [5])).toMatchObject({ code: -32602, message: expect.stringMatching(/^\[5000\] Local cluster option `slotIntervalMs`/) });
    });
});

describe('startup errors', () => {
    it('rejects a port in use with RAFFLE_ERROR__LOCALNET__PORT_IN_USE (JSON-RPC and PubSub ports)', async () => {
        for (const ports of [{ rpcPort: net.rpcPort, wsPort: 0 }, { rpcPort: 0, wsPort: net.wsPort }]) {
            const taken = ports.rpcPort || ports.wsPort;
            await expect(startLocalnet({ ...ports, fixtures: false, slotIntervalMs: null })).rejects.toSatisfy(
                (e) => isRaffleError(e, RAFFLE_ERROR__LOCALNET__PORT_IN_USE) && e.context.port === taken && e.context.host === '127.0.0.1',
            );
        }
    });
});
