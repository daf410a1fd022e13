/**
 * `jsonParsed` answers as Agave writes them, driven by the clients that broke: web3.js 1.x
 * `getParsedTransaction` and `simulateTransaction({ innerInstructions: true })` on raffle
 * transactions with CPIs (they threw a StructError on compiled inner instructions), kit's
 * `getTransaction`; empty return data answered as none; `loadedAccountsDataSize` in simulations.
 */
import { createRaffleWithPermitTx, findEntryPda, findPaymentVaultPda, joinWithTokenTx } from '@raffle/client';
import { createKeypairSigner, issuePermit } from '@raffle/permit';
import {
    type Blockhash,
    createSolanaRpc,
    getBase64EncodedWireTransaction,
    pipe,
    setTransactionMessageFeePayerSigner,
    setTransactionMessageLifetimeUsingBlockhash,
    signTransactionMessageWithSigners,
    type TransactionMessage,
    type TransactionSigner,
} from '@solana/kit';
import {
    Connection,
    Keypair,
    type ParsedInstruction,
    type PartiallyDecodedInstruction,
    PublicKey,
    SystemProgram,
    TransactionMessage as Web3TransactionMessage,
    VersionedTransaction,
} from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getProgramDataAddress, type Localnet, startLocalnet } from '../index';
import { rpcOk } from './helpers';
import { createAndJoinRaffle, type RaffleTransactions } from './raffle-helpers';

let net: Localnet;
let connection: Connection;
let raffle: RaffleTransactions;
const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
const SYSTEM_PROGRAM = '11111111111111111111111111111111';

beforeAll(async () => {
    net = await startLocalnet({ rpcPort: 0, slotIntervalMs: 20, confirmationLag: 1, finalizationLag: 2, fixtures: { wallets: 2, prizeNfts: 2 } });
    connection = new Connection(net.rpcUrl, { commitment: 'confirmed', wsEndpoint: net.wsUrl });
    raffle = await createAndJoinRaffle(net, 1n);
});
afterAll(async () => {
    await net?.stop();
});

/** Signs a message built by @raffle/client and hands it to web3.js as a VersionedTransaction. */
async function toWeb3(message: TransactionMessage, payer: TransactionSigner): Promise<VersionedTransaction> {
    const { value } = await createSolanaRpc(net.rpcUrl).getLatestBlockhash({ commitment: 'processed' }).send();
    const signed = await signTransactionMessageWithSigners(
        pipe(
            message as TransactionMessage & { version: 0 },
            (m) => setTransactionMessageFeePayerSigner(payer, m),
            (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: value.blockhash as Blockhash, lastValidBlockHeight: value.lastValidBlockHeight }, m),
        ),
    );
    return VersionedTransaction.deserialize(Buffer.from(getBase64EncodedWireTransaction(signed), 'base64'));
}

function isParsed(ix: ParsedInstruction | PartiallyDecodedInstruction): ix is ParsedInstruction {
    return 'parsed' in ix;
}

