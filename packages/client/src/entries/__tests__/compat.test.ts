/**
 * `@raffle/client/compat`: a built transaction handed to a web3.js 1.x wallet as a
 * VersionedTransaction, signed there, brought back and executed by the program on LiteSVM.
 */
import { fromWalletTransaction, toVersionedTransaction } from '@raffle/client/compat';
import {
    compileTransaction,
    createNoopSigner,
    getTransactionEncoder,
    pipe,
    setTransactionMessageFeePayer,
    setTransactionMessageLifetimeUsingBlockhash,
    type Address,
    lamports,
} from '@solana/kit';
import { Keypair } from '@solana/web3.js';
import { FailedTransactionMetadata } from 'litesvm';
import { describe, expect, it } from 'vitest';

import { RaffleHarness } from '../../../../program/src/__tests__/support/harness';
import { findAssociatedTokenAddress, joinWithTokenTx, parseRaffleEvents, requestDrawTx } from '../../index';
import { testAddress } from '../../__tests__/support/fixtures';

describe('@raffle/client/compat', () => {
    it('converts a message byte for byte, and a compiled transaction keeping its signatures', async () => {
        const payer = testAddress(1);
        const message = pipe(
            await requestDrawTx({ requester: createNoopSigner(payer), raffle: testAddress(2), computeUnitPrice: 1n }),
            m => setTransactionMessageFeePayer(payer, m),
            m => setTransactionMessageLifetimeUsingBlockhash({ blockhash: testAddress(3) as string as never, lastValidBlockHeight: 10n }, m),
        );
        const expected = new Uint8Array(getTransactionEncoder().encode(compileTransaction(message)));
        expect(toVersionedTransaction(message).serialize()).toEqual(expected);
        expect(toVersionedTransaction(compileTransaction(message)).serialize()).toEqual(expected);
        expect(() => toVersionedTransaction({ instructions: [], version: 0 } as never)).toThrow(/fee payer/);
        expect(() => toVersionedTransaction(null as never)).toThrow(/transaction/);
    });

    it('a web3.js wallet signs a join built with the client; the program executes it', async () => {
        const h = await RaffleHarness.create();
        const raffle = await h.createRaffle({ maxTickets: 10 });
        const wallet = Keypair.generate();
        const walletAddress = wallet.publicKey.toBase58() as Address;
        h.svm.airdrop(walletAddress, lamports(1_000_000_000n));
        await h.tokenAccount(walletAddress, h.paymentMint, 5_000_000n, await findAssociatedTokenAddress({ owner: walletAddress, mint: h.paymentMint }));

        const message = pipe(
            await joinWithTokenTx({ buyer: createNoopSigner(walletAddress), raffle: await rafflesOf(h, raffle.address), ticketCount: 2 }),
            m => setTransactionMessageFeePayer(walletAddress, m),
            m => setTransactionMessageLifetimeUsingBlockhash({ blockhash: h.svm.latestBlockhash(), lastValidBlockHeight: 1_000_000n }, m),
        );
        const versioned = toVersionedTransaction(message);
        versioned.sign([wallet]); // what a wallet adapter's signTransaction does
        const result = h.svm.sendTransaction(fromWalletTransaction(versioned) as never);
        if (result instanceof FailedTransactionMetadata) throw new Error(result.meta().logs().join('\n'));
        expect(parseRaffleEvents(result.logs())[0]).toMatchObject({ name: 'TicketsPurchased', data: { buyer: walletAddress, ticketCount: 2 } });
    });
});

async function rafflesOf(h: RaffleHarness, address: Address) {
    const account = h.svm.getAccount(address);
    if (!account.exists) throw new Error('no raffle');
    const { decodeRaffle } = await import('../../index');
    return decodeRaffle(account);
}
