/**
 * `getRaffleView` / `fetchRaffleView`: a raffle with the derived facts a UI needs.
 *
 * @packageDocumentation
 */
import {
    type Account,
    type Address,
    address,
    type Commitment,
    fetchEncodedAccounts,
    getI64Decoder,
    getStructDecoder,
    getU64Decoder,
    type GetAccountInfoApi,
    type GetMultipleAccountsApi,
    type Rpc,
} from '@solana/kit';

import { accountNotFound, inputInvalid } from '../errors/client-errors';
import { hasDiscriminator, programOf, statusName } from '../actions/shared';
import { decodeRaffle, type Entry, getRaffleSize, RAFFLE_DISCRIMINATOR, type Raffle } from '../generated/accounts';
import { RaffleStatus, RefundMode } from '../generated/types';
import { assertAddress } from '../internal/validate';
import type { RaffleProgramConfig } from '../pdas';
import { findWinningEntry } from './findWinningEntry';

/**
 * Slots after a draw request before anyone may request again (`DRAW_TIMEOUT_SLOTS`).
 *
 * @example
 * ```ts
 * const retryAt = raffle.data.drawRequestedSlot + DRAW_TIMEOUT_SLOTS;
 * ```
 */
export const DRAW_TIMEOUT_SLOTS = 150n;

/**
 * The Clock sysvar's address.
 *
 * @example
 * ```ts
 * const clock = await fetchEncodedAccount(rpc, SYSVAR_CLOCK_ADDRESS);
 * ```
 */
export const SYSVAR_CLOCK_ADDRESS = /* @__PURE__ */ address('SysvarC1ock11111111111111111111111111111111');

/**
 * The cluster time the program sees: slot and unix timestamp (Clock sysvar).
 *
 * @example
 * ```ts
 * const clock: RaffleClock = { slot: 1_000n, unixTimestamp: BigInt(Math.floor(Date.now() / 1000)) };
 * ```
 */
export interface RaffleClock {
    /** The current slot. */
    readonly slot: bigint;
    /** The cluster's unix time in seconds. */
    readonly unixTimestamp: bigint;
}

/**
 * The winner of a Completed raffle.
 *
 * @example
 * ```ts
 * const winner: RaffleWinner | null = view.winner;
 * if (winner?.buyer === wallet.address) showConfetti();
 * ```
 */
export interface RaffleWinner {
    /** The winning ticket number. */
    readonly ticket: number;
    /** The entry holding it, when known. */
    readonly entry?: Address;
    /** The winning buyer, when the entry is known. */
    readonly buyer?: Address;
}

/**
 * A raffle with the facts a UI derives from it. Every `can*` flag mirrors the program's own
 * check for that instruction given `clock` (except `paused`, which lives in the config).
 *
 * @example
 * ```ts
 * const view: RaffleView = await fetchRaffleView(rpc, raffleAddress);
 * button.disabled = !view.canJoin;
 * label.textContent = `${view.ticketsLeft} tickets left (${view.statusName})`;
 * ```
 */
export interface RaffleView {
    /** The raffle address. */
    readonly address: Address;
    /** The decoded account. */
    readonly raffle: Raffle;
    /** `Open`, `Drawing`, `DrawRequested`, `Completed`, `Refunding`, `Refunded` or `Cancelled`. */
    readonly statusName: string;
    /** The clock the facts were derived with. */
    readonly clock: RaffleClock;
    /** `maxTickets - ticketsSold`. */
    readonly ticketsLeft: number;
    /** Every ticket is sold. */
    readonly isSoldOut: boolean;
    /** `clock.unixTimestamp >= deadline`: joins are closed, an unsold raffle can be refunded. */
    readonly isPastDeadline: boolean;
    /** Seconds until the deadline (0 once past). */
    readonly secondsUntilDeadline: bigint;
    /** Open, before the deadline, with tickets left. */
    readonly canJoin: boolean;
    /** Anyone may send `request_draw_arcium` (sold out, or the last request timed out). */
    readonly canRequestDraw: boolean;
    /** A draw is pending: the draw authority may answer with `draw_callback`. */
    readonly canDraw: boolean;
    /** Anyone may send `refund_batch` (past the deadline unsold, or refunding). */
    readonly canRefund: boolean;
    /** The organizer or admin may cancel (Open, no ticket sold). */
    readonly canCancel: boolean;
    /** `claim_prize` would succeed (winner, or back to the organizer). */
    readonly canClaimPrize: boolean;
    /** `claim_proceeds` would succeed. */
    readonly canClaimProceeds: boolean;
    /** The winner once Completed, else null. */
    readonly winner: RaffleWinner | null;
}

/**
 * Options of {@link getRaffleView}.
 *
 * @example
 * ```ts
 * const options: GetRaffleViewConfig = { clock: { slot, unixTimestamp } };
 * ```
 */
export interface GetRaffleViewConfig {
    /** The cluster time to judge deadlines and timeouts by. */
    readonly clock: RaffleClock;
    /** The winning entry, when you have it (`findWinningEntry`), to fill `winner.buyer`. */
    readonly winningEntry?: Account<Entry>;
}

/**
 * Derives a {@link RaffleView} from a fetched raffle and a clock, without any RPC call.
 *
 * @param raffle - the fetched raffle account
 * @param config - the clock, and the winning entry if known
 * @returns the view
 * @example
 * ```ts
 * const view = getRaffleView(raffle, { clock: { slot: 0n, unixTimestamp: BigInt(Math.floor(Date.now() / 1000)) } });
 * ```
 */
