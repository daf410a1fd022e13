/**
 * Conformance walk: every method docs/localnet.md lists, called with unmodified web3.js 1.x
 * (whose superstruct schemas reject a wrong shape) and kit, the answers compared with the shapes
 * of Agave 2.3's RPC types (`rpc-client-api` responses, `transaction-status` UI types) and the
 * error codes and messages its `rpc.rs` answers.
 */
import {
    type Address,
    type Blockhash,
    createSolanaRpc,
    isSolanaError,
    type Signature,
    type Slot,
} from '@solana/kit';
import { Connection, Keypair, PublicKey, SystemProgram, Transaction } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Localnet, startLocalnet } from '../index';
import { buildTx, rpc, rpcOk } from './helpers';
import { getTransferSolInstruction } from '@solana-program/system';

let net: Localnet;
let connection: Connection;
let kit: ReturnType<typeof createSolanaRpc>;
let signature: string;
let slot: number;

const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
/** Agave's response types, as key sets. */
const SHAPES = {
    context: ['apiVersion', 'slot'],
    RpcVersionInfo: ['feature-set', 'solana-core'],
    EpochInfo: ['absoluteSlot', 'blockHeight', 'epoch', 'slotIndex', 'slotsInEpoch', 'transactionCount'],
    EpochSchedule: ['firstNormalEpoch', 'firstNormalSlot', 'leaderScheduleSlotOffset', 'slotsPerEpoch', 'warmup'],
    RpcBlockhash: ['blockhash', 'lastValidBlockHeight'],
    UiAccount: ['data', 'executable', 'lamports', 'owner', 'rentEpoch', 'space'],
    RpcKeyedAccount: ['account', 'pubkey'],
    UiTokenAmount: ['amount', 'decimals', 'uiAmount', 'uiAmountString'],
    TransactionStatus: ['confirmationStatus', 'confirmations', 'err', 'slot', 'status'],
    RpcConfirmedTransactionStatusWithSignature: ['blockTime', 'confirmationStatus', 'err', 'memo', 'signature', 'slot'],
    EncodedConfirmedTransactionWithStatusMeta: ['blockTime', 'meta', 'slot', 'transaction', 'version'],
    UiTransactionStatusMeta: ['computeUnitsConsumed', 'err', 'fee', 'innerInstructions', 'loadedAddresses', 'logMessages', 'postBalances', 'postTokenBalances', 'preBalances', 'preTokenBalances', 'rewards', 'status'],
    UiRawMessage: ['accountKeys', 'addressTableLookups', 'header', 'instructions', 'recentBlockhash'],
    /** Agave 2.3's `RpcSimulateTransactionResult` (this cluster adds the later balance fields). */
    RpcSimulateTransactionResult: ['accounts', 'err', 'innerInstructions', 'loadedAccountsDataSize', 'logs', 'replacementBlockhash', 'returnData', 'unitsConsumed'],
    UiConfirmedBlock: ['blockHeight', 'blockTime', 'blockhash', 'parentSlot', 'previousBlockhash', 'rewards', 'transactions'],
} as const;

function keys(value: unknown): string[] {
    return Object.keys(value as object).sort();
}

beforeAll(async () => {
    net = await startLocalnet({ rpcPort: 0, slotIntervalMs: null, confirmationLag: 1, finalizationLag: 2, fixtures: { wallets: 2, prizeNfts: 1 } });
    connection = new Connection(net.rpcUrl, { commitment: 'confirmed', wsEndpoint: net.wsUrl });
    kit = createSolanaRpc(net.rpcUrl);
    const payer = Keypair.fromSecretKey(net.fixtures!.wallets[0]!.keypair.secretKey);
    signature = await connection.sendTransaction(new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 5_000_000 })), [payer]);
    net.control.advanceSlots(4);
    slot = (await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0 }))!.slot;
});
afterAll(async () => {
    await net?.stop();
});

describe('cluster methods', () => {
    it('getHealth, getVersion, getGenesisHash, getIdentity, slots, height, epoch, transaction count', async () => {
        expect(await rpcOk(net.rpcUrl, 'getHealth')).toBe('ok');
        expect(keys(await connection.getVersion())).toEqual(SHAPES.RpcVersionInfo);
        expect(await kit.getGenesisHash().send()).toBe(await connection.getGenesisHash());
        expect(keys(await kit.getIdentity().send())).toEqual(['identity']);
        expect(await connection.getSlot('finalized')).toBe(Number(await kit.getSlot({ commitment: 'finalized' }).send()));
        expect(await connection.getBlockHeight('processed')).toBe(Number(await kit.getBlockHeight({ commitment: 'processed' }).send()));
        expect(keys(await connection.getEpochInfo())).toEqual(SHAPES.EpochInfo);
        expect(keys(await rpcOk(net.rpcUrl, 'getEpochSchedule'))).toEqual(SHAPES.EpochSchedule);
        expect((await connection.getEpochSchedule()).slotsPerEpoch).toBe(432_000);
        expect(await connection.getTransactionCount('processed')).toBeGreaterThan(0);
    });

    it('getLatestBlockhash, isBlockhashValid, getFeeForMessage, getMinimumBalanceForRentExemption, getRecentPrioritizationFees', async () => {
        const latest = await rpcOk(net.rpcUrl, 'getLatestBlockhash', [{ commitment: 'processed' }]);
        expect([keys(latest.context), keys(latest.value)]).toEqual([SHAPES.context, SHAPES.RpcBlockhash]);
        const { blockhash } = await connection.getLatestBlockhash('processed');
        expect((await connection.isBlockhashValid(blockhash, { commitment: 'processed' })).value).toBe(true);
        const payer = net.fixtures!.wallets[1]!.keypair.signer;
        const { wire } = await buildTx([getTransferSolInstruction({ source: payer, destination: payer.address, amount: 1n })], payer, blockhash, 'legacy');
        const message = Transaction.from(Buffer.from(wire, 'base64')).compileMessage();
        expect((await connection.getFeeForMessage(message, 'processed')).value).toBe(5000);
        expect(await connection.getMinimumBalanceForRentExemption(165)).toBe(2_039_280);
        expect(await connection.getRecentPrioritizationFees()).toEqual([]);
    });
});

