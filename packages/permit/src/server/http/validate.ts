/**
 * Validation of untrusted JSON request bodies and query strings. Every failure is a 400
 * `INVALID_REQUEST` naming the field.
 *
 * @internal
 * @packageDocumentation
 */
import { isRaffleError, RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID } from '@raffle/errors';
import type { Address } from '@solana/kit';

import { writeAddressBytes } from '../../internal/base58';
import { describeValue } from '../../internal/describe';
import { PERMIT_MAX_TICKETS } from '../../message';
import type { OrganizerPermitRequest } from '../policy';
import { HttpError } from './respond';

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const I64_MAX = 0x7fff_ffff_ffff_ffffn;
const DECIMAL = /^(?:0|[1-9][0-9]{0,19})$/;

/**
 * @param field - the field
 * @param reason - what is wrong
 * @returns a 400 error
 */
export function invalid(field: string, reason: string): HttpError {
    return new HttpError(400, 'INVALID_REQUEST', `\`${field}\` ${reason}`, { field });
}

/**
 * Runs an organizer check that throws `RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID` and turns that
 * into a 400 naming the field.
 *
 * @param fn - the check
 * @returns its result
 */
export function asBadRequest<T>(fn: () => T): T {
    try {
        return fn();
    } catch (e) {
        if (isRaffleError(e, RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID)) throw invalid(e.context.field, e.context.reason);
        throw e;
    }
}

/**
 * @param body - the object
 * @param allowed - the accepted keys
 * @param serverOwned - keys the server sets (a clearer message)
 */
export function onlyKeys(body: Record<string, unknown>, allowed: readonly string[], serverOwned: readonly string[] = []): void {
    for (const key of Object.keys(body)) {
        if (allowed.includes(key)) continue;
        const shown = key.length > 40 ? `${key.slice(0, 40)}…` : key;
        if (serverOwned.includes(key)) throw invalid(shown, 'is set by the server, not by the request');
        throw invalid(shown, 'is not an accepted property');
    }
}

function own(body: Record<string, unknown>, key: string): unknown {
    return Object.prototype.hasOwnProperty.call(body, key) ? body[key] : undefined;
}

/**
 * @param body - the object
 * @param key - the field
 * @returns the address
 */
export function addressField(body: Record<string, unknown>, key: string): Address {
    const value = own(body, key);
    if (typeof value !== 'string' || !isFastAddress(value)) throw invalid(key, `must be a base58 address, got ${describeValue(value)}`);
    return value as Address;
}

const scratch = new Uint8Array(32);

/**
 * Same answer as kit's `isAddress`, without its BigInt base58 decoding (on the hot path).
 *
 * @param value - a string
 * @returns true for a base58 string of exactly 32 bytes
 */
export function isFastAddress(value: string): boolean {
    return writeAddressBytes(value, scratch, 0);
}

/**
 * An integer given as a decimal string or a safe JSON number.
 *
 * @param value - the value
 * @param field - for errors
 * @param min - smallest allowed
 * @param max - largest allowed
 * @returns the bigint
 */
export function bigintValue(value: unknown, field: string, min: bigint, max: bigint): bigint {
    let n: bigint;
    if (typeof value === 'string' && DECIMAL.test(value)) n = BigInt(value);
    else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
    else throw invalid(field, `must be an integer (a decimal string or a number), got ${describeValue(value)}`);
    if (n < min || n > max) throw invalid(field, `must be between ${min} and ${max}`);
    return n;
}

/**
 * Checks a `POST /permits` body.
 *
 * @param body - the parsed JSON object
 * @returns the request
 */
export function parsePermitRequestBody(body: Record<string, unknown>): OrganizerPermitRequest {
    onlyKeys(
        body,
        ['prizeMint', 'prizeAmount', 'paymentMint', 'ticketPrice', 'maxTickets', 'deadline', 'refundMode'],
        ['organizer', 'raffleId', 'tier', 'enterpriseId', 'programId', 'config', 'expiresAt', 'signer'],
    );
    const maxTickets = own(body, 'maxTickets');
    if (typeof maxTickets !== 'number' || !Number.isInteger(maxTickets) || maxTickets < 1 || maxTickets > PERMIT_MAX_TICKETS) {
        throw invalid('maxTickets', `must be an integer from 1 to ${PERMIT_MAX_TICKETS}, got ${describeValue(maxTickets)}`);
    }
    const refundMode = own(body, 'refundMode');
    if (refundMode !== 'tokens' && refundMode !== 'vouchers') {
        throw invalid('refundMode', `must be "tokens" or "vouchers", got ${describeValue(refundMode)}`);
    }
    return {
        prizeMint: addressField(body, 'prizeMint'),
        prizeAmount: bigintValue(own(body, 'prizeAmount'), 'prizeAmount', 1n, U64_MAX),
        paymentMint: addressField(body, 'paymentMint'),
        ticketPrice: bigintValue(own(body, 'ticketPrice'), 'ticketPrice', 1n, U64_MAX),
        maxTickets,
        deadline: bigintValue(own(body, 'deadline'), 'deadline', 0n, I64_MAX),
        refundMode,
    };
}

/**
 * @param request - a checked permit request
 * @returns a canonical text of it (idempotency fingerprint)
 */
export function canonicalPermitRequest(request: OrganizerPermitRequest): string {
    return [
        request.prizeMint,
        request.prizeAmount,
        request.paymentMint,
        request.ticketPrice,
        request.maxTickets,
        request.deadline,
        request.refundMode,
    ].join('|');
}

/**
 * @param params - the query string
 * @param allowed - accepted parameter names
 */
export function onlyParams(params: URLSearchParams, allowed: readonly string[]): void {
    for (const key of params.keys()) {
        if (!allowed.includes(key)) throw invalid(key.length > 40 ? `${key.slice(0, 40)}…` : key, 'is not an accepted query parameter');
    }
}

/**
 * @param params - the query string
 * @returns `limit`, default 100, 1..1000
 */
export function limitParam(params: URLSearchParams): number {
    const value = params.get('limit');
    if (value === null) return 100;
    if (!/^[0-9]{1,4}$/.test(value) || Number(value) < 1 || Number(value) > 1000) throw invalid('limit', 'must be an integer from 1 to 1000');
    return Number(value);
}

/**
 * @param params - the query string
 * @param name - the parameter
 * @returns a decimal cursor, or undefined
 */
export function cursorParam(params: URLSearchParams, name: string): string | undefined {
    const value = params.get(name);
    if (value === null) return undefined;
    if (!/^[1-9][0-9]{0,17}$/.test(value)) throw invalid(name, 'must be a cursor from a previous page');
    return value;
}

/**
 * @param params - the query string
 * @param name - the parameter
 * @returns an address, or undefined
 */
export function addressParam(params: URLSearchParams, name: string): Address | undefined {
    const value = params.get(name);
    if (value === null) return undefined;
    if (!isFastAddress(value)) throw invalid(name, 'must be a base58 address');
    return value as Address;
}
