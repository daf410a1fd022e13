/**
 * The issuing policy: what each tier may ask for. Everything here is checked before a raffle
 * id is allocated; every refusal has a {@link PermitRefusalReason}.
 *
 * @packageDocumentation
 */
import { type Address, isAddress } from '@solana/kit';

import { describeValue } from '../internal/describe';
import { PERMIT_MAX_TICKETS, type PermitRefundMode } from '../message';
import { type PermitRefusalReason, policyInvalid } from './errors';
import { MAX_NEXT_RAFFLE_ID, ORGANIZER_TIERS, type Organizer, type OrganizerTier } from './organizer';
import type { PrizeCollection } from './metaplex';

/**
 * The limits of one tier.
 *
 * @example
 * ```ts
 * const pro: TierPolicy = { ...DEFAULT_TIER_POLICIES.pro, maxTickets: 20_000 };
 * ```
 */
export interface TierPolicy {
    /** Most unexpired permits an organizer may hold at once (`null`: unlimited). */
    readonly maxActivePermits: number | null;
    /**
     * Most open raffles an organizer may have on-chain (`null`: unlimited). Enforced only when
     * the handler is given an `openRaffles` counter.
     */
    readonly maxOpenRaffles: number | null;
    /** Largest `maxTickets`, at most {@link PERMIT_MAX_TICKETS}. */
    readonly maxTickets: number;
    /** Largest `prizeAmount` (`null`: any u64). */
    readonly maxPrizeAmount: bigint | null;
    /** Payment mints buyers may pay in, or `'any'`. */
    readonly allowedPaymentMints: readonly Address[] | 'any';
    /** Refund modes the tier may choose. */
    readonly allowedRefundModes: readonly PermitRefundMode[];
    /** Lifetime of an issued permit, seconds. */
    readonly permitTtlSeconds: number;
    /** Nearest allowed deadline, seconds from now; at least `permitTtlSeconds`. */
    readonly minDeadlineSeconds: number;
    /** Furthest allowed deadline, seconds from now. */
    readonly maxDeadlineSeconds: number;
}

/**
 * The policy of every tier.
 *
 * @example
 * ```ts
 * const policy: PermitPolicy = createPermitPolicy({ tiers: { free: { maxTickets: 100 } } });
 * ```
 */
export interface PermitPolicy {
    /** Limits per tier. */
    readonly tiers: { readonly [T in OrganizerTier]: TierPolicy };
    /**
     * Require the prize to belong to one of the organizer's verified collections (default
     * true). Turn it off only for development clusters without Metaplex metadata.
     */
    readonly requirePrizeCollection: boolean;
}

const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * The default tier limits. Payment mints default to `'any'`: set your own list (USDC, MOGA)
 * in production.
 *
 * | tier | active permits | open raffles | max tickets | deadline | permit TTL |
 * |---|---|---|---|---|---|
 * | free | 3 | 1 | 1,000 | 1 h - 14 d | 5 min |
 * | pro | 20 | 10 | 100,000 | 1 h - 60 d | 5 min |
 * | enterprise | 200 | 100 | 1,000,000 | 10 min - 180 d | 10 min |
 *
 * @example
 * ```ts
 * DEFAULT_TIER_POLICIES.free.maxTickets; // 1000
 * ```
 */
export const DEFAULT_TIER_POLICIES: { readonly [T in OrganizerTier]: TierPolicy } = Object.freeze({
    free: Object.freeze({
        maxActivePermits: 3,
        maxOpenRaffles: 1,
        maxTickets: 1_000,
        maxPrizeAmount: null,
        allowedPaymentMints: 'any',
        allowedRefundModes: Object.freeze(['tokens', 'vouchers'] as const),
        permitTtlSeconds: 300,
        minDeadlineSeconds: HOUR,
        maxDeadlineSeconds: 14 * DAY,
    }),
    pro: Object.freeze({
        maxActivePermits: 20,
        maxOpenRaffles: 10,
        maxTickets: 100_000,
        maxPrizeAmount: null,
        allowedPaymentMints: 'any',
        allowedRefundModes: Object.freeze(['tokens', 'vouchers'] as const),
        permitTtlSeconds: 300,
        minDeadlineSeconds: HOUR,
        maxDeadlineSeconds: 60 * DAY,
    }),
    enterprise: Object.freeze({
        maxActivePermits: 200,
        maxOpenRaffles: 100,
        maxTickets: PERMIT_MAX_TICKETS,
        maxPrizeAmount: null,
        allowedPaymentMints: 'any',
        allowedRefundModes: Object.freeze(['tokens', 'vouchers'] as const),
        permitTtlSeconds: 600,
        minDeadlineSeconds: 600,
        maxDeadlineSeconds: 180 * DAY,
    }),
});

