/**
 * `@raffle/client/compat`: a built transaction handed to a web3.js 1.x wallet as a
 * VersionedTransaction, signed there, brought back and executed by the program on LiteSVM.
 */
import {
    fromLegacyPublicKey,
    fromLegacyTransactionInstruction,
    fromVersionedTransaction,
    fromWalletTransaction,
    toVersionedTransaction,
} from '@raffle/client/compat';
import {
    compileTransaction,
    createNoopSigner,
    getTransactionEncoder,
    pipe,
    setTransactionMessageFeePayer,
    setTransactionMessageLifetimeUsingBlockhash,
    type Address,
    AccountRole,
    lamports,
} from '@solana/kit';
import { Keypair, PublicKey, TransactionInstruction } from '@solana/web3.js';
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

    it('brings a web3.js transaction back keyed by signer, unsigned signers as null; refuses a signature count mismatch', async () => {
        const payer = Keypair.generate();
        const payerAddress = payer.publicKey.toBase58() as Address;
        const message = pipe(
            await requestDrawTx({ requester: createNoopSigner(payerAddress), raffle: testAddress(2), computeUnitPrice: 1n }),
            m => setTransactionMessageFeePayer(payerAddress, m),
            m => setTransactionMessageLifetimeUsingBlockhash({ blockhash: testAddress(3) as string as never, lastValidBlockHeight: 10n }, m),
        );
        const versioned = toVersionedTransaction(message);
        const unsigned = fromVersionedTransaction(versioned);
        expect(unsigned.signatures).toEqual({ [payerAddress]: null });
        expect(new Uint8Array(unsigned.messageBytes)).toEqual(versioned.message.serialize());
        versioned.sign([payer]);
        const signed = fromWalletTransaction(versioned);
        expect(signed.signatures[payerAddress]).toEqual(versioned.signatures[0]);
        expect(new Uint8Array(getTransactionEncoder().encode(signed))).toEqual(versioned.serialize());
        versioned.signatures.push(new Uint8Array(64));
        expect(() => fromVersionedTransaction(versioned)).toThrow(/2 signatures; its message requires 1/);
        expect(() => fromVersionedTransaction({} as never)).toThrow(/VersionedTransaction/);
    });

    it('converts web3.js public keys and instructions (roles, empty data and accounts omitted)', () => {
        const [signer, writable, readonly, program] = [1, 2, 3, 4].map(n => new PublicKey(testAddress(n)));
        expect(fromLegacyPublicKey(signer!)).toBe(testAddress(1));
        expect(() => fromLegacyPublicKey('x' as never)).toThrow(/PublicKey/);
        const instruction = new TransactionInstruction({
            programId: program!,
            keys: [
                { pubkey: signer!, isSigner: true, isWritable: true },
                { pubkey: signer!, isSigner: true, isWritable: false },
                { pubkey: writable!, isSigner: false, isWritable: true },
                { pubkey: readonly!, isSigner: false, isWritable: false },
            ],
            data: Buffer.from([1, 2, 3]),
        });
        expect(fromLegacyTransactionInstruction(instruction)).toEqual({
            programAddress: testAddress(4),
            accounts: [
                { address: testAddress(1), role: AccountRole.WRITABLE_SIGNER },
                { address: testAddress(1), role: AccountRole.READONLY_SIGNER },
                { address: testAddress(2), role: AccountRole.WRITABLE },
                { address: testAddress(3), role: AccountRole.READONLY },
            ],
            data: new Uint8Array([1, 2, 3]),
        });
        expect(fromLegacyTransactionInstruction(new TransactionInstruction({ programId: program!, keys: [] }))).toEqual({ programAddress: testAddress(4) });
        expect(() => fromLegacyTransactionInstruction({} as never)).toThrow(/TransactionInstruction/);
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
