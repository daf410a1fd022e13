/**
 * The app: loads the endpoints, registers the dev wallet in development, shows the wallet bar
 * and the page of the current route (`#/organizer` or `#/buyer`). Changing the account or
 * the route unmounts the page (its subscriptions end) and mounts it again.
 */
import './style.css';

import type { WalletAccount } from '@wallet-standard/core';

import { mountBuyer } from './buyer';
import { createChain } from './chain';
import { loadConfig } from './config';
import { h, short, show } from './dom';
import { explain } from './errors';
import { mountOrganizer } from './organizer';
import type { PageContext } from './page';
import { type ConnectedAccount, connectWallet, disconnectWallet, onAccountsChanged, onWalletsChanged, toConnectedAccount, usableWallets } from './wallet';

const PAGES: Record<string, (context: PageContext) => void> = { '#/organizer': mountOrganizer, '#/buyer': mountBuyer };

async function main(): Promise<void> {
    const config = await loadConfig();
    // Development only: Vite drops this branch (and the dev wallet module) from production builds.
    if (import.meta.env.DEV) await (await import('./dev-wallet')).registerDevWallet();
    const chain = createChain(config);
    const walletBar = document.getElementById('wallet')!;
    const root = document.getElementById('page')!;
    let account: ConnectedAccount | null = null;
    let stopWatchingAccounts = () => {};
    let page: AbortController | undefined;

    const mount = () => {
        page?.abort();
        page = new AbortController();
        const route = PAGES[location.hash] ? location.hash : '#/buyer';
        document.querySelectorAll('nav a').forEach(a => a.classList.toggle('current', a.getAttribute('href') === route));
        PAGES[route]!({ chain, account, root, signal: page.signal });
    };

    const renderWallets = () => {
        if (account) {
            const disconnect = h('button', { type: 'button', onclick: () => void disconnectAccount() }, 'Disconnect');
            show(walletBar, `${account.account.label ?? 'Account'} `, short(account.address), ` in ${account.wallet.name} `, disconnect);
            return;
        }
        const wallets = usableWallets();
        if (wallets.length === 0) return show(walletBar, 'No Solana wallet found: install a Wallet Standard wallet extension.');
        show(
            walletBar,
            ...wallets.map(wallet =>
                h('button', { type: 'button', className: 'connect', onclick: () => void connect(wallet) }, h('img', { src: wallet.icon, alt: '', width: 16, height: 16 }), ` Connect ${wallet.name}`),
            ),
        );
    };

    const disconnectAccount = async () => {
        const wallet = account?.wallet;
        stopWatchingAccounts();
        account = null;
        renderWallets();
        mount();
        if (wallet) await disconnectWallet(wallet).catch(() => {});
    };

    const connect = async (wallet: ReturnType<typeof usableWallets>[number]) => {
        try {
            const accounts = await connectWallet(wallet);
            const choose = (chosen: WalletAccount) => {
                account = toConnectedAccount(wallet, chosen, config.chain);
                // The user may switch or remove the account in the wallet itself.
                stopWatchingAccounts = onAccountsChanged(wallet, accounts => {
                    if (!accounts.some(a => a.address === chosen.address)) void disconnectAccount();
                });
                renderWallets();
                mount();
            };
            if (accounts.length === 1) return choose(accounts[0]!);
            // A wallet with several accounts (the dev wallet has one per fixture key): let the user pick.
            const picker = h('select', { id: 'account' }, h('option', { value: '' }, 'Choose an account…'), ...accounts.map(a => h('option', { value: a.address }, `${a.label ?? ''} ${a.address}`)));
            picker.onchange = () => {
                const chosen = accounts.find(a => a.address === picker.value);
                if (chosen) choose(chosen);
            };
            show(walletBar, `${wallet.name}: `, picker);
        } catch (e) {
            const { title, detail } = explain(e);
            show(walletBar, h('strong', {}, title), `: ${detail} `, h('button', { type: 'button', onclick: renderWallets }, 'Back'));
        }
    };

    onWalletsChanged(() => account === null && renderWallets());
    window.addEventListener('hashchange', mount);
    renderWallets();
    mount();
}

main().catch((e: unknown) => {
    const { title, detail } = explain(e);
    show(document.getElementById('page')!, h('p', { className: 'status', role: 'status', dataset: { kind: 'error' } }, h('strong', {}, title), `: ${detail}`));
});
