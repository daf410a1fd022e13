/**
 * The retention policy of `PermitServerStore.prune`: its defaults and the checks every
 * adapter applies to its options.
 *
 * @packageDocumentation
 */
import { serverOptionInvalid } from '../errors';
import type { PruneOptions } from './types';

/**
 * Default permit retention of `store.prune(options)`: a permit is deleted 30 days after it
 * expired.
 *
 * @example
 * ```ts
 * await store.prune({ now: Date.now(), permitRetentionMs: 2 * DEFAULT_PERMIT_RETENTION_MS }); // 60 days
 * ```
 */
export const DEFAULT_PERMIT_RETENTION_MS = 30 * 86_400_000;

/**
 * Default audit retention of `store.prune(options)`: audit entries are deleted after 90 days.
 *
 * @example
 * ```ts
 * await store.prune({ now: Date.now(), auditRetentionMs: 2 * DEFAULT_AUDIT_RETENTION_MS }); // 180 days
 * ```
 */
export const DEFAULT_AUDIT_RETENTION_MS = 90 * 86_400_000;

/**
 * The checked form of {@link PruneOptions}: cut-offs instead of periods.
 *
 * @internal
 */
export interface PruneCutoffs {
    /** Unix ms: expired nonces, sessions, idempotency records and rate-limit windows go. */
    readonly now: number;
    /** Permits with `expiresAt <= permitsExpiredBy` go; `null`: none. */
    readonly permitsExpiredBy: number | null;
    /** Audit entries with `at <= auditBefore` go; `null`: none. */
    readonly auditBefore: number | null;
}

function retention(value: number | undefined, fallback: number, name: string): number {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        throw serverOptionInvalid(name, 'must be a whole number of milliseconds, 0 or more (0 keeps the rows forever)');
    }
    return value;
}

/**
 * Checks the argument of `prune` and turns the retention periods into cut-offs.
 *
 * @internal
 * @param options - the options, or `now` alone (permits and audit entries kept forever)
 * @returns the cut-offs
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID` naming the bad option
 */
export function resolvePruneOptions(options: PruneOptions | number): PruneCutoffs {
    if (typeof options === 'number') {
        if (!Number.isSafeInteger(options)) throw serverOptionInvalid('now', 'must be unix milliseconds');
        return { now: options, permitsExpiredBy: null, auditBefore: null };
    }
    if (typeof options !== 'object' || options === null) throw serverOptionInvalid('options', 'must be { now, permitRetentionMs?, auditRetentionMs? }');
    const { now } = options;
    if (typeof now !== 'number' || !Number.isSafeInteger(now)) throw serverOptionInvalid('now', 'must be unix milliseconds');
    const permits = retention(options.permitRetentionMs, DEFAULT_PERMIT_RETENTION_MS, 'permitRetentionMs');
    const audit = retention(options.auditRetentionMs, DEFAULT_AUDIT_RETENTION_MS, 'auditRetentionMs');
    return { now, permitsExpiredBy: permits === 0 ? null : now - permits, auditBefore: audit === 0 ? null : now - audit };
}
