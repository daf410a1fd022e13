/**
 * Blocks and recent slots as a node serves them, driven by the clients that call them: web3.js
 * 1.x `getBlock`/`getParsedBlock`/`getBlockSignatures`/`getBlockTime`/`getBlocks`, kit's
 * `getBlocksWithLimit`, and the lookup-table recipe that reads SlotHashes
 * (`createLookupTable({ recentSlot: await connection.getSlot('finalized') })`).
 */
import { createSolanaRpc, isSolanaError, type Slot } from '@solana/kit';
import {
    AddressLookupTableProgram,
    Connection,
    Keypair,
    PublicKey,
    SendTransactionError,
    SystemProgram,
    SYSVAR_SLOT_HASHES_PUBKEY,
    type TransactionInstruction,
    TransactionMessage,
    VersionedTransaction,
    type AddressLookupTableAccount,
} from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Localnet, startLocalnet } from '../index';
import { rpc } from './helpers';

let net: Localnet;
let connection: Connection;
let payer: Keypair;

beforeAll(async () => {
    net = await startLocalnet({ rpcPort: 0, slotIntervalMs: null, confirmationLag: 1, finalizationLag: 2, fixtures: { wallets: 2, prizeNfts: 0 } });
    connection = new Connection(net.rpcUrl, { commitment: 'confirmed', wsEndpoint: net.wsUrl });
    payer = Keypair.fromSecretKey(net.fixtures!.wallets[0]!.keypair.secretKey);
});
afterAll(async () => {
    await net?.stop();
});

/** Sends a v0 transaction and waits (producing blocks) until it is finalized. */
async function sendV0(instructions: TransactionInstruction[], lookups: AddressLookupTableAccount[] = []): Promise<string> {
    const { blockhash } = await connection.getLatestBlockhash('processed');
    const tx = new VersionedTransaction(new TransactionMessage({ payerKey: payer.publicKey, recentBlockhash: blockhash, instructions }).compileToV0Message(lookups));
    tx.sign([payer]);
    const signature = await connection.sendTransaction(tx);
    net.control.advanceSlots(3);
    return signature;
}

/** The SlotHashes entries as a client reads them, and what they must be: the tip's ancestors. */
async function slotHashesNow(): Promise<{ slots: bigint[]; hashes: string[]; expected: { slots: bigint[]; hashes: string[] } }> {
    const data = (await connection.getAccountInfo(SYSVAR_SLOT_HASHES_PUBKEY, 'processed'))!.data;
    const count = Number(data.readBigUInt64LE(0));
    const ancestors = net.ledger.blocks.slice(0, -1).reverse().slice(0, 512);
    return {
        slots: Array.from({ length: count }, (_, i) => data.readBigUInt64LE(8 + 40 * i)),
        hashes: Array.from({ length: count }, (_, i) => new PublicKey(data.subarray(16 + 40 * i, 48 + 40 * i)).toBase58()),
        expected: { slots: ancestors.map((b) => b.slot), hashes: ancestors.map((b) => b.blockhash) },
    };
}

