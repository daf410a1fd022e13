/**
 * Reading transaction results: the failing instruction and its `Custom(n)` code, the logs, our
 * events decoded from `Program data:` lines, and the assertion that a transaction failed with a code.
 */
import { RWA_RAFFLE_EVENTS, type RwaRaffleEvent } from '@raffle/client';
import { FailedTransactionMetadata, type TransactionMetadata } from 'litesvm';
import { expect } from 'vitest';

/** What LiteSVM returns for a sent transaction. */
export type TxResult = TransactionMetadata | FailedTransactionMetadata;

/**
 * The `Custom(n)` code and instruction index of a failed transaction.
 *
 * @param result - The transaction's result.
 * @returns `undefined` when it succeeded; index -1 and no code when the error is not an instruction error.
 */
export function instructionError(result: TxResult): { index: number; code: number | undefined; raw: string } | undefined {
    if (!(result instanceof FailedTransactionMetadata)) return undefined;
    const error: unknown = result.err();
    const raw = String(result.toString());
    if (typeof error === 'object' && error !== null && 'index' in error && 'err' in error && typeof error.err === 'function') {
        const inner: unknown = error.err();
        const code = typeof inner === 'object' && inner !== null && 'code' in inner && typeof inner.code === 'number' ? inner.code : undefined;
        return { index: Number(error.index), code, raw };
    }
    return { index: -1, code: undefined, raw };
}

/**
 * The log lines of a transaction, failed or not.
 *
 * @param result - The transaction's result.
 * @returns Its logs.
 */
export function logsOf(result: TxResult): string[] {
    return result instanceof FailedTransactionMetadata ? result.meta().logs() : result.logs();
}

/**
 * Decodes our `Program data:` log lines with the generated event decoders.
 *
 * @param logs - Log lines of one or more transactions.
 * @returns The events, in log order.
 */
export function decodeEvents(logs: readonly string[]): RwaRaffleEvent[] {
    const events: RwaRaffleEvent[] = [];
    for (const line of logs) {
        if (!line.startsWith('Program data: ')) continue;
        const bytes = new Uint8Array(Buffer.from(line.slice('Program data: '.length), 'base64'));
        for (const def of Object.values(RWA_RAFFLE_EVENTS)) {
            if (def.discriminator.every((b, i) => bytes[i] === b)) {
                events.push({ name: def.name, data: def.getDecoder().decode(bytes) } as RwaRaffleEvent);
            }
        }
    }
    return events;
}

/**
 * The events a transaction emitted ({@link decodeEvents} over {@link logsOf}).
 *
 * @param result - The transaction's result.
 * @returns Its events.
 */
export function eventsOf(result: TxResult): RwaRaffleEvent[] {
    return decodeEvents(logsOf(result));
}

/**
 * Asserts `InstructionError(index, Custom(code))`.
 *
 * @param result - The transaction's result.
 * @param code - The expected custom error code.
 * @param index - The index of the instruction expected to fail.
 * @returns The failed result.
 * @throws When the transaction succeeded, or failed otherwise (the message carries the logs).
 */
export function expectInstructionError(result: TxResult, code: number, index: number): FailedTransactionMetadata {
    const err = instructionError(result);
    if (!err) throw new Error(`expected Custom(${code}) at instruction ${index}, but the transaction succeeded:\n${logsOf(result).join('\n')}`);
    expect({ index: err.index, code: err.code }, `${err.raw}\n${logsOf(result).join('\n')}`).toEqual({ index, code });
    return result as FailedTransactionMetadata;
}
