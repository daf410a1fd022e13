/**
 * Organizers: the wallets a backend allows to create raffles, with their tier and the prize
 * collections they may use.
 *
 * @packageDocumentation
 */
import { type Address, isAddress } from '@solana/kit';

import { describeValue } from '../internal/describe';
import { organizerInvalid } from './errors';

/**
 * An organizer's subscription level. Its number (free 0, pro 1, enterprise 2) is the `tier`
 * byte of the permit; its name selects the {@link TierPolicy}.
 *
 * @example
 * ```ts
 * const tier: OrganizerTier = 'pro';
 * ```
 */
export type OrganizerTier = 'free' | 'pro' | 'enterprise';

/**
 * The tiers, in the order of their permit byte.
 *
 * @example
 * ```ts
 * ORGANIZER_TIERS.indexOf('enterprise'); // 2
 * ```
 */
export const ORGANIZER_TIERS: readonly OrganizerTier[] = Object.freeze(['free', 'pro', 'enterprise'] as const);

/**
 * The permit `tier` byte of a tier.
 *
 * @param tier - the tier name
 * @returns 0 (free), 1 (pro) or 2 (enterprise)
 * @example
 * ```ts
 * getOrganizerTierNumber('pro'); // 1
 * ```
 */
export function getOrganizerTierNumber(tier: OrganizerTier): number {
    const n = ORGANIZER_TIERS.indexOf(tier);
    if (n < 0) throw organizerInvalid('tier', `must be one of ${ORGANIZER_TIERS.join(', ')}, got ${describeValue(tier)}`);
    return n;
}

/**
 * An organizer as the store keeps it. Times are unix milliseconds.
 *
 * @example
 * ```ts
 * const organizer: Organizer = (await store.getOrganizer(wallet))!;
 * if (!organizer.active) return;
 * ```
 */
export interface Organizer {
    /** The organizer's wallet: it signs in and signs the raffle-creating transaction. */
    readonly address: Address;
    /** The business partner id: 16 bytes as 32 lowercase hex characters (the permit's `enterprise_id`). */
    readonly enterpriseId: string;
    /** Subscription level. */
    readonly tier: OrganizerTier;
    /** Verified Metaplex collections the organizer's prizes may belong to. */
    readonly allowedCollections: readonly Address[];
    /** Inactive organizers get no permit. */
    readonly active: boolean;
    /** The raffle id the organizer's next permit gets (u64; `2^64 - 1` means exhausted). */
    readonly nextRaffleId: bigint;
    /** Unix milliseconds. */
    readonly createdAt: number;
    /** Unix milliseconds. */
    readonly updatedAt: number;
}

/**
 * What creating an organizer takes.
 *
 * @example
 * ```ts
 * const input: NewOrganizer = {
 *     address: wallet, enterpriseId: '7f1c0d2e-52a1-4c3b-9a55-0e0b8c7d6f10', tier: 'pro',
 *     allowedCollections: [collectionMint],
 * };
 * ```
 */
export interface NewOrganizer {
    /** The organizer's wallet. */
    readonly address: Address;
    /** 16 bytes: 32 hex characters, or a UUID (dashes are dropped). */
    readonly enterpriseId: string;
    /** Subscription level. */
    readonly tier: OrganizerTier;
    /** Verified collections the organizer's prizes may belong to; default none. */
    readonly allowedCollections?: readonly Address[];
    /** Default true. */
    readonly active?: boolean;
    /**
     * The first raffle id to allocate, default 0, at most {@link MAX_NEXT_RAFFLE_ID}. Set it
     * above the ids the organizer already used on-chain when migrating from another backend.
     */
    readonly nextRaffleId?: bigint;
}

/**
 * A change to an organizer: every field optional. `nextRaffleId` can only move forward
 * (ids already handed out are never reused).
 *
 * @example
 * ```ts
 * await store.updateOrganizer(wallet, { active: false }, Date.now());
 * ```
 */
export interface OrganizerPatch {
    /** 32 hex characters or a UUID. */
    readonly enterpriseId?: string;
    /** New tier. */
    readonly tier?: OrganizerTier;
    /** Replaces the list. */
    readonly allowedCollections?: readonly Address[];
    /** Activate or deactivate. */
    readonly active?: boolean;
    /** Raises the next raffle id (at most {@link MAX_NEXT_RAFFLE_ID}); a lower value is ignored. */
    readonly nextRaffleId?: bigint;
}

/**
 * Largest collection list an organizer may have.
 *
 * @example
 * ```ts
 * const collections = requested.slice(0, MAX_ALLOWED_COLLECTIONS);
 * ```
 */
export const MAX_ALLOWED_COLLECTIONS = 256;
const U64_MAX = 0xffff_ffff_ffff_ffffn;

/**
 * The largest `nextRaffleId` an organizer may be given: `2^64 - 2`. Raffle ids are u64 and the
 * counter must stay one after allocating, so the last id handed out is `2^64 - 2`; a counter
 * at `2^64 - 1` is exhausted (permit requests are refused with `RAFFLE_ID_EXHAUSTED`).
 *
 * @example
 * ```ts
 * await store.updateOrganizer(wallet, { nextRaffleId: MAX_NEXT_RAFFLE_ID }, Date.now()); // one id left
 * ```
 */
