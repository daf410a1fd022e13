/**
 * A typed view of the parts of an Anchor 0.30+ IDL that our generators read, and Borsh
 * layout arithmetic over it (sizes and field offsets of fixed-size types).
 */
import { RAFFLE_ERROR__TOOLING__IDL_UNSUPPORTED, RaffleError } from '@raffle/errors';

/** A type expression in an Anchor IDL. */
export type IdlType =
    | 'bool'
    | 'u8'
    | 'i8'
    | 'u16'
    | 'i16'
    | 'u32'
    | 'i32'
    | 'u64'
    | 'i64'
    | 'u128'
    | 'i128'
    | 'pubkey'
    | 'bytes'
    | 'string'
    | { array: [IdlType, number] }
    | { option: IdlType }
    | { vec: IdlType }
    | { defined: { name: string } };

/** A named field of a struct, an instruction argument or an event. */
export interface IdlField {
    name: string;
    docs?: string[];
    type: IdlType;
}

/** A type definition in the IDL's `types` section. */
export interface IdlTypeDef {
    name: string;
    docs?: string[];
    type: { kind: 'struct'; fields: IdlField[] } | { kind: 'enum'; variants: { name: string }[] };
}

/** One account of an instruction. */
export interface IdlInstructionAccount {
    name: string;
    docs?: string[];
    writable?: boolean;
    signer?: boolean;
    optional?: boolean;
    address?: string;
    pda?: unknown;
}

/** One instruction. */
export interface IdlInstruction {
    name: string;
    docs?: string[];
    discriminator: number[];
    accounts: IdlInstructionAccount[];
    args: IdlField[];
}

/** The whole IDL, as far as the generators read it. */
export interface Idl {
    address: string;
    metadata: { name: string; version: string; spec: string; description?: string };
    instructions: IdlInstruction[];
    accounts: { name: string; discriminator: number[] }[];
    events: { name: string; discriminator: number[] }[];
    errors: { code: number; name: string; msg: string }[];
    types: IdlTypeDef[];
    constants: { name: string; type: IdlType; value: string }[];
}

const PRIMITIVE_SIZES: Record<string, number> = {
    bool: 1,
    u8: 1,
    i8: 1,
    u16: 2,
    i16: 2,
    u32: 4,
    i32: 4,
    u64: 8,
    i64: 8,
    u128: 16,
    i128: 16,
    pubkey: 32,
};

function unsupported(path: string, reason: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__TOOLING__IDL_UNSUPPORTED, { path, reason });
}

/** Finds a type definition by name. */
export function findTypeDef(idl: Idl, name: string): IdlTypeDef {
    const def = idl.types.find(t => t.name === name);
    if (!def) throw unsupported(name, 'no type definition with this name');
    return def;
}

/**
 * The Borsh size of a fixed-size type, or `null` when its size varies (options, vectors,
 * strings, structs containing them).
 */
export function fixedSize(idl: Idl, type: IdlType, path = 'type'): number | null {
    if (typeof type === 'string') {
        const size = PRIMITIVE_SIZES[type];
        return size ?? null;
    }
    if ('array' in type) {
        const item = fixedSize(idl, type.array[0], `${path}[]`);
        return item === null ? null : item * type.array[1];
    }
    if ('option' in type || 'vec' in type) return null;
    const def = findTypeDef(idl, type.defined.name);
    if (def.type.kind === 'enum') {
        if (def.type.variants.some(v => Object.keys(v).length > 1)) {
            throw unsupported(path, `enum ${def.name} has variants with fields`);
        }
        return 1;
    }
    let total = 0;
    for (const field of def.type.fields) {
        const size = fixedSize(idl, field.type, `${path}.${field.name}`);
        if (size === null) return null;
        total += size;
    }
    return total;
}

/** Offset and size of one field in a fixed layout. */
export interface FieldLayout {
    name: string;
    offset: number;
    size: number;
    type: IdlType;
}

/**
 * Lays out fields one after the other (Borsh has no padding), starting at `start`.
 * Throws when a field has a variable size.
 */
export function layoutFields(idl: Idl, fields: IdlField[], start: number, path: string): FieldLayout[] {
    let offset = start;
    return fields.map(field => {
        const size = fixedSize(idl, field.type, `${path}.${field.name}`);
        if (size === null) throw unsupported(`${path}.${field.name}`, 'variable-size field in a fixed layout');
        const layout = { name: field.name, offset, size, type: field.type };
        offset += size;
        return layout;
    });
}

/** The fields of a struct type definition. */
export function structFields(idl: Idl, name: string): IdlField[] {
    const def = findTypeDef(idl, name);
    if (def.type.kind !== 'struct') throw unsupported(name, 'expected a struct');
    return def.type.fields;
}

/**
 * The instruction's arguments with a single struct argument flattened into its fields
 * (how the program and Codama both see them).
 */
export function flattenArgs(idl: Idl, ix: IdlInstruction): IdlField[] {
    return ix.args.flatMap(arg => {
        const t = arg.type;
        if (typeof t === 'object' && 'defined' in t) {
            const def = findTypeDef(idl, t.defined.name);
            if (def.type.kind === 'struct') return def.type.fields;
        }
        return [arg];
    });
}
