/**
 * `prune` of the SQL permit stores (PGlite, PostgreSQL): expired short-lived rows in one
 * statement per table; old permits and audit entries in bounded batches.
 *
 * @internal
 * @packageDocumentation
 */
import { resolvePruneOptions } from './retention';
import type { PruneOptions, PruneResult } from './types';

/** Rows one DELETE removes from the permits or the audit log. */
const BATCH_SIZE = 5_000;
/** Rows one call removes from either table at most; the rest go in the next calls. */
const BATCH_LIMIT = 100_000;

type Query = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * Applies the retention policy.
 *
 * @internal
 * @param q - runs one statement
 * @param t - the schema-qualified name of a `permit_*` table
 * @param options - `prune`'s argument
 * @returns counts of removed rows
 */
export async function pruneSqlStore(q: Query, t: (name: string) => string, options: PruneOptions | number): Promise<PruneResult> {
    const { now, permitsExpiredBy, auditBefore } = resolvePruneOptions(options);
    const expired = async (table: string): Promise<number> => {
        const rows = await q(`WITH d AS (DELETE FROM ${t(table)} WHERE expires_at <= $1 RETURNING 1) SELECT count(*)::int AS n FROM d`, [new Date(now)]);
        return Number(rows[0]!.n);
    };
    // Permits and audit entries may have piled up for months: short statements, short locks.
    const batched = async (table: string, key: string, column: string, cutoff: number | null): Promise<number> => {
        if (cutoff === null) return 0;
        let total = 0;
        while (total < BATCH_LIMIT) {
            const rows = await q(
                `WITH d AS (DELETE FROM ${t(table)} WHERE ${key} IN (SELECT ${key} FROM ${t(table)} WHERE ${column} <= $1 LIMIT $2) RETURNING 1)
                 SELECT count(*)::int AS n FROM d`,
                [new Date(cutoff), BATCH_SIZE],
            );
            const n = Number(rows[0]!.n);
            total += n;
            if (n < BATCH_SIZE) break;
        }
        return total;
    };
    return {
        nonces: await expired('sign_in_nonces'),
        sessions: await expired('sessions'),
        idempotency: await expired('idempotency'),
        rateLimits: await expired('rate_limits'),
        permits: await batched('permits', 'seq', 'expires_at', permitsExpiredBy),
        audit: await batched('audit', 'id', 'at', auditBefore),
    };
}
