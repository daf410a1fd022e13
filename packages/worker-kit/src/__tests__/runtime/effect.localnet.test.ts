/**
 * Resolving a sent effect from the chain, on `@raffle/localnet` (LiteSVM behind JSON-RPC): a
 * transaction that was still in flight while the effect was resolved must not be taken for
 * expired (and sent a second time) because it landed between the status and the height query.
 */
import { type Localnet, startLocalnet } from '@raffle/localnet';
import {
    appendTransactionMessageInstructions,
    createSolanaRpc,
    createTransactionMessage,
    generateKeyPairSigner,
    getBase64EncodedWireTransaction,
    getSignatureFromTransaction,
    pipe,
    setTransactionMessageFeePayerSigner,
    setTransactionMessageLifetimeUsingBlockhash,
    signTransactionMessageWithSigners,
} from '@solana/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type EffectDependencies, runEffect } from '../../runtime/effect';
import { createMemoryWorkerStore } from '../../store/memory/index';
import { CHAOS_EFFECT_LAMPORTS, systemTransferInstruction } from '../fixtures/chaos';

const VALIDITY = 10;
let net: Localnet;
let rpc: ReturnType<typeof createSolanaRpc>;

beforeAll(async () => {
    // No slot timer: slots move only when this test moves them.
    net = await startLocalnet({ rpcPort: 0, slotIntervalMs: null, confirmationLag: 1, finalizationLag: 2, blockhashValidity: VALIDITY, fixtures: { wallets: 1, prizeNfts: 0 }, onError: () => undefined });
    rpc = createSolanaRpc(net.rpcUrl);
});
afterAll(async () => {
    await net?.stop();
});

describe('resolving a sent effect', () => {
    it('a transaction that lands while the effect is being resolved is found, not sent again', async () => {
        const payer = await generateKeyPairSigner();
        const destination = (await generateKeyPairSigner()).address;
        net.control.airdrop(payer.address, 10_000_000_000n);
        const { value: blockhash } = await rpc.getLatestBlockhash({ commitment: 'confirmed' }).send();
        const signed = await signTransactionMessageWithSigners(
            pipe(
                createTransactionMessage({ version: 0 }),
                m => setTransactionMessageFeePayerSigner(payer, m),
                m => setTransactionMessageLifetimeUsingBlockhash(blockhash, m),
                m => appendTransactionMessageInstructions([systemTransferInstruction(payer, destination, CHAOS_EFFECT_LAMPORTS)], m),
            ),
        );
        const signature = getSignatureFromTransaction(signed);
        // The worker recorded it as sent, then died; the transaction is still on its way.
        const store = createMemoryWorkerStore();
        await store.beginEffect({ key: 'pay', intent: { to: destination } });
        await store.markEffectSent({ key: 'pay', signature, lastValidBlockHeight: blockhash.lastValidBlockHeight });
        // The chain is close to the last valid height, the transaction still valid.
        const height = BigInt(await rpc.getBlockHeight({ commitment: 'confirmed' }).send());
        if (blockhash.lastValidBlockHeight - height > 2n) net.control.advanceSlots(Number(blockhash.lastValidBlockHeight - height - 2n));

        // The real RPC; the transaction lands (and the chain moves past its last valid height)
        // right after the resolver asked for its status.
        let landed = false;
        const racing = {
            getBlockHeight: (...args: Parameters<typeof rpc.getBlockHeight>) => rpc.getBlockHeight(...args),
            getSignatureStatuses: (...args: Parameters<typeof rpc.getSignatureStatuses>) => ({
                send: async () => {
                    const answer = await rpc.getSignatureStatuses(...args).send();
                    if (!landed) {
                        landed = true;
                        await rpc.sendTransaction(getBase64EncodedWireTransaction(signed), { encoding: 'base64' }).send();
                        net.control.advanceSlots(VALIDITY + 5);
                    }
                    return answer;
                },
            }),
        } as unknown as EffectDependencies['rpc'];

        let runs = 0;
        const run = async () => {
            runs++;
        };
        const signal = new AbortController().signal;
        // In doubt now (it could still land); resolved from the chain on the retry.
        await expect(runEffect({ rpc: racing, store }, { key: 'pay', intent: {}, run, signal })).rejects.toThrow();
        expect(landed).toBe(true);
        const second = await runEffect({ rpc: racing, store }, { key: 'pay', intent: {}, run, signal });
        expect(second).toEqual({ key: 'pay', alreadyDone: true, signature });
        expect(runs).toBe(0);
        expect((await store.getEffect('pay'))?.status).toBe('confirmed');
        const { value: balance } = await rpc.getBalance(destination, { commitment: 'confirmed' }).send();
        expect(balance).toBe(CHAOS_EFFECT_LAMPORTS);
    });
});