describe('SlotHashes', () => {
    it('holds the ancestors of the tip, newest first, so a finalized slot is a recent slot', async () => {
        net.control.advanceSlots(5);
        net.control.warpToSlot(net.control.status().slots.processed + 10n);
        net.control.advanceSlots(2);
        const { slots, hashes, expected } = await slotHashesNow();
        expect({ slots, hashes }).toEqual(expected);
        expect(slots[0]).toBe(BigInt(await connection.getSlot('processed')) - 1n);
        expect(slots).toContain(BigInt(await connection.getSlot('finalized')));
    });

    it('lets web3.js create, extend and use an address lookup table from getSlot("finalized")', async () => {
        const recentSlot = await connection.getSlot('finalized');
        const [create, table] = AddressLookupTableProgram.createLookupTable({ authority: payer.publicKey, payer: payer.publicKey, recentSlot });
        const destinations = [Keypair.generate().publicKey, Keypair.generate().publicKey];
        const extend = AddressLookupTableProgram.extendLookupTable({ lookupTable: table, authority: payer.publicKey, payer: payer.publicKey, addresses: destinations });
        const created = await sendV0([create, extend]);
        expect((await connection.getTransaction(created, { maxSupportedTransactionVersion: 0 }))?.meta?.err).toBeNull();
        const lookup = (await connection.getAddressLookupTable(table)).value!;
        expect(lookup.state.addresses.map((a) => a.toBase58())).toEqual(destinations.map((d) => d.toBase58()));
        const transfers = destinations.map((toPubkey) => SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey, lamports: 1_000_000 }));
        const used = await sendV0(transfers, [lookup]);
        const tx = await connection.getTransaction(used, { maxSupportedTransactionVersion: 0 });
        expect(tx?.meta?.err).toBeNull();
        expect(tx?.meta?.loadedAddresses?.writable.map((a) => a.toBase58())).toEqual(destinations.map((d) => d.toBase58()));
        expect(await connection.getBalance(destinations[1]!)).toBe(1_000_000);
        const parsed = await connection.getParsedTransaction(created, { maxSupportedTransactionVersion: 0 });
        expect(parsed?.transaction.message.instructions[0]).toMatchObject({ program: 'address-lookup-table', parsed: { type: 'createLookupTable', info: { recentSlot } } });
    });

    it('refuses a slot that is not recent, as the program does on a node', async () => {
        const future = (await connection.getSlot('processed')) + 1_000;
        const [create] = AddressLookupTableProgram.createLookupTable({ authority: payer.publicKey, payer: payer.publicKey, recentSlot: future });
        const error = await sendV0([create]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SendTransactionError);
        expect((error as SendTransactionError).logs?.join('\n')).toContain(`${future} is not a recent slot`);
        // The failed preflight ran in the next slot and was undone: the sysvar is the tip's again.
        const { slots, hashes, expected } = await slotHashesNow();
        expect({ slots, hashes }).toEqual(expected);
    });
});

