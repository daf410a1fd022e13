/**
 * Event decoders from an Anchor IDL (spec 0.1.0, Anchor >= 0.30): the generic path for programs
 * without generated codecs, and the fast path for programs with them. Field names are
 * camelCased, as Codama-generated codecs name them, so a table built from the IDL decodes to the
 * same shape as the generated one.
 *
 * Each event's layout is compiled once, when the table is built, into a decoder made of this
 * module's own primitive readers instead of kit's codecs: one `DataView` over the payload for
 * every number (kit's number decoders copy an `ArrayBuffer` per field) and a base58 encoder
 * specialised for 32-byte addresses (`base58-address.ts`; kit's goes through `BigInt`). The values are the ones kit's
 * codecs give (`bigint` for 64/128-bit integers, kit's `Option`, `Uint8Array` for bytes, `Address`
 * strings), and data that kit's codecs reject is rejected too, with kit's `SolanaError` codes.
 *
 * @packageDocumentation
 */
import {
    type Address,
    createDecoder,
    type Decoder,
    type ReadonlyUint8Array,
    SOLANA_ERROR__CODECS__CANNOT_DECODE_EMPTY_BYTE_ARRAY,
    SOLANA_ERROR__CODECS__ENUM_DISCRIMINATOR_OUT_OF_RANGE,
    SOLANA_ERROR__CODECS__INVALID_BYTE_LENGTH,
    SOLANA_ERROR__CODECS__INVALID_CONSTANT,
    SOLANA_ERROR__CODECS__UNION_VARIANT_OUT_OF_RANGE,
    SolanaError,
} from '@solana/kit';

import { workerConfigInvalid } from '../core/errors';
import { decodeAddressBytes } from './base58-address';
import type { createEventDecoder, EventDecoderTable, EventDefinition } from './decoder';

/**
 * An IDL type (the subset of the Anchor IDL spec events use).
 *
 * @example
 * ```ts
 * const t: IdlType = { vec: { defined: { name: 'Entry' } } };
 * ```
 */
export type IdlType =
    | string
    | { readonly vec: IdlType }
    | { readonly option: IdlType }
    | { readonly array: readonly [IdlType, number] }
    | { readonly defined: string | { readonly name: string } };

/**
 * A field of an IDL struct.
 *
 * @example
 * ```ts
 * const f: IdlField = { name: 'fee_bps', type: 'u16' };
 * ```
 */
export interface IdlField {
    readonly name: string;
    readonly type: IdlType;
}

/**
 * A type definition of an IDL.
 *
 * @example
 * ```ts
 * const def: IdlTypeDef = { name: 'Paid', type: { kind: 'struct', fields: [{ name: 'amount', type: 'u64' }] } };
 * ```
 */
export interface IdlTypeDef {
    readonly name: string;
    readonly type:
        | { readonly kind: 'struct'; readonly fields?: readonly (IdlField | IdlType)[] }
        | { readonly kind: 'enum'; readonly variants: readonly { readonly name: string; readonly fields?: readonly (IdlField | IdlType)[] }[] };
}

/**
 * The parts of an Anchor IDL that event decoding reads.
 *
 * @example
 * ```ts
 * import { rwaRaffleIdl } from '@raffle/program';
 * const idl: AnchorEventIdl = rwaRaffleIdl as unknown as AnchorEventIdl;
 * ```
 */
export interface AnchorEventIdl {
    readonly events?: readonly { readonly name: string; readonly discriminator: readonly number[] }[];
    readonly types?: readonly IdlTypeDef[];
}

// ---------------------------------------------------------------------------------------------
// Primitive readers. A reader reads one value at `cursor.pos` and moves `cursor.pos` past it; the
// cursor holds the payload and one DataView over it for the whole event.

/** Where a compiled decoder is in a payload. */
interface Cursor {
    readonly bytes: ReadonlyUint8Array;
    readonly view: DataView;
    pos: number;
}

/** Reads one value at the cursor and advances it; throws a kit `SolanaError` on short data. */
type Reader = (cursor: Cursor) => unknown;

/** A compiled IDL type: its reader and its size when every value has the same size. */
interface Compiled {
    readonly read: Reader;
    readonly fixedSize: number | null;
}