describe('account and token methods', () => {
    it('getBalance, getAccountInfo, getMultipleAccounts, getProgramAccounts', async () => {
        const f = net.fixtures!;
        const balance = await rpcOk(net.rpcUrl, 'getBalance', [f.wallets[0]!.address]);
        expect(keys(balance.context)).toEqual(SHAPES.context);
        expect(await connection.getBalance(new PublicKey(f.wallets[0]!.address))).toBe(balance.value);
        const info = await rpcOk(net.rpcUrl, 'getAccountInfo', [f.configAddress, { encoding: 'base64' }]);
        expect(keys(info.value)).toEqual(SHAPES.UiAccount);
        expect((await connection.getAccountInfo(new PublicKey(f.configAddress)))?.owner.toBase58()).toBe(f.programAddress);
        expect((await kit.getMultipleAccounts([f.configAddress, Keypair.generate().publicKey.toBase58() as Address], { encoding: 'base64' }).send()).value[1]).toBeNull();
        const program = await rpcOk(net.rpcUrl, 'getProgramAccounts', [f.programAddress, { encoding: 'base64' }]);
        expect(keys(program[0])).toEqual(SHAPES.RpcKeyedAccount);
        expect((await connection.getProgramAccounts(new PublicKey(f.programAddress))).length).toBe(program.length);
    });

    it('getTokenAccountBalance, getTokenAccountsByOwner, getTokenSupply (jsonParsed with web3.js)', async () => {
        const f = net.fixtures!;
        const balance = await connection.getTokenAccountBalance(new PublicKey(f.wallets[0]!.tokenAccounts.MOGA));
        expect(keys(balance.value)).toEqual(SHAPES.UiTokenAmount);
        const owned = await connection.getParsedTokenAccountsByOwner(new PublicKey(f.wallets[0]!.address), { programId: new PublicKey(TOKEN_PROGRAM) });
        expect(owned.value.length).toBe(3);
        expect(keys((await connection.getTokenSupply(new PublicKey(f.mints.MOGA.address))).value)).toEqual(SHAPES.UiTokenAmount);
    });
});

describe('transaction methods', () => {
    it('getSignatureStatuses, getTransaction (json, jsonParsed, base64), getSignaturesForAddress', async () => {
        const statuses = await rpcOk(net.rpcUrl, 'getSignatureStatuses', [[signature], { searchTransactionHistory: true }]);
        expect(keys(statuses.value[0])).toEqual(SHAPES.TransactionStatus);
        expect((await connection.getSignatureStatus(signature)).value?.confirmationStatus).toBe('finalized');
        const tx = await rpcOk(net.rpcUrl, 'getTransaction', [signature, { encoding: 'json', maxSupportedTransactionVersion: 0 }]);
        expect(keys(tx)).toEqual(SHAPES.EncodedConfirmedTransactionWithStatusMeta);
        expect(keys(tx.meta)).toEqual(SHAPES.UiTransactionStatusMeta);
        expect(keys(tx.transaction.message)).toEqual(SHAPES.UiRawMessage.filter((k) => k !== 'addressTableLookups'));
        expect(tx.transaction.message.instructions[0].stackHeight).toBe(1);
        expect((await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0 }))?.slot).toBe(slot);
        expect((await connection.getParsedTransaction(signature, { maxSupportedTransactionVersion: 0 }))?.meta?.fee).toBe(5000);
        expect((await kit.getTransaction(signature as Signature, { encoding: 'base64', maxSupportedTransactionVersion: 0 }).send())?.transaction[1]).toBe('base64');
        const history = await connection.getSignaturesForAddress(new PublicKey(net.fixtures!.wallets[0]!.address));
        expect(keys(history[0])).toEqual(SHAPES.RpcConfirmedTransactionStatusWithSignature);
    });

    it('requestAirdrop, sendTransaction, simulateTransaction', async () => {
        const to = Keypair.generate().publicKey;
        const airdrop = await connection.requestAirdrop(to, 1_000_000_000);
        net.control.advanceSlots(2);
        await connection.confirmTransaction(airdrop, 'confirmed');
        const payer = net.fixtures!.wallets[1]!.keypair.signer;
        const { value } = await kit.getLatestBlockhash({ commitment: 'processed' }).send();
        const { wire } = await buildTx([getTransferSolInstruction({ source: payer, destination: to.toBase58() as Address, amount: 1n })], payer, value.blockhash as Blockhash);
        const sim = await rpcOk(net.rpcUrl, 'simulateTransaction', [wire, { encoding: 'base64', innerInstructions: true }]);
        expect(keys(sim.value)).toEqual(expect.arrayContaining([...SHAPES.RpcSimulateTransactionResult]));
        expect(sim.value.loadedAccountsDataSize).toBeGreaterThan(0);
        expect(typeof (await kit.sendTransaction(wire as never, { encoding: 'base64' }).send())).toBe('string');
    });
});