describe('getTransaction with jsonParsed', () => {
    it('web3.js getParsedTransaction reads a join: parsed SPL Token and System CPIs at stack height 2', async () => {
        const f = net.fixtures!;
        const tx = await connection.getParsedTransaction(raffle.join, { maxSupportedTransactionVersion: 0, commitment: 'confirmed' });
        expect(tx?.meta?.err).toBeNull();
        const top = tx!.transaction.message.instructions[0] as PartiallyDecodedInstruction & { stackHeight: number };
        expect(top.programId.toBase58()).toBe(f.programAddress);
        expect(top.stackHeight).toBe(1);
        const inner = tx!.meta!.innerInstructions![0]!;
        expect(inner.index).toBe(0);
        const [paymentVault] = await findPaymentVaultPda({ raffle: raffle.raffle });
        const [entry] = await findEntryPda({ raffle: raffle.raffle, index: 0 });
        const parsed = inner.instructions.filter(isParsed).map((ix) => ({ program: ix.program, programId: ix.programId.toBase58(), parsed: ix.parsed, stackHeight: (ix as { stackHeight?: number }).stackHeight }));
        expect(parsed).toContainEqual({
            program: 'spl-token',
            programId: TOKEN_PROGRAM,
            parsed: { type: 'transfer', info: { source: f.wallets[0]!.tokenAccounts.MOGA, destination: paymentVault, amount: '10000000', authority: f.wallets[0]!.address } },
            stackHeight: 2,
        });
        const create = parsed.find((p) => p.program === 'system');
        expect(create).toMatchObject({ programId: SYSTEM_PROGRAM, parsed: { type: 'createAccount', info: { source: f.wallets[0]!.address, newAccount: entry, owner: f.programAddress } } });
        // jsonParsed metas leave loadedAddresses out, as Agave's parse_ui_transaction_status_meta does.
        const raw = await rpcOk(net.rpcUrl, 'getTransaction', [raffle.join, { encoding: 'jsonParsed', maxSupportedTransactionVersion: 0, commitment: 'confirmed' }]);
        expect(raw.meta.loadedAddresses).toBeUndefined();
        expect(raw.meta.innerInstructions[0].instructions.every((ix: { stackHeight: number }) => ix.stackHeight === 2)).toBe(true);
    });

    it('web3.js and kit read a raffle creation (Ed25519 precompile, then CPIs); its empty return data is no return data', async () => {
        const tx = await connection.getParsedTransaction(raffle.create, { maxSupportedTransactionVersion: 0, commitment: 'confirmed' });
        const [verify, create] = tx!.transaction.message.instructions as PartiallyDecodedInstruction[];
        expect(verify!.programId.toBase58()).toBe('Ed25519SigVerify111111111111111111111111111');
        expect(create!.programId.toBase58()).toBe(net.fixtures!.programAddress);
        const inner = tx!.meta!.innerInstructions!.flatMap((i) => i.instructions);
        expect(inner.filter(isParsed).map((ix) => `${ix.program}:${(ix.parsed as { type: string }).type}`)).toEqual(
            expect.arrayContaining(['system:createAccount', 'spl-token:initializeAccount3', 'spl-token:transfer']),
        );
        // The token program set empty return data: a node records none.
        expect(tx!.meta).not.toHaveProperty('returnData');
        const kitTx = await createSolanaRpc(net.rpcUrl).getTransaction(raffle.create, { encoding: 'jsonParsed', maxSupportedTransactionVersion: 0, commitment: 'confirmed' }).send();
        expect(kitTx?.meta?.returnData).toBeUndefined();
        expect(kitTx?.meta?.innerInstructions?.[0]?.instructions.some((ix) => 'parsed' in ix && ix.program === 'spl-token')).toBe(true);
        const json = await createSolanaRpc(net.rpcUrl).getTransaction(raffle.create, { encoding: 'json', maxSupportedTransactionVersion: 0, commitment: 'confirmed' }).send();
        expect(json?.meta?.returnData).toBeUndefined();
        expect(json?.transaction.message.instructions.map((ix) => ix.stackHeight)).toEqual([1, 1]);
        expect(json?.meta?.loadedAddresses).toEqual({ readonly: [], writable: [] });
    });

    it('parses top-level System instructions and memos', async () => {
        const payer = Keypair.fromSecretKey(net.fixtures!.wallets[1]!.keypair.secretKey);
        const to = PublicKey.unique();
        const { blockhash } = await connection.getLatestBlockhash('processed');
        const message = new Web3TransactionMessage({
            payerKey: payer.publicKey,
            recentBlockhash: blockhash,
            instructions: [
                SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: 1_000_000 }),
                { programId: new PublicKey('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr'), keys: [], data: Buffer.from('hello 🦖') },
            ],
        }).compileToV0Message();
        const vtx = new VersionedTransaction(message);
        vtx.sign([payer]);
        const signature = await connection.sendTransaction(vtx);
        await connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight: (await connection.getLatestBlockhash('processed')).lastValidBlockHeight }, 'confirmed');
        const tx = await connection.getParsedTransaction(signature, { maxSupportedTransactionVersion: 0, commitment: 'confirmed' });
        expect(tx!.transaction.message.instructions).toEqual([
            { program: 'system', programId: SystemProgram.programId, parsed: { type: 'transfer', info: { source: payer.publicKey.toBase58(), destination: to.toBase58(), lamports: 1_000_000 } }, stackHeight: 1 },
            { program: 'spl-memo', programId: new PublicKey('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr'), parsed: 'hello 🦖', stackHeight: 1 },
        ]);
    });
});