/** The error kit's codecs throw when the data ends before a value (same codes and context). */
function shortRead(codecDescription: string, expected: number, bytesLength: number): SolanaError {
    if (bytesLength <= 0) return new SolanaError(SOLANA_ERROR__CODECS__CANNOT_DECODE_EMPTY_BYTE_ARRAY, { codecDescription });
    return new SolanaError(SOLANA_ERROR__CODECS__INVALID_BYTE_LENGTH, { bytesLength, codecDescription, expected });
}

/** Reserves `size` bytes at the cursor: returns their offset, or throws when fewer are left. */
function take(cursor: Cursor, size: number, codecDescription: string): number {
    const pos = cursor.pos;
    if (pos + size > cursor.bytes.length) throw shortRead(codecDescription, size, cursor.bytes.length - pos);
    cursor.pos = pos + size;
    return pos;
}

const TWO_POW_64 = 64n;

const NUMBERS: Readonly<Record<string, Compiled>> = {
    // kit: `Number(u8) === 1`, so any other byte is false (not an error).
    bool: { fixedSize: 1, read: c => c.bytes[take(c, 1, 'u8')] === 1 },
    u8: { fixedSize: 1, read: c => c.bytes[take(c, 1, 'u8')] },
    i8: { fixedSize: 1, read: c => c.view.getInt8(take(c, 1, 'i8')) },
    u16: { fixedSize: 2, read: c => c.view.getUint16(take(c, 2, 'u16'), true) },
    i16: { fixedSize: 2, read: c => c.view.getInt16(take(c, 2, 'i16'), true) },
    u32: { fixedSize: 4, read: c => c.view.getUint32(take(c, 4, 'u32'), true) },
    i32: { fixedSize: 4, read: c => c.view.getInt32(take(c, 4, 'i32'), true) },
    u64: { fixedSize: 8, read: c => c.view.getBigUint64(take(c, 8, 'u64'), true) },
    i64: { fixedSize: 8, read: c => c.view.getBigInt64(take(c, 8, 'i64'), true) },
    u128: {
        fixedSize: 16,
        read: c => {
            const p = take(c, 16, 'u128');
            return (c.view.getBigUint64(p + 8, true) << TWO_POW_64) | c.view.getBigUint64(p, true);
        },
    },
    i128: {
        fixedSize: 16,
        read: c => {
            const p = take(c, 16, 'i128');
            return (c.view.getBigInt64(p + 8, true) << TWO_POW_64) + c.view.getBigUint64(p, true);
        },
    },
    f32: { fixedSize: 4, read: c => c.view.getFloat32(take(c, 4, 'f32'), true) },
    f64: { fixedSize: 8, read: c => c.view.getFloat64(take(c, 8, 'f64'), true) },
};

const PUBKEY: Compiled = { fixedSize: 32, read: c => decodeAddressBytes(c.bytes, take(c, 32, 'fixCodecSize')) };

let utf8: TextDecoder | undefined;
const NULL_CHARACTERS = /\u0000/g;

/** A `string`: u32 length then UTF-8, decoded as kit's `getUtf8Decoder()` does (NULs removed). */
const STRING: Compiled = {
    fixedSize: null,
    read: c => {
        const size = NUMBERS.u32!.read(c) as number;
        const p = take(c, size, 'addDecoderSizePrefix');
        utf8 ??= new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
        let value = utf8.decode(c.bytes.subarray(p, p + size));
        if ((utf8 as { ignoreBOM?: boolean }).ignoreBOM === undefined && value.charCodeAt(0) === 0xfeff) value = value.slice(1);
        return value.includes('\u0000') ? value.replace(NULL_CHARACTERS, '') : value;
    },
};

/** `bytes`: u32 length then the bytes, as a copy (kit's `getBytesDecoder()` slices). */
const BYTES: Compiled = {
    fixedSize: null,
    read: c => {
        const size = NUMBERS.u32!.read(c) as number;
        const p = take(c, size, 'addDecoderSizePrefix');
        return c.bytes.slice(p, p + size);
    },
};

