/**
 * `findWinningEntry`: the entry whose ticket range holds a completed raffle's winning ticket.
 *
 * @packageDocumentation
 */
import { type Account, type Address, type Commitment, fetchEncodedAccounts, type GetAccountInfoApi, type GetMultipleAccountsApi, type Rpc } from '@solana/kit';

import { raffleStateInvalid, winningEntryNotFound } from '../errors/client-errors';
import { resolveRaffle, programOf, type RaffleInput, statusName } from '../actions/shared';
import { decodeEntry, type Entry, type Raffle } from '../generated/accounts';
import { RaffleStatus } from '../generated/types';
import type { RaffleProgramConfig } from '../pdas';
import { findEntryAddresses } from '../pdas';

/** Accounts per `getMultipleAccounts` call. */
const BATCH = 100;

/**
 * Options of {@link findWinningEntry}.
 *
 * @example
 * ```ts
 * const options: FindWinningEntryConfig = { entries: await fetchEntries(rpc, raffle) };
 * ```
 */
export interface FindWinningEntryConfig extends RaffleProgramConfig {
    /** Entries you already fetched (e.g. with `fetchEntries`): searched locally, no RPC call. */
    readonly entries?: readonly Account<Entry>[];
    /** Commitment of the reads; default `confirmed`. */
    readonly commitment?: Commitment;
}

/**
 * @param entry - an entry
 * @param ticket - a ticket number
 * @returns whether the entry's range `firstTicket .. firstTicket + ticketCount - 1` holds it
 * @example
 * ```ts
 * const winner = entries.find(e => entryHoldsTicket(e.data, raffle.data.winnerTicket));
 * ```
 */
export function entryHoldsTicket(entry: Pick<Entry, 'firstTicket' | 'ticketCount'>, ticket: number): boolean {
    return ticket >= entry.firstTicket && ticket < entry.firstTicket + entry.ticketCount;
}

/**
 * Finds the entry holding the winning ticket of a Completed raffle. Without `entries`, it
 * searches by index with `getMultipleAccounts` (entries are created in ticket order, so
 * each call of up to 100 accounts narrows the range 100-fold): one call up to 100 entries,
 * three up to a million. No `getProgramAccounts` needed.
 *
 * @param rpc - an RPC with `getAccountInfo` and `getMultipleAccounts`
 * @param raffle - the raffle address or the fetched account
 * @param config - prefetched entries, program address, commitment
 * @returns the winning entry account (its `data.buyer` is the winner)
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` when the raffle is not Completed or no entry holds the ticket
 * @example
 * ```ts
 * const winning = await findWinningEntry(rpc, raffleAddress);
 * console.log(`ticket ${winning.data.firstTicket}.. of ${winning.data.buyer} won`);
 * ```
 */
export async function findWinningEntry(
    rpc: Rpc<GetAccountInfoApi & GetMultipleAccountsApi>,
    raffle: RaffleInput,
    config: FindWinningEntryConfig = {},
): Promise<Account<Entry>> {
    const programAddress = programOf(config);
    const commitment = config.commitment ?? 'confirmed';
    const account = await resolveRaffle(rpc, raffle, programAddress, commitment);
    const r: Raffle = account.data;
    if (r.status !== RaffleStatus.Completed) {
        throw raffleStateInvalid(account.address, `is ${statusName(r.status)}; it has a winner once Completed`);
    }
    const ticket = r.winnerTicket;
    if (config.entries !== undefined) {
        const found = config.entries.find(e => e.data.raffle === account.address && entryHoldsTicket(e.data, ticket));
        if (found === undefined) throw winningEntryNotFound(account.address, ticket);
        return found;
    }
    const fetchOptions = { commitment };
    const fetchAt = async (indexes: number[]): Promise<Map<number, Account<Entry>>> => {
        const addresses: Address[] = await findEntryAddresses(account.address, indexes, { programAddress });
        const fetched = await fetchEncodedAccounts(rpc, addresses, fetchOptions);
        const out = new Map<number, Account<Entry>>();
        fetched.forEach((maybe, i) => {
            if (maybe.exists && maybe.programAddress === programAddress) out.set(indexes[i]!, decodeEntry(maybe));
        });
        return out;
    };
    // Invariant: the winning entry's index is in [lo, hi).
    let lo = 0;
    let hi = r.entriesCount;
    while (hi > lo) {
        if (hi - lo <= BATCH) {
            const all = await fetchAt(Array.from({ length: hi - lo }, (_, i) => lo + i));
            for (const entry of all.values()) if (entryHoldsTicket(entry.data, ticket)) return entry;
            break;
        }
        const step = (hi - lo) / BATCH;
        const pivots = [...new Set(Array.from({ length: BATCH }, (_, i) => lo + Math.floor(i * step)))];
        const probed = await fetchAt(pivots);
        let nextLo = lo;
        let nextHi = hi;
        for (const index of pivots) {
            const entry = probed.get(index);
            if (entry === undefined) continue;
            if (entryHoldsTicket(entry.data, ticket)) return entry;
            if (entry.data.firstTicket <= ticket) nextLo = Math.max(nextLo, index + 1);
            else nextHi = Math.min(nextHi, index);
        }
        if (nextLo === lo && nextHi === hi) break; // no progress: missing accounts (node behind)
        lo = nextLo;
        hi = nextHi;
    }
    throw winningEntryNotFound(account.address, ticket);
}
