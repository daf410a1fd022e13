/**
 * `parseHeliusRawWebhook`: the body of a Helius "raw" transaction webhook (an array of
 * `getTransaction`-shaped objects) as {@link ObservedTransaction}s for `worker.ingestTransactions`.
 *
 * @packageDocumentation
 */
import type { ObservedTransaction } from '../ingestion/sources/types';
import { workerConfigInvalid } from '../core/errors';

/**
 * The most transactions one webhook body may carry.
 *
 * @example
 * ```ts
 * if (body.length > HELIUS_MAX_TRANSACTIONS) reject();
 * ```
 */
export const HELIUS_MAX_TRANSACTIONS = 1000;

/** Bounds of one transaction's logs (the runtime cuts logs at 10 KB; this leaves room). */
const MAX_LOG_LINES = 10_000;
const MAX_LOG_LINE_LENGTH = 100_000;
const SIGNATURE = /^[1-9A-HJ-NP-Za-km-z]{64,88}$/;
/**
 * The line the runtime writes where it cut a transaction's logs. A transaction whose logs are
 * missing is handed over with this line alone: the worker then reads it again with
 * `getTransaction` (a truncated-logs job) instead of missing its events.
 */
const LOG_TRUNCATED = 'Log truncated';

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseSlot(value: unknown, at: string): bigint {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
    if (typeof value === 'string' && /^\d{1,20}$/.test(value)) {
        const slot = BigInt(value);
        if (slot <= 0xffff_ffff_ffff_ffffn) return slot;
    }
    throw workerConfigInvalid(`${at}.slot`, 'expected a non-negative integer slot');
}

function parseSignature(transaction: unknown, at: string): string {
    if (!isRecord(transaction)) throw workerConfigInvalid(`${at}.transaction`, 'expected the transaction object (JSON encoding) with its signatures');
    const signatures = transaction.signatures;
    if (!Array.isArray(signatures) || signatures.length === 0 || signatures.length > 256) {
        throw workerConfigInvalid(`${at}.transaction.signatures`, 'expected a non-empty array of signatures');
    }
    const first: unknown = signatures[0];
    if (typeof first !== 'string' || !SIGNATURE.test(first)) throw workerConfigInvalid(`${at}.transaction.signatures[0]`, 'expected a base58 transaction signature');
    return first;
}

/** `meta.logMessages`: the lines, or null when the node did not record them. */
function parseLogs(value: unknown, at: string): string[] | null {
    if (value === null || value === undefined) return null;
    if (!Array.isArray(value)) throw workerConfigInvalid(`${at}.meta.logMessages`, 'expected an array of strings or null');
    if (value.length > MAX_LOG_LINES) throw workerConfigInvalid(`${at}.meta.logMessages`, `expected at most ${MAX_LOG_LINES} lines`);
    for (let i = 0; i < value.length; i++) {
        const line: unknown = value[i];
        if (typeof line !== 'string' || line.length > MAX_LOG_LINE_LENGTH) {
            throw workerConfigInvalid(`${at}.meta.logMessages[${i}]`, `expected a string of at most ${MAX_LOG_LINE_LENGTH} characters`);
        }
    }
    return value as string[];
}

function parseTransaction(item: unknown, index: number): ObservedTransaction {
    const at = `body[${index}]`;
    if (!isRecord(item)) throw workerConfigInvalid(at, 'expected a transaction object { slot, meta, transaction }');
    const slot = parseSlot(item.slot, at);
    const signature = parseSignature(item.transaction, at);
    const meta = item.meta;
    if (meta === null || meta === undefined) {
        // No status metadata: neither the outcome nor the logs are known. Read it again.
        return { signature, slot, logs: [LOG_TRUNCATED], err: null };
    }
    if (!isRecord(meta)) throw workerConfigInvalid(`${at}.meta`, 'expected an object or null');
    if (!('err' in meta) || meta.err === undefined) throw workerConfigInvalid(`${at}.meta.err`, 'is required: null for a successful transaction, the error otherwise');
    const err: unknown = meta.err;
    const logs = parseLogs(meta.logMessages, at);
    // A failed transaction's events were rolled back: its logs are never read.
    if (err !== null) return { signature, slot, logs: [], err };
    return { signature, slot, logs: logs ?? [LOG_TRUNCATED], err: null };
}

/**
 * Parses the body of a Helius raw transaction webhook. Every field used is checked (hostile
 * input); other fields (`blockTime`, `indexWithinBlock`, `meta.fee`, the message, ...) are
 * ignored. A successful transaction whose `meta.logMessages` (or whole `meta`) is missing is
 * handed over as a truncated one (logs `['Log truncated']`): the worker reads it again with
 * `getTransaction`, so its events are not lost. Helius sends confirmed transactions, so no
 * commitment is set (the worker's default, `confirmed`).
 *
 * @param body - the parsed JSON body
 * @returns the transactions, in the body's order
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` naming the first bad field (e.g. `body[3].meta.logMessages`)
 * @example
 * ```ts
 * const transactions = parseHeliusRawWebhook(await request.json());
 * const { events, truncated } = await worker.ingestTransactions(transactions);
 * ```
 */
export function parseHeliusRawWebhook(body: unknown): ObservedTransaction[] {
    if (!Array.isArray(body)) throw workerConfigInvalid('body', 'expected an array of transactions (a Helius raw webhook)');
    if (body.length > HELIUS_MAX_TRANSACTIONS) throw workerConfigInvalid('body', `expected at most ${HELIUS_MAX_TRANSACTIONS} transactions, got ${body.length}`);
    return body.map(parseTransaction);
}
