import { waitFor } from '@raffle/test-support';
import type { Address } from '@solana/kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type Localnet, startLocalnet } from '../index';
import { rpcOk, send, sleep, transferTx, WsClient } from './helpers';

let net: Localnet;
const clients: WsClient[] = [];
const stranger = '7Np41oeYqPefeNQEHSv1UDhYrehxin3NStELsSKCT4K2' as Address;

async function client(): Promise<WsClient> {
    const c = await WsClient.open(net.wsUrl);
    clients.push(c);
    return c;
}

beforeAll(async () => {
    net = await startLocalnet({ rpcPort: 0, slotIntervalMs: null, confirmationLag: 1, finalizationLag: 3, fixtures: { wallets: 3, prizeNfts: 0 } });
});
afterEach(() => {
    for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
    await net?.stop();
});

describe('PubSub', () => {
    it('notifies logs (all and mentions) and signatures at each commitment, when that commitment is reached', async () => {
        const c = await client();
        const payer = net.fixtures!.wallets[0]!;
        const logsAll = await c.subscribe('logsSubscribe', ['all', { commitment: 'processed' }]);
        const logsMention = await c.subscribe('logsSubscribe', [{ mentions: [stranger] }, { commitment: 'confirmed' }]);
        const logsOther = await c.subscribe('logsSubscribe', [{ mentions: [net.fixtures!.wallets[2]!.address] }, { commitment: 'processed' }]);
        const { wire, signature } = await transferTx(net.rpcUrl, payer.keypair.signer, stranger, 2_000_000_000n);
        const sigProcessed = await c.subscribe('signatureSubscribe', [signature, { commitment: 'processed' }]);
        const sigConfirmed = await c.subscribe('signatureSubscribe', [signature, { commitment: 'confirmed' }]);
        const sigFinalized = await c.subscribe('signatureSubscribe', [signature, { commitment: 'finalized', enableReceivedNotification: true }]);
        expect((await send(net.rpcUrl, wire)).result).toBe(signature);
        const all = await waitFor('the processed logs notification', () => c.of(logsAll)[0]);
        expect(all).toMatchObject({ jsonrpc: '2.0', method: 'logsNotification', params: { subscription: logsAll, result: { value: { signature, err: null } } } });
        expect(all.params.result.context.slot).toBeTypeOf('number');
        expect(all.params.result.value.logs[0]).toBe('Program 11111111111111111111111111111111 invoke [1]');
        await waitFor('the processed signature notification', () => c.of(sigProcessed)[0]);
        expect(c.of(sigFinalized)[0].params.result.value).toBe('receivedSignature');
        await sleep(50);
        expect(c.of(logsMention)).toHaveLength(0);
        expect(c.of(sigConfirmed)).toHaveLength(0);
        expect(c.of(logsOther)).toHaveLength(0);
        net.control.advanceSlots(1);
        await waitFor('the confirmed logs notification', () => c.of(logsMention)[0]);
        expect(c.of(sigConfirmed)[0].params.result.value).toEqual({ err: null });
        expect(c.of(sigFinalized)).toHaveLength(1);
        net.control.advanceSlots(3);
        await waitFor('the finalized signature notification', () => c.of(sigFinalized)[1]);
        expect(c.of(sigFinalized)[1].params.result.value).toEqual({ err: null });
        // Signature subscriptions end after their notification.
        expect((await c.call('signatureUnsubscribe', [sigConfirmed])).error).toMatchObject({ code: -32602, message: 'Invalid subscription id.' });
        // A subscription to an already finalized signature is answered at once.
        const late = await c.subscribe('signatureSubscribe', [signature, { commitment: 'finalized' }]);
        await waitFor('the notification of the already finalized signature', () => c.of(late)[0]);
    });

    it('notifies account and program changes with the state at the subscription commitment', async () => {
        const c = await client();
        const payer = net.fixtures!.wallets[1]!;
        const accProcessed = await c.subscribe('accountSubscribe', [payer.address, { commitment: 'processed', encoding: 'base64' }]);
        const accFinal = await c.subscribe('accountSubscribe', [payer.address, { commitment: 'finalized', encoding: 'jsonParsed' }]);
        const prog = await c.subscribe('programSubscribe', ['11111111111111111111111111111111', { commitment: 'confirmed', encoding: 'base64', filters: [{ dataSize: 0 }] }]);
        const before = (await rpcOk(net.rpcUrl, 'getBalance', [payer.address, { commitment: 'processed' }])).value;
        const { wire } = await transferTx(net.rpcUrl, payer.keypair.signer, stranger, 1_000_000_000n);
        await send(net.rpcUrl, wire);
        const n = await waitFor('the processed account notification', () => c.of(accProcessed)[0]);
        expect(n.method).toBe('accountNotification');
        expect(n.params.result.value.lamports).toBe(before - 1_000_005_000);
        expect(n.params.result.value.data).toEqual(['', 'base64']);
        net.control.advanceSlots(1);
        const p = await waitFor('two confirmed program notifications', () => (c.of(prog).length >= 2 ? c.of(prog) : undefined));
        expect(p.map((x) => x.params.result.value.pubkey).sort()).toEqual([payer.address, stranger].sort());
        expect(c.of(accFinal)).toHaveLength(0);
        net.control.advanceSlots(3);
        const f = await waitFor('the finalized account notification', () => c.of(accFinal)[0]);
        expect(f.params.result.value.lamports).toBe(before - 1_000_005_000);
    });

    it('sends slot notifications and handles unsubscribe, bad params and garbage', async () => {
        const c = await client();
        const slotSub = await c.subscribe('slotSubscribe');
        net.control.advanceSlots(2);
        const n = await waitFor('two slot notifications', () => (c.of(slotSub).length >= 2 ? c.of(slotSub) : undefined));
        expect(Object.keys(n[0].params.result).sort()).toEqual(['parent', 'root', 'slot']);
        expect(n[1].params.result.slot - n[0].params.result.slot).toBe(1);
        expect((await c.call('slotUnsubscribe', [slotSub])).result).toBe(true);
        expect((await c.call('slotUnsubscribe', [slotSub])).error.code).toBe(-32602);
        expect((await c.call('accountSubscribe', ['nope'])).error.code).toBe(-32602);
        expect((await c.call('logsSubscribe', [{ mentions: [stranger, stranger] }])).error.code).toBe(-32602);
        expect((await c.call('fooSubscribe', [])).error.code).toBe(-32601);
        c.ws.send('{not json');
        await sleep(20);
        expect(c.closed).toBe(false);
        const root = await c.subscribe('rootSubscribe');
        expect(typeof root).toBe('number');
    });
});
