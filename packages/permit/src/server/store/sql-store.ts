/**
 * The SQL permit server store shared by the PGlite and PostgreSQL adapters: same SQL, same
 * numbered migrations (`sql/*.sql`), applied in one transaction under an advisory lock.
 *
 * @internal
 * @packageDocumentation
 */
import type { Address } from '@solana/kit';

import type { Permit } from '../../permit';
import { serverOptionInvalid, storeCursorInvalid, storeRowInvalid, storeSchemaNewer } from '../errors';
import {
    MAX_NEXT_RAFFLE_ID,
    type NewOrganizer,
    type Organizer,
    type OrganizerPatch,
    type OrganizerTier,
    checkNewOrganizer,
    checkOrganizerPatch,
} from '../organizer';
import type { SqlQueryable } from './sql-client';
import { pruneSqlStore } from './sql-prune';
import { SQL_MIGRATIONS } from './sql/migrations';
import type {
    ApiKeyRecord,
    ApiKeyScope,
    AuditAction,
    AuditEntry,
    AuditJson,
    IdempotencyBegin,
    NewAuditEntry,
    PermitRecord,
    PermitRecordStatus,
    PermitServerStore,
    PruneOptions,
    PruneResult,
    ReservePermitResult,
    SessionRecord,
} from './types';

/** What a SQL adapter provides to the shared store. */
export interface SqlDriver {
    readonly kind: string;
    /** Runs one statement outside any transaction. */
    query(text: string, params?: unknown[]): Promise<unknown[]>;
    /** Runs `fn` in a transaction on one connection; `exec` runs multi-statement SQL. */
    transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
    /** Closes what the adapter owns. */
    close(): Promise<void>;
}

/** A connection inside a transaction. */
export interface SqlTransaction {
    query(text: string, params?: unknown[]): Promise<unknown[]>;
    exec(sql: string): Promise<void>;
}

/**
 * Options shared by the SQL adapters (PGlite, PostgreSQL).
 *
 * @example
 * ```ts
 * const options: SqlStoreOptions = { schema: 'permit_server' };
 * ```
 */
export interface SqlStoreOptions {
    /**
     * The PostgreSQL schema holding the tables (created if missing), default `public`.
     * Lowercase letters, digits and `_`.
     */
    readonly schema?: string;
    /** Apply pending migrations in `ready()` (default true). */
    readonly migrate?: boolean;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * @param schema - the schema name
 * @returns it, checked
 */
export function checkSchemaName(schema: string | undefined): string {
    const name = schema ?? 'public';
    if (typeof name !== 'string' || !SCHEMA.test(name)) {
        throw serverOptionInvalid('schema', 'must be lowercase letters, digits and underscores, starting with a letter or underscore (at most 63)');
    }
    return name;
}

/**
 * Applies pending migrations in one transaction, under an advisory lock keyed by the schema,
 * so replicas starting together apply each migration once.
 *
 * @param driver - the connection
 * @param schema - checked schema name
 * @returns the versions applied now
 */
export async function migrateSqlStore(driver: SqlDriver, schema: string): Promise<number[]> {
    return driver.transaction(async tx => {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`@raffle/permit/server:${schema}`]);
        await tx.exec(`CREATE SCHEMA IF NOT EXISTS "${schema}"; SET LOCAL search_path TO "${schema}";`);
        await tx.exec(
            `CREATE TABLE IF NOT EXISTS "${schema}".permit_schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
        );
        const rows = (await tx.query(`SELECT version FROM "${schema}".permit_schema_migrations`)) as { version: number }[];
        const applied = new Set(rows.map(r => Number(r.version)));
        const known = Math.max(0, ...SQL_MIGRATIONS.map(m => m.version));
        const newer = [...applied].filter(v => v > known);
        if (newer.length > 0) throw storeSchemaNewer(schema, Math.max(...newer), known);
        const done: number[] = [];
        for (const migration of SQL_MIGRATIONS) {
            if (applied.has(migration.version)) continue;
            await tx.exec(migration.sql);
            await tx.query(`INSERT INTO "${schema}".permit_schema_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
            done.push(migration.version);
        }
        return done;
    });
}

type Row = Record<string, unknown>;

function ms(value: unknown, table: string, column: string): number {
    if (value instanceof Date) return value.getTime();
    if (typeof value === 'string' || typeof value === 'number') return new Date(value).getTime();
    throw storeRowInvalid(table, column);
}