export function getRaffleView(raffle: Account<Raffle>, config: GetRaffleViewConfig): RaffleView {
    const r = raffle.data;
    const { clock } = config;
    if (typeof clock?.unixTimestamp !== 'bigint' || typeof clock.slot !== 'bigint') {
        throw inputInvalid('clock', 'must be { slot: bigint, unixTimestamp: bigint }');
    }
    const ticketsLeft = r.maxTickets - r.ticketsSold;
    const isSoldOut = ticketsLeft === 0;
    const isPastDeadline = clock.unixTimestamp >= r.deadline;
    const open = r.status === RaffleStatus.Open;
    const drawTimedOut = r.status === RaffleStatus.DrawRequested && clock.slot >= r.drawRequestedSlot + DRAW_TIMEOUT_SLOTS;
    const entry = config.winningEntry;
    let winner: RaffleWinner | null = null;
    if (r.status === RaffleStatus.Completed) {
        winner =
            entry !== undefined && entry.data.firstTicket <= r.winnerTicket && r.winnerTicket < entry.data.firstTicket + entry.data.ticketCount
                ? { ticket: r.winnerTicket, entry: entry.address, buyer: entry.data.buyer }
                : { ticket: r.winnerTicket };
    }
    return {
        address: raffle.address,
        raffle: r,
        statusName: statusName(r.status),
        clock,
        ticketsLeft,
        isSoldOut,
        isPastDeadline,
        secondsUntilDeadline: isPastDeadline ? 0n : r.deadline - clock.unixTimestamp,
        canJoin: open && !isPastDeadline && ticketsLeft > 0,
        canRequestDraw: r.status === RaffleStatus.Drawing || drawTimedOut,
        canDraw: r.status === RaffleStatus.DrawRequested,
        canRefund: (open && isPastDeadline && !isSoldOut) || r.status === RaffleStatus.Refunding,
        canCancel: open && r.ticketsSold === 0,
        canClaimPrize:
            !r.prizeClaimed &&
            (r.status === RaffleStatus.Completed || r.status === RaffleStatus.Refunded || r.status === RaffleStatus.Cancelled),
        canClaimProceeds:
            !r.proceedsClaimed &&
            (r.status === RaffleStatus.Completed || (r.status === RaffleStatus.Refunded && r.refundMode === RefundMode.Vouchers)),
        winner,
    };
}

const clockDecoder = /* @__PURE__ */ getStructDecoder([
    ['slot', getU64Decoder()],
    ['epochStartTimestamp', getI64Decoder()],
    ['epoch', getU64Decoder()],
    ['leaderScheduleEpoch', getU64Decoder()],
    ['unixTimestamp', getI64Decoder()],
]);

/**
 * Options of {@link fetchRaffleView}.
 *
 * @example
 * ```ts
 * const options: FetchRaffleViewConfig = { commitment: 'confirmed' };
 * ```
 */
export interface FetchRaffleViewConfig extends RaffleProgramConfig {
    /** Commitment of the reads; default `confirmed`. */
    readonly commitment?: Commitment;
    /** Skip the winner lookup (one or more extra calls for Completed raffles). */
    readonly skipWinner?: boolean;
}

/**
 * Fetches a raffle together with the cluster's Clock sysvar (one `getMultipleAccounts`
 * call), finds the winner of a Completed raffle, and derives the {@link RaffleView}.
 *
 * @param rpc - an RPC with `getAccountInfo` and `getMultipleAccounts`
 * @param raffle - the raffle address
 * @param config - program address, commitment
 * @returns the view, judged by the cluster's own clock
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` when no raffle exists at the address
 * @example
 * ```ts
 * const view = await fetchRaffleView(rpc, raffleAddress);
 * if (view.canJoin) await buy();
 * if (view.winner?.buyer === wallet.address) await claim();
 * ```
 */
export async function fetchRaffleView(
    rpc: Rpc<GetAccountInfoApi & GetMultipleAccountsApi>,
    raffle: Address,
    config: FetchRaffleViewConfig = {},
): Promise<RaffleView> {
    assertAddress('raffle', raffle);
    const programAddress = programOf(config);
    const fetchOptions = { commitment: config.commitment ?? 'confirmed' };
    const [maybeRaffle, maybeClock] = await fetchEncodedAccounts(rpc, [raffle, SYSVAR_CLOCK_ADDRESS], fetchOptions);
    if (!maybeRaffle?.exists) throw accountNotFound('raffle', raffle);
    if (
        maybeRaffle.programAddress !== programAddress ||
        maybeRaffle.data.length !== getRaffleSize() ||
        !hasDiscriminator(maybeRaffle.data, RAFFLE_DISCRIMINATOR)
    ) {
        throw inputInvalid('raffle', `${raffle} is not a raffle of program ${programAddress}`);
    }
    if (!maybeClock?.exists) throw accountNotFound('clock sysvar', SYSVAR_CLOCK_ADDRESS);
    const { slot, unixTimestamp } = clockDecoder.decode(maybeClock.data);
    const account = decodeRaffle(maybeRaffle);
    const winningEntry =
        account.data.status === RaffleStatus.Completed && config.skipWinner !== true
            ? await findWinningEntry(rpc, account, { programAddress, ...fetchOptions })
            : undefined;
    return getRaffleView(account, { clock: { slot, unixTimestamp }, ...(winningEntry === undefined ? {} : { winningEntry }) });
}
