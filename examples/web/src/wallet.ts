/**
 * Wallets through the Wallet Standard: any wallet extension that registers itself (Phantom,
 * Solflare, Backpack, ...) shows up in `getWallets()`, and so does the dev wallet in development.
 * A connected account is adapted to what @raffle/client needs: a kit `TransactionSigner` (for
 * the transactions) and a `PermitApiWallet` (for the permit server's sign-in message).
 */
import type { PermitApiWallet } from '@raffle/client';
import { SolanaSignMessage, type SolanaSignMessageFeature, SolanaSignTransaction, type SolanaSignTransactionFeature } from '@solana/wallet-standard-features';
import { type Address, address, getTransactionDecoder, getTransactionEncoder, type SignatureBytes, type TransactionPartialSigner } from '@solana/kit';
import { getWallets } from '@wallet-standard/app';
import {
    StandardConnect,
    type StandardConnectFeature,
    StandardDisconnect,
    type StandardDisconnectFeature,
    StandardEvents,
    type StandardEventsFeature,
    type Wallet,
    type WalletAccount,
} from '@wallet-standard/core';

/** The wallet refused to sign a transaction (the user rejected it, or the wallet failed). */
export class WalletSignatureRejectedError extends Error {
    constructor(walletName: string, cause: unknown) {
        super(`${walletName} did not sign the transaction`, { cause });
        this.name = 'WalletSignatureRejectedError';
    }
}

/** A connected account, ready for @raffle/client. */
export interface ConnectedAccount {
    readonly wallet: Wallet;
    readonly account: WalletAccount;
    readonly address: Address;
    /** Signs transactions through the wallet (`solana:signTransaction`). */
    readonly signer: TransactionPartialSigner;
    /** Signs the permit server's sign-in message through the wallet (`solana:signMessage`). */
    readonly permitWallet: PermitApiWallet;
}

const REQUIRED_FEATURES = [StandardConnect, SolanaSignTransaction, SolanaSignMessage] as const;

/** The registered wallets that can do everything the app needs. */
export function usableWallets(): Wallet[] {
    return getWallets()
        .get()
        .filter(w => REQUIRED_FEATURES.every(feature => feature in w.features));
}

/** Calls `listener` whenever a wallet registers or unregisters (extensions load after the page). */
export function onWalletsChanged(listener: () => void): () => void {
    const wallets = getWallets();
    const off = [wallets.on('register', listener), wallets.on('unregister', listener)];
    return () => off.forEach(f => f());
}

/** Asks the wallet to connect (it may show its own approval dialog) and returns its accounts. */
export async function connectWallet(wallet: Wallet): Promise<readonly WalletAccount[]> {
    const { connect } = (wallet.features as StandardConnectFeature)[StandardConnect];
    const { accounts } = await connect();
    return accounts.length > 0 ? accounts : wallet.accounts;
}

/** Tells the wallet the app is done with it (when it supports `standard:disconnect`). */
export async function disconnectWallet(wallet: Wallet): Promise<void> {
    await (wallet.features as Partial<StandardDisconnectFeature>)[StandardDisconnect]?.disconnect();
}

/** Calls `listener` with the wallet's accounts when the user changes them in the wallet (`standard:events`). */
export function onAccountsChanged(wallet: Wallet, listener: (accounts: readonly WalletAccount[]) => void): () => void {
    const events = (wallet.features as Partial<StandardEventsFeature>)[StandardEvents];
    return events ? events.on('change', ({ accounts }) => accounts && listener(accounts)) : () => {};
}

/** Adapts a connected wallet account for @raffle/client. */
export function toConnectedAccount(wallet: Wallet, account: WalletAccount, chain: `solana:${string}`): ConnectedAccount {
    const owner = address(account.address);
    const { signTransaction } = (wallet.features as SolanaSignTransactionFeature)[SolanaSignTransaction];
    const { signMessage } = (wallet.features as SolanaSignMessageFeature)[SolanaSignMessage];
    const encoder = getTransactionEncoder();
    const decoder = getTransactionDecoder();

    const signer: TransactionPartialSigner = {
        address: owner,
        async signTransactions(transactions) {
            const inputs = transactions.map(transaction => ({ account, chain, transaction: new Uint8Array(encoder.encode(transaction)) }));
            let outputs: readonly { signedTransaction: Uint8Array }[];
            try {
                outputs = await signTransaction(...inputs);
            } catch (e) {
                throw new WalletSignatureRejectedError(wallet.name, e);
            }
            return outputs.map(({ signedTransaction }, i) => {
                const signed = decoder.decode(signedTransaction);
                // A partial signer returns only its signature, so the wallet must sign the message as built.
                if (!sameBytes(signed.messageBytes, transactions[i]!.messageBytes)) throw new Error(`${wallet.name} changed the transaction before signing it`);
                const signature = signed.signatures[owner];
                if (!signature) throw new WalletSignatureRejectedError(wallet.name, new Error('no signature for the account'));
                return Object.freeze({ [owner]: signature as SignatureBytes });
            });
        },
    };

    const permitWallet: PermitApiWallet = {
        address: owner,
        async signMessage(message) {
            const [output] = await signMessage({ account, message });
            if (!output) throw new Error(`${wallet.name} returned no signature`);
            return output.signature;
        },
    };
    return { wallet, account, address: owner, signer, permitWallet };
}

function sameBytes(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
}
