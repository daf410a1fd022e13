/**
 * Error codes and messages as Agave answers them, through kit and web3.js 1.x (base58 of a large
 * account, keys and signatures of the wrong size, an airdrop that cannot land), and control
 * methods that can no longer wedge or monopolise the cluster.
 */
import { type Address, createSolanaRpc, isSolanaError, SOLANA_ERROR__JSON_RPC__INVALID_PARAMS, SOLANA_ERROR__JSON_RPC__INVALID_REQUEST } from '@solana/kit';
import { Connection, Keypair, SystemProgram, Transaction } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Localnet, startLocalnet } from '../index';
import { MAX_WARP_SLOT, MAX_WARP_UNIX_TIMESTAMP } from '../svm/time-limits';
import { rpc, rpcOk, rpcRaw } from './helpers';

let net: Localnet;
let connection: Connection;
const U64_MAX = 18_446_744_073_709_551_615n;

beforeAll(async () => {
    net = await startLocalnet({ rpcPort: 0, slotIntervalMs: null, confirmationLag: 0, finalizationLag: 1, fixtures: { wallets: 2, prizeNfts: 0 } });
    connection = new Connection(net.rpcUrl, { commitment: 'confirmed', wsEndpoint: net.wsUrl });
});
afterAll(async () => {
    await net?.stop();
});

/** A System transfer with web3.js, confirmed: the cluster still works. */
async function transferStillLands(): Promise<number> {
    const payer = Keypair.fromSecretKey(net.fixtures!.wallets[1]!.keypair.secretKey);
    const tx = new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 1_000_000 }));
    const signature = await connection.sendTransaction(tx, [payer]);
    net.control.advanceSlots(2);
    const landed = await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0, commitment: 'finalized' });
    expect(landed?.meta?.err).toBeNull();
    return landed!.blockTime!;
}

describe('error codes and messages', () => {
    it('answers base58 of more than 128 bytes with -32600 (kit sees INVALID_REQUEST)', async () => {
        const config = net.fixtures!.configAddress;
        const error = await createSolanaRpc(net.rpcUrl).getAccountInfo(config, { encoding: 'base58' }).send().catch((e: unknown) => e);
        expect(isSolanaError(error, SOLANA_ERROR__JSON_RPC__INVALID_REQUEST)).toBe(true);
        expect((await rpc(net.rpcUrl, 'getAccountInfo', [config, { encoding: 'base58' }])).error).toEqual({
            code: -32600,
            message: 'Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.',
        });
        // A slice that fits is served, as on a node.
        expect((await rpcOk(net.rpcUrl, 'getAccountInfo', [config, { encoding: 'base58', dataSlice: { offset: 0, length: 128 } }])).value.data[1]).toBe('base58');
    });

    it('tells a key or signature of the wrong size (WrongSize) from a bad one (Invalid)', async () => {
        const error = await createSolanaRpc(net.rpcUrl).getBalance('1111' as Address).send().catch((e: unknown) => e);
        expect(isSolanaError(error, SOLANA_ERROR__JSON_RPC__INVALID_PARAMS)).toBe(true);
        const cases: [string, unknown[], string][] = [
            ['getBalance', ['1111'], 'WrongSize'],
            ['getBalance', ['2'.repeat(45)], 'WrongSize'],
            ['getBalance', [''], 'WrongSize'],
            ['getBalance', ['0OIl'], 'Invalid'],
            ['getAccountInfo', ['zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz'], 'WrongSize'],
            ['getSignatureStatuses', [['5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW'.slice(0, 40)]], 'WrongSize'],
            ['getTransaction', ['I'.repeat(88)], 'Invalid'],
        ];
        for (const [method, params, detail] of cases) {
            expect((await rpc(net.rpcUrl, method, params)).error, `${method}(${JSON.stringify(params)})`).toEqual({ code: -32602, message: `Invalid param: ${detail}` });
        }
    });

    it('refuses an airdrop that would overflow the balance with -32602 (web3.js), and so does localnet_airdrop', async () => {
        const target = Keypair.generate().publicKey;
        net.control.airdrop(target.toBase58() as Address, U64_MAX - 1_000n);
        const error = await connection.requestAirdrop(target, 1_000_000).catch((e: { code?: number; message?: string }) => e);
        expect((error as { code?: number }).code).toBe(-32602);
        expect((await rpc(net.rpcUrl, 'localnet_airdrop', [target.toBase58(), '5000'])).error?.code).toBe(-32602);
        expect((await createSolanaRpc(net.rpcUrl).getBalance(target.toBase58() as Address, { commitment: 'processed' }).send()).value).toBe(U64_MAX - 1_000n);
        // An airdrop that fits still lands.
        const fresh = Keypair.generate().publicKey;
        await connection.confirmTransaction(await connection.requestAirdrop(fresh, 2_000_000_000), 'confirmed');
        expect(await connection.getBalance(fresh, 'confirmed')).toBe(2_000_000_000);
    });
});

