import { findConfigPda } from '@raffle/client';
import { type Address, getBase58Decoder, getBase64Encoder } from '@solana/kit';
import { getTransferSolInstruction } from '@solana-program/system';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Localnet, startLocalnet } from '../index';
import { buildTx, rpc, rpcOk, rpcRaw, send, transferTx } from './helpers';

let net: Localnet;
let url: string;
const stranger = 'Fg6PaFpoGXkYsidMpWTK6W2BeZ7FEfcYkg476zPFsLnS' as Address;

beforeAll(async () => {
    net = await startLocalnet({ rpcPort: 0, slotIntervalMs: null, confirmationLag: 1, finalizationLag: 2, fixtures: { wallets: 3, prizeNfts: 2 } });
    url = net.rpcUrl;
});
afterAll(async () => {
    await net?.stop();
});

describe('cluster methods', () => {
    it('answers getHealth, getVersion, getGenesisHash, slots, height and epoch info', async () => {
        expect(await rpcOk(url, 'getHealth')).toBe('ok');
        const version = await rpcOk(url, 'getVersion');
        expect(Object.keys(version).sort()).toEqual(['feature-set', 'solana-core']);
        expect(typeof (await rpcOk(url, 'getGenesisHash'))).toBe('string');
        net.control.advanceSlots(5);
        const processed = await rpcOk(url, 'getSlot', [{ commitment: 'processed' }]);
        const confirmed = await rpcOk(url, 'getSlot', [{ commitment: 'confirmed' }]);
        const finalized = await rpcOk(url, 'getSlot');
        expect([processed - confirmed, confirmed - finalized]).toEqual([1, 2]);
        const info = await rpcOk(url, 'getEpochInfo', [{ commitment: 'processed' }]);
        expect(info).toMatchObject({ absoluteSlot: processed, epoch: 0, slotIndex: processed, slotsInEpoch: 432000 });
        expect(await rpcOk(url, 'getBlockHeight', [{ commitment: 'processed' }])).toBe(info.blockHeight);
    });

    it('wraps values in context { apiVersion, slot } and serves blockhash, fee and rent', async () => {
        const r = await rpcOk(url, 'getLatestBlockhash', [{ commitment: 'confirmed' }]);
        expect(Object.keys(r.context).sort()).toEqual(['apiVersion', 'slot']);
        expect(r.value.lastValidBlockHeight).toBeGreaterThan(150);
        expect((await rpcOk(url, 'isBlockhashValid', [r.value.blockhash, { commitment: 'processed' }])).value).toBe(true);
        expect((await rpcOk(url, 'isBlockhashValid', ['11111111111111111111111111111111'])).value).toBe(false);
        const { wire } = await transferTx(url, net.fixtures!.wallets[0]!.keypair.signer, stranger, 1n);
        const bytes = new Uint8Array(getBase64Encoder().encode(wire));
        const message = Buffer.from(bytes.subarray(1 + 64)).toString('base64');
        expect((await rpcOk(url, 'getFeeForMessage', [message, { commitment: 'processed' }])).value).toBe(5000);
        expect(await rpcOk(url, 'getMinimumBalanceForRentExemption', [0])).toBe(890880);
    });

    it('honours minContextSlot with -32016', async () => {
        const r = await rpc(url, 'getSlot', [{ minContextSlot: 1e12 }]);
        expect(r.error).toMatchObject({ code: -32016, message: 'Minimum context slot has not been reached' });
        expect(typeof r.error!.data.contextSlot).toBe('number');
    });
});

