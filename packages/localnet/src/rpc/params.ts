/**
 * Parameter parsing for JSON-RPC methods. Every value comes from a hostile body: anything that
 * does not fit is a `-32602` error, never an exception of another kind.
 */
import { type Address, getBase58Encoder } from '@solana/kit';

import type { Commitment } from '../svm/ledger';
import { invalidParam, invalidParams } from './errors';

const BASE58 = /^[1-9A-HJ-NP-Za-km-z]+$/;

/** The positional parameters of one call. */
export class Params {
    private readonly list: readonly unknown[];

    /**
     * @param method - the method name (for messages)
     * @param raw - the `params` member of the request
     */
    constructor(
        readonly method: string,
        raw: unknown,
    ) {
        if (raw === undefined || raw === null) this.list = [];
        else if (Array.isArray(raw)) this.list = raw;
        else throw invalidParams('Invalid params: invalid type: map, expected a sequence.');
    }

    /** Number of positional parameters given. */
    get length(): number {
        return this.list.length;
    }

    /**
     * A required parameter.
     *
     * @param index - position
     * @param expected - how many the method takes (for the message)
     * @returns the raw value
     */
    required(index: number, expected: number): unknown {
        if (index >= this.list.length || this.list[index] === undefined) {
            throw invalidParams(`Invalid params: invalid length ${this.list.length}, expected ${expected === 1 ? 'a tuple of size 1' : `at least ${index + 1}`}.`);
        }
        return this.list[index];
    }

    /**
     * An optional parameter.
     *
     * @param index - position
     * @returns the raw value, or undefined
     */
    optional(index: number): unknown {
        const value = this.list[index];
        return value === null ? undefined : value;
    }

    /**
     * An optional config object.
     *
     * @param index - position
     * @returns the object (empty when absent)
     */
    config(index: number): Record<string, unknown> {
        const value = this.optional(index);
        if (value === undefined) return {};
        if (typeof value !== 'object' || Array.isArray(value)) throw invalidParams(`Invalid params: invalid type: ${describe(value)}, expected a config object.`);
        return value as Record<string, unknown>;
    }

    /** Rejects extra positional parameters. */
    atMost(count: number): void {
        if (this.list.length > count) throw invalidParams(`Invalid params: invalid length ${this.list.length}, expected at most ${count}.`);
    }
}

function describe(value: unknown): string {
    if (Array.isArray(value)) return 'sequence';
    if (value === null) return 'null';
    return typeof value === 'object' ? 'map' : `${typeof value} \`${String(value).slice(0, 40)}\``;
}

/**
 * Decodes base58 text as Agave's `Pubkey`/`Signature` parsers do: text longer than the longest
 * encoding is `WrongSize`, a character outside the alphabet is `Invalid`, a decoded length other
 * than `size` is `WrongSize`.
 *
 * @param value - the text
 * @param size - the byte length expected (32 or 64)
 * @param maxLength - the longest base58 text of that many bytes (44 or 88)
 * @returns the text, when it decodes to exactly `size` bytes
 */
function parseBase58Bytes(value: unknown, size: number, maxLength: number): string {
    if (typeof value !== 'string') throw invalidParams(`Invalid params: invalid type: ${describe(value)}, expected a string.`);
    if (value.length > maxLength) throw invalidParam('WrongSize');
    if (!BASE58.test(value) && value.length > 0) throw invalidParam('Invalid');
    const decoded = value.length === 0 ? 0 : getBase58Encoder().encode(value).length;
    if (decoded !== size) throw invalidParam('WrongSize');
    return value;
}

/**
 * A base58 account address (`Invalid param: Invalid` or `Invalid param: WrongSize`, as a node).
 *
 * @param value - the raw value
 * @returns the address
 */
export function parseAddress(value: unknown): Address {
    return parseBase58Bytes(value, 32, 44) as Address;
}

/**
 * A base58 transaction signature (64 bytes).
 *
 * @param value - the raw value
 * @returns the signature text
 */
export function parseSignature(value: unknown): string {
    return parseBase58Bytes(value, 64, 88);
}

/**
 * A non-negative integer that fits the given bound.
 *
 * @param value - the raw value
 * @param name - the field (for messages)
 * @param max - inclusive upper bound
 * @returns the value as bigint
 */
export function parseU64(value: unknown, name: string, max: bigint = 18_446_744_073_709_551_615n): bigint {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        throw invalidParams(`Invalid params: invalid type for \`${name}\`: ${describe(value)}, expected u64.`);
    }
    const big = BigInt(value);
    if (big > max) throw invalidParams(`Invalid params: \`${name}\` is too large (max ${max}).`);
    return big;
}

/**
 * A string from a fixed set.
 *
 * @param value - the raw value
 * @param name - the field
 * @param allowed - accepted values
 * @returns the value
 */
export function parseEnum<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
        throw invalidParams(`Invalid params: unknown variant \`${String(value).slice(0, 40)}\` for \`${name}\`, expected one of ${allowed.map((a) => `\`${a}\``).join(', ')}.`);
    }
    return value as T;
}

/**
 * A boolean field of a config.
 *
 * @param value - the raw value
 * @param name - the field
 * @param fallback - when absent
 * @returns the boolean
 */
export function parseBool(value: unknown, name: string, fallback: boolean): boolean {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') throw invalidParams(`Invalid params: invalid type for \`${name}\`: ${describe(value)}, expected a boolean.`);
    return value;
}

/**
 * The `commitment` of a config (with the deprecated aliases the RPC still accepts).
 *
 * @param config - the config object
 * @param fallback - default level (`finalized` for most methods)
 * @returns the level
 */
export function parseCommitment(config: Record<string, unknown>, fallback: Commitment = 'finalized'): Commitment {
    const value = config['commitment'];
    if (value === undefined || value === null) return fallback;
    const aliases: Record<string, Commitment> = {
        processed: 'processed',
        confirmed: 'confirmed',
        finalized: 'finalized',
        recent: 'processed',
        single: 'confirmed',
        singleGossip: 'confirmed',
        root: 'finalized',
        max: 'finalized',
    };
    if (typeof value !== 'string' || !(value in aliases)) {
        throw invalidParams(`Invalid params: unknown variant \`${String(value).slice(0, 40)}\`, expected one of \`processed\`, \`confirmed\`, \`finalized\`.`);
    }
    return aliases[value]!;
}

/**
 * The optional `minContextSlot` of a config.
 *
 * @param config - the config object
 * @returns the slot, or undefined
 */
export function parseMinContextSlot(config: Record<string, unknown>): bigint | undefined {
    const value = config['minContextSlot'];
    return value === undefined || value === null ? undefined : parseU64(value, 'minContextSlot');
}
