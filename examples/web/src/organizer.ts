/**
 * The organizer page: sign in to the permit server with the wallet, request a permit for a
 * prize, create the raffle with `createRaffleWithPermitTx`, and watch it live.
 */
import { createPermitApiClient, createRaffleWithPermitTx, findRaffleAddresses, type RaffleView } from '@raffle/client';
import type { Permit } from '@raffle/permit';
import type { Address } from '@solana/kit';

import { fetchClock, listNfts, listRaffles, mintDecimals, watch } from './chain';
import { formatAmount, h, parseAmount, relativeTime, short, show } from './dom';
import { createRefresher, createStatus, type PageContext } from './page';

export function mountOrganizer({ chain, account, root, signal }: PageContext): void {
    if (!account) {
        show(root, h('h2', {}, 'Organizer'), h('p', {}, 'Connect a wallet to sign in to the permit server and create raffles.'));
        return;
    }
    const permits = createPermitApiClient({ baseUrl: chain.config.permitApiUrl });
    const status = createStatus(chain.config);
    const dataStatus = createStatus(chain.config);
    let permit: Permit | undefined;

    // 1. Sign in: the wallet signs a Sign-In With Solana message (not a transaction).
    const signInButton = h('button', { id: 'sign-in', type: 'button' }, 'Sign in with wallet');
    const profileView = h('p', { id: 'profile' }, 'Not signed in.');
    // 2. The permit: the backend decides what may be raffled and signs it.
    const prize = h('select', { id: 'prize', required: true });
    const paymentMint = h('select', { id: 'payment-mint', required: true });
    const maxTickets = h('input', { id: 'max-tickets', type: 'number', min: '1', value: '3', required: true });
    const ticketPrice = h('input', { id: 'ticket-price', inputMode: 'decimal', value: '5', required: true });
    const deadlineMinutes = h('input', { id: 'deadline-minutes', type: 'number', min: '1', value: '90', required: true });
    const refundMode = h('select', { id: 'refund-mode' }, h('option', { value: 'tokens' }, 'tokens'), h('option', { value: 'vouchers' }, 'refund tickets (MRFT)'));
    const requestButton = h('button', { id: 'request-permit', type: 'submit', disabled: true }, 'Request permit');
    const permitView = h('p', { id: 'permit' }, 'No permit yet.');
    // 3. Create: one transaction with the permit's Ed25519 check and the program's instruction.
    const createButton = h('button', { id: 'create-raffle', type: 'button', disabled: true }, 'Create raffle');
    const raffles = h('ul', { id: 'organizer-raffles', className: 'raffles' });

    const permitForm = h(
        'form',
        { className: 'grid' },
        h('label', {}, 'Prize (an NFT in your wallet) ', prize),
        h('label', {}, 'Paid in ', paymentMint),
        h('label', {}, 'Tickets ', maxTickets),
        h('label', {}, 'Ticket price ', ticketPrice),
        h('label', {}, 'Deadline, minutes from now (chain time) ', deadlineMinutes),
        h('label', {}, 'Refunds in ', refundMode),
        requestButton,
    );
    show(
        root,
        h('h2', {}, 'Organizer'),
        status.element,
        h('section', {}, h('h3', {}, '1. Sign in to the permit server'), signInButton, profileView),
        h('section', {}, h('h3', {}, '2. Request a permit'), permitForm, permitView),
        h('section', {}, h('h3', {}, '3. Create the raffle'), createButton),
        h('section', {}, h('h3', {}, 'Your raffles (live)'), dataStatus.element, raffles),
    );

    const loadPrizes = async () => show(prize, ...(await listNfts(chain, account.address)).map(m => h('option', { value: m }, m)));

    signInButton.onclick = async () => {
        status.busy('Waiting for the wallet to sign the sign-in message…');
        try {
            await permits.signIn(account.permitWallet);
            const { organizer, limits } = await permits.me();
            show(
                profileView,
                `Signed in as `,
                short(organizer.address),
                ` (tier ${organizer.tier}${organizer.active ? '' : ', INACTIVE'}). Prizes from collection(s) `,
                ...organizer.allowedCollections.flatMap(c => [short(c), ' ']),
                `· up to ${limits.maxTickets} tickets · deadline ${limits.minDeadlineSeconds / 60} min to ${limits.maxDeadlineSeconds / 86_400} days ahead.`,
            );
            // The payment mints the backend allows this organizer (a server allowing 'any' would need a mint picker here).
            const mints = limits.allowedPaymentMints === 'any' ? [] : limits.allowedPaymentMints;
            show(paymentMint, ...mints.map(m => h('option', { value: m }, m)));
            await loadPrizes();
            deadlineMinutes.value = String(Math.max(90, Math.ceil(limits.minDeadlineSeconds / 60) + 10));
            requestButton.disabled = false;
            status.done('Signed in. The session lives in memory only; the token is never shown.');
        } catch (e) {
            status.fail(e);
        }
    };

    permitForm.onsubmit = async event => {
        event.preventDefault();
        permit = undefined;
        createButton.disabled = true;
        delete permitView.dataset.raffleId;
        show(permitView, 'No permit yet.');
        status.busy('Requesting a permit…');
        try {
            const mint = paymentMint.value as Address;
            const clock = await fetchClock(chain);
            const result = await permits.requestPermit(
                {
                    prizeMint: prize.value as Address,
                    prizeAmount: 1n,
                    paymentMint: mint,
                    ticketPrice: parseAmount(ticketPrice.value, await mintDecimals(chain, mint)),
                    maxTickets: Number(maxTickets.value),
                    deadline: clock.unixTimestamp + BigInt(Number(deadlineMinutes.value) * 60),
                    refundMode: refundMode.value as 'tokens' | 'vouchers',
                },
                // Same key, same answer: a retry after a lost response never allocates a second raffle id.
                { idempotencyKey: `web-${crypto.randomUUID()}` },
            );
            permit = result.permit;
            show(permitView, `Permit for raffle #${result.raffleId}, signed by `, short(permit.signer), `; create the raffle before it expires ${relativeTime(BigInt(permit.expiresAt) - clock.unixTimestamp)}.`);
            permitView.dataset.raffleId = String(result.raffleId);
            createButton.disabled = false;
            status.done(`Permit received for raffle #${result.raffleId}.`);
        } catch (e) {
            status.fail(e);
        }
    };

    createButton.onclick = async () => {
        if (!permit) return;
        const used = permit;
        status.busy('Waiting for the wallet to sign the transaction…');
        try {
            const { signature } = await chain.sendAndConfirm(() => createRaffleWithPermitTx({ organizer: account.signer, permit: used }), {
                feePayer: account.signer,
                // Before sending: a real app persists it, to look the transaction up after a reload instead of sending twice.
                onSigned: ({ signature }) => sessionStorage.setItem('raffle:pending-create', signature),
            });
            const { raffle } = await findRaffleAddresses({ organizer: account.address, raffleId: BigInt(used.fields.raffleId) });
            permit = undefined;
            createButton.disabled = true;
            await loadPrizes(); // the prize is in the raffle's vault now
            status.done(`Created raffle #${used.fields.raffleId} at `, short(raffle), ' · tx ', short(signature));
            await refresher.now();
        } catch (e) {
            status.fail(e);
        }
    };

    // Live: one account subscription per raffle of this organizer; each notification reloads the list.
    const watched = new Set<Address>();
    const refresher = createRefresher(
        async () => {
            const views = await listRaffles(chain, account.address);
            show(raffles, ...(await Promise.all(views.map(v => raffleItem(chain, v)))));
            const added = views.map(v => v.address).filter(a => !watched.has(a));
            added.forEach(a => watched.add(a));
            if (added.length > 0) watch(chain, added.map(a => ({ account: a })), () => refresher.trigger(), e => dataStatus.fail(e), signal);
        },
        dataStatus,
        signal,
    );
    void refresher.now();
}

async function raffleItem(chain: PageContext['chain'], view: RaffleView): Promise<HTMLElement> {
    const r = view.raffle;
    const decimals = await mintDecimals(chain, r.paymentMint);
    const outcome =
        view.statusName === 'Completed'
            ? `winning ticket #${r.winnerTicket}${r.prizeClaimed ? ', prize delivered to the winner' : ''}${r.proceedsClaimed ? ', proceeds paid' : ''}`
            : view.statusName === 'Refunding' || view.statusName === 'Refunded'
              ? `${r.entriesRefunded}/${r.entriesCount} entries refunded${r.prizeClaimed ? ', prize returned to you' : ''}`
              : `deadline ${relativeTime(r.deadline - view.clock.unixTimestamp)}`;
    return h(
        'li',
        { dataset: { raffleId: String(r.raffleId), status: view.statusName } },
        h('strong', {}, `Raffle #${r.raffleId}`),
        ' ',
        short(view.address),
        ' · ',
        h('span', { className: 'raffle-status' }, view.statusName),
        ` · ${r.ticketsSold}/${r.maxTickets} sold at ${formatAmount(r.ticketPrice, decimals)} each · ${outcome}`,
    );
}
