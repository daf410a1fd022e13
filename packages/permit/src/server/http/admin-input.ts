/**
 * Parsing the bodies and path segments of the admin organizer routes. Organizer checks are
 * those of the registry; their failures become 400 `INVALID_REQUEST` naming the body field.
 *
 * @internal
 * @packageDocumentation
 */
import type { Address } from '@solana/kit';

import { writeAddressBytes } from '../../internal/base58';
import { MAX_NEXT_RAFFLE_ID, type NewOrganizer, type OrganizerPatch, checkNewOrganizer, checkOrganizerPatch } from '../organizer';
import { HttpError } from './respond';
import { addressField, asBadRequest, bigintValue, invalid, onlyKeys } from './validate';

function stripPrefix<T>(fn: () => T, prefix: string): T {
    try {
        return asBadRequest(fn);
    } catch (e) {
        if (e instanceof HttpError && e.code === 'INVALID_REQUEST' && typeof e.details?.field === 'string' && e.details.field.startsWith(prefix)) {
            const field = e.details.field.slice(prefix.length);
            throw invalid(field, e.message.slice(e.message.indexOf('` ') + 2));
        }
        throw e;
    }
}

/**
 * @param segment - a path segment
 * @returns the segment as an address
 * @throws 400 `INVALID_REQUEST` when it is not a base58 address
 */
export function addressFromPath(segment: string): Address {
    const publicKey = new Uint8Array(32);
    if (segment.length > 44 || !writeAddressBytes(segment, publicKey, 0)) throw invalid('address', 'must be a base58 address');
    return segment as Address;
}

/**
 * @param body - the body of `POST /admin/organizers`
 * @returns the checked new organizer
 * @throws 400 `INVALID_REQUEST` naming the first invalid field
 */
export function parseNewOrganizer(body: Record<string, unknown>): NewOrganizer {
    onlyKeys(body, ['address', 'enterpriseId', 'tier', 'allowedCollections', 'active', 'nextRaffleId']);
    const input: NewOrganizer = {
        address: addressField(body, 'address'),
        enterpriseId: body.enterpriseId as string,
        tier: body.tier as NewOrganizer['tier'],
        ...(body.allowedCollections !== undefined && { allowedCollections: body.allowedCollections as Address[] }),
        ...(body.active !== undefined && { active: body.active as boolean }),
        ...(body.nextRaffleId !== undefined && { nextRaffleId: bigintValue(body.nextRaffleId, 'nextRaffleId', 0n, MAX_NEXT_RAFFLE_ID) }),
    };
    return stripPrefix(() => checkNewOrganizer(input), 'organizer.');
}

/**
 * @param body - the body of `PATCH /admin/organizers/:address`
 * @returns the checked patch (at least one field)
 * @throws 400 `INVALID_REQUEST` naming the first invalid field
 */
export function parsePatch(body: Record<string, unknown>): OrganizerPatch {
    onlyKeys(body, ['enterpriseId', 'tier', 'allowedCollections', 'active', 'nextRaffleId'], ['address']);
    if (Object.keys(body).length === 0) throw invalid('(body)', 'must change at least one field');
    const patch: OrganizerPatch = {
        ...(body.enterpriseId !== undefined && { enterpriseId: body.enterpriseId as string }),
        ...(body.tier !== undefined && { tier: body.tier as OrganizerPatch['tier'] }),
        ...(body.allowedCollections !== undefined && { allowedCollections: body.allowedCollections as Address[] }),
        ...(body.active !== undefined && { active: body.active as boolean }),
        ...(body.nextRaffleId !== undefined && { nextRaffleId: bigintValue(body.nextRaffleId, 'nextRaffleId', 0n, MAX_NEXT_RAFFLE_ID) }),
    };
    for (const key of ['enterpriseId', 'tier', 'allowedCollections', 'active'] as const) {
        if (Object.prototype.hasOwnProperty.call(body, key) && body[key] === null) throw invalid(key, 'must not be null');
    }
    return stripPrefix(() => checkOrganizerPatch(patch), 'patch.');
}
