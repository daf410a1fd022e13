/**
 * Generic Anchor event decoding: a decoder table (name, 8-byte discriminator, decoder of the
 * whole payload) such as `RWA_RAFFLE_EVENTS` of `@raffle/client`, and a log parser that finds
 * the `Program data:` lines a program emitted and numbers them by instruction and position.
 *
 * `parseRaffleEvents` of `@raffle/client` is raffle-specific and does not report instruction
 * indexes, which event identity needs; this module is the generic equivalent.
 *
 * @packageDocumentation
 */
import type { Address, Decoder, ReadonlyUint8Array } from '@solana/kit';

/**
 * One event of a program: what `RWA_RAFFLE_EVENTS` holds per event. The decoder reads the full
 * payload, discriminator included (Anchor's `emit!` layout).
 *
 * @example
 * ```ts
 * const def: EventDefinition<ThresholdReachedEvent> = RWA_RAFFLE_EVENTS.ThresholdReached;
 * ```
 */
export interface EventDefinition<TData = unknown> {
    /** The event's name as in the IDL. */
    readonly name: string;
    /** The first 8 bytes of the payload: `sha256("event:<Name>")[..8]`. */
    readonly discriminator: ReadonlyUint8Array;
    /** Returns a decoder of the full payload. */
    getDecoder(): Decoder<TData>;
}

/**
 * A table of a program's events keyed by name, e.g. `RWA_RAFFLE_EVENTS`.
 *
 * @example
 * ```ts
 * import { RWA_RAFFLE_EVENTS } from '@raffle/client';
 * const table: EventDecoderTable = RWA_RAFFLE_EVENTS;
 * ```
 */
export type EventDecoderTable = { readonly [name: string]: EventDefinition<any> };

/**
 * The event map of a table: event name to decoded data type. Handlers are typed with it.
 *
 * @example
 * ```ts
 * type RaffleEvents = EventMapOf<typeof RWA_RAFFLE_EVENTS>;
 * type Data = RaffleEvents['ThresholdReached']; // ThresholdReachedEvent
 * ```
 */
export type EventMapOf<TTable extends EventDecoderTable> = {
    [K in keyof TTable & string]: TTable[K] extends EventDefinition<infer D> ? D : never;
};

/**
 * One `Program data:` payload found in logs, with its position.
 *
 * @example
 * ```ts
 * const [first]: readonly RawProgramEvent[] = extractProgramEvents(logs, programAddress).events;
 * ```
 */
export interface RawProgramEvent {
    /** The index of the top-level instruction (the `invoke [1]` it ran under), from 0. */
    readonly instructionIndex: number;
    /** The index of the payload among the program's payloads in that instruction, from 0. */
    readonly eventIndex: number;
    /** The base64 payload as logged. */
    readonly base64: string;
}

/**
 * Result of {@link extractProgramEvents}.
 *
 * @example
 * ```ts
 * const { events, truncated }: ExtractedEvents = extractProgramEvents(logs, programAddress);
 * ```
 */
export interface ExtractedEvents {
    /** The program's payloads, in log order. */
    readonly events: readonly RawProgramEvent[];
    /** True when the logs end in `Log truncated`: events may be missing; refetch the transaction. */
    readonly truncated: boolean;
}

/** The line the runtime logs when a transaction's logs hit the limit. */
const LOG_TRUNCATED = 'Log truncated';
/** How the lines of {@link INVOKE}, {@link SUCCESS}, {@link FAILED} and data start. */
const PROGRAM_PREFIX = 'Program ';
const DATA_PREFIX = 'Program data: ';
const INVOKE = /^Program (\S+) invoke \[(\d+)\]$/;
/** Far above the runtime's instruction stack depth limit; deeper `invoke [N]` lines are not real. */
const MAX_INVOKE_DEPTH = 64;
const SUCCESS = /^Program (\S+) success$/;
const FAILED = /^Program (\S+) failed: /;
/** What follows the program in the lines of {@link INVOKE}, {@link SUCCESS} and {@link FAILED}. */
const INVOKE_INFIX = ' invoke [';
const SUCCESS_INFIX = ' success';
const FAILED_INFIX = ' failed: ';
const CODE_I = 0x69;
const CODE_S = 0x73;
const CODE_F = 0x66;

