/**
 * DEV ONLY: a wallet holding the local cluster's fixture keys, registered through the Wallet
 * Standard exactly like a browser extension registers itself, so the app cannot tell it apart.
 * main.ts loads this file only when `import.meta.env.DEV` (the dev server): it is not in the
 * production bundle. The keys come from the dev server's `/__dev/wallet-keys.json`; they are the
 * local fixtures' public test keys, worthless anywhere else. Never put real keys in a page.
 */
import { createKeyPairFromBytes, getAddressEncoder, getAddressFromPublicKey, getTransactionDecoder, getTransactionEncoder, partiallySignTransaction, signBytes } from '@solana/kit';
import type { SolanaSignMessageFeature, SolanaSignTransactionFeature } from '@solana/wallet-standard-features';
import { registerWallet, type StandardConnectFeature, type StandardEventsFeature, type Wallet, type WalletAccount } from '@wallet-standard/core';

import { h } from './dom';

/** What the dev server sends: one entry per fixture wallet. */
interface DevKeys {
    readonly chain: `solana:${string}`;
    readonly accounts: readonly { readonly label: string; readonly secretKey: readonly number[] }[];
}

const ICON = `data:image/svg+xml;base64,${btoa('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#b45309"/><text x="16" y="22" font-size="16" text-anchor="middle" fill="#fff" font-family="sans-serif">D</text></svg>')}` as const;

export async function registerDevWallet(): Promise<void> {
    const response = await fetch('/__dev/wallet-keys.json');
    if (!response.ok) return; // not served: no dev wallet
    const keys = (await response.json()) as DevKeys;
    const accounts = await Promise.all(
        keys.accounts.map(async ({ label, secretKey }) => {
            const keyPair = await createKeyPairFromBytes(new Uint8Array(secretKey));
            const address = await getAddressFromPublicKey(keyPair.publicKey);
            const publicKey = new Uint8Array(getAddressEncoder().encode(address));
            const account: WalletAccount = { address, publicKey, chains: [keys.chain], features: ['solana:signTransaction', 'solana:signMessage'], label };
            return { account, keyPair };
        }),
    );
    const keyPairOf = (account: WalletAccount) => {
        const found = accounts.find(a => a.account.address === account.address);
        if (!found) throw new Error(`the dev wallet has no account ${account.address}`);
        return found.keyPair;
    };
    const askBeforeSigning = h('input', { type: 'checkbox', id: 'dev-wallet-ask' });
    const approve = (what: string, account: WalletAccount) => {
        if (askBeforeSigning.checked && !window.confirm(`Dev wallet: ${what} as ${account.label ?? account.address}?`)) {
            throw new Error('User rejected the request.');
        }
    };

    const features: StandardConnectFeature & StandardEventsFeature & SolanaSignTransactionFeature & SolanaSignMessageFeature = {
        'standard:connect': { version: '1.0.0', connect: async () => ({ accounts: accounts.map(a => a.account) }) },
        'standard:events': { version: '1.0.0', on: () => () => {} },
        'solana:signTransaction': {
            version: '1.0.0',
            supportedTransactionVersions: ['legacy', 0],
            signTransaction: async (...inputs) =>
                Promise.all(
                    inputs.map(async ({ account, transaction }) => {
                        approve('sign a transaction', account);
                        const signed = await partiallySignTransaction([keyPairOf(account)], getTransactionDecoder().decode(transaction));
                        return { signedTransaction: new Uint8Array(getTransactionEncoder().encode(signed)) };
                    }),
                ),
        },
        'solana:signMessage': {
            version: '1.0.0',
            signMessage: async (...inputs) =>
                Promise.all(
                    inputs.map(async ({ account, message }) => {
                        approve('sign a message', account);
                        return { signedMessage: message, signature: new Uint8Array(await signBytes(keyPairOf(account).privateKey, message)) };
                    }),
                ),
        },
    };
    const wallet: Wallet = { version: '1.0.0', name: 'Dev wallet (local test keys)', icon: ICON, chains: [keys.chain], features, accounts: [] };
    registerWallet(wallet);

    document.body.append(
        h(
            'aside',
            { className: 'dev-wallet-banner', role: 'note' },
            h('strong', {}, 'DEV WALLET'),
            ` holds the local cluster's ${accounts.length} fixture keys (public test keys: never send real funds to them). `,
            h('label', {}, askBeforeSigning, ' ask before signing'),
        ),
    );
}
