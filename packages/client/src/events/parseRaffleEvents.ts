/**
 * Event parsing: `Program data:` log lines of the rwa_raffle program, decoded into the typed
 * {@link RwaRaffleEvent} union.
 *
 * @packageDocumentation
 */
import type { RaffleError } from '@raffle/errors';
import { type Address, getBase64Encoder, type ReadonlyUint8Array } from '@solana/kit';

import { eventMalformed, inputInvalid, logsTruncated, logsUnavailable } from '../errors/client-errors';
import { RWA_RAFFLE_EVENTS, type RwaRaffleEvent } from '../generated/events';
import { RWA_RAFFLE_PROGRAM_ADDRESS } from '../generated/programs';
import { assertAddress } from '../internal/validate';
import type { RaffleProgramConfig } from '../pdas';

/**
 * The line the runtime appends when a transaction's logs exceed the log limit; everything
 * after the cut is lost.
 *
 * @example
 * ```ts
 * const truncated = logs.includes(LOG_TRUNCATED_LINE);
 * ```
 */
export const LOG_TRUNCATED_LINE = 'Log truncated';

const DATA_PREFIX = 'Program data: ';
const INVOKE = /^Program (\S+) invoke \[(\d+)\]$/;
const SUCCESS = /^Program (\S+) success$/;
const FAILED = /^Program (\S+) failed: /;

/**
 * Options of {@link parseRaffleEvents}.
 *
 * @example
 * ```ts
 * const options: ParseRaffleEventsConfig = { programAddress, signature };
 * ```
 */
export interface ParseRaffleEventsConfig extends RaffleProgramConfig {
    /** The transaction's signature, quoted in errors. */
    readonly signature?: string;
}

/**
 * Errors {@link parseRaffleEvents} throws: `RAFFLE_ERROR__INVALID_ARGUMENT` with name `logs` for
 * truncated logs (refetch the transaction) or an event that does not decode.
 *
 * @example
 * ```ts
 * const onError = (e: ParseRaffleEventsErrorType) => console.error(e.message);
 * ```
 */
export type ParseRaffleEventsErrorType = RaffleError;

const EVENT_DEFINITIONS = /* @__PURE__ */ Object.values(RWA_RAFFLE_EVENTS);

function startsWith(bytes: ReadonlyUint8Array, prefix: ReadonlyUint8Array): boolean {
    if (bytes.length < prefix.length) return false;
    for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
    return true;
}

/**
 * Decodes one event payload (`discriminator || borsh`), the bytes of a `Program data:` line.
 *
 * @param bytes - the base64-decoded payload
 * @returns the event, or `undefined` when the discriminator is not one of the program's events
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` when a known event does not decode
 * @example
 * ```ts
 * const event = decodeRaffleEvent(getBase64Encoder().encode(line.slice('Program data: '.length)));
 * ```
 */
export function decodeRaffleEvent(bytes: ReadonlyUint8Array): RwaRaffleEvent | undefined {
    for (const definition of EVENT_DEFINITIONS) {
        if (!startsWith(bytes, definition.discriminator)) continue;
        try {
            const decoder = definition.getDecoder();
            const [data, read] = decoder.read(bytes, 0);
            if (read !== bytes.length) throw new Error(`the payload has ${bytes.length - read} trailing byte(s)`);
            return { name: definition.name, data } as RwaRaffleEvent;
        } catch (e) {
            throw eventMalformed(definition.name, e);
        }
    }
    return undefined;
}

/**
 * Parses the events the rwa_raffle program emitted, from a transaction's log messages, in
 * order. Only `Program data:` lines logged while the program itself is executing count: the
 * parser follows the `Program <id> invoke [n]` / `success` / `failed` nesting, so data logged
 * by programs it calls (or by other programs of the transaction) is ignored, and the program
 * is recognised when another program calls it. Unknown discriminators are skipped.
 *
 * Logs that end in `Log truncated` have lost lines (events included): this throws rather
 * than return a partial list. Refetch the transaction from a node that keeps complete logs.
 *
 * The events of a failed transaction did not happen: use {@link parseRaffleEventsFromTransaction},
 * which returns none for them, when you have the whole transaction.
 *
 * @param logs - `meta.logMessages` of a transaction (or a simulation's `logs`)
 * @param config - program address (default the canonical one), signature for errors
 * @returns the events, a union discriminated by `name`
 * @throws {@link ParseRaffleEventsErrorType}
 * @example
 * ```ts
 * for (const event of parseRaffleEvents(logs)) {
 *     if (event.name === 'TicketsPurchased') console.log(event.data.buyer, event.data.ticketCount);
 *     if (event.name === 'ThresholdReached') scheduleDraw(event.data.raffle);
 * }
 * ```
 */