/**
 * The one regex of {@link INVOKE}, {@link SUCCESS} and {@link FAILED} that can match `line`, or
 * null when none can: at most one regex runs per line, and none on the bulk of the logs
 * (`Program data:`, `Program log:`, `consumed` lines). The three read `Program `, a program
 * (`\S+`: it ends at the first whitespace) and a space, and differ only after that space. So when
 * the line's first space after `Program ` ends the program, the word after it tells which regex
 * can match; when another whitespace ends the program first, or there is no space, none can. The
 * regex chosen still runs: this only skips regexes that cannot match.
 */
function statusRegex(line: string): RegExp | null {
    const space = line.indexOf(' ', PROGRAM_PREFIX.length);
    if (space < 0) return null;
    switch (line.charCodeAt(space + 1)) {
        case CODE_I:
            return line.startsWith(INVOKE_INFIX, space) ? INVOKE : null;
        case CODE_S:
            return line.startsWith(SUCCESS_INFIX, space) ? SUCCESS : null;
        case CODE_F:
            return line.startsWith(FAILED_INFIX, space) ? FAILED : null;
        default:
            return null;
    }
}

/**
 * Finds the `Program data:` payloads logged by `programAddress` (also when another program
 * invoked it by CPI), numbered by top-level instruction and position. Pure and deterministic:
 * the same logs always give the same numbering, so the numbering is an identity.
 *
 * @param logs - `meta.logMessages` of a transaction or the `logs` of a `logsNotification`
 * @param programAddress - the program whose events to extract
 * @returns the payloads and whether the logs were truncated
 * @example
 * ```ts
 * const { events, truncated } = extractProgramEvents(notification.value.logs, programAddress);
 * if (truncated) await refetchTransaction(notification.value.signature);
 * ```
 */
export function extractProgramEvents(logs: readonly string[], programAddress: Address | string): ExtractedEvents {
    // The programs being invoked, by depth (`undefined` where the logs skipped a depth).
    const stack: (string | undefined)[] = [];
    const events: RawProgramEvent[] = [];
    let instructionIndex = -1;
    let eventIndex = 0;
    let truncated = false;
    for (const line of logs) {
        if (typeof line !== 'string') continue;
        if (line === LOG_TRUNCATED) {
            truncated = true;
            continue;
        }
        const regex = statusRegex(line);
        const invoke = regex === INVOKE ? INVOKE.exec(line) : null;
        if (invoke) {
            const depth = Number(invoke[2]);
            if (!(depth >= 1 && depth <= MAX_INVOKE_DEPTH)) {
                // Not something the runtime writes (hostile or corrupted logs): trust nothing after
                // it, and let the caller treat the transaction like one with truncated logs.
                truncated = true;
                break;
            }
            if (depth === 1) {
                instructionIndex++;
                eventIndex = 0;
            }
            // Truncate or pad the stack to depth - 1, then push (cheaper than setting its length).
            while (stack.length > depth - 1) stack.pop();
            while (stack.length < depth - 1) stack.push(undefined);
            stack.push(invoke[1]!);
            continue;
        }
        const done = regex === SUCCESS || regex === FAILED ? regex.exec(line) : null;
        if (done) {
            if (stack[stack.length - 1] === done[1]) stack.pop();
            continue;
        }
        if (stack[stack.length - 1] === programAddress && line.startsWith(DATA_PREFIX)) {
            // One base64 field: `Program data:` lines with none or several (space-separated) are not events.
            if (line.length === DATA_PREFIX.length || line.includes(' ', DATA_PREFIX.length)) continue;
            events.push({ instructionIndex: Math.max(instructionIndex, 0), eventIndex: eventIndex++, base64: line.slice(DATA_PREFIX.length) });
        }
    }
    return { events, truncated };
}