describe('control methods', () => {
    it('refuses a clock warp to i64::MAX and a slot warp to u64::MAX with -32602; the cluster keeps working', async () => {
        const before = net.control.status();
        expect((await rpc(net.rpcUrl, 'localnet_warpClock', ['9223372036854775807'])).error?.code).toBe(-32602);
        expect((await rpc(net.rpcUrl, 'localnet_warpToSlot', ['18446744073709551615'])).error?.code).toBe(-32602);
        expect((await rpc(net.rpcUrl, 'localnet_warpClock', [(MAX_WARP_UNIX_TIMESTAMP + 1n).toString()])).error?.code).toBe(-32602);
        expect((await rpc(net.rpcUrl, 'localnet_warpToSlot', [(MAX_WARP_SLOT + 1n).toString()])).error?.code).toBe(-32602);
        expect(net.control.status().slots.processed).toBe(before.slots.processed);
        await transferStillLands();
        expect(typeof (await rpcOk(net.rpcUrl, 'requestAirdrop', [Keypair.generate().publicKey.toBase58(), 1_000_000_000]))).toBe('string');
    });

    it('accepts the largest warps, and blocks, times and transactions still work after them', async () => {
        expect(await rpcOk(net.rpcUrl, 'localnet_warpClock', [MAX_WARP_UNIX_TIMESTAMP.toString()])).toBe(Number(MAX_WARP_UNIX_TIMESTAMP));
        await rpcOk(net.rpcUrl, 'localnet_warpToSlot', [MAX_WARP_SLOT.toString()]);
        const blockTime = await transferStillLands();
        expect(new Date(blockTime * 1000).getTime()).toBe(blockTime * 1000);
        expect(await connection.getSlot('processed')).toBeGreaterThan(Number(MAX_WARP_SLOT));
        expect(await rpcOk(net.rpcUrl, 'localnet_advanceSlots', [3])).toBe(Number(net.control.status().slots.processed));
    });

    it('bounds the slots one request body may ask for: a batch of ten 100,000-slot advances runs one', async () => {
        const start = net.control.status().slots.processed;
        const batch = Array.from({ length: 10 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'localnet_advanceSlots', params: [100_000] }));
        const answers = JSON.parse((await rpcRaw(net.rpcUrl, JSON.stringify(batch))).text) as { id: number; result?: unknown; error?: { code: number; message: string } }[];
        expect(answers[0]!.result).toBe(Number(start) + 100_000);
        expect(answers.slice(1).map((a) => a.error?.code)).toEqual(Array(9).fill(-32602));
        expect(answers[1]!.error?.message).toMatch(/at most 100000 slots per request body/);
        expect(net.control.status().slots.processed).toBe(start + 100_000n);
        expect((await rpc(net.rpcUrl, 'localnet_advanceSlots', [100_001])).error?.code).toBe(-32602);
    });

    it('serves other clients while it advances: a getSlot sent during a 100,000-slot advance answers first, mid-way', async () => {
        const start = Number(net.control.status().slots.processed);
        let advancedAt = 0;
        const advance = rpcOk(net.rpcUrl, 'localnet_advanceSlots', [100_000]).then((slot: number) => {
            advancedAt = performance.now();
            return slot;
        });
        // Wait until the advance has started, then ask for the slot.
        for (let i = 0; i < 10_000 && net.control.status().slots.processed === BigInt(start); i++) await new Promise((r) => setImmediate(r));
        const sentAt = performance.now();
        const midway = (await rpcOk(net.rpcUrl, 'getSlot', [{ commitment: 'processed' }])) as number;
        const answeredAt = performance.now();
        const end = await advance;
        expect(end).toBe(start + 100_000);
        expect(answeredAt).toBeLessThan(advancedAt);
        expect(midway).toBeGreaterThan(start);
        expect(midway).toBeLessThan(end);
        // Loose: a few chunks of a few hundred slots, far below the whole advance.
        expect(answeredAt - sentAt).toBeLessThan(5_000);
    });
});