describe('account and token methods', () => {
    it('getBalance, getAccountInfo (base64, base58, jsonParsed), getMultipleAccounts', async () => {
        const f = net.fixtures!;
        expect((await rpcOk(url, 'getBalance', [f.wallets[0]!.address])).value).toBeGreaterThan(0);
        const info = await rpcOk(url, 'getAccountInfo', [f.configAddress, { encoding: 'base64' }]);
        expect(info.value).toMatchObject({ executable: false, owner: f.programAddress, space: 268 });
        expect(info.value.data[1]).toBe('base64');
        expect(info.value.rentEpoch).toBeGreaterThan(1e19);
        const mint = await rpcOk(url, 'getAccountInfo', [f.mints.MOGA.address, { encoding: 'jsonParsed' }]);
        expect(mint.value.data).toMatchObject({ program: 'spl-token', parsed: { type: 'mint', info: { decimals: 6, mintAuthority: f.mintAuthority.address } }, space: 82 });
        const token = await rpcOk(url, 'getAccountInfo', [f.wallets[0]!.tokenAccounts.MOGA, { encoding: 'jsonParsed' }]);
        expect(token.value.data.parsed).toMatchObject({ type: 'account', info: { owner: f.wallets[0]!.address, mint: f.mints.MOGA.address, state: 'initialized', tokenAmount: { decimals: 6 } } });
        const b58 = await rpcOk(url, 'getAccountInfo', [f.mints.MOGA.address, { encoding: 'base58', dataSlice: { offset: 44, length: 1 } }]);
        expect(b58.value.data).toEqual([getBase58Decoder().decode(Uint8Array.of(6)), 'base58']);
        const tooBig = await rpc(url, 'getAccountInfo', [f.configAddress, { encoding: 'base58' }]);
        expect(tooBig.error).toEqual({ code: -32600, message: "Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding." });
        expect((await rpcOk(url, 'getAccountInfo', [stranger])).value).toBeNull();
        const multiple = await rpcOk(url, 'getMultipleAccounts', [[f.configAddress, stranger], { encoding: 'base64' }]);
        expect(multiple.value[0].owner).toBe(f.programAddress);
        expect(multiple.value[1]).toBeNull();
    });

    it('getProgramAccounts with memcmp/dataSize filters and withContext', async () => {
        const f = net.fixtures!;
        const owner = f.wallets[1]!.address;
        const all = await rpcOk(url, 'getProgramAccounts', ['TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', { encoding: 'base64', filters: [{ dataSize: 165 }, { memcmp: { offset: 32, bytes: owner } }] }]);
        expect(all.map((a: { pubkey: string }) => a.pubkey).sort()).toEqual(Object.values(f.wallets[1]!.tokenAccounts).sort());
        const wrapped = await rpcOk(url, 'getProgramAccounts', [f.programAddress, { encoding: 'base64', withContext: true }]);
        expect(wrapped.value.map((a: { pubkey: string }) => a.pubkey)).toEqual([(await findConfigPda())[0]]);
        const bad = await rpc(url, 'getProgramAccounts', [f.programAddress, { filters: [{ memcmp: { offset: 0, bytes: '0OIl' } }] }]);
        expect(bad.error?.code).toBe(-32602);
    });

    it('getTokenAccountBalance, getTokenAccountsByOwner, getTokenSupply', async () => {
        const f = net.fixtures!;
        const balance = await rpcOk(url, 'getTokenAccountBalance', [f.wallets[0]!.tokenAccounts.USDC]);
        expect(balance.value).toEqual({ amount: '1000000000000', decimals: 6, uiAmount: 1000000, uiAmountString: '1000000' });
        const byMint = await rpcOk(url, 'getTokenAccountsByOwner', [f.organizer.address, { mint: f.prizeNfts[0]!.mint }, { encoding: 'jsonParsed' }]);
        expect(byMint.value).toHaveLength(1);
        expect(byMint.value[0].account.data.parsed.info.tokenAmount.uiAmountString).toBe('1');
        const byProgram = await rpcOk(url, 'getTokenAccountsByOwner', [f.wallets[0]!.address, { programId: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA' }, { encoding: 'base64' }]);
        expect(byProgram.value).toHaveLength(3);
        expect((await rpc(url, 'getTokenAccountBalance', [f.wallets[0]!.address])).error).toMatchObject({ code: -32602, message: 'Invalid param: not a Token account' });
        expect((await rpcOk(url, 'getTokenSupply', [f.prizeNfts[0]!.mint])).value.amount).toBe('1');
    });
});

describe('transactions', () => {
    it('sends (base64 and base58), tracks statuses through the commitments and serves getTransaction', async () => {
        const payer = net.fixtures!.wallets[0]!.keypair.signer;
        const { wire, signature } = await transferTx(url, payer, stranger, 5_000_000_000n, 'legacy');
        expect((await send(url, wire)).result).toBe(signature);
        const status = async () => (await rpcOk(url, 'getSignatureStatuses', [[signature]])).value[0];
        expect(await status()).toMatchObject({ confirmationStatus: 'processed', err: null, status: { Ok: null }, confirmations: 0 });
        expect(await rpcOk(url, 'getTransaction', [signature, { commitment: 'confirmed' }])).toBeNull();
        net.control.advanceSlots(1);
        expect((await status()).confirmationStatus).toBe('confirmed');
        const tx = await rpcOk(url, 'getTransaction', [signature, { commitment: 'confirmed', encoding: 'json' }]);
        expect(tx.transaction.signatures).toEqual([signature]);
        expect(tx.meta).toMatchObject({ err: null, fee: 5000, status: { Ok: null }, rewards: [] });
        expect(tx.meta.preBalances[0] - tx.meta.postBalances[0]).toBe(5_000_005_000);
        expect(tx.meta.logMessages[0]).toBe('Program 11111111111111111111111111111111 invoke [1]');
        expect(tx.version).toBeUndefined();
        net.control.advanceSlots(2);
        expect(await status()).toMatchObject({ confirmationStatus: 'finalized', confirmations: null });
        const b64 = await rpcOk(url, 'getTransaction', [signature, { encoding: 'base64', maxSupportedTransactionVersion: 0 }]);
        expect(b64.transaction).toEqual([wire, 'base64']);
        expect(b64.version).toBe('legacy');
        // base58 encoding of sendTransaction
        const second = await transferTx(url, payer, stranger, 1n, 0);
        const b58 = getBase58Decoder().decode(new Uint8Array(getBase64Encoder().encode(second.wire)));
        expect((await rpc(url, 'sendTransaction', [b58])).result).toBe(second.signature);
        net.control.advanceSlots(3);
        expect((await rpc(url, 'getTransaction', [second.signature])).error?.code).toBe(-32015);
        expect((await rpcOk(url, 'getTransaction', [second.signature, { maxSupportedTransactionVersion: 0 }])).version).toBe(0);
        expect((await rpc(url, 'getTransaction', [second.signature, { commitment: 'processed' }])).error?.code).toBe(-32602);
    });

    it('returns the real preflight failure shape (-32002 with err and logs) and lands failures with skipPreflight', async () => {
        const payer = net.fixtures!.wallets[2]!.keypair.signer;
        const { wire, signature } = await transferTx(url, payer, stranger, 10n ** 15n);
        const r = await send(url, wire);
        expect(r.error?.code).toBe(-32002);
        expect(r.error?.message).toBe('Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1');
        expect(r.error?.data).toMatchObject({ err: { InstructionError: [0, { Custom: 1 }] }, accounts: null });
        expect(r.error?.data.logs).toContain('Program 11111111111111111111111111111111 failed: custom program error: 0x1');
        expect((await rpcOk(url, 'getSignatureStatuses', [[signature]])).value).toEqual([null]);
        expect((await send(url, wire, { skipPreflight: true })).result).toBe(signature);
        const status = (await rpcOk(url, 'getSignatureStatuses', [[signature], { searchTransactionHistory: true }])).value[0];
        expect(status).toMatchObject({ err: { InstructionError: [0, { Custom: 1 }] }, status: { Err: { InstructionError: [0, { Custom: 1 }] } } });
    });

    it('rejects bad signatures with -32003 and malformed transactions with -32602', async () => {
        const { wire } = await transferTx(url, net.fixtures!.wallets[0]!.keypair.signer, stranger, 1n);
        const bytes = new Uint8Array(getBase64Encoder().encode(wire));
        bytes[5] = bytes[5]! ^ 0xff;
        const tampered = Buffer.from(bytes).toString('base64');
        expect((await send(url, tampered)).error).toEqual({ code: -32003, message: 'Transaction signature verification failure' });
        expect((await send(url, Buffer.from(bytes.subarray(0, 40)).toString('base64'))).error?.code).toBe(-32602);
        expect((await send(url, '!!!notbase64')).error?.code).toBe(-32602);
        expect((await send(url, 'A'.repeat(5000))).error?.message).toMatch(/too large/);
    });

    it('simulates with sigVerify off, replaceRecentBlockhash and requested accounts', async () => {
        const payer = net.fixtures!.wallets[0]!.keypair.signer;
        const { wire } = await buildTx([getTransferSolInstruction({ source: payer, destination: stranger, amount: 7n })], payer, '11111111111111111111111111111111');
        const stale = await rpcOk(url, 'simulateTransaction', [wire, { encoding: 'base64' }]);
        expect(stale.value.err).toBe('BlockhashNotFound');
        const sim = await rpcOk(url, 'simulateTransaction', [wire, { encoding: 'base64', replaceRecentBlockhash: true, accounts: { addresses: [stranger], encoding: 'base64' }, innerInstructions: true }]);
        expect(sim.value.err).toBeNull();
        expect(sim.value.replacementBlockhash.blockhash).toBeTypeOf('string');
        expect(sim.value.accounts[0].lamports).toBeGreaterThan(7);
        expect(sim.value.unitsConsumed).toBe(150);
        expect((await rpc(url, 'simulateTransaction', [wire, { encoding: 'base64', replaceRecentBlockhash: true, sigVerify: true }])).error?.code).toBe(-32602);
    });

    it('requestAirdrop lands a real transfer; getSignaturesForAddress pages newest first with before/until/limit', async () => {
        const target = net.fixtures!.wallets[1]!.address;
        const sigs: string[] = [];
        for (let i = 0; i < 4; i++) sigs.push(await rpcOk(url, 'requestAirdrop', [target, 1_000_000_000 + i]));
        net.control.advanceSlots(3);
        const all = await rpcOk(url, 'getSignaturesForAddress', [target]);
        expect(all.map((e: { signature: string }) => e.signature).slice(0, 4)).toEqual([...sigs].reverse());
        expect(all[0]).toMatchObject({ err: null, memo: null, confirmationStatus: 'finalized' });
        const page = await rpcOk(url, 'getSignaturesForAddress', [target, { before: sigs[3], limit: 2 }]);
        expect(page.map((e: { signature: string }) => e.signature)).toEqual([sigs[2], sigs[1]]);
        const until = await rpcOk(url, 'getSignaturesForAddress', [target, { until: sigs[1] }]);
        expect(until.map((e: { signature: string }) => e.signature)).toEqual([sigs[3], sigs[2]]);
        expect((await rpc(url, 'getSignaturesForAddress', [target, { commitment: 'processed' }])).error?.code).toBe(-32602);
    });
});

describe('JSON-RPC framing and hostile input', () => {
    it('answers batches in order, skips notifications, and rejects empty batches', async () => {
        const { text } = await rpcRaw(
            url,
            JSON.stringify([
                { jsonrpc: '2.0', id: 'a', method: 'getHealth' },
                { jsonrpc: '2.0', method: 'getSlot' },
                { jsonrpc: '2.0', id: 2, method: 'nope' },
                { jsonrpc: '1.0', id: 3, method: 'getSlot' },
            ]),
        );
        const body = JSON.parse(text);
        expect(body).toEqual([
            { jsonrpc: '2.0', result: 'ok', id: 'a' },
            { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: 2 },
            { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid request' }, id: 3 },
        ]);
        expect(JSON.parse((await rpcRaw(url, '[]')).text).error.code).toBe(-32600);
    });

    it('maps parse errors, wrong params and oversized bodies, and survives garbage', async () => {
        expect(JSON.parse((await rpcRaw(url, '{"jsonrpc": "2.0", "id": 1, "method": ')).text)).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
        expect((await rpc(url, 'getBalance', [])).error?.code).toBe(-32602);
        expect((await rpc(url, 'getBalance', ['not-a-key'])).error).toEqual({ code: -32602, message: 'Invalid param: Invalid' });
        expect((await rpc(url, 'getBalance', [{}])).error?.code).toBe(-32602);
        expect((await rpc(url, 'getSlot', [{ commitment: 'bogus' }])).error?.code).toBe(-32602);
        const huge = await rpcRaw(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getSlot', params: ['x'.repeat(2 * 1024 * 1024)] }));
        expect(huge.status).toBe(413);
        for (const body of ['null', '1', '"x"', '{}', '[1,2]', '{"jsonrpc":"2.0","id":{},"method":"getSlot"}', '{"jsonrpc":"2.0","id":1,"method":"getSlot","params":{"a":1}}']) {
            const r = await rpcRaw(url, body);
            expect(r.status).toBe(200);
        }
        expect(await rpcOk(url, 'getHealth')).toBe('ok');
        const get = await fetch(`${url}/health`);
        expect(await get.text()).toBe('ok');
    });
});