function toOrganizer(row: Row): Organizer {
    return Object.freeze({
        address: row.address as Address,
        enterpriseId: row.enterprise_id as string,
        tier: row.tier as OrganizerTier,
        allowedCollections: Object.freeze([...(row.allowed_collections as Address[])]),
        active: row.active as boolean,
        nextRaffleId: BigInt(row.next_raffle_id as string),
        createdAt: ms(row.created_at, 'organizers', 'created_at'),
        updatedAt: ms(row.updated_at, 'organizers', 'updated_at'),
    });
}

function toPermitRecord(row: Row): PermitRecord {
    const permit = row.permit;
    return {
        seq: row.seq as string,
        organizer: row.organizer as Address,
        raffleId: BigInt(row.raffle_id as string),
        status: row.status as PermitRecordStatus,
        createdAt: ms(row.created_at, 'permits', 'created_at'),
        expiresAt: ms(row.expires_at, 'permits', 'expires_at'),
        signer: (row.signer as Address | null) ?? null,
        permit: permit === null || permit === undefined ? null : ((typeof permit === 'string' ? JSON.parse(permit) : permit) as Permit),
    };
}

function toApiKey(row: Row): ApiKeyRecord {
    return Object.freeze({
        id: row.id as string,
        keyHash: row.key_hash as string,
        scopes: Object.freeze([...(row.scopes as ApiKeyScope[])]),
        label: row.label as string,
        createdAt: ms(row.created_at, 'api_keys', 'created_at'),
        revokedAt: row.revoked_at === null ? null : ms(row.revoked_at, 'api_keys', 'revoked_at'),
    });
}

function toAudit(row: Row): AuditEntry {
    const details = row.details;
    return Object.freeze({
        id: row.id as string,
        at: ms(row.at, 'audit', 'at'),
        actor: row.actor as string,
        action: row.action as AuditAction,
        organizer: (row.organizer as Address | null) ?? null,
        reason: (row.reason as string | null) ?? null,
        details: (typeof details === 'string' ? JSON.parse(details) : details) as { [key: string]: AuditJson },
    });
}

function limitOf(limit: number): number {
    return Math.max(0, Math.min(Math.floor(Number.isFinite(limit) ? limit : 0), 1000));
}

function cursorOf(value: string | undefined): string | null {
    if (value === undefined) return null;
    if (!/^[0-9]{1,18}$/.test(value)) throw storeCursorInvalid('before');
    return value;
}

/** `next_raffle_id` at most this: one more id can be allocated (the counter stays a u64). */
const LAST_ALLOCATABLE = MAX_NEXT_RAFFLE_ID.toString();

const ORGANIZER_COLUMNS = `address, enterprise_id, tier, allowed_collections, active, next_raffle_id::text AS next_raffle_id, created_at, updated_at`;
const PERMIT_COLUMNS = `seq::text AS seq, organizer, raffle_id::text AS raffle_id, status, created_at, expires_at, signer, permit`;

/**
 * Builds the store on a driver.
 *
 * @param driver - the adapter's connection
 * @param options - schema and migration switch
 * @returns the store
 */
