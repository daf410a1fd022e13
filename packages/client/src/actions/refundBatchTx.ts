/**
 * `refundBatchTx`: the permissionless refund crank of an unsold raffle, split into as many
 * transactions as its entries need.
 *
 * @packageDocumentation
 */
import type { RaffleError } from '@raffle/errors';
import { getCreateAssociatedTokenIdempotentInstruction } from '@solana-program/token';
import {
    type Account,
    AccountRole,
    type Address,
    fetchEncodedAccounts,
    type GetAccountInfoApi,
    type GetMultipleAccountsApi,
    type GetProgramAccountsApi,
    getTransactionMessageSize,
    getTransactionMessageSizeLimit,
    type Instruction,
    type Rpc,
    setTransactionMessageFeePayer,
    type TransactionSigner,
} from '@solana/kit';

import { inputInvalid, raffleStateInvalid, transactionTooLarge } from '../errors/client-errors';
import { type Entry, PaymentKind } from '../generated';
import { getRefundBatchInstruction } from '../generated/instructions';
import { findPaymentVaultPda } from '../generated/pdas';
import { RaffleStatus, RefundMode } from '../generated/types';
import { assertAddress, assertBoolean, assertInteger, assertObject, assertSigner } from '../internal/validate';
import { findAssociatedTokenAddress } from '../pdas';
import { fetchEntries } from '../reads/fetchEntries';
import {
    buildRaffleTransactionMessage,
    programOf,
    type RaffleInput,
    type RaffleTransactionConfig,
    type RaffleTransactionMessage,
    resolveRaffle,
    statusName,
} from './shared';

/**
 * Input of {@link refundBatchTx}.
 *
 * @example
 * ```ts
 * const input: RefundBatchTxParameters = { rpc, cranker: worker, raffle: raffleAddress, computeUnitLimit: 400_000 };
 * ```
 */
export interface RefundBatchTxParameters extends RaffleTransactionConfig {
    /** Anyone; signs (and pays for buyers' token accounts that must be recreated). */
    readonly cranker: TransactionSigner;
    /** The raffle address (fetched through `rpc`) or the fetched account. */
    readonly raffle: RaffleInput;
    /** The raffle's entries (e.g. from `fetchEntries`); fetched through `rpc` when omitted. Refunded ones are skipped. */
    readonly entries?: readonly Account<Entry>[];
    /** Needed when `raffle` is an address or `entries` is omitted; also used to find missing buyer token accounts. */
    readonly rpc?: Rpc<GetAccountInfoApi & GetMultipleAccountsApi & GetProgramAccountsApi>;
    /** The fee payer the transactions will have, when it is not `cranker` (it changes their size). */
    readonly feePayer?: Address;
    /** At most this many entries per transaction (also bounded by the size limit), e.g. to stay within a compute budget. */
    readonly maxEntriesPerTransaction?: number;
    /**
     * In tokens mode, create (idempotently, paid by `cranker`) the associated token accounts
     * of token-paying buyers that no longer exist, checked through `rpc`. Default true.
     */
    readonly createMissingBuyerAccounts?: boolean;
}

/**
 * What {@link refundBatchTx} returns: the transactions to send, each within the size limit,
 * together covering every entry not yet refunded. Empty when the raffle is already
 * Refunded; a single transaction without entries when none is left to refund (it still moves
 * an unsold raffle past its deadline to Refunding/Refunded).
 *
 * @example
 * ```ts
 * const messages: RefundBatchTxReturnType = await refundBatchTx(input);
 * for (const message of messages) await sendAndConfirm(message, { feePayer: worker });
 * ```
 */
export type RefundBatchTxReturnType = RaffleTransactionMessage[];

/**
 * Errors {@link refundBatchTx} throws: `RAFFLE_ERROR__INVALID_ARGUMENT` for a raffle that is
 * not refundable, an entry of another raffle, or a single entry that cannot fit a transaction.
 *
 * @example
 * ```ts
 * const onError = (e: RefundBatchTxErrorType) => console.error(e.message);
 * ```
 */
