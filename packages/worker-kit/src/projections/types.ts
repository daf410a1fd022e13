/**
 * Batch projections: handlers that keep a read model up to date. A projection receives the
 * events of a batch and writes key-value state; the store commits those writes in the same
 * atomic step that records the events (or moves their commitment), so a projection runs exactly
 * once per event with no job row, and a crash anywhere leaves either both or neither.
 *
 * @packageDocumentation
 */
import type { JsonValue } from '../store/types';

/**
 * An event as a projection receives it: decoded with the program's table (bigints intact).
 *
 * @example
 * ```ts
 * const e: ProjectedEvent<'TicketsPurchased', TicketsPurchasedEvent> = batch[0]!;
 * console.log(e.id, e.slot, e.data.raffle);
 * ```
 */
export interface ProjectedEvent<TName extends string = string, TData = unknown> {
    /** `<signature>:<instructionIndex>:<eventIndex>`. */
    readonly id: string;
    /** The event's name. */
    readonly name: TName;
    /** The decoded event. */
    readonly data: TData;
    /** The transaction signature. */
    readonly signature: string;
    /** The index of the instruction that emitted it. */
    readonly instructionIndex: number;
    /** Its index among that instruction's events. */
    readonly eventIndex: number;
    /** Its slot. */
    readonly slot: bigint;
}

/**
 * The state of one projection inside the step that records a batch: a key-value map of JSON
 * values. Reads see the values committed before the batch and this batch's own writes; writes
 * are committed with the events, or not at all.
 *
 * @example
 * ```ts
 * const sold = ((await state.get(`sold:${raffle}`)) as number | null) ?? 0;
 * state.set(`sold:${raffle}`, sold + tickets);
 * ```
 */
export interface ProjectionState {
    /**
     * Reads one value.
     * @param key - the key (1-512 characters)
     * @returns the value, or null when absent
     */
    get(key: string): Promise<JsonValue | null>;
    /**
     * Reads many values in one store call.
     * @param keys - the keys
     * @returns one value (or null) per key, in order
     */
    getMany(keys: readonly string[]): Promise<(JsonValue | null)[]>;
    /**
     * Writes a value (committed with the batch).
     * @param key - the key (1-512 characters)
     * @param value - a JSON value (not null: use {@link ProjectionState.delete})
     */
    set(key: string, value: JsonValue): void;
    /**
     * Removes a value (committed with the batch).
     * @param key - the key
     */
    delete(key: string): void;
}

/**
 * What a projection does with a batch of events.
 *
 * @example
 * ```ts
 * const apply: ProjectionFunction<'TicketsPurchased', TicketsPurchasedEvent> = async (batch, state) => {
 *     for (const e of batch) state.set(`entry:${e.id}`, { raffle: e.data.raffle, tickets: e.data.count.toString() });
 * };
 * ```
 */
export type ProjectionFunction<TName extends string = string, TData = unknown> = (batch: readonly ProjectedEvent<TName, TData>[], state: ProjectionState) => Promise<void> | void;

/**
 * A projection: which events it reads, at which commitment, and what it writes.
 *
 * A projection must be deterministic and write only through its {@link ProjectionState}: a store
 * may run `apply` again for the same batch when it retries its atomic step (the Redis adapter does
 * after a concurrent write), and only the last run's writes are committed. No network calls,
 * no effects: use a handler (`worker.handle`) for those.
 *
 * @example
 * ```ts
 * worker.project('tickets-sold', {
 *     events: ['TicketsPurchased'],
 *     apply: async (batch, state) => {
 *         for (const e of batch) {
 *             const key = e.data.raffle;
 *             state.set(key, (((await state.get(key)) as number | null) ?? 0) + Number(e.data.count));
 *         }
 *     },
 *     retract: async (batch, state) => {
 *         for (const e of batch) state.set(e.data.raffle, (((await state.get(e.data.raffle)) as number | null) ?? 0) - Number(e.data.count));
 *     },
 * });
 * ```
 */
export interface ProjectionDefinition<TEvents extends Record<string, unknown> = Record<string, unknown>, K extends keyof TEvents & string = keyof TEvents & string> {
    /** The event names it reads (at least one). */
    readonly events: readonly K[];
    /**
     * `confirmed` (default): applied when an event is first recorded, and `retract` runs if a
     * fork drops it before finality. `finalized`: applied once the event is final, never retracted.
     */
    readonly commitment?: 'confirmed' | 'finalized';
    /** Applies a batch (events in chain order). */
    readonly apply: ProjectionFunction<K, TEvents[K]>;
    /**
     * For `confirmed` projections: undoes events a fork dropped before finality. Without it a
     * retraction leaves the state as it is (say so in your read model, or project at `finalized`).
     */
    readonly retract?: ProjectionFunction<K, TEvents[K]>;
}

/**
 * Reads a projection's committed state (the read side of the model).
 *
 * @example
 * ```ts
 * const sold = await worker.projection('tickets-sold').get(raffle);
 * const page = await worker.projection('tickets-sold').list({ prefix: 'entry:', limit: 100 });
 * ```
 */
export interface ProjectionReader {
    /**
     * Reads one value.
     * @param key - the key
     * @returns the value, or null
     */
    get(key: string): Promise<JsonValue | null>;
    /**
     * Reads many values.
     * @param keys - at most 1000 keys
     * @returns one value (or null) per key, in order
     */
    getMany(keys: readonly string[]): Promise<(JsonValue | null)[]>;
    /**
     * Lists entries in key order (byte order of the UTF-8 key).
     * @param input - `prefix` to filter, `after` (a key) to page, `limit` (default 100, at most 1000)
     * @returns the entries
     */
    list(input?: { prefix?: string; after?: string; limit?: number }): Promise<{ key: string; value: JsonValue }[]>;
}
