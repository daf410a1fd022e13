/**
 * The issuance memo: every MRFT issuance transaction carries a Memo instruction naming the entry
 * and the ticket slots it issues (`mrft:v1:<entry>:<from>-<to>`). That makes each issuance
 * provable from the chain alone: `getSignaturesForAddress` lists a transaction's memo, and the
 * transaction itself shows who signed it. After the worker's store is lost, the automations ask
 * the chain before minting again.
 *
 * A memo is only believed when the transaction succeeded and was signed by the issuer's own
 * authority: anyone can put any account and any memo in a transaction of their own.
 *
 * @packageDocumentation
 */
import {
    type Address,
    address,
    getBase58Encoder,
    type GetSignaturesForAddressApi,
    type GetTransactionApi,
    type Instruction,
    type Rpc,
    type Signature,
} from '@solana/kit';

import { workerConfigInvalid } from '../../core/errors';
import type { RefundTicketClaim, TicketSlotRange } from './types';

/**
 * The SPL Memo program (v2), present on every cluster and in LiteSVM.
 *
 * @example
 * ```ts
 * const ix = { programAddress: MEMO_PROGRAM_ADDRESS, accounts: [], data: new TextEncoder().encode('hello') };
 * ```
 */
export const MEMO_PROGRAM_ADDRESS: Address = /* @__PURE__ */ address('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr');

const MEMO_PATTERN = /mrft:v1:([1-9A-HJ-NP-Za-km-z]{32,44}):(\d{1,7})-(\d{1,7})/g;

/**
 * The memo text of an issuance: `mrft:v1:<entry>:<from>-<to>`.
 *
 * @param claim - the claim (its entry)
 * @param range - the ticket slots issued
 * @returns the memo text
 * @example
 * ```ts
 * formatMrftMemo(claim, { from: 0, to: 2 }); // 'mrft:v1:9xQ…:0-2'
 * ```
 */
export function formatMrftMemo(claim: Pick<RefundTicketClaim, 'entry'>, range: TicketSlotRange): string {
    return `mrft:v1:${claim.entry}:${range.from}-${range.to}`;
}

/**
 * The Memo instruction of an issuance (no accounts: the Memo program requires every account it
 * is given to sign).
 *
 * @param claim - the claim (its entry)
 * @param range - the ticket slots issued
 * @returns the instruction
 * @example
 * ```ts
 * const instructions = [mintTo, getMrftMemoInstruction(claim, { from: 0, to: claim.tickets })];
 * ```
 */
export function getMrftMemoInstruction(claim: Pick<RefundTicketClaim, 'entry'>, range: TicketSlotRange): Instruction {
    return { programAddress: MEMO_PROGRAM_ADDRESS, accounts: [], data: new TextEncoder().encode(formatMrftMemo(claim, range)) };
}

/**
 * The issuance ranges named in a memo field as the RPC reports it (`[len] text; [len] text`).
 * Hostile input: anything that is not a well-formed issuance memo is ignored.
 *
 * @param memo - the `memo` of a `getSignaturesForAddress` item
 * @returns the entries and ranges it names
 * @example
 * ```ts
 * parseMrftMemos('[30] mrft:v1:9xQ…:0-2'); // [{ entry: '9xQ…', from: 0, to: 2 }]
 * ```
 */
export function parseMrftMemos(memo: string | null | undefined): { entry: string; from: number; to: number }[] {
    if (typeof memo !== 'string' || memo.length === 0 || memo.length > 10_000) return [];
    const found: { entry: string; from: number; to: number }[] = [];
    for (const match of memo.matchAll(MEMO_PATTERN)) {
        const from = Number(match[2]);
        const to = Number(match[3]);
        if (from < to) found.push({ entry: match[1]!, from, to });
    }
    return found;
}

/**
 * Input of {@link findMemoIssuances}.
 *
 * @example
 * ```ts
 * const input: FindMemoIssuancesInput = { rpc, historyAddress: ata, claim, trustedSigner: mintAuthority.address };
 * ```
 */
export interface FindMemoIssuancesInput {
    /** An RPC with `getSignaturesForAddress` and `getTransaction`. */
    readonly rpc: Rpc<GetSignaturesForAddressApi & GetTransactionApi>;
    /** The account whose history holds the issuances (e.g. the buyer's voucher account). */
    readonly historyAddress: Address;
    /** The claim (its entry, ticket count and raffle creation time). */
    readonly claim: Pick<RefundTicketClaim, 'entry' | 'tickets' | 'raffleCreatedAt'>;
    /** Only transactions this key signed count (the issuer's mint authority). */
    readonly trustedSigner: Address;
    /** Stops the scan. */
    readonly signal?: AbortSignal;
    /** At most this many signatures are scanned (default 100,000); beyond, the scan fails rather than guess. */
    readonly maxSignatures?: number;
}