/**
 * Overrides of {@link createPermitPolicy}: per tier, and for every tier at once (`all`,
 * applied first).
 *
 * @example
 * ```ts
 * const input: PermitPolicyInput = { all: { allowedPaymentMints: [usdc] }, tiers: { free: { maxTickets: 200 } } };
 * ```
 */
export interface PermitPolicyInput {
    /** Applied to every tier, before `tiers`. */
    readonly all?: Partial<TierPolicy>;
    /** Per-tier overrides. */
    readonly tiers?: { readonly [T in OrganizerTier]?: Partial<TierPolicy> };
    /** See {@link PermitPolicy.requirePrizeCollection}; default true. */
    readonly requirePrizeCollection?: boolean;
}

function positiveInteger(value: unknown, name: string, nullable: boolean): void {
    if (nullable && value === null) return;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        throw policyInvalid(name, `must be a non-negative integer${nullable ? ' or null' : ''}, got ${describeValue(value)}`);
    }
}

function checkTierPolicy(tier: OrganizerTier, p: TierPolicy): TierPolicy {
    const n = `policy.tiers.${tier}`;
    positiveInteger(p.maxActivePermits, `${n}.maxActivePermits`, true);
    positiveInteger(p.maxOpenRaffles, `${n}.maxOpenRaffles`, true);
    positiveInteger(p.maxTickets, `${n}.maxTickets`, false);
    if (p.maxTickets < 1 || p.maxTickets > PERMIT_MAX_TICKETS) throw policyInvalid(`${n}.maxTickets`, `must be 1..${PERMIT_MAX_TICKETS}`);
    if (p.maxPrizeAmount !== null && (typeof p.maxPrizeAmount !== 'bigint' || p.maxPrizeAmount < 1n)) {
        throw policyInvalid(`${n}.maxPrizeAmount`, `must be a positive bigint or null, got ${describeValue(p.maxPrizeAmount)}`);
    }
    if (p.allowedPaymentMints !== 'any') {
        if (!Array.isArray(p.allowedPaymentMints) || p.allowedPaymentMints.some(m => typeof m !== 'string' || !isAddress(m))) {
            throw policyInvalid(`${n}.allowedPaymentMints`, "must be 'any' or an array of base58 addresses");
        }
    }
    if (!Array.isArray(p.allowedRefundModes) || p.allowedRefundModes.some(m => m !== 'tokens' && m !== 'vouchers')) {
        throw policyInvalid(`${n}.allowedRefundModes`, "must be an array of 'tokens' and 'vouchers'");
    }
    positiveInteger(p.permitTtlSeconds, `${n}.permitTtlSeconds`, false);
    positiveInteger(p.minDeadlineSeconds, `${n}.minDeadlineSeconds`, false);
    positiveInteger(p.maxDeadlineSeconds, `${n}.maxDeadlineSeconds`, false);
    if (p.permitTtlSeconds < 1) throw policyInvalid(`${n}.permitTtlSeconds`, 'must be at least 1');
    if (p.minDeadlineSeconds < p.permitTtlSeconds) {
        // A deadline inside the permit's lifetime could pass before the raffle is created.
        throw policyInvalid(`${n}.minDeadlineSeconds`, `must be at least permitTtlSeconds (${p.permitTtlSeconds})`);
    }
    if (p.maxDeadlineSeconds < p.minDeadlineSeconds) throw policyInvalid(`${n}.maxDeadlineSeconds`, 'must be at least minDeadlineSeconds');
    return Object.freeze({
        ...p,
        allowedPaymentMints: p.allowedPaymentMints === 'any' ? 'any' : Object.freeze([...p.allowedPaymentMints]),
        allowedRefundModes: Object.freeze([...p.allowedRefundModes]),
    });
}