/**
 * Outcome of {@link EventDecoder.decode}.
 *
 * @example
 * ```ts
 * const result: DecodeResult = decoder.decode(base64);
 * if (result.kind === 'malformed') console.warn(result.reason);
 * ```
 */
export type DecodeResult =
    | { readonly kind: 'decoded'; readonly name: string; readonly data: unknown }
    /** The discriminator is not one of the table's events (e.g. another program's data): ignored. */
    | { readonly kind: 'unknown' }
    /** A known discriminator whose payload does not decode: a dead letter with the raw data. */
    | { readonly kind: 'malformed'; readonly name: string | null; readonly reason: string };

/**
 * Decodes payloads with a table; never throws.
 *
 * @example
 * ```ts
 * const decoder = createEventDecoder(RWA_RAFFLE_EVENTS);
 * const result = decoder.decode(base64);
 * if (result.kind === 'decoded') console.log(result.name);
 * ```
 */
export interface EventDecoder<TTable extends EventDecoderTable = EventDecoderTable> {
    /** The table. */
    readonly table: TTable;
    /** Event names of the table. */
    readonly names: readonly (keyof TTable & string)[];
    /** Decodes a base64 payload. */
    decode(base64: string): DecodeResult;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The bytes of a payload, or null when it is not padded standard base64 (Node's decoder would
 * skip the characters it does not know). The bytes are a plain `Uint8Array` over the memory
 * `Buffer.from` decoded into, often a slice of Node's shared pool: no copy (allocating a fresh
 * `ArrayBuffer` per payload costs twice the decoding), never written to afterwards, and
 * decoders read it at its `byteOffset` as kit's do.
 */
function bytesFromBase64(base64: string): Uint8Array | null {
    if (base64.length % 4 !== 0 || !BASE64.test(base64)) return null;
    const decoded = Buffer.from(base64, 'base64');
    return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.length);
}

/** A table entry with its decoder, built on first use and kept. */
interface Entry {
    readonly definition: EventDefinition<unknown>;
    decoder: Decoder<unknown> | null;
}

function startsWith(bytes: ReadonlyUint8Array, prefix: ReadonlyUint8Array): boolean {
    if (bytes.length < prefix.length) return false;
    for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
    return true;
}

/**
 * Creates an {@link EventDecoder} from a table such as `RWA_RAFFLE_EVENTS`. Each event's decoder
 * (`getDecoder()`) is built on first use and kept: building a kit struct decoder costs more than
 * decoding an event with it.
 *
 * @param table - the program's events
 * @returns a decoder that never throws
 * @example
 * ```ts
 * import { RWA_RAFFLE_EVENTS } from '@raffle/client';
 * const decoder = createEventDecoder(RWA_RAFFLE_EVENTS);
 * ```
 */
export function createEventDecoder<TTable extends EventDecoderTable>(table: TTable): EventDecoder<TTable> {
    const entries: Entry[] = Object.values(table).map(definition => ({ definition, decoder: null }));
    return {
        table,
        names: Object.keys(table) as (keyof TTable & string)[],
        decode(base64) {
            const bytes = bytesFromBase64(base64);
            if (bytes === null) return { kind: 'malformed', name: null, reason: 'the payload is not base64' };
            for (const entry of entries) {
                const definition = entry.definition;
                if (!startsWith(bytes, definition.discriminator)) continue;
                try {
                    const decoder = entry.decoder ?? (entry.decoder = definition.getDecoder());
                    const [data, read] = decoder.read(bytes, 0);
                    if (read !== bytes.length) {
                        return { kind: 'malformed', name: definition.name, reason: `${bytes.length - read} trailing byte(s)` };
                    }
                    return { kind: 'decoded', name: definition.name, data };
                } catch (e) {
                    return { kind: 'malformed', name: definition.name, reason: e instanceof Error ? e.message : String(e) };
                }
            }
            return { kind: 'unknown' };
        },
    };
}