/**
 * Scans an account's history, newest first, back to the raffle's creation, for successful
 * transactions signed by `trustedSigner` whose memo names the claim's entry, and returns the
 * ticket slot ranges they issued (merged, clamped to the claim's ticket count).
 *
 * @param input - rpc, history address, claim, trusted signer
 * @returns the issued ranges, sorted
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` when the history is longer than `maxSignatures`
 * @example
 * ```ts
 * const issued = await findMemoIssuances({ rpc, historyAddress: ata, claim, trustedSigner });
 * const done = issued.reduce((n, r) => n + r.to - r.from, 0) === claim.tickets;
 * ```
 */
export async function findMemoIssuances(input: FindMemoIssuancesInput): Promise<TicketSlotRange[]> {
    const { rpc, claim } = input;
    const max = input.maxSignatures ?? 100_000;
    const candidates: Signature[] = [];
    let before: Signature | undefined;
    let scanned = 0;
    for (;;) {
        if (input.signal?.aborted) throw input.signal.reason ?? new Error('aborted');
        const page = await rpc
            .getSignaturesForAddress(input.historyAddress, { limit: 1000, commitment: 'confirmed', ...(before === undefined ? {} : { before }) })
            .send(input.signal ? { abortSignal: input.signal } : undefined);
        if (!Array.isArray(page)) break;
        let older = false;
        for (const item of page) {
            scanned++;
            if (item.blockTime !== null && item.blockTime !== undefined && BigInt(item.blockTime) < claim.raffleCreatedAt) {
                older = true;
                break;
            }
            if (item.err !== null) continue;
            if (parseMrftMemos(item.memo).some(m => m.entry === claim.entry)) candidates.push(item.signature);
        }
        if (older || page.length < 1000) break;
        if (scanned >= max) throw workerConfigInvalid('maxSignatures', `the history of ${input.historyAddress} has more than ${max} signatures since the raffle was created`);
        before = page[page.length - 1]!.signature;
    }
    const ranges: TicketSlotRange[] = [];
    const base58 = getBase58Encoder();
    for (const signature of candidates) {
        const tx = await rpc
            .getTransaction(signature, { commitment: 'confirmed', encoding: 'json', maxSupportedTransactionVersion: 0 })
            .send(input.signal ? { abortSignal: input.signal } : undefined);
        if (!tx || tx.meta === null || tx.meta.err !== null) continue;
        const message = tx.transaction.message;
        const signers = message.accountKeys.slice(0, message.header.numRequiredSignatures);
        if (!signers.includes(input.trustedSigner)) continue;
        // The memo as the transaction carries it: the data of its top-level Memo instructions.
        const memoIndex = message.accountKeys.indexOf(MEMO_PROGRAM_ADDRESS);
        const memoText = message.instructions
            .filter(ix => ix.programIdIndex === memoIndex && typeof ix.data === 'string' && ix.data.length <= 1_500)
            .map(ix => new TextDecoder().decode(base58.encode(ix.data)))
            .join('; ');
        for (const m of parseMrftMemos(memoText)) {
            if (m.entry === claim.entry) ranges.push({ from: Math.min(m.from, claim.tickets), to: Math.min(m.to, claim.tickets) });
        }
    }
    return mergeRanges(ranges.filter(r => r.from < r.to));
}

/**
 * Merges overlapping or adjacent ranges.
 *
 * @param ranges - ranges in any order
 * @returns disjoint ranges, sorted
 * @example
 * ```ts
 * mergeRanges([{ from: 2, to: 4 }, { from: 0, to: 2 }]); // [{ from: 0, to: 4 }]
 * ```
 */
export function mergeRanges(ranges: readonly TicketSlotRange[]): TicketSlotRange[] {
    const sorted = [...ranges].sort((a, b) => a.from - b.from);
    const out: { from: number; to: number }[] = [];
    for (const r of sorted) {
        const last = out[out.length - 1];
        if (last && r.from <= last.to) last.to = Math.max(last.to, r.to);
        else out.push({ from: r.from, to: r.to });
    }
    return out;
}