/**
 * Builds a checked {@link PermitPolicy} from {@link DEFAULT_TIER_POLICIES} and overrides.
 *
 * @param input - overrides
 * @returns the frozen policy
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__POLICY_INVALID` naming the bad limit
 * @example
 * ```ts
 * const policy = createPermitPolicy({
 *     all: { allowedPaymentMints: [USDC_MINT, MOGA_MINT] },
 *     tiers: { free: { maxTickets: 500, maxActivePermits: 1 } },
 * });
 * ```
 */
export function createPermitPolicy(input: PermitPolicyInput = {}): PermitPolicy {
    const tiers = {} as { [T in OrganizerTier]: TierPolicy };
    for (const tier of ORGANIZER_TIERS) {
        tiers[tier] = checkTierPolicy(tier, { ...DEFAULT_TIER_POLICIES[tier], ...input.all, ...input.tiers?.[tier] });
    }
    if (input.requirePrizeCollection !== undefined && typeof input.requirePrizeCollection !== 'boolean') {
        throw policyInvalid('policy.requirePrizeCollection', 'must be a boolean');
    }
    return Object.freeze({ tiers: Object.freeze(tiers), requirePrizeCollection: input.requirePrizeCollection ?? true });
}

/**
 * What an organizer asks for: the permit fields it chooses. The server adds the program,
 * config, organizer, raffle id, tier, enterprise id and expiry.
 *
 * @example
 * ```ts
 * const request: OrganizerPermitRequest = {
 *     prizeMint, prizeAmount: 1n, paymentMint: usdc, ticketPrice: 5_000_000n,
 *     maxTickets: 500, deadline: BigInt(Math.floor(Date.now() / 1000) + 7 * 86_400), refundMode: 'vouchers',
 * };
 * ```
 */
export interface OrganizerPermitRequest {
    /** The prize NFT (or token) mint. */
    readonly prizeMint: Address;
    /** Prize amount in base units (1 for an NFT). */
    readonly prizeAmount: bigint;
    /** The mint buyers pay in. */
    readonly paymentMint: Address;
    /** Price of one ticket in base units of the payment mint. */
    readonly ticketPrice: bigint;
    /** Number of tickets. */
    readonly maxTickets: number;
    /** Unix seconds after which an unsold raffle is refunded. */
    readonly deadline: bigint;
    /** How buyers are refunded if the raffle fails. */
    readonly refundMode: PermitRefundMode;
}

/**
 * A policy decision: `undefined` when allowed, otherwise the reason and a message for the
 * organizer.
 *
 * @example
 * ```ts
 * const refusal: PolicyRefusal | undefined = checkRequestAgainstTier(organizer, request, policy, now);
 * ```
 */
export interface PolicyRefusal {
    /** The typed reason. */
    readonly reason: PermitRefusalReason;
    /** What to change, for humans. */
    readonly message: string;
    /** Machine-readable limits involved. */
    readonly details: { readonly [key: string]: string | number | boolean | null };
}

/**
 * Checks a request against the organizer's state and tier limits (everything that needs no
 * I/O): active, raffle ids left, tickets, prize amount, payment mint, refund mode, deadline
 * range.
 *
 * @param organizer - the organizer, or `undefined` when unknown
 * @param request - the checked request
 * @param policy - the policy
 * @param nowSeconds - unix seconds
 * @returns the first refusal, or `undefined`
 * @example
 * ```ts
 * const refusal = checkRequestAgainstTier(organizer, request, policy, Math.floor(Date.now() / 1000));
 * if (refusal) console.log(refusal.reason);
 * ```
 */