describe('block methods', () => {
    it('getBlock, getBlockTime, getBlocks, getBlocksWithLimit, getFirstAvailableBlock', async () => {
        const block = await rpcOk(net.rpcUrl, 'getBlock', [slot, { maxSupportedTransactionVersion: 0 }]);
        expect(keys(block)).toEqual(SHAPES.UiConfirmedBlock);
        expect(keys(block.transactions[0])).toEqual(['meta', 'transaction', 'version']);
        expect((await connection.getBlock(slot, { maxSupportedTransactionVersion: 0 }))?.transactions[0]?.transaction.signatures[0]).toBe(signature);
        expect(await connection.getBlockTime(slot)).toBe(block.blockTime);
        expect(await kit.getBlockTime(BigInt(slot) as Slot).send()).toBe(BigInt(block.blockTime));
        expect(await connection.getBlocks(slot, slot + 1)).toEqual([slot, slot + 1]);
        expect(await kit.getBlocksWithLimit(BigInt(slot) as Slot, 1).send()).toEqual([BigInt(slot)]);
        expect(await connection.getFirstAvailableBlock()).toBe(Number(net.ledger.blocks[0]!.slot));
        // The genesis block: no parent, the default hash before it (and slot 0 answers its time).
        const genesis = await connection.getBlock(Number(net.ledger.blocks[0]!.slot), { maxSupportedTransactionVersion: 0, transactionDetails: 'none' });
        expect(genesis?.previousBlockhash).toBe('11111111111111111111111111111111');
        expect(await connection.getBlockTime(0)).toBe(Number(net.ledger.blocks[0]!.blockTime));
    });
});

describe('errors, as Agave answers them', () => {
    const bad = 'not-a-key';
    it.each([
        ['getBalance', [bad], -32602, 'Invalid param: Invalid'],
        ['getAccountInfo', ['1111'], -32602, 'Invalid param: WrongSize'],
        ['getMultipleAccounts', [Array(101).fill('11111111111111111111111111111111')], -32602, 'Too many inputs provided; max 100'],
        ['getProgramAccounts', [TOKEN_PROGRAM, { filters: Array(5).fill({ dataSize: 165 }) }], -32602, 'Too many filters provided; max 4'],
        ['getTokenAccountBalance', ['11111111111111111111111111111111'], -32602, undefined],
        ['getSignatureStatuses', [Array(257).fill('1'.repeat(64))], -32602, 'Too many inputs provided; max 256'],
        ['getSignaturesForAddress', ['11111111111111111111111111111111', { limit: 1001 }], -32602, 'Invalid limit; max 1000'],
        ['getTransaction', ['1'.repeat(64), { commitment: 'processed' }], -32602, 'Method does not support commitment below `confirmed`'],
        ['getBlock', [0, { commitment: 'processed' }], -32602, 'Method does not support commitment below `confirmed`'],
        ['getBlock', [1_000_000], -32004, 'Block not available for slot 1000000'],
        ['getBlockTime', [1_000_000], -32004, 'Block not available for slot 1000000'],
        ['getSlot', [{ minContextSlot: 1_000_000 }], -32016, 'Minimum context slot has not been reached'],
        ['getBlocks', [0, { commitment: 'finalized', minContextSlot: 1_000_000 }], -32016, 'Minimum context slot has not been reached'],
        ['sendTransaction', ['!!!', { encoding: 'base64' }], -32602, undefined],
        ['getNothing', [], -32601, 'Method not found'],
    ])('%s(%j) answers %i', async (method, params, code, message) => {
        const { error } = await rpc(net.rpcUrl, method as string, params as unknown[]);
        expect(error?.code).toBe(code);
        if (message !== undefined) expect(error?.message).toBe(message);
    });

    it('reaches kit as SolanaErrors with the same codes', async () => {
        const error = await kit.getBlock(1_000_000n as Slot).send().catch((e: unknown) => e);
        expect(isSolanaError(error, -32004)).toBe(true);
        const tooMany = await kit.getMultipleAccounts(Array(101).fill('11111111111111111111111111111111') as Address[]).send().catch((e: unknown) => e);
        expect(isSolanaError(tooMany, -32602)).toBe(true);
    });
});
