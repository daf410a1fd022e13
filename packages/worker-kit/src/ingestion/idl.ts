/**
 * Event decoders from an Anchor IDL (spec 0.1.0, Anchor >= 0.30): the generic path for programs
 * without generated codecs. Field names are camelCased, as Codama-generated codecs name them, so
 * a table built from the IDL decodes to the same shape as the generated one.
 *
 * @packageDocumentation
 */
import {
    addDecoderSizePrefix,
    type Decoder,
    fixDecoderSize,
    getAddressDecoder,
    getArrayDecoder,
    getBooleanDecoder,
    getBytesDecoder,
    getConstantDecoder,
    getDiscriminatedUnionDecoder,
    getF32Decoder,
    getF64Decoder,
    getHiddenPrefixDecoder,
    getI128Decoder,
    getI16Decoder,
    getI32Decoder,
    getI64Decoder,
    getI8Decoder,
    getOptionDecoder,
    getStructDecoder,
    getU128Decoder,
    getU16Decoder,
    getU32Decoder,
    getU64Decoder,
    getU8Decoder,
    getUnitDecoder,
    getUtf8Decoder,
} from '@solana/kit';

import { workerConfigInvalid } from '../runtime/errors';
import type { EventDecoderTable, EventDefinition } from './decoder';

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
 * const idl: AnchorEventIdl = rwaRaffleIdl;
 * ```
 */
export interface AnchorEventIdl {
    readonly events?: readonly { readonly name: string; readonly discriminator: readonly number[] }[];
    readonly types?: readonly IdlTypeDef[];
}

function camel(name: string): string {
    return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * Builds an {@link EventDecoderTable} from an Anchor IDL: every event, decoded with kit codecs
 * built from the IDL's type definitions.
 *
 * @param idl - the IDL (JSON as Anchor writes it)
 * @returns a table for {@link createEventDecoder} or `createWorker({ decoder })`
 * @throws a RaffleError when an event's type is missing or uses an unsupported type
 * @example
 * ```ts
 * const table = createEventDecoderTableFromIdl(JSON.parse(await readFile('target/idl/my_program.json', 'utf8')));
 * const worker = createWorker({ rpc, rpcSubscriptions, store, programAddress, decoder: table });
 * ```
 */
export function createEventDecoderTableFromIdl(idl: AnchorEventIdl): EventDecoderTable {
    const types = new Map((idl.types ?? []).map(t => [t.name, t]));
    const building = new Set<string>();

    function fieldsDecoder(fields: readonly (IdlField | IdlType)[] | undefined, where: string): Decoder<unknown> {
        const list = fields ?? [];
        if (list.length > 0 && typeof list[0] === 'object' && list[0] !== null && 'name' in list[0] && 'type' in list[0]) {
            return getStructDecoder((list as IdlField[]).map(f => [camel(f.name), typeDecoder(f.type, `${where}.${f.name}`)] as const)) as Decoder<unknown>;
        }
        // Tuple fields: an object with numeric keys.
        return getStructDecoder((list as IdlType[]).map((t, i) => [String(i), typeDecoder(t, `${where}.${i}`)] as const)) as Decoder<unknown>;
    }

    function definedDecoder(name: string, where: string): Decoder<unknown> {
        const def = types.get(name);
        if (!def) throw workerConfigInvalid('idl', `type "${name}" used by ${where} is not defined in idl.types`);
        if (building.has(name)) throw workerConfigInvalid('idl', `type "${name}" is recursive; recursive types are not supported`);
        building.add(name);
        try {
            if (def.type.kind === 'struct') return fieldsDecoder(def.type.fields, name);
            const variants = def.type.variants;
            if (variants.every(v => !v.fields || v.fields.length === 0)) return getU8Decoder() as Decoder<unknown>;
            return getDiscriminatedUnionDecoder(
                variants.map(v => [v.name, v.fields && v.fields.length > 0 ? fieldsDecoder(v.fields, `${name}::${v.name}`) : getUnitDecoder()] as const) as never,
            ) as Decoder<unknown>;
        } finally {
            building.delete(name);
        }
    }

    function typeDecoder(type: IdlType, where: string): Decoder<unknown> {
        if (typeof type === 'string') {
            switch (type) {
                case 'bool':
                    return getBooleanDecoder() as Decoder<unknown>;
                case 'u8':
                    return getU8Decoder() as Decoder<unknown>;
                case 'i8':
                    return getI8Decoder() as Decoder<unknown>;
                case 'u16':
                    return getU16Decoder() as Decoder<unknown>;
                case 'i16':
                    return getI16Decoder() as Decoder<unknown>;
                case 'u32':
                    return getU32Decoder() as Decoder<unknown>;
                case 'i32':
                    return getI32Decoder() as Decoder<unknown>;
                case 'u64':
                    return getU64Decoder() as Decoder<unknown>;
                case 'i64':
                    return getI64Decoder() as Decoder<unknown>;
                case 'u128':
                    return getU128Decoder() as Decoder<unknown>;
                case 'i128':
                    return getI128Decoder() as Decoder<unknown>;
                case 'f32':
                    return getF32Decoder() as Decoder<unknown>;
                case 'f64':
                    return getF64Decoder() as Decoder<unknown>;
                case 'pubkey':
                case 'publicKey':
                    return getAddressDecoder() as Decoder<unknown>;
                case 'string':
                    return addDecoderSizePrefix(getUtf8Decoder(), getU32Decoder()) as Decoder<unknown>;
                case 'bytes':
                    return addDecoderSizePrefix(getBytesDecoder(), getU32Decoder()) as Decoder<unknown>;
                default:
                    throw workerConfigInvalid('idl', `unsupported type "${type}" at ${where}`);
            }
        }
        if ('vec' in type) return getArrayDecoder(typeDecoder(type.vec, where)) as Decoder<unknown>;
        if ('option' in type) return getOptionDecoder(typeDecoder(type.option, where)) as Decoder<unknown>;
        if ('array' in type) {
            const [item, size] = type.array;
            if (item === 'u8') return fixDecoderSize(getBytesDecoder(), size) as Decoder<unknown>;
            return getArrayDecoder(typeDecoder(item, where), { size }) as Decoder<unknown>;
        }
        if ('defined' in type) return definedDecoder(typeof type.defined === 'string' ? type.defined : type.defined.name, where);
        throw workerConfigInvalid('idl', `unsupported type at ${where}`);
    }

    const table: Record<string, EventDefinition<unknown>> = {};
    for (const event of idl.events ?? []) {
        const discriminator = new Uint8Array(event.discriminator);
        if (discriminator.length === 0) throw workerConfigInvalid('idl', `event ${event.name} has no discriminator`);
        const body = definedDecoder(event.name, `event ${event.name}`);
        const decoder = getHiddenPrefixDecoder(body, [getConstantDecoder(discriminator)]) as Decoder<unknown>;
        table[event.name] = { name: event.name, discriminator, getDecoder: () => decoder };
    }
    return table;
}
