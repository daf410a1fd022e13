/**
 * The spend guard's option parsing and the validation of the requests it judges.
 *
 * @packageDocumentation
 */
import { workerConfigInvalid } from '../../core/errors';
import type { SpendLimit, SpendRequest } from './types';

/**
 * The largest u64: the bound of every lamport amount.
 *
 * @internal
 */
export const U64_MAX = 2n ** 64n - 1n;

/**
 * One window's parsed limits (null: none; a null field: not checked).
 *
 * @internal
 */
export type Limits = { lamports: bigint | null; tickets: number | null } | null;

/**
 * A lamport amount option (number or bigint) from 0 to `max`, or `fallback` when left out.
 *
 * @internal
 */
export function lamportsOption(name: string, value: unknown, fallback: bigint, max: bigint): bigint {
    if (value === undefined) return fallback;
    const n = typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : null;
    if (n === null || n < 0n || n > max) throw workerConfigInvalid(name, `must be an integer (number or bigint) from 0 to ${max}`);
    return n;
}

/**
 * Throws for a key of `value` not in `keys` (named `${name}${key}`).
 *
 * @internal
 */
export function onlyKeys(name: string, value: object, keys: readonly string[]): void {
    const unknown = Object.keys(value).find(k => !keys.includes(k));
    if (unknown !== undefined) throw workerConfigInvalid(`${name}${unknown}`, `unknown option (expected ${keys.join(', ')})`);
}

/**
 * Parses one window's `{ lamports?, tickets? }` (null when left out).
 *
 * @internal
 */
export function limitOption(name: string, value: unknown): Limits {
    if (value === undefined) return null;
    if (typeof value !== 'object' || value === null) throw workerConfigInvalid(name, 'pass { lamports?, tickets? }');
    onlyKeys(`${name}.`, value, ['lamports', 'tickets']);
    const v = value as SpendLimit;
    const lamports = v.lamports === undefined ? null : lamportsOption(`${name}.lamports`, v.lamports, 0n, U64_MAX);
    if (v.tickets !== undefined && (!Number.isInteger(v.tickets) || v.tickets < 0 || v.tickets > 1e9)) throw workerConfigInvalid(`${name}.tickets`, 'must be an integer from 0 to 1000000000');
    if (lamports === null && v.tickets === undefined) throw workerConfigInvalid(name, 'set lamports and/or tickets, or leave it out');
    return { lamports, tickets: v.tickets ?? null };
}

/**
 * Validates a {@link SpendRequest} (bounded strings, chunks within their claims) and counts its tickets.
 *
 * @internal
 */
export function checkRequest(request: SpendRequest): Required<SpendRequest> & { tickets: number } {
    const text = (name: string, v: unknown, max: number) => {
        if (typeof v !== 'string' || v.length === 0 || v.length > max) throw workerConfigInvalid(name, `must be a string of 1 to ${max} characters`);
    };
    if (typeof request !== 'object' || request === null) throw workerConfigInvalid('request', 'pass { key, action, raffle, lamports }');
    text('request.key', request.key, 512);
    text('request.action', request.action, 100);
    if (request.raffle !== null) text('request.raffle', request.raffle, 64);
    if (typeof request.lamports !== 'bigint' || request.lamports < 0n || request.lamports > U64_MAX) throw workerConfigInvalid('request.lamports', 'must be a bigint from 0 to 2^64-1');
    const issuance = request.issuance ?? [];
    if (!Array.isArray(issuance) || issuance.length > 64) throw workerConfigInvalid('request.issuance', 'must be an array of at most 64 chunks');
    const int = (v: unknown, min: number, max: number) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
    let tickets = 0;
    for (const c of issuance) {
        text('request.issuance.key', c?.key, 512);
        const { claim, chunk } = c;
        if (!int(claim?.tickets, 1, 1e9) || !int(claim.firstTicket, 0, 2 ** 32) || (claim.ticketsSold !== undefined && !int(claim.ticketsSold, 0, 2 ** 32))) {
            throw workerConfigInvalid('request.issuance.claim', 'tickets, firstTicket and ticketsSold must be integers');
        }
        if (!int(chunk?.from, 0, claim.tickets - 1) || !int(chunk.to, chunk.from + 1, claim.tickets)) throw workerConfigInvalid('request.issuance.chunk', 'must be within the claim');
        tickets += chunk.to - chunk.from;
    }
    const pendingTickets = request.pendingTickets ?? tickets;
    if (!int(pendingTickets, 0, 1e12)) throw workerConfigInvalid('request.pendingTickets', 'must be a non-negative integer');
    return { key: request.key, action: request.action, raffle: request.raffle, lamports: request.lamports, issuance, pendingTickets, tickets };
}

