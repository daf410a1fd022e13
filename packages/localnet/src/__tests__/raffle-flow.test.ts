/**
 * The raffle program over the wire: a permit-gated raffle creation (Ed25519 precompile in the
 * same transaction) and a join, sent through JSON-RPC; events arrive through logsSubscribe and
 * getTransaction reports fees, token balances and inner instructions.
 */
import {
    findConfigPda,
    findEntryPda,
    findPaymentVaultPda,
    findPrizeVaultPda,
    findRafflePda,
    getInitializeRaffleWithPermitInstruction,
    getJoinWithTokenInstruction,
    getRaffleDecoder,
    RefundMode,
} from '@raffle/client';
import { createKeypairSigner, encodePermitMessage, getEd25519VerifyInstructionData } from '@raffle/permit';
import { waitFor } from '@raffle/test-support';
import { type Address, getAddressEncoder, getBase64Encoder } from '@solana/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Localnet, startLocalnet } from '../index';
import { buildTx, rpcOk, send, WsClient } from './helpers';

let net: Localnet;

beforeAll(async () => {
    net = await startLocalnet({ rpcPort: 0, slotIntervalMs: null, confirmationLag: 1, finalizationLag: 2, fixtures: { wallets: 2, prizeNfts: 1 } });
});
afterAll(async () => {
    await net?.stop();
});

describe('rwa_raffle through the local cluster', () => {
    it('creates a raffle with a permit and joins it; events, fees and token balances are reported', async () => {
        const f = net.fixtures!;
        const organizer = f.organizer;
        const nft = f.prizeNfts[0]!;
        const raffleId = 1n;
        const [raffle] = await findRafflePda({ organizer: organizer.address, raffleId });
        const [prizeVault] = await findPrizeVaultPda({ raffle });
        const [paymentVault] = await findPaymentVaultPda({ raffle });
        const [config] = await findConfigPda();
        const status = await rpcOk(net.rpcUrl, 'localnet_status');
        const fields = {
            programId: f.programAddress,
            config,
            organizer: organizer.address,
            raffleId,
            tier: 1,
            enterpriseId: new Uint8Array(16).fill(3),
            prizeMint: nft.mint,
            prizeAmount: 1n,
            paymentMint: f.mints.MOGA.address,
            ticketPrice: 1_000_000n,
            maxTickets: 10,
            deadline: BigInt(status.unixTimestamp) + 86_400n,
            refundMode: 'tokens' as const,
            expiresAt: BigInt(status.unixTimestamp) + 300n,
        };
        const message = encodePermitMessage(fields);
        const signer = createKeypairSigner(f.permitSigner.secretKey);
        const signature = await signer.sign(message);
        const verify = {
            programAddress: 'Ed25519SigVerify111111111111111111111111111' as Address,
            data: getEd25519VerifyInstructionData({ publicKey: getAddressEncoder().encode(f.permitSigner.address), signature, message }),
        };
        const create = getInitializeRaffleWithPermitInstruction({
            organizer: organizer.keypair.signer,
            config,
            raffle,
            prizeMint: nft.mint,
            paymentMint: fields.paymentMint,
            organizerPrizeAccount: nft.tokenAccount,
            prizeVault,
            paymentVault,
            raffleId,
            tier: fields.tier,
            enterpriseId: fields.enterpriseId,
            prizeAmount: 1n,
            ticketPrice: fields.ticketPrice,
            maxTickets: fields.maxTickets,
            deadline: fields.deadline,
            refundMode: RefundMode.Tokens,
            expiresAt: fields.expiresAt,
        });
        const ws = await WsClient.open(net.wsUrl);
        try {
            const logsSub = await ws.subscribe('logsSubscribe', [{ mentions: [f.programAddress] }, { commitment: 'confirmed' }]);
            const programSub = await ws.subscribe('programSubscribe', [f.programAddress, { commitment: 'processed', encoding: 'base64' }]);
            const { value } = await rpcOk(net.rpcUrl, 'getLatestBlockhash', [{ commitment: 'processed' }]);
            const tx = await buildTx([verify, create], organizer.keypair.signer, value.blockhash);
            const sent = await send(net.rpcUrl, tx.wire);
            expect(sent.error).toBeUndefined();
            const created = await waitFor('the program notification of the new raffle', () => ws.of(programSub).find((n) => n.params.result.value.pubkey === raffle));
            const decoded = getRaffleDecoder().decode(new Uint8Array(getBase64Encoder().encode(created.params.result.value.account.data[0])));
            expect(decoded.maxTickets).toBe(10);
            net.control.advanceSlots(1);
            const logs = await waitFor('the confirmed logs notification', () => ws.of(logsSub)[0]);
            expect(logs.params.result.value.signature).toBe(tx.signature);
            expect(logs.params.result.value.logs.some((l: string) => l.startsWith('Program data: '))).toBe(true);

            const txInfo = await rpcOk(net.rpcUrl, 'getTransaction', [tx.signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 }]);
            // One transaction signature plus one Ed25519 precompile signature.
            expect(txInfo.meta.fee).toBe(10_000);
            expect(txInfo.meta.err).toBeNull();
            expect(txInfo.meta.innerInstructions.length).toBeGreaterThan(0);
            const keys: string[] = txInfo.transaction.message.accountKeys;
            const pre = txInfo.meta.preTokenBalances.find((b: { accountIndex: number }) => keys[b.accountIndex] === nft.tokenAccount);
            const post = txInfo.meta.postTokenBalances.find((b: { accountIndex: number }) => keys[b.accountIndex] === nft.tokenAccount);
            expect(pre.uiTokenAmount.amount).toBe('1');
            expect(post.uiTokenAmount.amount).toBe('0');
            expect(pre).toMatchObject({ mint: nft.mint, owner: organizer.address, programId: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA' });
            const vault = txInfo.meta.postTokenBalances.find((b: { accountIndex: number }) => keys[b.accountIndex] === prizeVault);
            expect(vault.uiTokenAmount.amount).toBe('1');

            // Join with MOGA.
            const buyer = f.wallets[0]!;
            const [entry] = await findEntryPda({ raffle, index: 0 });
            const join = getJoinWithTokenInstruction({
                buyer: buyer.keypair.signer,
                config,
                raffle,
                entry,
                buyerPaymentAccount: buyer.tokenAccounts.MOGA,
                paymentVault,
                ticketCount: 3,
            });
            const { value: bh } = await rpcOk(net.rpcUrl, 'getLatestBlockhash', [{ commitment: 'processed' }]);
            const joinTx = await buildTx([join], buyer.keypair.signer, bh.blockhash);
            expect((await send(net.rpcUrl, joinTx.wire)).result).toBe(joinTx.signature);
            net.control.advanceSlots(3);
            const vaultBalance = await rpcOk(net.rpcUrl, 'getTokenAccountBalance', [paymentVault]);
            expect(vaultBalance.value.uiAmountString).toBe('3');
            const history = await rpcOk(net.rpcUrl, 'getSignaturesForAddress', [raffle]);
            expect(history.map((h: { signature: string }) => h.signature)).toEqual([joinTx.signature, tx.signature]);
            const raffles = await rpcOk(net.rpcUrl, 'getProgramAccounts', [f.programAddress, { encoding: 'base64', filters: [{ memcmp: { offset: 8, bytes: organizer.address } }] }]);
            expect(raffles.map((r: { pubkey: string }) => r.pubkey)).toEqual([raffle]);
        } finally {
            ws.close();
        }
    });
});