function fixedBytes(size: number): Compiled {
    return {
        fixedSize: size,
        read: c => {
            const p = take(c, size, 'fixCodecSize');
            return c.bytes.slice(p, p + size);
        },
    };
}

function fixedArray(item: Compiled, size: number): Compiled {
    const read = item.read;
    return {
        fixedSize: size === 0 ? 0 : item.fixedSize === null ? null : item.fixedSize * size,
        read: c => {
            const values: unknown[] = [];
            for (let i = 0; i < size; i++) values.push(read(c));
            return values;
        },
    };
}

/** `Vec<T>`: u32 count then the items, as kit's `getArrayDecoder(item)`. */
function vec(item: Compiled): Compiled {
    const read = item.read;
    const itemSize = item.fixedSize;
    return {
        fixedSize: null,
        read: c => {
            // kit's getArrayDecoder: with no byte left, an absent prefix reads as an empty array.
            if (c.pos >= c.bytes.length) return [];
            const count = NUMBERS.u32!.read(c) as number;
            // Items of a fixed size: fail before allocating when they cannot all be there (kit
            // fails at the first missing item; the verdict is the same).
            if (itemSize !== null && itemSize > 0 && count * itemSize > c.bytes.length - c.pos) {
                throw shortRead('array', count * itemSize, c.bytes.length - c.pos);
            }
            const values: unknown[] = [];
            for (let i = 0; i < count; i++) values.push(read(c));
            return values;
        },
    };
}

/** `Option<T>`: a u8 prefix, `1` for Some (kit reads the prefix as a boolean, anything else is None). */
function option(item: Compiled): Compiled {
    const read = item.read;
    return {
        fixedSize: item.fixedSize === 0 ? 1 : null,
        read: c => (c.bytes[take(c, 1, 'u8')] === 1 ? { __option: 'Some', value: read(c) } : { __option: 'None' }),
    };
}

function struct(keys: readonly string[], items: readonly Compiled[]): Compiled {
    const readers = items.map(i => i.read);
    const count = keys.length;
    const fixedSize = items.reduce<number | null>((sum, i) => (sum === null || i.fixedSize === null ? null : sum + i.fixedSize), 0);
    return {
        fixedSize,
        read: c => {
            const value: Record<string, unknown> = {};
            for (let i = 0; i < count; i++) value[keys[i]!] = readers[i]!(c);
            return value;
        },
    };
}

/** An enum whose variants have no fields: the variant index (kit's `getEnumDecoder`). */
function unitEnum(variantCount: number): Compiled {
    return {
        fixedSize: 1,
        read: c => {
            const discriminator = c.bytes[take(c, 1, 'u8')]!;
            if (discriminator >= variantCount) {
                const validDiscriminators = [...Array(variantCount).keys()];
                throw new SolanaError(SOLANA_ERROR__CODECS__ENUM_DISCRIMINATOR_OUT_OF_RANGE, {
                    discriminator,
                    formattedValidDiscriminators: variantCount === 0 ? '' : `${0}-${variantCount - 1}`,
                    validDiscriminators,
                });
            }
            return discriminator;
        },
    };
}

/** An enum with data: `{ __kind: 'Variant', ...fields }` (kit's `getDiscriminatedUnionDecoder`). */
function dataEnum(variants: readonly { readonly name: string; readonly fields: { keys: readonly string[]; items: readonly Compiled[] } | null }[]): Compiled {
    const compiled = variants.map(v => ({
        name: v.name,
        keys: v.fields?.keys ?? [],
        readers: (v.fields?.items ?? []).map(i => i.read),
    }));
    const sizes = variants.map(v => (v.fields ? struct(v.fields.keys, v.fields.items).fixedSize : 0));
    const fixedSize = sizes.length > 0 && sizes.every(s => s !== null && s === sizes[0]) ? 1 + sizes[0]! : null;
    return {
        fixedSize,
        read: c => {
            const index = c.bytes[take(c, 1, 'u8')]!;
            const variant = compiled[index];
            if (variant === undefined) {
                throw new SolanaError(SOLANA_ERROR__CODECS__UNION_VARIANT_OUT_OF_RANGE, { maxRange: compiled.length - 1, minRange: 0, variant: index });
            }
            const value: Record<string, unknown> = { __kind: variant.name };
            const { keys, readers } = variant;
            for (let i = 0; i < keys.length; i++) value[keys[i]!] = readers[i]!(c);
            return value;
        },
    };
}

