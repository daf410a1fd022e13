/**
 * The buyer page: open raffles read from the chain, joining with the payment token or with
 * refund tickets (MRFT vouchers), and the raffles joined: entries, the draw, refunds.
 * Everything updates live from account subscriptions; the worker's own actions show below.
 */
import { type Entry, findAssociatedTokenAddress, joinWithTicketTx, joinWithTokenTx, PaymentKind, type RaffleView, RefundMode } from '@raffle/client';
import type { Account, Address } from '@solana/kit';

import { showWorkerActivity } from './activity';
import { type Chain, fetchRaffle, fetchVoucherMint, listEntries, listRaffles, mintDecimals, tokenBalance, watch, type Watched } from './chain';
import { formatAmount, h, relativeTime, short, show } from './dom';
import { createRefresher, createStatus, type PageContext } from './page';
import type { ConnectedAccount } from './wallet';

export function mountBuyer({ chain, account, root, signal }: PageContext): void {
    const status = createStatus(chain.config);
    const dataStatus = createStatus(chain.config);
    const balances = h('p', { id: 'balances' });
    const openList = h('ul', { id: 'open-raffles', className: 'raffles' });
    const mine = h('ul', { id: 'my-raffles', className: 'raffles' });
    const activity = h('ul', { id: 'worker-activity', className: 'activity' });
    const refreshButton = h('button', { id: 'refresh', type: 'button' }, 'Refresh');

    // The join form stays put while the lists above it re-render.
    let selected: RaffleView | undefined;
    const selectedLabel = h('span', { id: 'selected-raffle' }, 'none: choose an open raffle above');
    const ticketCount = h('input', { id: 'ticket-count', type: 'number', min: '1', value: '1' });
    const payWith = h('select', { id: 'pay-with' }, h('option', { value: 'token' }, 'the payment token'), h('option', { value: 'tickets' }, 'refund tickets (MRFT)'));
    const joinButton = h('button', { id: 'join', type: 'submit', disabled: true }, 'Join');
    const joinForm = h('form', { className: 'grid' }, h('span', {}, 'Raffle: ', selectedLabel), h('label', {}, 'Tickets ', ticketCount), h('label', {}, 'Pay with ', payWith), joinButton);

    show(
        root,
        h('h2', {}, 'Buyer'),
        dataStatus.element,
        balances,
        refreshButton,
        h('section', {}, h('h3', {}, 'Open raffles'), openList),
        h('section', {}, h('h3', {}, 'Join'), account ? joinForm : h('p', {}, 'Connect a wallet to join.'), status.element),
        h('section', {}, h('h3', {}, 'Your raffles'), mine),
        h('section', {}, h('h3', {}, 'Worker activity'), activity),
    );
    showWorkerActivity(chain.config.workerUrl, activity, signal);

    const choose = (view: RaffleView) => {
        selected = view;
        show(selectedLabel, `#${view.raffle.raffleId} `, short(view.address));
        joinButton.disabled = !account;
    };

    joinForm.onsubmit = async event => {
        event.preventDefault();
        const chosen = selected;
        if (!account || !chosen) return;
        const raffle = chosen.address;
        const count = Number(ticketCount.value);
        const buyer = account.signer;
        // A builder function: the sender refetches the raffle and rebuilds if another buyer took the entry index.
        const build = payWith.value === 'tickets' ? () => joinWithTicketTx({ rpc: chain.rpc, buyer, raffle, ticketCount: count }) : () => joinWithTokenTx({ rpc: chain.rpc, buyer, raffle, ticketCount: count });
        status.busy('Waiting for the wallet to sign the transaction…');
        try {
            const { signature } = await chain.sendAndConfirm(build, { feePayer: buyer });
            status.done(`Joined raffle #${chosen.raffle.raffleId} with ${count} ticket(s) · tx `, short(signature));
            await refresher.now();
        } catch (e) {
            status.fail(e);
        }
    };

    const refresher = createRefresher(
        async () => {
            const [raffles, entries, voucherMint] = await Promise.all([listRaffles(chain), account ? listEntries(chain, account.address) : [], fetchVoucherMint(chain)]);
            const open = raffles.filter(v => v.statusName === 'Open');
            show(openList, ...(open.length ? await Promise.all(open.map(v => openItem(chain, v, choose))) : ['No open raffle right now.']));
            if (!account) return;
            const joined = [...new Set(entries.map(e => e.data.raffle))];
            const views = await Promise.all(joined.map(r => fetchRaffle(chain, r)));
            show(mine, ...(await Promise.all(views.map(v => joinedItem(chain, account, v, entries.filter(e => e.data.raffle === v.address))))));
            const paymentMints = [...new Set(raffles.map(v => v.raffle.paymentMint))];
            const amounts = await Promise.all(paymentMints.map(async m => `${formatAmount(await tokenBalance(chain, account.address, m), await mintDecimals(chain, m))} of `));
            show(
                balances,
                'Your refund tickets (MRFT): ',
                h('strong', { id: 'voucher-balance' }, String(await tokenBalance(chain, account.address, voucherMint))),
                ...paymentMints.flatMap((m, i) => [' · ', amounts[i]!, short(m)]),
            );
        },
        dataStatus,
        signal,
    );
    refreshButton.onclick = () => void refresher.now();

    // Live: every raffle account of the program, this buyer's entries, and their voucher balance.
    void (async () => {
        const watched: Watched[] = [{ raffles: true }];
        if (account) watched.push({ entriesOf: account.address }, { account: await voucherAccount(chain, account.address) });
        watch(chain, watched, () => refresher.trigger(), e => dataStatus.fail(e), signal);
    })().catch(e => dataStatus.fail(e));
    void refresher.now();
}