export function checkRequestAgainstTier(
    organizer: Organizer | undefined,
    request: OrganizerPermitRequest,
    policy: PermitPolicy,
    nowSeconds: number,
): PolicyRefusal | undefined {
    if (organizer === undefined) return { reason: 'ORGANIZER_UNKNOWN', message: 'this wallet is not a registered organizer', details: {} };
    if (!organizer.active) return { reason: 'ORGANIZER_INACTIVE', message: 'this organizer is deactivated; contact the operator', details: {} };
    if (organizer.nextRaffleId > MAX_NEXT_RAFFLE_ID) return raffleIdExhausted(organizer.nextRaffleId);
    const tier = policy.tiers[organizer.tier];
    if (request.maxTickets > tier.maxTickets) {
        return {
            reason: 'TICKETS_ABOVE_TIER_LIMIT',
            message: `the ${organizer.tier} tier allows at most ${tier.maxTickets} tickets`,
            details: { maxTickets: tier.maxTickets, tier: organizer.tier },
        };
    }
    if (tier.maxPrizeAmount !== null && request.prizeAmount > tier.maxPrizeAmount) {
        return {
            reason: 'PRIZE_AMOUNT_ABOVE_TIER_LIMIT',
            message: `the ${organizer.tier} tier allows a prize amount of at most ${tier.maxPrizeAmount}`,
            details: { maxPrizeAmount: tier.maxPrizeAmount.toString(), tier: organizer.tier },
        };
    }
    if (tier.allowedPaymentMints !== 'any' && !tier.allowedPaymentMints.includes(request.paymentMint)) {
        return {
            reason: 'PAYMENT_MINT_NOT_ALLOWED',
            message: `payment mint ${request.paymentMint} is not allowed; use one of ${tier.allowedPaymentMints.join(', ')}`,
            details: { tier: organizer.tier },
        };
    }
    if (!tier.allowedRefundModes.includes(request.refundMode)) {
        return {
            reason: 'REFUND_MODE_NOT_ALLOWED',
            message: `the ${organizer.tier} tier allows refund modes ${tier.allowedRefundModes.join(', ')}`,
            details: { tier: organizer.tier },
        };
    }
    const earliest = BigInt(nowSeconds + tier.minDeadlineSeconds);
    const latest = BigInt(nowSeconds + tier.maxDeadlineSeconds);
    if (request.deadline < earliest) {
        return {
            reason: 'DEADLINE_TOO_SOON',
            message: `the deadline must be at least ${tier.minDeadlineSeconds} s from now (unix ${earliest} or later)`,
            details: { earliest: earliest.toString(), minDeadlineSeconds: tier.minDeadlineSeconds },
        };
    }
    if (request.deadline > latest) {
        return {
            reason: 'DEADLINE_TOO_FAR',
            message: `the deadline must be at most ${tier.maxDeadlineSeconds} s from now (unix ${latest} or earlier)`,
            details: { latest: latest.toString(), maxDeadlineSeconds: tier.maxDeadlineSeconds },
        };
    }
    return undefined;
}

/**
 * The refusal of an organizer whose raffle id counter is used up (raffle ids are u64).
 *
 * @internal
 * @param nextRaffleId - the counter
 * @returns the `RAFFLE_ID_EXHAUSTED` refusal
 * @example
 * ```ts
 * if (!reserved.ok && reserved.reason === 'RAFFLE_ID_EXHAUSTED') return raffleIdExhausted(organizer.nextRaffleId);
 * ```
 */
export function raffleIdExhausted(nextRaffleId: bigint): PolicyRefusal {
    return {
        reason: 'RAFFLE_ID_EXHAUSTED',
        message: 'this organizer has used every raffle id (u64); no permit can be issued to this wallet',
        details: { nextRaffleId: nextRaffleId.toString() },
    };
}

/**
 * Checks a prize's collection against the organizer's allowed collections.
 *
 * @param found - what the chain says about the prize mint
 * @param organizer - the organizer
 * @returns the refusal, or `undefined` when the prize is in a verified, allowed collection
 * @example
 * ```ts
 * const refusal = checkPrizeCollection(await resolve(request.prizeMint), organizer);
 * ```
 */
export function checkPrizeCollection(found: PrizeCollection, organizer: Organizer): PolicyRefusal | undefined {
    switch (found.status) {
        case 'metadata-missing':
            return { reason: 'PRIZE_METADATA_MISSING', message: 'the prize mint has no Metaplex metadata account', details: {} };
        case 'no-collection':
            return { reason: 'PRIZE_COLLECTION_MISSING', message: "the prize's metadata names no collection", details: {} };
        case 'unverified':
            return {
                reason: 'PRIZE_COLLECTION_UNVERIFIED',
                message: `the prize's collection ${found.collection} is not verified; verify it with the collection authority`,
                details: { collection: found.collection },
            };
        case 'verified':
            if (organizer.allowedCollections.includes(found.collection)) return undefined;
            return {
                reason: 'PRIZE_COLLECTION_NOT_ALLOWED',
                message: `collection ${found.collection} is not one of this organizer's allowed collections`,
                details: { collection: found.collection },
            };
    }
}