// ---------------------------------------------------------------------------------------------
// Compiling an IDL.

function camel(name: string): string {
    return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function isNamedFields(list: readonly unknown[]): list is readonly IdlField[] {
    const first = list[0];
    return typeof first === 'object' && first !== null && 'name' in first && 'type' in first;
}

/** An event's decoder: checks the discriminator, then reads the body. */
function eventDecoder(discriminator: Uint8Array, body: Compiled): Decoder<unknown> {
    const length = discriminator.length;
    const bodyRead = body.read;
    const read = (bytes: ReadonlyUint8Array, offset: number): [unknown, number] => {
        let matches = bytes.length - offset >= length;
        for (let i = 0; matches && i < length; i++) matches = bytes[offset + i] === discriminator[i];
        if (!matches) {
            const hex = (b: ReadonlyUint8Array): string => Array.from(b, x => x.toString(16).padStart(2, '0')).join('');
            throw new SolanaError(SOLANA_ERROR__CODECS__INVALID_CONSTANT, {
                constant: discriminator,
                data: bytes,
                hexConstant: hex(discriminator),
                hexData: hex(bytes),
                offset,
            });
        }
        const cursor: Cursor = { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), pos: offset + length };
        const value = bodyRead(cursor);
        return [value, cursor.pos];
    };
    return body.fixedSize === null ? createDecoder({ read }) : createDecoder({ fixedSize: length + body.fixedSize, read });
}

/**
 * Builds an {@link EventDecoderTable} from an Anchor IDL: every event of `idl.events`, its layout
 * (`idl.types`) compiled once into a fast decoder of the full payload (discriminator included).
 * The decoded values are those of kit's codecs, so the table is interchangeable with a
 * Codama-generated one (for the raffle program, `RWA_RAFFLE_EVENTS` of `@raffle/client`): field
 * names camelCased; `bigint` for 64- and 128-bit integers, `number` for smaller ones and floats;
 * `Address` strings for public keys; `Uint8Array` for `bytes` and `[u8; N]`, arrays for `Vec<T>`
 * and other `[T; N]`; kit's `Option` (`{ __option: 'Some', value }` / `{ __option: 'None' }`);
 * the variant index for enums without fields and `{ __kind: 'Variant', ...fields }` for enums
 * with fields; tuple fields under `'0'`, `'1'`... Data that kit's codecs reject (too short, an
 * enum index out of range, a wrong discriminator) throws kit's `SolanaError`; the decoder returns
 * the offset after the event, so {@link createEventDecoder} reports trailing bytes.
 *
 * Give the event map as type argument for typed handlers; without it the data is `any`, as for
 * any {@link EventDecoderTable}.
 *
 * @typeParam TEvents - event name to decoded data, e.g. `EventMapOf<typeof RWA_RAFFLE_EVENTS>`
 * @param idl - the IDL (JSON as Anchor writes it, e.g. a JSON import)
 * @returns a table for {@link createEventDecoder} or `createWorker({ decoder })`
 * @throws a RaffleError (`RAFFLE_ERROR__INVALID_ARGUMENT`) when an event's type is missing,
 *   recursive or uses an unsupported type
 * @example
 * ```ts
 * import { RWA_RAFFLE_EVENTS } from '@raffle/client';
 * import { rwaRaffleIdl } from '@raffle/program';
 * // The raffle program, typed like the generated table and decoded faster:
 * const raffleEvents = createEventDecoderTableFromIdl<EventMapOf<typeof RWA_RAFFLE_EVENTS>>(rwaRaffleIdl);
 * // Any Anchor program:
 * const table = createEventDecoderTableFromIdl(JSON.parse(await readFile('target/idl/my_program.json', 'utf8')));
 * const worker = createWorker({ rpc, rpcSubscriptions, store, programAddress, decoder: table });
 * ```
 */
