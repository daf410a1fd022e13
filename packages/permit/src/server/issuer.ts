/**
 * Issuing permits to organizers: the policy, raffle id allocation, signing and the audit log,
 * without HTTP. The handler of `createPermitHandler` is built on it; call it directly from
 * your own API or a job.
 *
 * @packageDocumentation
 */
import { type Address, getProgramDerivedAddress, isAddress } from '@solana/kit';

import { describeValue } from '../internal/describe';
import { issuePermit } from '../issue';
import { fromHex } from '../internal/encoding';
import type { Permit } from '../permit';
import type { PermitSigner } from '../signer';
import { serverOptionInvalid } from './errors';
import type { PrizeCollectionResolver } from './metaplex';
import { MAX_NEXT_RAFFLE_ID, getOrganizerTierNumber, type Organizer } from './organizer';
import {
    type OrganizerPermitRequest,
    type PermitPolicy,
    type PermitPolicyInput,
    type PolicyRefusal,
    checkPrizeCollection,
    checkRequestAgainstTier,
    createPermitPolicy,
    raffleIdExhausted,
} from './policy';
import { checkPermitSigners } from './signers';
import type { AuditJson, PermitServerStore } from './store/types';

/**
 * Options of {@link createPermitIssuer}.
 *
 * @example
 * ```ts
 * const options: PermitIssuerOptions = {
 *     store, signers: [signer], programId,
 *     prizeCollections: createPrizeCollectionResolver({ reader: createRpcAccountReader(rpc) }),
 * };
 * ```
 */
export interface PermitIssuerOptions {
    /** Where organizers, raffle ids, permits and the audit log live. */
    readonly store: PermitServerStore;
    /**
     * One or two signers: the first signs, the second is the other key of a rotation. Both
     * must be in the program's `config.permit_signers`.
     */
    readonly signers: readonly PermitSigner[];
    /** The rwa_raffle program. */
    readonly programId: Address;
    /** The program's Config PDA; derived from `programId` (`["config"]`) when omitted. */
    readonly config?: Address;
    /** Tier limits: a built policy or overrides of the defaults. */
    readonly policy?: PermitPolicy | PermitPolicyInput;
    /**
     * Resolves a prize mint's verified collection. Required unless
     * `policy.requirePrizeCollection` is false.
     */
    readonly prizeCollections?: PrizeCollectionResolver;
    /**
     * Counts an organizer's open raffles on-chain, to enforce `maxOpenRaffles`. Without it that
     * limit is not enforced (`maxActivePermits` always is).
     */
    readonly openRaffles?: (organizer: Address) => Promise<number>;
    /** The clock, unix ms (tests). */
    readonly now?: () => number;
    /** Receives the raw error of a failing signer (it may describe the key: log with care). */
    readonly onSignerError?: (error: unknown) => void;
}

/**
 * Outcome of {@link PermitIssuer.issue}.
 *
 * @example
 * ```ts
 * const result: IssueOrganizerPermitResult = await issuer.issue({ organizer, request });
 * if (!result.ok && 'refusal' in result) console.log(result.refusal.reason);
 * ```
 */
export type IssueOrganizerPermitResult =
    | { readonly ok: true; readonly raffleId: bigint; readonly permit: Permit }
    | { readonly ok: false; readonly refusal: PolicyRefusal }
    | { readonly ok: false; readonly unavailable: 'CHAIN_UNAVAILABLE'; readonly message: string };

/**
 * Issues permits to organizers.
 *
 * @example
 * ```ts
 * const result = await issuer.issue({ organizer: wallet, request });
 * if (result.ok) return Response.json(result.permit, { status: 201 });
 * ```
 */
export interface PermitIssuer {
    /** The policy in force. */
    readonly policy: PermitPolicy;
    /** The signers: `[signing, rotation partner?]`. */
    readonly signers: readonly [PermitSigner, ...PermitSigner[]];
    /** The program. */
    readonly programId: Address;
    /** @returns the program's Config PDA */
    getConfigAddress(): Promise<Address>;
    /**
     * Checks the organizer and the policy, allocates the next raffle id, signs and records the
     * permit, and appends `permit.issued` or `permit.refused` to the audit log.
     *
     * @param input - the organizer, its request, and who asks (audit actor; default the organizer)
     * @returns the permit, a refusal, or `CHAIN_UNAVAILABLE`
     * @throws `RaffleError` when the signer fails or the store is unreachable
     */
    issue(input: { organizer: Address; request: OrganizerPermitRequest; actor?: string }): Promise<IssueOrganizerPermitResult>;
}

