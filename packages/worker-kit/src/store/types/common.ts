/**
 * What every concern of the store shares: JSON values, the optional `now`, the batch limit.
 *
 * @packageDocumentation
 */

/** A JSON value as stored in payloads, intents and audit data. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Options shared by operations that read the clock. */
export interface ClockOptions {
    /** The current time in ms; the store's clock when omitted. */
    now?: number;
}

/**
 * The most items one batch call (`recordEvents`, `getEvents`, `enqueueJobs`, `completeJobs`)
 * accepts.
 *
 * @example
 * ```ts
 * for (let i = 0; i < inputs.length; i += MAX_BATCH_SIZE) await store.recordEvents(inputs.slice(i, i + MAX_BATCH_SIZE));
 * ```
 */
export const MAX_BATCH_SIZE = 1000;