describe('blocks', () => {
    it('serves getBlockTime, getBlock (full, signatures, none, accounts, parsed) and getBlocks for a landed transaction', async () => {
        const to = Keypair.generate().publicKey;
        const signature = await sendV0([SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: 5_000_000 })]);
        const landed = await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0, commitment: 'finalized' });
        const slot = landed!.slot;
        expect(await connection.getBlockTime(slot)).toBe(landed!.blockTime);

        const block = await connection.getBlock(slot, { maxSupportedTransactionVersion: 0, transactionDetails: 'full', rewards: false, commitment: 'finalized' });
        expect(block!.transactions.map((t) => t.transaction.signatures[0])).toEqual([signature]);
        expect(block!.transactions[0]!.meta?.fee).toBe(5000);
        expect(block).not.toHaveProperty('rewards');
        expect(block!.blockTime).toBe(landed!.blockTime);
        const parent = await connection.getBlock(block!.parentSlot, { maxSupportedTransactionVersion: 0, transactionDetails: 'none', rewards: false });
        expect(block!.previousBlockhash).toBe(parent!.blockhash);
        expect((block as unknown as { blockHeight: number }).blockHeight).toBe((parent as unknown as { blockHeight: number }).blockHeight + 1);
        expect(parent).not.toHaveProperty('transactions');

        expect((await connection.getBlockSignatures(slot)).signatures).toEqual([signature]);
        const withRewards = await connection.getParsedBlock(slot, { maxSupportedTransactionVersion: 0 });
        expect(withRewards.rewards).toEqual([]);
        expect((withRewards.transactions[0]!.transaction as unknown as { message: { instructions: unknown[] } }).message.instructions[0]).toMatchObject({ program: 'system', parsed: { type: 'transfer' } });
        const accounts = await connection.getBlock(slot, { maxSupportedTransactionVersion: 0, transactionDetails: 'accounts' });
        expect((accounts!.transactions[0]!.transaction as unknown as { accountKeys: { pubkey: PublicKey }[] }).accountKeys.map((k) => k.pubkey.toBase58())).toContain(to.toBase58());

        // Every slot up to the root that has a block, at finalized; a confirmed block above it at confirmed.
        const root = await connection.getSlot('finalized');
        const blocks = await connection.getBlocks(slot - 3, undefined, 'finalized');
        expect(blocks).toEqual(net.ledger.blocks.filter((b) => b.slot >= BigInt(slot - 3) && b.slot <= BigInt(root)).map((b) => Number(b.slot)));
        net.control.advanceSlots(1);
        const confirmed = await connection.getSlot('confirmed');
        expect(await connection.getBlocks(confirmed - 1, confirmed, 'confirmed')).toEqual([confirmed - 1, confirmed]);
        const rpcKit = createSolanaRpc(net.rpcUrl);
        expect(await rpcKit.getBlocksWithLimit(BigInt(slot) as Slot, 2).send()).toEqual([BigInt(slot), BigInt(slot) + 1n]);
        expect(await rpcKit.getBlock(BigInt(confirmed) as Slot, { commitment: 'confirmed', transactionDetails: 'none', rewards: false }).send()).toMatchObject({ parentSlot: BigInt(confirmed) - 1n });
    });

    it('answers the errors of a node: not available (-32004), skipped (-32007), below confirmed (-32602), v0 without a max version (-32015)', async () => {
        const rpcKit = createSolanaRpc(net.rpcUrl);
        const tip = net.control.status().slots.processed;
        const future = await rpcKit.getBlock(tip + 100n, { transactionDetails: 'none' }).send().catch((e: unknown) => e);
        expect(isSolanaError(future, -32004)).toBe(true);
        expect((await rpc(net.rpcUrl, 'getBlock', [Number(tip) + 100])).error).toEqual({ code: -32004, message: `Block not available for slot ${Number(tip) + 100}` });
        // A processed block above the confirmed slot: getBlock refuses it, getBlockTime answers.
        net.control.setCommitmentLags({ confirmation: 2 });
        net.control.advanceSlots(2);
        const processed = await connection.getSlot('processed');
        expect((await rpc(net.rpcUrl, 'getBlock', [processed, { commitment: 'confirmed' }])).error?.code).toBe(-32004);
        expect(await connection.getBlockTime(processed)).toBe(Number(net.ledger.block('processed').blockTime));
        net.control.setCommitmentLags({ confirmation: 1 });

        const before = net.control.status().slots.processed;
        net.control.warpToSlot(before + 5n);
        net.control.advanceSlots(4);
        const skipped = Number(before) + 2;
        expect((await rpc(net.rpcUrl, 'getBlock', [skipped])).error).toEqual({ code: -32007, message: `Slot ${skipped} was skipped, or missing due to ledger jump to recent snapshot` });
        expect(await connection.getBlockTime(skipped).catch((e: { code?: number }) => e.code)).toBe(-32007);
        expect((await rpc(net.rpcUrl, 'getBlockTime', [skipped])).error?.code).toBe(-32007);
        expect(await connection.getBlocks(Number(before), Number(before) + 6, 'finalized')).toEqual([Number(before), Number(before) + 5, Number(before) + 6]);

        expect((await rpc(net.rpcUrl, 'getBlock', [Number(before), { commitment: 'processed' }])).error).toEqual({ code: -32602, message: 'Method does not support commitment below `confirmed`' });
        net.control.warpToSlot(1_000_000n);
        net.control.advanceSlots(4);
        expect((await rpc(net.rpcUrl, 'getBlocks', [0, 600_000])).error).toEqual({ code: -32602, message: 'Slot range too large; max 500000' });
        expect((await rpc(net.rpcUrl, 'getBlocksWithLimit', [0, 500_001])).error).toEqual({ code: -32602, message: 'Limit too large; max 500000' });
        const v0 = await sendV0([SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 1_000_000 })]);
        const v0Slot = (await connection.getTransaction(v0, { maxSupportedTransactionVersion: 0 }))!.slot;
        expect((await rpc(net.rpcUrl, 'getBlock', [v0Slot])).error?.code).toBe(-32015);
        expect((await rpc(net.rpcUrl, 'getBlock', [v0Slot, { transactionDetails: 'signatures' }])).result.signatures).toEqual([v0]);
    });

    it('answers -32001 for blocks older than the ones kept, and getFirstAvailableBlock', async () => {
        net.control.advanceSlots(17_000);
        const first = await connection.getFirstAvailableBlock();
        expect(first).toBeGreaterThan(0);
        expect((await rpc(net.rpcUrl, 'getBlock', [1])).error).toEqual({ code: -32001, message: `Block 1 cleaned up, does not exist on node. First available block: ${first}` });
        expect((await rpc(net.rpcUrl, 'getBlockTime', [1])).error?.code).toBe(-32001);
        expect(await connection.getBlocks(first - 10, first + 1, 'finalized')).toEqual([first, first + 1]);
        // The first kept block's parent is gone: a node cannot tell its previous blockhash and answers null.
        expect(await connection.getBlock(first, { maxSupportedTransactionVersion: 0, transactionDetails: 'none' })).toBeNull();
        expect((await connection.getBlock(first + 1, { maxSupportedTransactionVersion: 0 }))?.parentSlot).toBe(first);
    });
});