async function voucherAccount(chain: Chain, owner: Address): Promise<Address> {
    return findAssociatedTokenAddress({ owner, mint: await fetchVoucherMint(chain) });
}

async function openItem(chain: Chain, view: RaffleView, choose: (view: RaffleView) => void): Promise<HTMLElement> {
    const r = view.raffle;
    const decimals = await mintDecimals(chain, r.paymentMint);
    const button = h('button', { type: 'button', onclick: () => choose(view) }, 'Choose');
    return h(
        'li',
        { dataset: { raffleId: String(r.raffleId), raffle: view.address } },
        h('strong', {}, `Raffle #${r.raffleId}`),
        ` by `,
        short(r.organizer),
        ` · ${formatAmount(r.ticketPrice, decimals)} of `,
        short(r.paymentMint),
        ` per ticket · ${r.ticketsSold}/${r.maxTickets} sold · closes ${relativeTime(r.deadline - view.clock.unixTimestamp)} · refunds in ${r.refundMode === RefundMode.Vouchers ? 'refund tickets' : 'tokens'} `,
        button,
    );
}

async function joinedItem(chain: Chain, account: ConnectedAccount, view: RaffleView, entries: Account<Entry>[]): Promise<HTMLElement> {
    const r = view.raffle;
    const decimals = await mintDecimals(chain, r.paymentMint);
    const entryLines = entries.map(({ data: e }) => {
        const paid = e.paidWith === PaymentKind.Voucher ? `${e.ticketCount} refund ticket(s)` : `${formatAmount(e.amountPaid, decimals)} tokens`;
        const refundedAs = r.refundMode === RefundMode.Vouchers || e.paidWith === PaymentKind.Voucher ? `${e.ticketCount} refund ticket(s) (MRFT)` : `${formatAmount(e.amountPaid, decimals)} tokens`;
        const last = e.firstTicket + e.ticketCount - 1;
        return h('li', { className: 'entry' }, `Tickets #${e.firstTicket}${last > e.firstTicket ? `–#${last}` : ''}, paid ${paid}`, e.refunded ? ` · refunded: ${refundedAs}` : '');
    });
    return h(
        'li',
        { dataset: { raffleId: String(r.raffleId), raffle: view.address, status: view.statusName } },
        h('strong', {}, `Raffle #${r.raffleId}`),
        ' · ',
        h('span', { className: 'raffle-status' }, view.statusName),
        ` · ${r.ticketsSold}/${r.maxTickets} sold`,
        h('ul', {}, ...entryLines),
        h('p', { className: 'result' }, await result(chain, account, view)),
    );
}

/** The line a buyer cares about: what happened to the raffle, for them. */
async function result(chain: Chain, account: ConnectedAccount, view: RaffleView): Promise<string> {
    const r = view.raffle;
    switch (view.statusName) {
        case 'Open':
            return view.isPastDeadline ? 'The deadline passed: the worker refunds every entry.' : `Open: closes ${relativeTime(r.deadline - view.clock.unixTimestamp)}.`;
        case 'Drawing':
        case 'DrawRequested':
            return 'Sold out: the worker is drawing the winner…';
        case 'Completed': {
            if (view.winner?.buyer !== account.address) return `Winning ticket #${r.winnerTicket}: not yours this time.`;
            const held = await tokenBalance(chain, account.address, r.prizeMint);
            return r.prizeClaimed && held >= r.prizeAmount ? `You won with ticket #${r.winnerTicket}! Prize delivered: it is in your wallet.` : `You won with ticket #${r.winnerTicket}! The worker is delivering the prize…`;
        }
        case 'Refunding':
            return `The raffle missed its deadline: the worker is refunding (${r.entriesRefunded}/${r.entriesCount} entries so far)…`;
        case 'Refunded':
            return 'The raffle missed its deadline: every entry was refunded.';
        default:
            return `The raffle is ${view.statusName}.`;
    }
}
