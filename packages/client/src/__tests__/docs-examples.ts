/**
 * The code samples of docs/client.md. Each `#region` below appears verbatim in the guide
 * (checked by docs-examples.test.ts), is type-checked by `tsc`, and is executed by that test
 * against the committed program on LiteSVM.
 */
// #region imports
import {
    claimPrizeTx,
    createRaffleWithPermitTx,
    fetchRaffleView,
    findRaffleAddresses,
    isRaffleProgramError,
    joinWithTokenTx,
    parseRaffleEventsFromTransaction,
    type PermitApiClient,
    type PermitApiRequest,
    type PermitApiWallet,
    RWA_RAFFLE_ERROR__SOLD_OUT,
    sendAndConfirmRaffleTransactionFactory,
    type SendAndConfirmRaffleTransactionFunction,
} from '@raffle/client';
import { isRaffleError, RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR } from '@raffle/errors';
import type { Permit } from '@raffle/permit';
import {
    type Address,
    createSolanaRpc,
    createSolanaRpcSubscriptions,
    type Rpc,
    type Signature,
    type SolanaRpcApi,
    type TransactionSigner,
} from '@solana/kit';
// #endregion imports

// #region client
/** What the app keeps: an RPC for reads and a sender for transactions. */
export interface RaffleApp {
    rpc: Rpc<SolanaRpcApi>;
    sendAndConfirm: SendAndConfirmRaffleTransactionFunction;
}

export function createRaffleApp(httpUrl: string, websocketUrl: string): RaffleApp {
    const rpc = createSolanaRpc(httpUrl) as Rpc<SolanaRpcApi>;
    const rpcSubscriptions = createSolanaRpcSubscriptions(websocketUrl);
    const sendAndConfirm = sendAndConfirmRaffleTransactionFactory({ rpc, rpcSubscriptions });
    return { rpc, sendAndConfirm };
}
// #endregion client

// #region permit
/** The organizer signs in to the permit server with its wallet (once per session), then asks for a permit. */
export async function requestPermit(permits: PermitApiClient, wallet: PermitApiWallet, raffle: PermitApiRequest, orderId: string): Promise<Permit> {
    const session = permits.session;
    if (session?.organizer !== wallet.address || session.expiresAt.getTime() < Date.now() + 60_000) await permits.signIn(wallet);
    try {
        // A retry with the same key gets the same permit back, never a second raffle id.
        const { permit } = await permits.requestPermit(raffle, { idempotencyKey: `order-${orderId}` });
        return permit;
    } catch (e) {
        if (isRaffleError(e, RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR) && e.context.serverCode === 'TICKETS_ABOVE_TIER_LIMIT') {
            const { limits } = await permits.me();
            throw new Error(`your plan allows at most ${limits.maxTickets} tickets per raffle`);
        }
        throw e;
    }
}
// #endregion permit

// #region create
/** The organizer creates the raffle: Ed25519 check of the permit + initialize_raffle_with_permit. */
export async function createRaffle(
    app: RaffleApp,
    organizer: TransactionSigner,
    permit: Permit,
    remember: (signature: Signature) => void,
): Promise<Address> {
    const message = await createRaffleWithPermitTx({ organizer, permit, computeUnitPrice: 10_000n });
    await app.sendAndConfirm(message, {
        feePayer: organizer,
        // Called before sending: keep the signature so a reload can look the transaction up.
        onSigned: ({ signature }) => remember(signature),
    });
    const { raffle } = await findRaffleAddresses({ organizer: organizer.address, raffleId: BigInt(permit.fields.raffleId) });
    return raffle;
}
// #endregion create

// #region join
/** A buyer joins. The builder function lets the sender rebuild if another buyer took the entry index. */
export async function buyTickets(app: RaffleApp, buyer: TransactionSigner, raffle: Address, ticketCount: number): Promise<Signature | 'sold out'> {
    const view = await fetchRaffleView(app.rpc, raffle);
    if (!view.canJoin) throw new Error(`cannot join: the raffle is ${view.statusName}`);
    if (ticketCount > view.ticketsLeft) return 'sold out';
    try {
        const { signature } = await app.sendAndConfirm(() => joinWithTokenTx({ rpc: app.rpc, buyer, raffle, ticketCount }), { feePayer: buyer });
        return signature;
    } catch (e) {
        if (isRaffleProgramError(e, RWA_RAFFLE_ERROR__SOLD_OUT)) return 'sold out';
        throw e;
    }
}
// #endregion join

// #region events
/** What a transaction did, from its events. */
export async function ticketsBought(app: RaffleApp, signature: Signature): Promise<{ entryIndex: number; firstTicket: number; ticketCount: number }[]> {
    const transaction = await app.rpc
        .getTransaction(signature, { commitment: 'confirmed', encoding: 'json', maxSupportedTransactionVersion: 0 })
        .send();
    return parseRaffleEventsFromTransaction(transaction).flatMap(event =>
        event.name === 'TicketsPurchased'
            ? [{ entryIndex: event.data.entryIndex, firstTicket: event.data.firstTicket, ticketCount: event.data.ticketCount }]
            : [],
    );
}
// #endregion events

// #region claim
/** After the draw, the winner (or anyone for them) claims the prize. */
export async function claimIfWinner(app: RaffleApp, wallet: TransactionSigner, raffle: Address): Promise<Signature | undefined> {
    const view = await fetchRaffleView(app.rpc, raffle);
    if (view.winner?.buyer !== wallet.address || !view.canClaimPrize) return undefined;
    // Finds the winning entry and creates the wallet's prize token account if needed.
    const message = await claimPrizeTx({ rpc: app.rpc, cranker: wallet, raffle });
    const { signature } = await app.sendAndConfirm(message, { feePayer: wallet });
    return signature;
}
// #endregion claim