export type RefundBatchTxErrorType = RaffleError;

interface Slot {
    /** The remaining accounts of this entry. */
    readonly accounts: { address: Address; role: AccountRole }[];
    /** Instructions that must precede the refund (token account creation). */
    readonly prelude: Instruction[];
}

/**
 * Builds the `refund_batch` transactions that refund a raffle whose deadline passed unsold.
 * Entries already refunded are skipped; the rest are packed greedily, in index order, into
 * as many transactions as the transaction size limit (and `maxEntriesPerTransaction`)
 * requires. Remaining accounts per entry: `(entry, buyer's payment token account)` in tokens
 * mode, voucher-paid entries included (their slot is the buyer's associated token account),
 * and `(entry)` in vouchers mode.
 *
 * The batches are independent and idempotent: send them in any order, resend any of them
 * after a crash.
 *
 * @param input - cranker, raffle, entries (or `rpc` to fetch them)
 * @returns the transaction messages, ready for fee payer, blockhash and signing
 * @throws {@link RefundBatchTxErrorType}
 * @example
 * ```ts
 * const messages = await refundBatchTx({ rpc, cranker: worker, raffle: raffleAddress });
 * for (const message of messages) {
 *     await sendAndConfirm(message, { feePayer: worker });
 * }
 * ```
 */
