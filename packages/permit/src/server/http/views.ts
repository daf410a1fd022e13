/**
 * The JSON shapes of the handler's responses: bigints as decimal strings, times as ISO 8601.
 *
 * @internal
 * @packageDocumentation
 */
import type { Organizer } from '../organizer';
import type { TierPolicy } from '../policy';
import type { ApiKeyRecord, AuditEntry, PermitRecord } from '../store/types';

/**
 * @param ms - Unix time, milliseconds
 * @returns the ISO 8601 text
 */
export function iso(ms: number): string {
    return new Date(ms).toISOString();
}

/**
 * @param o - an organizer
 * @returns its JSON view
 */
export function organizerJson(o: Organizer): Record<string, unknown> {
    return {
        address: o.address,
        enterpriseId: o.enterpriseId,
        tier: o.tier,
        allowedCollections: o.allowedCollections,
        active: o.active,
        nextRaffleId: o.nextRaffleId.toString(),
        createdAt: iso(o.createdAt),
        updatedAt: iso(o.updatedAt),
    };
}

/**
 * @param t - a tier policy
 * @returns its JSON view
 */
export function tierJson(t: TierPolicy): Record<string, unknown> {
    return { ...t, maxPrizeAmount: t.maxPrizeAmount === null ? null : t.maxPrizeAmount.toString() };
}

/**
 * @param p - a ledger record
 * @returns its JSON view
 */
export function permitRecordJson(p: PermitRecord): Record<string, unknown> {
    return {
        seq: p.seq,
        organizer: p.organizer,
        raffleId: p.raffleId.toString(),
        status: p.status,
        createdAt: iso(p.createdAt),
        expiresAt: iso(p.expiresAt),
        signer: p.signer,
        permit: p.permit,
    };
}

/**
 * @param e - an audit entry
 * @returns its JSON view
 */
export function auditJson(e: AuditEntry): Record<string, unknown> {
    return { id: e.id, at: iso(e.at), actor: e.actor, action: e.action, organizer: e.organizer, reason: e.reason, details: e.details };
}

/**
 * @param k - an API key record (never the key itself)
 * @returns its JSON view
 */
export function apiKeyJson(k: ApiKeyRecord): Record<string, unknown> {
    return { id: k.id, scopes: k.scopes, label: k.label, createdAt: iso(k.createdAt), revokedAt: k.revokedAt === null ? null : iso(k.revokedAt) };
}
