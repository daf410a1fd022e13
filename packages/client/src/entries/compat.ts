/**
 * `@raffle/client/compat`: hand transactions built with `@raffle/client` to code written for
 * `@solana/web3.js` 1.x, such as the wallet adapters' `signTransaction`, and take their
 * results back. Requires `@solana/web3.js` 1.x in your app (install it next to
 * `@raffle/client`); the main entry never loads it.
 *
 * @example
 * ```ts
 * import { toVersionedTransaction, fromVersionedTransaction } from '@raffle/client/compat';
 * ```
 *
 * @packageDocumentation
 */
import { fromVersionedTransaction } from '@solana/compat';
import {
    compileTransaction,
    getTransactionEncoder,
    type Transaction,
    type TransactionMessage,
    type TransactionMessageWithFeePayer,
    type TransactionMessageWithLifetime,
} from '@solana/kit';
import { VersionedTransaction } from '@solana/web3.js';

import { inputInvalid } from '../errors/client-errors';

export { fromLegacyPublicKey, fromLegacyTransactionInstruction, fromVersionedTransaction } from '@solana/compat';

/**
 * A kit transaction message ready to compile: fee payer and lifetime set.
 *
 * @example
 * ```ts
 * const compilable: CompilableRaffleTransactionMessage = pipe(
 *     message,
 *     m => setTransactionMessageFeePayer(wallet.publicKey.toBase58() as Address, m),
 *     m => setTransactionMessageLifetimeUsingBlockhash(latestBlockhash, m),
 * );
 * ```
 */
export type CompilableRaffleTransactionMessage = TransactionMessage & TransactionMessageWithFeePayer & TransactionMessageWithLifetime;

function isCompiledTransaction(value: object): value is Transaction {
    return 'messageBytes' in value && 'signatures' in value;
}

/**
 * Converts a transaction for a web3.js 1.x wallet adapter: a kit transaction message (fee
 * payer and blockhash set; the wallet signs as fee payer), or an already compiled, possibly
 * partially signed kit `Transaction` (signatures kept), into a web3.js `VersionedTransaction`.
 *
 * @param transaction - the message or transaction
 * @returns the equivalent `VersionedTransaction`, byte for byte
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` when given something else
 * @example
 * ```ts
 * const message = pipe(
 *     await joinWithTokenTx({ rpc, buyer: createNoopSigner(walletAddress), raffle, ticketCount: 1 }),
 *     m => setTransactionMessageFeePayer(walletAddress, m),
 *     m => setTransactionMessageLifetimeUsingBlockhash(latestBlockhash, m),
 * );
 * const signed = await wallet.signTransaction(toVersionedTransaction(message));
 * const { signature } = await sendAndConfirm(...); // or: rpc.sendTransaction(getBase64EncodedWireTransaction(fromVersionedTransaction(signed)))
 * ```
 */
export function toVersionedTransaction(transaction: CompilableRaffleTransactionMessage | Transaction): VersionedTransaction {
    if (typeof transaction !== 'object' || transaction === null) {
        throw inputInvalid('transaction', 'must be a kit transaction message (fee payer and lifetime set) or a compiled kit Transaction');
    }
    let compiled: Transaction;
    if (isCompiledTransaction(transaction)) compiled = transaction;
    else if ('instructions' in transaction && 'feePayer' in transaction && 'lifetimeConstraint' in transaction) {
        compiled = compileTransaction(transaction);
    } else {
        throw inputInvalid('transaction', 'must have a fee payer and a lifetime (setTransactionMessageFeePayer, setTransactionMessageLifetimeUsingBlockhash)');
    }
    return VersionedTransaction.deserialize(new Uint8Array(getTransactionEncoder().encode(compiled)));
}

/**
 * Converts a signed web3.js `VersionedTransaction` (e.g. returned by a wallet adapter's
 * `signTransaction`) back into a kit `Transaction`, to send with kit. The same as
 * `@solana/compat`'s `fromVersionedTransaction`, re-exported under a raffle-client name.
 *
 * @param transaction - the web3.js transaction
 * @returns the kit transaction, signatures included
 * @example
 * ```ts
 * const signed = await wallet.signTransaction(toVersionedTransaction(message));
 * const kitTransaction = fromWalletTransaction(signed);
 * ```
 */
export function fromWalletTransaction(transaction: VersionedTransaction): Transaction {
    return fromVersionedTransaction(transaction) as unknown as Transaction;
}
