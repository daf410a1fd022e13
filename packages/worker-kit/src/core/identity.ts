/**
 * Event identity and ordering: an event is identified by its transaction signature, the index
 * of the top-level instruction that emitted it and its index among that instruction's events;
 * events are ordered by slot, then by position in the block, then instruction and event index.
 *
 * @packageDocumentation
 */
import type { EventKey, JsonValue } from '../store/types';

/**
 * The stable text id of an event, `<signature>:<instructionIndex>:<eventIndex>`, used in job ids
 * and idempotency keys.
 *
 * @param key - the event's key
 * @returns the id
 * @example
 * ```ts
 * eventId({ signature: '5x…', instructionIndex: 1, eventIndex: 0 }); // '5x…:1:0'
 * ```
 */
export function eventId(key: EventKey): string {
    return `${key.signature}:${key.instructionIndex}:${key.eventIndex}`;
}

/**
 * Parses an id made by {@link eventId}.
 *
 * @param id - the id
 * @returns the key, or null when `id` is not an event id
 * @example
 * ```ts
 * const key = parseEventId(job.payload.eventId);
 * ```
 */
export function parseEventId(id: string): EventKey | null {
    const match = /^([1-9A-HJ-NP-Za-km-z]{32,88}):(\d{1,5}):(\d{1,5})$/.exec(id);
    if (!match) return null;
    return { signature: match[1]!, instructionIndex: Number(match[2]), eventIndex: Number(match[3]) };
}

/**
 * An event's position on the chain: what {@link compareEventPositions} orders.
 *
 * @example
 * ```ts
 * const position: EventPosition = { signature, instructionIndex: 0, eventIndex: 0, slot: 10n };
 * ```
 */
export interface EventPosition extends EventKey {
    /** The slot of its transaction. */
    readonly slot: bigint;
    /**
     * The position of its transaction in the order the ingestion observed the slot (the
     * `getSignaturesForAddress` order, oldest first); 0 when unknown.
     */
    readonly transactionIndex?: number;
}

/**
 * Orders events by slot, then transaction position, then instruction index, then event index
 * (signature as a last, deterministic tie-break).
 *
 * @param a - an event
 * @param b - another event
 * @returns negative when `a` comes first, positive when `b` does, 0 when they are the same event
 * @example
 * ```ts
 * events.sort(compareEventPositions);
 * ```
 */
export function compareEventPositions(a: EventPosition, b: EventPosition): number {
    if (a.slot !== b.slot) return a.slot < b.slot ? -1 : 1;
    const ta = a.transactionIndex ?? 0;
    const tb = b.transactionIndex ?? 0;
    if (ta !== tb) return ta - tb;
    if (a.signature !== b.signature) return a.signature < b.signature ? -1 : 1;
    if (a.instructionIndex !== b.instructionIndex) return a.instructionIndex - b.instructionIndex;
    return a.eventIndex - b.eventIndex;
}

/**
 * Converts decoded event data to JSON for the inbox: bigints become decimal strings, byte
 * arrays arrays of numbers, kit `Option`s stay `{ __option, value }` objects.
 *
 * @param value - decoded data
 * @returns its JSON form
 * @example
 * ```ts
 * toJsonValue({ amount: 5n, raffle: address }); // { amount: '5', raffle: '…' }
 * ```
 */
export function toJsonValue(value: unknown): JsonValue {
    if (value === null || value === undefined) return null;
    switch (typeof value) {
        case 'bigint':
            return value.toString();
        case 'string':
        case 'boolean':
            return value;
        case 'number':
            return Number.isFinite(value) ? value : null;
        case 'object': {
            if (value instanceof Uint8Array) return Array.from(value);
            if (Array.isArray(value)) return value.map(toJsonValue);
            const out: { [key: string]: JsonValue } = {};
            for (const k in value) {
                if (!Object.hasOwn(value, k)) continue;
                const v = (value as Record<string, unknown>)[k];
                if (v === undefined) continue;
                // An own `__proto__` key (hostile data) stays a key; assigning it would set the prototype.
                if (k === '__proto__') Object.defineProperty(out, k, { value: toJsonValue(v), enumerable: true, writable: true, configurable: true });
                else out[k] = toJsonValue(v);
            }
            return out;
        }
        default:
            return null;
    }
}