export const MAX_NEXT_RAFFLE_ID = U64_MAX - 1n;
const HEX32 = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Normalizes an enterprise id: 32 hex characters (any case) or a UUID, to 32 lowercase hex
 * characters.
 *
 * @param value - the id
 * @returns 32 lowercase hex characters, or `undefined` when `value` is neither form
 * @example
 * ```ts
 * normalizeEnterpriseId('7F1C0D2E-52A1-4C3B-9A55-0E0B8C7D6F10'); // '7f1c0d2e52a14c3b9a550e0b8c7d6f10'
 * ```
 */
export function normalizeEnterpriseId(value: unknown): string | undefined {
    if (typeof value !== 'string' || value.length > 36) return undefined;
    const lower = value.toLowerCase();
    if (HEX32.test(lower)) return lower;
    if (UUID.test(lower)) return lower.replace(/-/g, '');
    return undefined;
}

/**
 * @internal
 * @param value - untrusted collection list
 * @param name - for errors
 * @returns a deduplicated copy
 */
export function checkCollections(value: unknown, name: string): Address[] {
    if (!Array.isArray(value)) throw organizerInvalid(name, `must be an array of addresses, got ${describeValue(value)}`);
    if (value.length > MAX_ALLOWED_COLLECTIONS) throw organizerInvalid(name, `holds more than ${MAX_ALLOWED_COLLECTIONS} collections`);
    const out: Address[] = [];
    for (const item of value as unknown[]) {
        if (typeof item !== 'string' || !isAddress(item)) {
            throw organizerInvalid(name, `must hold base58 addresses, got ${describeValue(item)}`);
        }
        if (!out.includes(item)) out.push(item);
    }
    return out;
}

function checkRaffleId(value: unknown, name: string): bigint {
    if (typeof value !== 'bigint' || value < 0n || value > MAX_NEXT_RAFFLE_ID) {
        throw organizerInvalid(
            name,
            `must be a bigint between 0 and ${MAX_NEXT_RAFFLE_ID} (raffle ids are u64 and the counter must stay one), got ${describeValue(value)}`,
        );
    }
    return value;
}

function checkTier(value: unknown, name: string): OrganizerTier {
    if (!ORGANIZER_TIERS.includes(value as OrganizerTier)) {
        throw organizerInvalid(name, `must be one of ${ORGANIZER_TIERS.join(', ')}, got ${describeValue(value)}`);
    }
    return value as OrganizerTier;
}

function checkEnterpriseId(value: unknown, name: string): string {
    const id = normalizeEnterpriseId(value);
    if (id === undefined) throw organizerInvalid(name, `must be 32 hex characters or a UUID, got ${describeValue(value)}`);
    return id;
}

/**
 * Checks and normalizes a {@link NewOrganizer} (what the store adapters receive).
 *
 * @param input - untrusted input
 * @returns the normalized organizer fields
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID` naming the bad field
 * @example
 * ```ts
 * const checked = checkNewOrganizer({ address, enterpriseId, tier: 'free' });
 * ```
 */
export function checkNewOrganizer(input: NewOrganizer): Required<NewOrganizer> {
    if (typeof input !== 'object' || input === null) throw organizerInvalid('organizer', `must be an object, got ${describeValue(input)}`);
    if (typeof input.address !== 'string' || !isAddress(input.address)) {
        throw organizerInvalid('organizer.address', `must be a base58 address, got ${describeValue(input.address)}`);
    }
    if (input.active !== undefined && typeof input.active !== 'boolean') {
        throw organizerInvalid('organizer.active', `must be a boolean, got ${describeValue(input.active)}`);
    }
    return {
        address: input.address,
        enterpriseId: checkEnterpriseId(input.enterpriseId, 'organizer.enterpriseId'),
        tier: checkTier(input.tier, 'organizer.tier'),
        allowedCollections: checkCollections(input.allowedCollections ?? [], 'organizer.allowedCollections'),
        active: input.active ?? true,
        nextRaffleId: checkRaffleId(input.nextRaffleId ?? 0n, 'organizer.nextRaffleId'),
    };
}

/**
 * Checks and normalizes an {@link OrganizerPatch}.
 *
 * @param patch - untrusted input
 * @returns the normalized patch (only the given fields)
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID` naming the bad field
 * @example
 * ```ts
 * const checked = checkOrganizerPatch({ tier: 'enterprise' });
 * ```
 */
export function checkOrganizerPatch(patch: OrganizerPatch): OrganizerPatch {
    if (typeof patch !== 'object' || patch === null) throw organizerInvalid('patch', `must be an object, got ${describeValue(patch)}`);
    const out: { -readonly [K in keyof OrganizerPatch]: OrganizerPatch[K] } = {};
    if (patch.enterpriseId !== undefined) out.enterpriseId = checkEnterpriseId(patch.enterpriseId, 'patch.enterpriseId');
    if (patch.tier !== undefined) out.tier = checkTier(patch.tier, 'patch.tier');
    if (patch.allowedCollections !== undefined) out.allowedCollections = checkCollections(patch.allowedCollections, 'patch.allowedCollections');
    if (patch.active !== undefined) {
        if (typeof patch.active !== 'boolean') throw organizerInvalid('patch.active', `must be a boolean, got ${describeValue(patch.active)}`);
        out.active = patch.active;
    }
    if (patch.nextRaffleId !== undefined) out.nextRaffleId = checkRaffleId(patch.nextRaffleId, 'patch.nextRaffleId');
    return out;
}
