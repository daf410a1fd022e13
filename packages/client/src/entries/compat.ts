/**
 * `@raffle/client/compat`: hand transactions built with `@raffle/client` to code written for
 * `@solana/web3.js` 1.x, such as the wallet adapters' `signTransaction`, and take their
 * results back. Requires `@solana/web3.js` 1.x in your app (an optional peer dependency:
 * install it next to `@raffle/client`); the main entry never loads it. The conversions are
 * written against `@solana/kit` itself, so this entry adds no second copy of kit's packages
 * to an app (`@solana/compat` pins an older kit).
 *
 * @example
 * ```ts
 * import { toVersionedTransaction, fromVersionedTransaction } from '@raffle/client/compat';
 * ```
 *
 * @packageDocumentation
 */
import {
    AccountRole,
    type AccountMeta,
    type Address,
    address,
    compileTransaction,
    getTransactionDecoder,
    getTransactionEncoder,
    type Instruction,
    type Transaction,
    type TransactionMessage,
    type TransactionMessageWithFeePayer,
    type TransactionMessageWithLifetime,
} from '@solana/kit';
import { type PublicKey, type TransactionInstruction, VersionedTransaction } from '@solana/web3.js';

import { inputInvalid } from '../errors/client-errors';

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
 * `signTransaction`) back into a kit `Transaction`, to send with kit: the same bytes, each
 * signature keyed by its signer's address (`null` where a signer has not signed yet).
 *
 * @param transaction - the web3.js transaction
 * @returns the kit transaction, signatures included
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` when it is not a versioned transaction, or when
 * its signature count differs from the number of signers its message requires
 * @example
 * ```ts
 * const signed = await wallet.signTransaction(toVersionedTransaction(message));
 * const wire = getBase64EncodedWireTransaction(fromVersionedTransaction(signed));
 * ```
 */
export function fromVersionedTransaction(transaction: VersionedTransaction): Transaction {
    if (typeof transaction !== 'object' || transaction === null || typeof transaction.serialize !== 'function' || !transaction.message) {
        throw inputInvalid('transaction', 'must be a @solana/web3.js VersionedTransaction');
    }
    const required = transaction.message.header.numRequiredSignatures;
    if (transaction.signatures.length !== required) {
        throw inputInvalid('transaction', `has ${transaction.signatures.length} signatures; its message requires ${required}`);
    }
    return getTransactionDecoder().decode(transaction.serialize());
}

/**
 * Converts a signed web3.js `VersionedTransaction` back into a kit `Transaction`: the same as
 * {@link fromVersionedTransaction}, under the name the wallet-adapter guide uses.
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
    return fromVersionedTransaction(transaction);
}

/**
 * Converts a web3.js `PublicKey` into a kit `Address`.
 *
 * @param publicKey - the web3.js public key
 * @returns its base58 address
 * @example
 * ```ts
 * const owner = fromLegacyPublicKey(wallet.publicKey);
 * ```
 */
export function fromLegacyPublicKey<TAddress extends string = string>(publicKey: PublicKey): Address<TAddress> {
    if (typeof publicKey !== 'object' || publicKey === null || typeof publicKey.toBase58 !== 'function') {
        throw inputInvalid('publicKey', 'must be a @solana/web3.js PublicKey');
    }
    return address(publicKey.toBase58()) as Address<TAddress>;
}

function legacyRole(isSigner: boolean, isWritable: boolean): AccountRole {
    if (isSigner) return isWritable ? AccountRole.WRITABLE_SIGNER : AccountRole.READONLY_SIGNER;
    return isWritable ? AccountRole.WRITABLE : AccountRole.READONLY;
}

/**
 * Converts a web3.js `TransactionInstruction` (e.g. from a library still on web3.js 1.x) into
 * a kit `Instruction`, to add to a message built with `@raffle/client`.
 *
 * @param instruction - the web3.js instruction
 * @returns the kit instruction: program, accounts with their roles, data
 * @example
 * ```ts
 * const memo = fromLegacyTransactionInstruction(legacyMemoInstruction);
 * const message = appendTransactionMessageInstruction(memo, await joinWithTokenTx({ rpc, buyer, raffle, ticketCount: 1 }));
 * ```
 */
export function fromLegacyTransactionInstruction(instruction: TransactionInstruction): Instruction {
    if (typeof instruction !== 'object' || instruction === null || !Array.isArray(instruction.keys)) {
        throw inputInvalid('instruction', 'must be a @solana/web3.js TransactionInstruction');
    }
    const accounts: AccountMeta[] = instruction.keys.map(meta =>
        Object.freeze({ address: fromLegacyPublicKey(meta.pubkey), role: legacyRole(meta.isSigner, meta.isWritable) }),
    );
    const data = instruction.data?.byteLength > 0 ? Uint8Array.from(instruction.data) : undefined;
    return Object.freeze({
        programAddress: fromLegacyPublicKey(instruction.programId),
        ...(accounts.length > 0 ? { accounts: Object.freeze(accounts) } : {}),
        ...(data ? { data } : {}),
    });
}