export async function refundBatchTx(input: RefundBatchTxParameters): Promise<RefundBatchTxReturnType> {
    assertObject('input', input);
    assertSigner('cranker', input.cranker);
    if (input.feePayer !== undefined) assertAddress('feePayer', input.feePayer);
    if (input.maxEntriesPerTransaction !== undefined) assertInteger('maxEntriesPerTransaction', input.maxEntriesPerTransaction, 1, 64);
    if (input.createMissingBuyerAccounts !== undefined) assertBoolean('createMissingBuyerAccounts', input.createMissingBuyerAccounts);
    const programAddress = programOf(input);
    const raffle = await resolveRaffle(input.rpc, input.raffle, programAddress, input.commitment);
    const r = raffle.data;
    if (r.status === RaffleStatus.Refunded) return [];
    if (r.status !== RaffleStatus.Open && r.status !== RaffleStatus.Refunding) {
        throw raffleStateInvalid(raffle.address, `is ${statusName(r.status)}; only an unsold raffle past its deadline is refunded`);
    }

    let entries = input.entries;
    if (entries === undefined) {
        if (input.rpc === undefined) throw inputInvalid('rpc', 'is required to fetch the entries (or pass `entries`)');
        entries = await fetchEntries(input.rpc, raffle.address, { programAddress, commitment: input.commitment ?? 'confirmed' });
    } else if (!Array.isArray(entries)) {
        throw inputInvalid('entries', 'must be an array of entry accounts (from fetchEntries)');
    }
    const seen = new Set<Address>();
    const pending: Account<Entry>[] = [];
    entries.forEach((entry: Account<Entry>, i) => {
        assertObject(`entries[${i}]`, entry as unknown);
        assertAddress(`entries[${i}].address`, entry.address);
        assertObject(`entries[${i}].data`, entry.data);
        if (entry.data.raffle !== raffle.address) {
            throw inputInvalid(`entries[${i}]`, `${entry.address} belongs to raffle ${entry.data.raffle}, not ${raffle.address}`);
        }
        if (entry.data.refunded || seen.has(entry.address)) return;
        seen.add(entry.address);
        pending.push(entry);
    });
    pending.sort((a, b) => a.data.index - b.data.index);

    const tokensMode = r.refundMode === RefundMode.Tokens;
    const slots: Slot[] = [];
    if (tokensMode) {
        const atas = await Promise.all(pending.map(e => findAssociatedTokenAddress({ owner: e.data.buyer, mint: r.paymentMint })));
        const missing = new Set<Address>();
        if (input.createMissingBuyerAccounts !== false && input.rpc !== undefined) {
            const toCheck = [...new Set(atas.filter((_, i) => pending[i]!.data.paidWith === PaymentKind.Token))];
            for (let at = 0; at < toCheck.length; at += 100) {
                const chunk = toCheck.slice(at, at + 100);
                const accounts = await fetchEncodedAccounts(input.rpc, chunk, { commitment: input.commitment ?? 'confirmed' });
                accounts.forEach((account, i) => {
                    if (!account.exists) missing.add(chunk[i]!);
                });
            }
        }
        pending.forEach((entry, i) => {
            const ata = atas[i]!;
            const prelude: Instruction[] = [];
            if (missing.delete(ata)) {
                prelude.push(
                    getCreateAssociatedTokenIdempotentInstruction({ payer: input.cranker, ata, owner: entry.data.buyer, mint: r.paymentMint }),
                );
            }
            slots.push({
                accounts: [
                    { address: entry.address, role: AccountRole.WRITABLE },
                    { address: ata, role: AccountRole.WRITABLE },
                ],
                prelude,
            });
        });
    } else {
        for (const entry of pending) slots.push({ accounts: [{ address: entry.address, role: AccountRole.WRITABLE }], prelude: [] });
    }

    const [paymentVault] = await findPaymentVaultPda({ raffle: raffle.address }, { programAddress });
    const base = getRefundBatchInstruction({ cranker: input.cranker, raffle: raffle.address, paymentVault }, { programAddress });
    const build = (batch: readonly Slot[]): RaffleTransactionMessage => {
        const refund: Instruction = { ...base, accounts: [...base.accounts, ...batch.flatMap(s => s.accounts)] };
        return buildRaffleTransactionMessage([...batch.flatMap(s => s.prelude), refund], input);
    };
    const feePayer = input.feePayer ?? input.cranker.address;
    const sizeOf = (message: RaffleTransactionMessage): [number, number] => {
        const withPayer = setTransactionMessageFeePayer(feePayer, message);
        return [getTransactionMessageSize(withPayer), getTransactionMessageSizeLimit(withPayer)];
    };

    // Greedy packing (each transaction takes the longest run of slots that fits), found with few
    // builds: a transaction's size only grows with its slots, so the previous transaction's count
    // is tried first and the boundary found by binary search.
    const maxPerTransaction = input.maxEntriesPerTransaction ?? slots.length;
    const fits = (batch: readonly Slot[]): RaffleTransactionMessage | null => {
        const message = build(batch);
        try {
            const [size, limit] = sizeOf(message);
            return size <= limit ? message : null;
        } catch {
            return null; // more accounts than a transaction can hold
        }
    };
    const messages: RaffleTransactionMessage[] = [];
    let guess = 8;
    for (let at = 0; at < slots.length; ) {
        const room = Math.min(maxPerTransaction, slots.length - at);
        let count = Math.min(Math.max(guess, 1), room);
        let message: RaffleTransactionMessage | null = fits(slots.slice(at, at + count));
        if (message !== null) {
            // Grow while it still fits.
            while (count < room) {
                const bigger = fits(slots.slice(at, at + count + 1));
                if (bigger === null) break;
                count++;
                message = bigger;
            }
        } else {
            // Shrink: the largest count in [1, count) that fits.
            let low = 0;
            let high = count;
            while (high - low > 1) {
                const mid = (low + high) >> 1;
                const candidate = fits(slots.slice(at, at + mid));
                if (candidate !== null) {
                    low = mid;
                    message = candidate;
                } else high = mid;
            }
            if (low === 0 || message === null) {
                const [alone, aloneLimit] = sizeOf(build(slots.slice(at, at + 1)));
                throw transactionTooLarge(alone, aloneLimit);
            }
            count = low;
        }
        messages.push(message!);
        at += count;
        guess = count;
    }
    if (messages.length === 0) messages.push(build([]));
    return messages;
}