export function parseRaffleEvents(logs: readonly string[], config: ParseRaffleEventsConfig = {}): RwaRaffleEvent[] {
    if (!Array.isArray(logs)) throw inputInvalid('logs', 'must be an array of log lines (meta.logMessages)');
    if (config.programAddress !== undefined) assertAddress('programAddress', config.programAddress);
    const program: Address = config.programAddress ?? RWA_RAFFLE_PROGRAM_ADDRESS;
    if (logs.some(line => line === LOG_TRUNCATED_LINE)) throw logsTruncated(config.signature);
    const base64 = getBase64Encoder();
    const stack: string[] = [];
    const events: RwaRaffleEvent[] = [];
    for (const line of logs) {
        if (typeof line !== 'string') throw inputInvalid('logs', 'must hold only strings');
        const invoke = INVOKE.exec(line);
        if (invoke) {
            // `invoke [n]` is the depth: resynchronise in case lines were dropped.
            stack.length = Math.max(0, Number(invoke[2]) - 1);
            stack.push(invoke[1]!);
            continue;
        }
        const done = SUCCESS.exec(line) ?? FAILED.exec(line);
        if (done) {
            if (stack[stack.length - 1] === done[1]) stack.pop();
            continue;
        }
        if (line.startsWith(DATA_PREFIX) && stack[stack.length - 1] === program) {
            // One `sol_log_data` call logs its fields base64-encoded, separated by spaces.
            const fields = line.slice(DATA_PREFIX.length).split(' ');
            if (fields.length !== 1) continue;
            let bytes: ReadonlyUint8Array;
            try {
                bytes = base64.encode(fields[0]!);
            } catch {
                continue;
            }
            const event = decodeRaffleEvent(bytes);
            if (event !== undefined) events.push(event);
        }
    }
    return events;
}

/**
 * A transaction as `getTransaction` returns it (any encoding), or a simulation result: what
 * {@link parseRaffleEventsFromTransaction} reads.
 *
 * @example
 * ```ts
 * const tx: RaffleEventSource | null = await rpc.getTransaction(signature, { maxSupportedTransactionVersion: 0 }).send();
 * ```
 */
export type RaffleEventSource =
    | {
          readonly meta: { readonly logMessages?: readonly string[] | null; readonly err?: unknown } | null;
          readonly transaction?: unknown;
      }
    | { readonly logs: readonly string[] | null; readonly err?: unknown };

function signatureOf(tx: unknown): string | undefined {
    const transaction = (tx as { transaction?: { signatures?: unknown } }).transaction;
    const signatures = transaction?.signatures;
    return Array.isArray(signatures) && typeof signatures[0] === 'string' ? signatures[0] : undefined;
}

/**
 * Parses the program's events from a fetched transaction (`rpc.getTransaction(...)`, json or
 * base64 encoding) or a simulation result (`rpc.simulateTransaction(...).value`). A failed
 * transaction emitted nothing that counts: its state changes were rolled back, so the result
 * is empty.
 *
 * @param tx - the transaction or simulation result
 * @param config - program address, signature for errors (read from the transaction when present)
 * @returns the events in order
 * @throws {@link ParseRaffleEventsErrorType}, also when the transaction is null or has no logs
 * @example
 * ```ts
 * const tx = await rpc.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 }).send();
 * const events = parseRaffleEventsFromTransaction(tx, { signature });
 * const created = events.find(e => e.name === 'RaffleCreated');
 * ```
 */
export function parseRaffleEventsFromTransaction(tx: RaffleEventSource | null | undefined, config: ParseRaffleEventsConfig = {}): RwaRaffleEvent[] {
    const signature = config.signature ?? (tx ? signatureOf(tx) : undefined);
    if (tx === null || tx === undefined || typeof tx !== 'object') throw logsUnavailable(signature);
    let logs: readonly string[] | null | undefined;
    let err: unknown;
    if ('meta' in tx) {
        logs = tx.meta?.logMessages;
        err = tx.meta?.err;
    } else if ('logs' in tx) {
        logs = tx.logs;
        err = tx.err;
    }
    if (!Array.isArray(logs)) throw logsUnavailable(signature);
    if (err !== null && err !== undefined) return [];
    return parseRaffleEvents(logs, { ...config, ...(signature === undefined ? {} : { signature }) });
}