describe('simulateTransaction', () => {
    it('answers innerInstructions: true in parsed form (web3.js), with loadedAccountsDataSize and no empty return data', async () => {
        const f = net.fixtures!;
        const buyer = f.wallets[1]!.keypair.signer;
        const message = await joinWithTokenTx({ rpc: createSolanaRpc(net.rpcUrl), buyer, raffle: raffle.raffle, ticketCount: 1 });
        const vtx = await toWeb3(message, buyer);
        const { value } = await connection.simulateTransaction(vtx, { innerInstructions: true, sigVerify: false, commitment: 'processed' });
        expect(value.err).toBeNull();
        const inner = value.innerInstructions![0]!.instructions as (ParsedInstruction | PartiallyDecodedInstruction)[];
        expect(inner.filter(isParsed).map((ix) => ix.program).sort()).toEqual(['spl-token', 'system']);
        expect(value.returnData ?? null).toBeNull();

        // loadedAccountsDataSize as SIMD-0186 counts it: 64 + data per existing account, plus the
        // ProgramData of each upgradeable program (the raffle program, and SPL Token as LiteSVM deploys it).
        const wire = Buffer.from(vtx.serialize()).toString('base64');
        const raw = await rpcOk(net.rpcUrl, 'simulateTransaction', [wire, { encoding: 'base64', sigVerify: false, commitment: 'processed' }]);
        const keys = vtx.message.staticAccountKeys.map((k) => k.toBase58());
        const sizeOf = async (addresses: string[]) => {
            const { value } = await rpcOk(net.rpcUrl, 'getMultipleAccounts', [addresses, { encoding: 'base64', commitment: 'processed' }]);
            return (value as ({ data: [string, string]; owner: string } | null)[]).map((a) => (a ? { bytes: Buffer.from(a.data[0], 'base64'), owner: a.owner } : null));
        };
        const accounts = await sizeOf(keys);
        const programs = accounts.flatMap((a) => (a?.owner === 'BPFLoaderUpgradeab1e11111111111111111111111' && a.bytes.readUInt32LE(0) === 2 ? [new PublicKey(a.bytes.subarray(4, 36)).toBase58()] : []));
        expect(programs).toContain(await getProgramDataAddress(f.programAddress));
        const all = [...accounts, ...(await sizeOf(programs))];
        expect(raw.value.loadedAccountsDataSize).toBe(all.reduce((sum, a) => sum + (a ? 64 + a.bytes.length : 0), 0));
    });

    it('answers returnData null for a raffle creation whose token CPI set empty return data', async () => {
        const f = net.fixtures!;
        const organizer = f.organizer.keypair.signer;
        const now = net.control.status().unixTimestamp;
        const permit = await issuePermit(
            {
                programId: f.programAddress,
                config: f.configAddress,
                organizer: organizer.address,
                raffleId: 2n,
                tier: 1,
                enterpriseId: new TextEncoder().encode('test-enterprise!'),
                prizeMint: f.prizeNfts[1]!.mint,
                prizeAmount: 1n,
                paymentMint: f.mints.MOGA.address,
                ticketPrice: 5_000_000n,
                maxTickets: 10,
                deadline: now + 3_600n,
                refundMode: 'tokens',
            },
            { signer: createKeypairSigner(f.permitSigner.secretKey), now: Number(now), ttlSeconds: 300 },
        );
        const vtx = await toWeb3(await createRaffleWithPermitTx({ organizer, permit }), organizer);
        const { value } = await connection.simulateTransaction(vtx, { innerInstructions: true, commitment: 'processed' });
        expect(value.err).toBeNull();
        expect(value.returnData).toBeNull();
        expect(value.innerInstructions!.length).toBeGreaterThan(0);
    });

    it('reports loadedAccountsDataSize exactly for a System transfer to a new account, and 0 when not executed', async () => {
        const payer = Keypair.fromSecretKey(net.fixtures!.wallets[1]!.keypair.secretKey);
        const { blockhash } = await connection.getLatestBlockhash('processed');
        const build = (hash: string) => {
            const v = new VersionedTransaction(
                new Web3TransactionMessage({ payerKey: payer.publicKey, recentBlockhash: hash, instructions: [SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: PublicKey.unique(), lamports: 1 })] }).compileToV0Message(),
            );
            v.sign([payer]);
            return Buffer.from(v.serialize()).toString('base64');
        };
        const system = await rpcOk(net.rpcUrl, 'getAccountInfo', [SYSTEM_PROGRAM, { encoding: 'base64' }]);
        const systemSize = Buffer.from(system.value.data[0], 'base64').length;
        const sim = await rpcOk(net.rpcUrl, 'simulateTransaction', [build(blockhash), { encoding: 'base64', commitment: 'processed' }]);
        // Fee payer (no data), the new account (does not exist: 0), the System program.
        expect(sim.value.loadedAccountsDataSize).toBe(64 + 64 + systemSize);
        const stale = await rpcOk(net.rpcUrl, 'simulateTransaction', [build(SYSTEM_PROGRAM), { encoding: 'base64' }]);
        expect(stale.value).toMatchObject({ err: 'BlockhashNotFound', loadedAccountsDataSize: 0 });
    });
});
