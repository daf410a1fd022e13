/**
 * Input validation shared by the builders: every check names the bad field.
 *
 * @internal
 * @packageDocumentation
 */
import { type Address, type ReadonlyUint8Array, type TransactionSigner, isAddress, isTransactionSigner } from '@solana/kit';

import { inputInvalid } from '../errors/client-errors';

export const U32_MAX = 0xffff_ffff;
export const U64_MAX = 0xffff_ffff_ffff_ffffn;
export const I64_MAX = 0x7fff_ffff_ffff_ffffn;
export const I64_MIN = -0x8000_0000_0000_0000n;
/** The compute unit limit of one transaction. */
export const MAX_COMPUTE_UNIT_LIMIT = 1_400_000;

/**
 * @param value - anything
 * @returns a short, log-safe description (never the content of byte arrays)
 */
export function describeValue(value: unknown): string {
    switch (typeof value) {
        case 'bigint':
            return `${value}n`;
        case 'number':
            return `the number ${String(value)}`;
        case 'string': {
            const shown = value.length > 48 ? `${value.slice(0, 48)}…` : value;
            return `the string ${JSON.stringify(shown)}`;
        }
        case 'boolean':
            return `the boolean ${String(value)}`;
        case 'undefined':
            return 'undefined';
        case 'object':
            if (value === null) return 'null';
            if (value instanceof Uint8Array) return `a Uint8Array of ${value.length} bytes`;
            if (Array.isArray(value)) return `an array of ${value.length} items`;
            return 'an object';
        default:
            return `a ${typeof value}`;
    }
}

/** Throws unless `value` is a plain object (does not narrow, so typed inputs keep their type). */
export function assertObject(name: string, value: unknown): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw inputInvalid(name, `must be an object, got ${describeValue(value)}`);
    }
}

export function assertAddress(name: string, value: unknown): asserts value is Address {
    if (typeof value !== 'string' || !isAddress(value)) {
        throw inputInvalid(name, `must be a base58 address, got ${describeValue(value)}`);
    }
}

export function assertOptionalAddress(name: string, value: unknown): asserts value is Address | undefined {
    if (value !== undefined) assertAddress(name, value);
}

export function assertSigner(name: string, value: unknown): asserts value is TransactionSigner {
    if (typeof value !== 'object' || value === null || !isTransactionSigner(value as { address: Address })) {
        throw inputInvalid(name, `must be a TransactionSigner (e.g. a KeyPairSigner or a wallet signer), got ${describeValue(value)}`);
    }
    assertAddress(`${name}.address`, (value as { address: unknown }).address);
}

export function assertInteger(name: string, value: unknown, min: number, max: number): asserts value is number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        throw inputInvalid(name, `must be an integer from ${min} to ${max}, got ${describeValue(value)}`);
    }
}

/**
 * @returns the value as a bigint
 */
export function toBigIntInRange(name: string, value: unknown, min: bigint, max: bigint): bigint {
    let big: bigint | undefined;
    if (typeof value === 'bigint') big = value;
    else if (typeof value === 'number' && Number.isSafeInteger(value)) big = BigInt(value);
    if (big === undefined || big < min || big > max) {
        throw inputInvalid(name, `must be a whole number (bigint) from ${min} to ${max}, got ${describeValue(value)}`);
    }
    return big;
}

export function assertBytes(name: string, value: unknown, length: number): asserts value is ReadonlyUint8Array {
    if (!(value instanceof Uint8Array) || value.length !== length) {
        throw inputInvalid(name, `must be a Uint8Array of ${length} bytes, got ${describeValue(value)}`);
    }
}

export function assertBoolean(name: string, value: unknown): asserts value is boolean {
    if (typeof value !== 'boolean') throw inputInvalid(name, `must be a boolean, got ${describeValue(value)}`);
}

/** Options every builder takes. */
export interface ComputeBudgetInput {
    readonly computeUnitLimit?: number;
    readonly computeUnitPrice?: bigint | number;
}

export function assertComputeBudget(input: ComputeBudgetInput): void {
    if (input.computeUnitLimit !== undefined) assertInteger('computeUnitLimit', input.computeUnitLimit, 1, MAX_COMPUTE_UNIT_LIMIT);
    if (input.computeUnitPrice !== undefined) toBigIntInRange('computeUnitPrice', input.computeUnitPrice, 0n, U64_MAX);
}
