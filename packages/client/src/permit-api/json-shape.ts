/**
 * Reading untrusted JSON answers field by field. A wrong shape throws {@link ShapeError}
 * naming the path, never the value (a value may be anything a hostile server sent); the
 * caller turns it into `RAFFLE_ERROR__CLIENT__PERMIT_API_RESPONSE_INVALID`. Unknown extra
 * fields are ignored, so a newer server can add some.
 *
 * @internal
 * @packageDocumentation
 */
import { type Address, isAddress } from '@solana/kit';

/** @internal A JSON value is not what the client expects at `path`. */
export class ShapeError extends Error {
    constructor(
        readonly path: string,
        readonly expected: string,
    ) {
        super(`\`${path}\` must be ${expected}`);
    }
}

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const DECIMAL = /^(?:0|[1-9][0-9]{0,19})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** @internal A JSON object being read, with the path of its fields for errors. */
export interface JsonObject {
    readonly value: Readonly<Record<string, unknown>>;
    readonly path: string;
}

/** @internal @returns the value as an object at `path` */
export function objectAt(value: unknown, path: string): JsonObject {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ShapeError(path, 'an object');
    return { value: value as Record<string, unknown>, path };
}

function at(o: JsonObject, key: string): [unknown, string] {
    const value = Object.prototype.hasOwnProperty.call(o.value, key) ? o.value[key] : undefined;
    return [value, o.path === '' ? key : `${o.path}.${key}`];
}

/** @internal @returns the nested object */
export function objectField(o: JsonObject, key: string): JsonObject {
    const [value, path] = at(o, key);
    return objectAt(value, path);
}

/** @internal @returns the string, at most `maxLength` characters */
export function stringField(o: JsonObject, key: string, maxLength = 1024): string {
    const [value, path] = at(o, key);
    if (typeof value !== 'string' || value.length > maxLength) throw new ShapeError(path, `a string of at most ${maxLength} characters`);
    return value;
}

/** @internal @returns the boolean */
export function booleanField(o: JsonObject, key: string): boolean {
    const [value, path] = at(o, key);
    if (typeof value !== 'boolean') throw new ShapeError(path, 'a boolean');
    return value;
}

/** @internal @returns the integer in `[min, max]` */
export function integerField(o: JsonObject, key: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const [value, path] = at(o, key);
    return integerValue(value, path, min, max);
}

/** @internal @returns the integer in `[min, max]`, or null */
export function nullableIntegerField(o: JsonObject, key: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | null {
    const [value, path] = at(o, key);
    return value === null ? null : integerValue(value, path, min, max);
}

function integerValue(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
        throw new ShapeError(path, `an integer from ${min} to ${max}`);
    }
    return value;
}

/** @internal @returns the u64 of a decimal string */
export function u64Field(o: JsonObject, key: string): bigint {
    const [value, path] = at(o, key);
    return u64Value(value, path);
}

/** @internal @returns the u64 of a decimal string, or null */
export function nullableU64Field(o: JsonObject, key: string): bigint | null {
    const [value, path] = at(o, key);
    return value === null ? null : u64Value(value, path);
}

function u64Value(value: unknown, path: string): bigint {
    if (typeof value !== 'string' || !DECIMAL.test(value) || BigInt(value) > U64_MAX) throw new ShapeError(path, 'a u64 as a decimal string');
    return BigInt(value);
}

/** @internal @returns the base58 address */
export function addressField(o: JsonObject, key: string): Address {
    const [value, path] = at(o, key);
    return addressValue(value, path);
}

/** @internal @returns the address, or null */
export function nullableAddressField(o: JsonObject, key: string): Address | null {
    const [value, path] = at(o, key);
    return value === null ? null : addressValue(value, path);
}

function addressValue(value: unknown, path: string): Address {
    if (typeof value !== 'string' || value.length > 44 || !isAddress(value)) throw new ShapeError(path, 'a base58 address');
    return value;
}

/** @internal @returns the addresses of an array of at most `maxItems` */
export function addressArrayField(o: JsonObject, key: string, maxItems = 1000): Address[] {
    const [value, path] = at(o, key);
    return arrayValue(value, path, maxItems).map((item, i) => addressValue(item, `${path}[${i}]`));
}

/** @internal @returns the array of at most `maxItems` */
export function arrayField(o: JsonObject, key: string, maxItems = 1000): unknown[] {
    const [value, path] = at(o, key);
    return arrayValue(value, path, maxItems);
}

function arrayValue(value: unknown, path: string, maxItems: number): unknown[] {
    if (!Array.isArray(value) || value.length > maxItems) throw new ShapeError(path, `an array of at most ${maxItems} items`);
    return value;
}

/** @internal @returns the date of an ISO 8601 string */
export function dateField(o: JsonObject, key: string): Date {
    const [value, path] = at(o, key);
    const ms = typeof value === 'string' && ISO_DATE.test(value) ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(ms)) throw new ShapeError(path, 'an ISO 8601 date');
    return new Date(ms);
}

/** @internal @returns the string if it is one of `allowed` */
export function oneOfField<T extends string>(o: JsonObject, key: string, allowed: readonly T[]): T {
    const [value, path] = at(o, key);
    if (typeof value !== 'string' || !allowed.includes(value as T)) throw new ShapeError(path, `one of ${allowed.join(', ')}`);
    return value as T;
}

/** @internal @returns the cursor string, or null */
export function nullableCursorField(o: JsonObject, key: string): string | null {
    const [value, path] = at(o, key);
    if (value === null) return null;
    if (typeof value !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(value)) throw new ShapeError(path, 'null or a cursor string');
    return value;
}