export function createEventDecoderTableFromIdl<TEvents extends Record<string, unknown> = Record<string, any>>(
    idl: AnchorEventIdl | { readonly events?: readonly { readonly name: string; readonly discriminator: readonly number[] }[]; readonly types?: readonly object[] },
): { readonly [K in keyof TEvents & string]: EventDefinition<TEvents[K]> } {
    const types = new Map(((idl.types ?? []) as readonly IdlTypeDef[]).map(t => [t.name, t]));
    const building = new Set<string>();

    function fields(list: readonly (IdlField | IdlType)[] | undefined, where: string): { keys: string[]; items: Compiled[] } {
        const items = list ?? [];
        if (!Array.isArray(items)) throw workerConfigInvalid('idl', `the fields of ${where} are not an array`);
        if (items.length > 0 && isNamedFields(items)) {
            return { keys: items.map(f => camel(f.name)), items: items.map(f => compile(f.type, `${where}.${f.name}`)) };
        }
        // Tuple fields: an object with numeric keys.
        return { keys: items.map((_t, i) => String(i)), items: (items as readonly IdlType[]).map((t, i) => compile(t, `${where}.${i}`)) };
    }

    function defined(name: string, where: string): Compiled {
        const def = types.get(name);
        if (!def || typeof def.type !== 'object' || def.type === null) throw workerConfigInvalid('idl', `type "${name}" used by ${where} is not defined in idl.types`);
        if (building.has(name)) throw workerConfigInvalid('idl', `type "${name}" is recursive; recursive types are not supported`);
        building.add(name);
        try {
            if (def.type.kind === 'struct') {
                const f = fields(def.type.fields, name);
                return struct(f.keys, f.items);
            }
            if (def.type.kind !== 'enum' || !Array.isArray(def.type.variants)) {
                throw workerConfigInvalid('idl', `type "${name}" has an unsupported kind "${String((def.type as { kind?: unknown }).kind)}"`);
            }
            const variants = def.type.variants;
            if (variants.length > 256) throw workerConfigInvalid('idl', `enum "${name}" has more than 256 variants`);
            if (variants.every(v => !v.fields || v.fields.length === 0)) return unitEnum(variants.length);
            return dataEnum(variants.map(v => ({ name: v.name, fields: v.fields && v.fields.length > 0 ? fields(v.fields, `${name}::${v.name}`) : null })));
        } finally {
            building.delete(name);
        }
    }

    function compile(type: IdlType, where: string): Compiled {
        if (typeof type === 'string') {
            const primitive = type === 'pubkey' || type === 'publicKey' ? PUBKEY : type === 'string' ? STRING : type === 'bytes' ? BYTES : Object.hasOwn(NUMBERS, type) ? NUMBERS[type] : undefined;
            if (!primitive) throw workerConfigInvalid('idl', `unsupported type "${type}" at ${where}`);
            return primitive;
        }
        if (typeof type !== 'object' || type === null) throw workerConfigInvalid('idl', `unsupported type at ${where}`);
        if ('vec' in type) return vec(compile(type.vec, where));
        if ('option' in type) return option(compile(type.option, where));
        if ('array' in type) {
            const [item, size] = type.array;
            if (!Number.isSafeInteger(size) || size < 0) throw workerConfigInvalid('idl', `array size ${String(size)} at ${where} is not a size`);
            if (item === 'u8') return fixedBytes(size);
            return fixedArray(compile(item, where), size);
        }
        if ('defined' in type) return defined(typeof type.defined === 'string' ? type.defined : type.defined.name, where);
        throw workerConfigInvalid('idl', `unsupported type at ${where}`);
    }

    const table: Record<string, EventDefinition<unknown>> = {};
    for (const event of idl.events ?? []) {
        const discriminator = new Uint8Array(event.discriminator);
        if (discriminator.length === 0) throw workerConfigInvalid('idl', `event ${event.name} has no discriminator`);
        const decoder = eventDecoder(discriminator, defined(event.name, `event ${event.name}`));
        table[event.name] = { name: event.name, discriminator, getDecoder: () => decoder };
    }
    return table as { readonly [K in keyof TEvents & string]: EventDefinition<TEvents[K]> };
}