function requestDetails(request: OrganizerPermitRequest): { [key: string]: AuditJson } {
    return {
        prizeMint: request.prizeMint,
        prizeAmount: request.prizeAmount.toString(),
        paymentMint: request.paymentMint,
        ticketPrice: request.ticketPrice.toString(),
        maxTickets: request.maxTickets,
        deadline: request.deadline.toString(),
        refundMode: request.refundMode,
    };
}

function isPolicy(value: PermitPolicy | PermitPolicyInput): value is PermitPolicy {
    return 'tiers' in value && value.tiers !== undefined && 'requirePrizeCollection' in value && Object.isFrozen(value);
}

/**
 * Creates a {@link PermitIssuer}.
 *
 * @param options - store, signers, program, policy and chain readers
 * @returns the issuer
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID` for bad options (a
 * collection requirement without `prizeCollections`, a bad store or address),
 * `RAFFLE_ERROR__PERMIT__SIGNER_SET_INVALID` for bad signers, `RAFFLE_ERROR__PERMIT__POLICY_INVALID`
 * for invalid limits
 * @example
 * ```ts
 * import { createPermitIssuer, createMemoryPermitStore } from '@raffle/permit/server';
 *
 * const issuer = createPermitIssuer({ store: createMemoryPermitStore(), signers: [signer], programId, policy: { requirePrizeCollection: false } });
 * const result = await issuer.issue({ organizer, request });
 * ```
 */
