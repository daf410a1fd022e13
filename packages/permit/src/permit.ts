/**
 * The permit as it travels: a JSON-safe object holding the signed message, the signature,
 * the signer and a readable copy of the fields.
 *
 * @packageDocumentation
 */
import { RAFFLE_ERROR__PERMIT__MALFORMED, RaffleError, isRaffleError } from '@raffle/errors';
import type { Address } from '@solana/kit';

import { writeAddressBytes } from './internal/base58';
import { describeValue } from './internal/describe';
import { fromBase64, toHex } from './internal/encoding';
import { PERMIT_MESSAGE_LENGTH, type PermitFields, type PermitRefundMode, decodePermitMessage } from './message';

/**
 * The version of the serialized {@link Permit} object (and of the message it carries).
 *
 * @example
 * ```ts
 * if (body.version !== PERMIT_VERSION) return new Response('upgrade the SDK', { status: 400 });
 * ```
 */
export const PERMIT_VERSION = 1;

/**
 * The permit fields in JSON-safe form: 64-bit integers as decimal strings, the enterprise id
 * as 32 lowercase hex characters, addresses as base58 strings. A convenience copy for
 * display and logs; the signed `message` is what counts.
 *
 * @example
 * ```ts
 * const json: PermitFieldsJson = permit.fields;
 * console.log(`raffle ${json.raffleId} for ${json.maxTickets} tickets`);
 * ```
 */
export interface PermitFieldsJson {
    /** The rwa_raffle program address. */
    readonly programId: Address;
    /** The program's Config PDA. */
    readonly config: Address;
    /** The organizer. */
    readonly organizer: Address;
    /** u64 as a decimal string. */
    readonly raffleId: string;
    /** u8. */
    readonly tier: number;
    /** 16 bytes as 32 lowercase hex characters. */
    readonly enterpriseId: string;
    /** Prize mint. */
    readonly prizeMint: Address;
    /** u64 as a decimal string. */
    readonly prizeAmount: string;
    /** Payment mint. */
    readonly paymentMint: Address;
    /** u64 as a decimal string. */
    readonly ticketPrice: string;
    /** u32. */
    readonly maxTickets: number;
    /** Unix seconds as a decimal string. */
    readonly deadline: string;
    /** `'tokens'` or `'vouchers'`. */
    readonly refundMode: PermitRefundMode;
    /** Unix seconds as a decimal string. */
    readonly expiresAt: string;
}

/**
 * A signed permit, JSON-safe: what `issuePermit` returns, what a backend sends to the
 * organizer's frontend, and what `verifyPermit` and `getEd25519VerifyInstruction` take.
 *
 * @example
 * ```ts
 * const permit: Permit = await (await fetch('/permits', { method: 'POST', body })).json();
 * ```
 */
export interface Permit {
    /** Always {@link PERMIT_VERSION} (1). */
    readonly version: 1;
    /** The 242-byte permit message, padded standard base64. */
    readonly message: string;
    /** The 64-byte ed25519 signature of `message`, padded standard base64. */
    readonly signature: string;
    /** The signer's public key. */
    readonly signer: Address;
    /** Unix seconds after which the permit is rejected, as a decimal string. */
    readonly expiresAt: string;
    /** A readable copy of the signed fields. */
    readonly fields: PermitFieldsJson;
}

/** A permit whose structure has been checked, with its binary parts decoded. */
export interface ParsedPermit {
    message: Uint8Array;
    signature: Uint8Array;
    signer: Address;
    publicKey: Uint8Array;
    expiresAt: string;
    fields: Readonly<Record<string, unknown>>;
}

const PERMIT_KEYS: readonly string[] = ['version', 'message', 'signature', 'signer', 'expiresAt', 'fields'];
/** The JSON type of each field, in wire order. */
const FIELD_TYPES: Readonly<Record<keyof PermitFieldsJson, 'string' | 'number'>> = {
    programId: 'string',
    config: 'string',
    organizer: 'string',
    raffleId: 'string',
    tier: 'number',
    enterpriseId: 'string',
    prizeMint: 'string',
    prizeAmount: 'string',
    paymentMint: 'string',
    ticketPrice: 'string',
    maxTickets: 'number',
    deadline: 'string',
    refundMode: 'string',
    expiresAt: 'string',
};
const FIELD_KEYS = Object.keys(FIELD_TYPES) as (keyof PermitFieldsJson)[];
const DECIMAL = /^(?:0|[1-9][0-9]{0,19})$/;

/**
 * @param fields - decoded or requested permit fields
 * @returns their JSON-safe form
 */
export function toPermitFieldsJson(fields: PermitFields): PermitFieldsJson {
    return {
        programId: fields.programId,
        config: fields.config,
        organizer: fields.organizer,
        raffleId: fields.raffleId.toString(),
        tier: fields.tier,
        enterpriseId: toHex(fields.enterpriseId),
        prizeMint: fields.prizeMint,
        prizeAmount: fields.prizeAmount.toString(),
        paymentMint: fields.paymentMint,
        ticketPrice: fields.ticketPrice.toString(),
        maxTickets: fields.maxTickets,
        deadline: fields.deadline.toString(),
        refundMode: fields.refundMode,
        expiresAt: fields.expiresAt.toString(),
    };
}

function malformed(field: string, reason: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__PERMIT__MALFORMED, { field, reason });
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(record: Record<string, unknown>, allowed: readonly string[], prefix: string): void {
    for (const key of Object.keys(record)) {
        if (!allowed.includes(key)) throw malformed(`${prefix}${key}`, 'is not a v1 permit property');
    }
    for (const key of allowed) {
        if (!Object.prototype.hasOwnProperty.call(record, key)) throw malformed(`${prefix}${key}`, 'is missing');
    }
}