export function createSqlPermitStore(driver: SqlDriver, options: SqlStoreOptions = {}): PermitServerStore {
    const schema = checkSchemaName(options.schema);
    const t = (name: string): string => `"${schema}".permit_${name}`;
    const q = (text: string, params?: unknown[]): Promise<Row[]> => driver.query(text, params) as Promise<Row[]>;
    let readyPromise: Promise<void> | undefined;

    const store: PermitServerStore = {
        kind: driver.kind,
        ready() {
            readyPromise ??= options.migrate === false ? Promise.resolve() : migrateSqlStore(driver, schema).then(() => undefined);
            // A failed migration may be retried by calling ready() again.
            readyPromise.catch(() => (readyPromise = undefined));
            return readyPromise;
        },
        async ping() {
            await q('SELECT 1');
        },
        async close() {
            await driver.close();
        },
        prune: (options: PruneOptions | number): Promise<PruneResult> => pruneSqlStore(q, t, options),

        async createOrganizer(input: NewOrganizer, now: number) {
            const o = checkNewOrganizer(input);
            const rows = await q(
                `INSERT INTO ${t('organizers')} (address, enterprise_id, tier, allowed_collections, active, next_raffle_id, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (address) DO NOTHING RETURNING ${ORGANIZER_COLUMNS}`,
                [o.address, o.enterpriseId, o.tier, o.allowedCollections, o.active, o.nextRaffleId.toString(), new Date(now)],
            );
            return rows[0] === undefined ? undefined : toOrganizer(rows[0]);
        },
        async getOrganizer(address: Address) {
            const rows = await q(`SELECT ${ORGANIZER_COLUMNS} FROM ${t('organizers')} WHERE address = $1`, [address]);
            return rows[0] === undefined ? undefined : toOrganizer(rows[0]);
        },
        async updateOrganizer(address: Address, patch: OrganizerPatch, now: number) {
            const p = checkOrganizerPatch(patch);
            const rows = await q(
                `UPDATE ${t('organizers')} SET
                    enterprise_id = COALESCE($2, enterprise_id),
                    tier = COALESCE($3, tier),
                    allowed_collections = COALESCE($4::text[], allowed_collections),
                    active = COALESCE($5, active),
                    next_raffle_id = GREATEST(next_raffle_id, COALESCE($6::numeric, 0)),
                    updated_at = $7
                 WHERE address = $1 RETURNING ${ORGANIZER_COLUMNS}`,
                [
                    address,
                    p.enterpriseId ?? null,
                    p.tier ?? null,
                    p.allowedCollections === undefined ? null : [...p.allowedCollections],
                    p.active ?? null,
                    p.nextRaffleId === undefined ? null : p.nextRaffleId.toString(),
                    new Date(now),
                ],
            );
            return rows[0] === undefined ? undefined : toOrganizer(rows[0]);
        },
        async listOrganizers(query) {
            const rows = await q(
                `SELECT ${ORGANIZER_COLUMNS} FROM ${t('organizers')}
                 WHERE ($1::text IS NULL OR address > $1) AND ($2::boolean IS NULL OR active = $2)
                 ORDER BY address LIMIT $3`,
                [query.after ?? null, query.active ?? null, limitOf(query.limit)],
            );
            return rows.map(toOrganizer);
        },

        async reservePermit({ organizer, now, expiresAt, maxActive }): Promise<ReservePermitResult> {
            if (maxActive === null) {
                // No limit to check: one atomic statement, no transaction.
                const rows = await q(
                    `WITH o AS (
                        UPDATE ${t('organizers')} SET next_raffle_id = next_raffle_id + 1
                        WHERE address = $1 AND active AND next_raffle_id <= ${LAST_ALLOCATABLE}
                        RETURNING ${ORGANIZER_COLUMNS.replace('next_raffle_id::text', '(next_raffle_id - 1)::text')}
                     ), p AS (
                        INSERT INTO ${t('permits')} (organizer, raffle_id, status, created_at, expires_at)
                        SELECT address, next_raffle_id::numeric, 'reserved', $2, $3 FROM o RETURNING 1
                     ) SELECT o.* FROM o, p`,
                    [organizer, new Date(now), new Date(expiresAt)],
                );
                if (rows[0] !== undefined) {
                    const locked = toOrganizer(rows[0]);
                    return { ok: true, raffleId: locked.nextRaffleId, organizer: { ...locked, nextRaffleId: locked.nextRaffleId + 1n } };
                }
                const existing = await store.getOrganizer(organizer);
                if (existing === undefined) return { ok: false, reason: 'ORGANIZER_UNKNOWN' };
                return { ok: false, reason: existing.active ? 'RAFFLE_ID_EXHAUSTED' : 'ORGANIZER_INACTIVE' };
            }
            return driver.transaction(async tx => {
                const rows = (await tx.query(`SELECT active, next_raffle_id <= ${LAST_ALLOCATABLE} AS has_room FROM ${t('organizers')} WHERE address = $1 FOR UPDATE`, [
                    organizer,
                ])) as Row[];
                if (rows[0] === undefined) return { ok: false, reason: 'ORGANIZER_UNKNOWN' } as const;
                if (rows[0].active !== true) return { ok: false, reason: 'ORGANIZER_INACTIVE' } as const;
                if (rows[0].has_room !== true) return { ok: false, reason: 'RAFFLE_ID_EXHAUSTED' } as const;
                // The row lock serializes this organizer's reservations: the count sees every
                // permit committed by the previous holder.
                const counted = (await tx.query(
                    `SELECT count(*)::int AS n FROM ${t('permits')} WHERE organizer = $1 AND status <> 'failed' AND expires_at > $2`,
                    [organizer, new Date(now)],
                )) as Row[];
                const active = Number(counted[0]!.n);
                if (active >= maxActive) return { ok: false, reason: 'ACTIVE_PERMIT_LIMIT', active } as const;
                const updated = (await tx.query(
                    `UPDATE ${t('organizers')} SET next_raffle_id = next_raffle_id + 1 WHERE address = $1
                     RETURNING ${ORGANIZER_COLUMNS.replace('next_raffle_id::text', '(next_raffle_id - 1)::text')}`,
                    [organizer],
                )) as Row[];
                const locked = toOrganizer(updated[0]!);
                await tx.query(
                    `INSERT INTO ${t('permits')} (organizer, raffle_id, status, created_at, expires_at) VALUES ($1, $2, 'reserved', $3, $4)`,
                    [organizer, locked.nextRaffleId.toString(), new Date(now), new Date(expiresAt)],
                );
                return { ok: true, raffleId: locked.nextRaffleId, organizer: { ...locked, nextRaffleId: locked.nextRaffleId + 1n } } as const;
            });
        },
        async completePermit(organizer: Address, raffleId: bigint, permit: Permit) {
            await q(
                `UPDATE ${t('permits')} SET status = 'issued', signer = $3, permit = $4::jsonb
                 WHERE organizer = $1 AND raffle_id = $2 AND status = 'reserved'`,
                [organizer, raffleId.toString(), permit.signer, JSON.stringify(permit)],
            );
        },
        async failPermit(organizer: Address, raffleId: bigint) {
            await q(`UPDATE ${t('permits')} SET status = 'failed' WHERE organizer = $1 AND raffle_id = $2 AND status = 'reserved'`, [
                organizer,
                raffleId.toString(),
            ]);
        },
        async countActivePermits(organizer: Address, now: number) {
            const rows = await q(
                `SELECT count(*)::int AS n FROM ${t('permits')} WHERE organizer = $1 AND status <> 'failed' AND expires_at > $2`,
                [organizer, new Date(now)],
            );
            return Number(rows[0]!.n);
        },
        async listPermits(query) {
            const rows = await q(
                // Sort on the bigint column (p.seq), not on the text copy the SELECT list names
                // `seq`: in ORDER BY an output name wins, and '9' > '10' as text.
                `SELECT ${PERMIT_COLUMNS} FROM ${t('permits')} AS p
                 WHERE ($1::text IS NULL OR p.organizer = $1) AND ($2::bigint IS NULL OR p.seq < $2::bigint)
                 ORDER BY p.seq DESC LIMIT $3`,
                [query.organizer ?? null, cursorOf(query.before), limitOf(query.limit)],
            );
            return rows.map(toPermitRecord);
        },

        async createSignInNonce(nonce: string, expiresAt: number) {
            await q(`INSERT INTO ${t('sign_in_nonces')} (nonce, expires_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING`, [
                nonce,
                new Date(expiresAt),
            ]);
        },
        async consumeSignInNonce(nonce: string, now: number) {
            const rows = await q(`DELETE FROM ${t('sign_in_nonces')} WHERE nonce = $1 RETURNING expires_at > $2 AS fresh`, [nonce, new Date(now)]);
            return rows[0]?.fresh === true;
        },
        async createSession(session: SessionRecord) {
            await q(`INSERT INTO ${t('sessions')} (token_hash, organizer, created_at, expires_at) VALUES ($1, $2, $3, $4)`, [
                session.tokenHash,
                session.organizer,
                new Date(session.createdAt),
                new Date(session.expiresAt),
            ]);
        },
        async getSession(tokenHash: string, now: number) {
            const rows = await q(
                `SELECT token_hash, organizer, created_at, expires_at FROM ${t('sessions')} WHERE token_hash = $1 AND expires_at > $2`,
                [tokenHash, new Date(now)],
            );
            const row = rows[0];
            if (row === undefined) return undefined;
            return {
                tokenHash: row.token_hash as string,
                organizer: row.organizer as Address,
                createdAt: ms(row.created_at, 'sessions', 'created_at'),
                expiresAt: ms(row.expires_at, 'sessions', 'expires_at'),
            };
        },
        async deleteSession(tokenHash: string) {
            await q(`DELETE FROM ${t('sessions')} WHERE token_hash = $1`, [tokenHash]);
        },

        async beginIdempotent({ scope, key, requestHash, now, expiresAt, lockedUntil }): Promise<IdempotencyBegin> {
            for (let attempt = 0; attempt < 3; attempt++) {
                const claimed = await q(
                    `INSERT INTO ${t('idempotency')} AS i (scope, key, request_hash, state, locked_until, created_at, expires_at)
                     VALUES ($1, $2, $3, 'started', $4, $5, $6)
                     ON CONFLICT (scope, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, state = 'started',
                        status = NULL, body = NULL, locked_until = EXCLUDED.locked_until,
                        created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
                     WHERE i.expires_at <= $5 OR (i.state = 'started' AND i.locked_until <= $5)
                     RETURNING 1 AS claimed`,
                    [scope, key, requestHash, new Date(lockedUntil), new Date(now), new Date(expiresAt)],
                );
                if (claimed.length > 0) return { state: 'started' };
                const rows = await q(`SELECT request_hash, state, status, body FROM ${t('idempotency')} WHERE scope = $1 AND key = $2`, [
                    scope,
                    key,
                ]);
                const row = rows[0];
                if (row === undefined) continue; // abandoned in between: claim again
                if (row.request_hash !== requestHash) return { state: 'mismatch' };
                if (row.state !== 'completed') return { state: 'in-progress' };
                return { state: 'completed', status: Number(row.status), body: row.body as string };
            }
            return { state: 'in-progress' };
        },
        async completeIdempotent(scope: string, key: string, response: { status: number; body: string }) {
            await q(
                `UPDATE ${t('idempotency')} SET state = 'completed', status = $3, body = $4 WHERE scope = $1 AND key = $2 AND state = 'started'`,
                [scope, key, response.status, response.body],
            );
        },
        async abandonIdempotent(scope: string, key: string) {
            await q(`DELETE FROM ${t('idempotency')} WHERE scope = $1 AND key = $2 AND state = 'started'`, [scope, key]);
        },

        async hitRateLimit(bucket: string, windowStart: number, expiresAt: number) {
            const rows = await q(
                `INSERT INTO ${t('rate_limits')} AS r (bucket, window_start, count, expires_at) VALUES ($1, $2, 1, $3)
                 ON CONFLICT (bucket, window_start) DO UPDATE SET count = r.count + 1 RETURNING count`,
                [bucket, windowStart, new Date(expiresAt)],
            );
            return Number(rows[0]!.count);
        },

        async createApiKey(record: ApiKeyRecord) {
            const rows = await q(
                `INSERT INTO ${t('api_keys')} (id, key_hash, scopes, label, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT DO NOTHING RETURNING id`,
                [
                    record.id,
                    record.keyHash,
                    [...record.scopes],
                    record.label,
                    new Date(record.createdAt),
                    record.revokedAt === null ? null : new Date(record.revokedAt),
                ],
            );
            return rows.length > 0;
        },
        async getApiKeyByHash(keyHash: string) {
            const rows = await q(`SELECT * FROM ${t('api_keys')} WHERE key_hash = $1`, [keyHash]);
            return rows[0] === undefined ? undefined : toApiKey(rows[0]);
        },
        async listApiKeys() {
            const rows = await q(`SELECT * FROM ${t('api_keys')} ORDER BY created_at, id`);
            return rows.map(toApiKey);
        },
        async revokeApiKey(id: string, now: number) {
            const rows = await q(`UPDATE ${t('api_keys')} SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id`, [
                id,
                new Date(now),
            ]);
            return rows.length > 0;
        },

        async appendAudit(entry: NewAuditEntry) {
            const rows = await q(
                `INSERT INTO ${t('audit')} (at, actor, action, organizer, reason, details) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
                 RETURNING id::text AS id, at, actor, action, organizer, reason, details`,
                [new Date(entry.at), entry.actor, entry.action, entry.organizer, entry.reason, JSON.stringify(entry.details)],
            );
            return toAudit(rows[0]!);
        },
        async listAudit(query) {
            const rows = await q(
                // Sorted on the bigint column (a.id), like the cursor: see listPermits.
                `SELECT a.id::text AS id, at, actor, action, organizer, reason, details FROM ${t('audit')} AS a
                 WHERE ($1::text IS NULL OR a.organizer = $1) AND ($2::text IS NULL OR a.action = $2)
                   AND ($3::bigint IS NULL OR a.id < $3::bigint)
                 ORDER BY a.id DESC LIMIT $4`,
                [query.organizer ?? null, query.action ?? null, cursorOf(query.before), limitOf(query.limit)],
            );
            return rows.map(toAudit);
        },
    };
    return store;
}