export function createPermitIssuer(options: PermitIssuerOptions): PermitIssuer {
    if (typeof options !== 'object' || options === null) throw serverOptionInvalid('options', 'must be an object');
    const { store } = options;
    if (typeof store !== 'object' || store === null || typeof store.reservePermit !== 'function') {
        throw serverOptionInvalid('store', 'must be a PermitServerStore (createMemoryPermitStore, createPglitePermitStore, createPostgresPermitStore)');
    }
    const signers = checkPermitSigners(options.signers);
    if (typeof options.programId !== 'string' || !isAddress(options.programId)) {
        throw serverOptionInvalid('programId', `must be a base58 address, got ${describeValue(options.programId)}`);
    }
    if (options.config !== undefined && (typeof options.config !== 'string' || !isAddress(options.config))) {
        throw serverOptionInvalid('config', `must be a base58 address, got ${describeValue(options.config)}`);
    }
    const policy = options.policy !== undefined && isPolicy(options.policy) ? options.policy : createPermitPolicy(options.policy);
    if (policy.requirePrizeCollection && typeof options.prizeCollections !== 'function') {
        throw serverOptionInvalid(
            'prizeCollections',
            'is required while policy.requirePrizeCollection is true: pass createPrizeCollectionResolver({ reader: createRpcAccountReader(rpc) }), or set requirePrizeCollection: false for development clusters',
        );
    }
    const programId = options.programId;
    const now = options.now ?? Date.now;
    let configAddress: Promise<Address> | undefined =
        options.config === undefined ? undefined : Promise.resolve(options.config);
    const getConfigAddress = (): Promise<Address> =>
        (configAddress ??= getProgramDerivedAddress({ programAddress: programId, seeds: ['config'] }).then(([pda]) => pda));

    const refuse = async (
        organizer: Address,
        actor: string,
        request: OrganizerPermitRequest,
        refusal: PolicyRefusal,
        at: number,
    ): Promise<IssueOrganizerPermitResult> => {
        await store.appendAudit({
            at,
            actor,
            action: 'permit.refused',
            organizer,
            reason: refusal.reason,
            details: { request: requestDetails(request), ...refusal.details },
        });
        return { ok: false, refusal };
    };

    return {
        policy,
        signers,
        programId,
        getConfigAddress,
        async issue({ organizer: address, request, actor = address }) {
            const startedAt = now();
            const organizer: Organizer | undefined = await store.getOrganizer(address);
            const nowSeconds = Math.floor(startedAt / 1000);
            const refusal = checkRequestAgainstTier(organizer, request, policy, nowSeconds);
            if (refusal !== undefined) return refuse(address, actor, request, refusal, startedAt);
            const known = organizer!;
            const tier = policy.tiers[known.tier];

            if (tier.maxOpenRaffles !== null && options.openRaffles !== undefined) {
                let open: number;
                try {
                    open = await options.openRaffles(address);
                } catch {
                    return { ok: false, unavailable: 'CHAIN_UNAVAILABLE', message: 'the open-raffle count could not be read from the chain; retry' };
                }
                if (open >= tier.maxOpenRaffles) {
                    return refuse(address, actor, request, {
                        reason: 'OPEN_RAFFLE_LIMIT',
                        message: `the ${known.tier} tier allows ${tier.maxOpenRaffles} open raffles; this organizer has ${open}`,
                        details: { maxOpenRaffles: tier.maxOpenRaffles, open },
                    }, startedAt);
                }
            }
            if (policy.requirePrizeCollection) {
                let found;
                try {
                    found = await options.prizeCollections!(request.prizeMint);
                } catch {
                    return { ok: false, unavailable: 'CHAIN_UNAVAILABLE', message: "the prize's metadata could not be read from the chain; retry" };
                }
                const collectionRefusal = checkPrizeCollection(found, known);
                if (collectionRefusal !== undefined) return refuse(address, actor, request, collectionRefusal, startedAt);
            }

            const expiresAtSeconds = nowSeconds + tier.permitTtlSeconds;
            const reserved = await store.reservePermit({
                organizer: address,
                now: startedAt,
                expiresAt: expiresAtSeconds * 1000,
                maxActive: tier.maxActivePermits,
            });
            if (!reserved.ok && reserved.reason === 'RAFFLE_ID_EXHAUSTED') {
                // The counter ran out between the check above and the reservation.
                return refuse(address, actor, request, raffleIdExhausted(MAX_NEXT_RAFFLE_ID + 1n), startedAt);
            }
            if (!reserved.ok) {
                const reason = reserved.reason;
                const message =
                    reason === 'ACTIVE_PERMIT_LIMIT'
                        ? `the ${known.tier} tier allows ${tier.maxActivePermits} unexpired permits at once; wait until one expires`
                        : reason === 'ORGANIZER_INACTIVE'
                          ? 'this organizer is deactivated; contact the operator'
                          : 'this wallet is not a registered organizer';
                return refuse(address, actor, request, {
                    reason,
                    message,
                    details: reason === 'ACTIVE_PERMIT_LIMIT' ? { maxActivePermits: tier.maxActivePermits, active: reserved.active } : {},
                }, startedAt);
            }
            const locked = reserved.organizer;
            let permit: Permit;
            try {
                permit = await issuePermit(
                    {
                        programId,
                        config: await getConfigAddress(),
                        organizer: address,
                        raffleId: reserved.raffleId,
                        tier: getOrganizerTierNumber(locked.tier),
                        enterpriseId: fromHex(locked.enterpriseId)!,
                        prizeMint: request.prizeMint,
                        prizeAmount: request.prizeAmount,
                        paymentMint: request.paymentMint,
                        ticketPrice: request.ticketPrice,
                        maxTickets: request.maxTickets,
                        deadline: request.deadline,
                        refundMode: request.refundMode,
                    },
                    {
                        signer: signers[0],
                        now: nowSeconds,
                        ttlSeconds: tier.permitTtlSeconds,
                        ...(options.onSignerError !== undefined && { onSignerError: options.onSignerError }),
                    },
                );
            } catch (error) {
                await store.failPermit(address, reserved.raffleId).catch(() => undefined);
                throw error;
            }
            await store.completePermit(address, reserved.raffleId, permit);
            await store.appendAudit({
                at: startedAt,
                actor,
                action: 'permit.issued',
                organizer: address,
                reason: null,
                details: {
                    raffleId: reserved.raffleId.toString(),
                    tier: locked.tier,
                    signer: permit.signer,
                    expiresAt: permit.expiresAt,
                    request: requestDetails(request),
                },
            });
            return { ok: true, raffleId: reserved.raffleId, permit };
        },
    };
}