function decodeBinary(record: Record<string, unknown>, key: string, length: number): Uint8Array {
    const value = record[key];
    if (typeof value !== 'string') throw malformed(key, `must be a base64 string, got ${describeValue(value)}`);
    const bytes = fromBase64(value);
    if (bytes === undefined) throw malformed(key, 'is not padded standard base64');
    if (bytes.length !== length) throw malformed(key, `must hold ${length} bytes, holds ${bytes.length}`);
    return bytes;
}

function parse(value: unknown): ParsedPermit {
    if (!isPlainRecord(value)) throw malformed('permit', `must be an object, got ${describeValue(value)}`);
    checkKeys(value, PERMIT_KEYS, '');
    if (value.version !== PERMIT_VERSION) {
        throw malformed('version', `must be ${PERMIT_VERSION}, got ${describeValue(value.version)}`);
    }
    const message = decodeBinary(value, 'message', PERMIT_MESSAGE_LENGTH);
    const signature = decodeBinary(value, 'signature', 64);
    const signer = value.signer;
    const publicKey = new Uint8Array(32);
    if (typeof signer !== 'string' || !writeAddressBytes(signer, publicKey, 0)) {
        throw malformed('signer', `must be a base58 address, got ${describeValue(signer)}`);
    }
    const expiresAt = value.expiresAt;
    if (typeof expiresAt !== 'string' || !DECIMAL.test(expiresAt)) {
        throw malformed('expiresAt', `must be a decimal string, got ${describeValue(expiresAt)}`);
    }
    const fields = value.fields;
    if (!isPlainRecord(fields)) throw malformed('fields', `must be an object, got ${describeValue(fields)}`);
    checkKeys(fields, FIELD_KEYS, 'fields.');
    for (const key of FIELD_KEYS) {
        if (typeof fields[key] !== FIELD_TYPES[key]) {
            throw malformed(`fields.${key}`, `must be a ${FIELD_TYPES[key]}, got ${describeValue(fields[key])}`);
        }
    }
    return { message, signature, signer: signer as Address, publicKey, expiresAt, fields };
}

/**
 * Checks the structure of an untrusted permit object and decodes its binary parts. Does not
 * verify the signature.
 *
 * @param value - anything, e.g. a parsed HTTP body
 * @returns the checked parts
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__MALFORMED` with `{ field, reason }`
 */
export function parsePermit(value: unknown): ParsedPermit {
    try {
        return parse(value);
    } catch (e) {
        if (isRaffleError(e)) throw e;
        // Getters or proxies that throw: the object is not plain data.
        throw malformed('permit', 'cannot be read as plain data');
    }
}

/**
 * Checks that the readable copies (`expiresAt`, `fields`) agree with the signed message.
 *
 * @param parsed - the parsed permit
 * @param decoded - the fields decoded from its message
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__MALFORMED` naming the first disagreeing field
 */
export function assertPermitCopiesMatch(parsed: ParsedPermit, decoded: PermitFields): void {
    const expected = toPermitFieldsJson(decoded);
    if (parsed.expiresAt !== expected.expiresAt) {
        throw malformed('expiresAt', `does not match the signed message (which says ${expected.expiresAt})`);
    }
    for (const key of FIELD_KEYS) {
        if (parsed.fields[key] !== expected[key]) {
            throw malformed(`fields.${key}`, `does not match the signed message (which says ${String(expected[key])})`);
        }
    }
}

/**
 * A permit decoded without verification: see {@link decodePermit}.
 *
 * @example
 * ```ts
 * const { fields, signer }: DecodedPermit = decodePermit(permit);
 * ```
 */
export interface DecodedPermit {
    /** The fields of the signed message. */
    readonly fields: PermitFields;
    /** The claimed signer. */
    readonly signer: Address;
    /** The 242-byte message. */
    readonly message: Uint8Array;
    /** The 64-byte signature, not checked. */
    readonly signature: Uint8Array;
}

/**
 * Decodes a permit object synchronously **without verifying its signature, signer or
 * expiry**: checks its structure, decodes the message and checks that the readable copies
 * agree with it. For transaction builders that need the fields (the instruction arguments
 * are rebuilt from them) and leave the signature to the chain; use `verifyPermit` to decide
 * whether to trust a permit.
 *
 * @param permit - a permit object, e.g. a parsed HTTP body
 * @returns the decoded parts
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__MALFORMED`, `..._MESSAGE_MAGIC_INVALID` or
 * `..._FIELD_INVALID`
 * @example
 * ```ts
 * const { fields } = decodePermit(permit);
 * const raffleArgs = { raffleId: fields.raffleId, tier: fields.tier, expiresAt: fields.expiresAt };
 * ```
 */
export function decodePermit(permit: Permit): DecodedPermit {
    return decodeParsedPermit(parsePermit(permit));
}

/**
 * Decodes the message of a parsed permit and checks its readable copies against it.
 *
 * @param parsed - a permit checked by {@link parsePermit}
 * @returns the decoded parts
 */
export function decodeParsedPermit(parsed: ParsedPermit): DecodedPermit {
    const fields = decodePermitMessage(parsed.message);
    assertPermitCopiesMatch(parsed, fields);
    return { fields, signer: parsed.signer, message: parsed.message, signature: parsed.signature };
}
