/**
 * The in-memory permit server store: for tests, benchmarks and single-process development.
 * Nothing survives a restart and nothing is shared between processes: use the PGlite or
 * PostgreSQL adapter for anything else.
 *
 * @packageDocumentation
 */
import type { Address } from '@solana/kit';

import type { Permit } from '../../permit';
import { storeClosed } from '../errors';
import { MAX_NEXT_RAFFLE_ID, type NewOrganizer, type Organizer, type OrganizerPatch, checkNewOrganizer, checkOrganizerPatch } from '../organizer';
import { resolvePruneOptions } from './retention';
import type {
    ApiKeyRecord,
    AuditAction,
    AuditEntry,
    IdempotencyBegin,
    NewAuditEntry,
    PermitRecord,
    PermitServerStore,
    PruneOptions,
    PruneResult,
    ReservePermitResult,
    SessionRecord,
} from './types';

interface IdempotencyRow {
    requestHash: string;
    state: 'started' | 'completed';
    status: number | null;
    body: string | null;
    lockedUntil: number;
    expiresAt: number;
}

interface MutablePermit {
    seq: number;
    organizer: Address;
    raffleId: bigint;
    status: PermitRecord['status'];
    createdAt: number;
    expiresAt: number;
    signer: Address | null;
    permit: Permit | null;
}

/** Sorted (ascending) insertion; expiries mostly arrive in order, so this is usually a push. */
function insertSorted(list: number[], value: number): void {
    let lo = 0;
    let hi = list.length;
    if (hi === 0 || list[hi - 1]! <= value) {
        list.push(value);
        return;
    }
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (list[mid]! <= value) lo = mid + 1;
        else hi = mid;
    }
    list.splice(lo, 0, value);
}

function clamp(limit: number): number {
    return Math.max(0, Math.min(Math.floor(limit), 1000));
}

/** Index of the last element whose key is below `before` (-1 if none); `list` ascends by key. */
function lastIndexBelow<T>(list: readonly T[], key: (item: T) => number, before: number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (key(list[mid]!) < before) lo = mid + 1;
        else hi = mid;
    }
    return lo - 1;
}

/** Removes the matching elements in place; returns how many. */
function removeWhere<T>(list: T[], remove: (item: T) => boolean): number {
    let kept = 0;
    for (const item of list) if (!remove(item)) list[kept++] = item;
    const removed = list.length - kept;
    list.length = kept;
    return removed;
}

/**
 * Creates an in-memory {@link PermitServerStore}. Every operation is atomic (JavaScript runs
 * one at a time), so it passes the same conformance suite as the SQL adapters.
 *
 * @returns the store
 * @example
 * ```ts
 * import { createMemoryPermitStore, createPermitHandler } from '@raffle/permit/server';
 * const store = createMemoryPermitStore();
 * const handler = createPermitHandler({ store, signers: [signer], programId, domain: 'localhost:8787' });
 * ```
 */
export function createMemoryPermitStore(): PermitServerStore {
    const organizers = new Map<Address, Organizer>();
    const permits: MutablePermit[] = [];
    const permitsByOrganizer = new Map<Address, MutablePermit[]>();
    const activeExpiries = new Map<Address, number[]>();
    const nonces = new Map<string, number>();
    const sessions = new Map<string, SessionRecord>();
    const idempotency = new Map<string, IdempotencyRow>();
    const rateLimits = new Map<string, { count: number; expiresAt: number }>();
    const apiKeys = new Map<string, ApiKeyRecord>();
    const audit: AuditEntry[] = [];
    let lastPermitSeq = 0;
    let lastAuditId = 0;
    let closed = false;

    const open = (): void => {
        if (closed) throw storeClosed('memory');
    };
    const countActive = (organizer: Address, now: number): number => {
        const list = activeExpiries.get(organizer);
        if (list === undefined) return 0;
        let expired = 0;
        while (expired < list.length && list[expired]! <= now) expired++;
        if (expired > 0) list.splice(0, expired);
        return list.length;
    };
    const snapshot = (p: MutablePermit): PermitRecord => ({
        seq: String(p.seq),
        organizer: p.organizer,
        raffleId: p.raffleId,
        status: p.status,
        createdAt: p.createdAt,
        expiresAt: p.expiresAt,
        signer: p.signer,
        permit: p.permit,
    });
    const idemKey = (scope: string, key: string): string => `${scope}\u0000${key}`;

    const store: PermitServerStore = {
        kind: 'memory',
        async ready() {
            open();
        },
        async ping() {
            open();
        },
        async close() {
            closed = true;
        },
        async prune(options: PruneOptions | number): Promise<PruneResult> {
            open();
            const { now, permitsExpiredBy, auditBefore } = resolvePruneOptions(options);
            let n = 0;
            for (const [k, expiresAt] of nonces) if (expiresAt <= now && nonces.delete(k)) n++;
            let s = 0;
            for (const [k, v] of sessions) if (v.expiresAt <= now && sessions.delete(k)) s++;
            let i = 0;
            for (const [k, v] of idempotency) if (v.expiresAt <= now && idempotency.delete(k)) i++;
            let r = 0;
            for (const [k, v] of rateLimits) if (v.expiresAt <= now && rateLimits.delete(k)) r++;
            let p = 0;
            if (permitsExpiredBy !== null) {
                const old = (permit: MutablePermit): boolean => permit.expiresAt <= permitsExpiredBy;
                p = removeWhere(permits, old);
                for (const [organizer, own] of permitsByOrganizer) if (removeWhere(own, old) > 0 && own.length === 0) permitsByOrganizer.delete(organizer);
            }
            const a = auditBefore === null ? 0 : removeWhere(audit, e => e.at <= auditBefore);
            return { nonces: n, sessions: s, idempotency: i, rateLimits: r, permits: p, audit: a };
        },

        async createOrganizer(input: NewOrganizer, now: number) {
            open();
            const checked = checkNewOrganizer(input);
            if (organizers.has(checked.address)) return undefined;
            const organizer: Organizer = Object.freeze({
                ...checked,
                allowedCollections: Object.freeze([...checked.allowedCollections]),
                createdAt: now,
                updatedAt: now,
            });
            organizers.set(checked.address, organizer);
            return organizer;
        },
        async getOrganizer(address: Address) {
            open();
            return organizers.get(address);
        },
        async updateOrganizer(address: Address, patch: OrganizerPatch, now: number) {
            open();
            const checked = checkOrganizerPatch(patch);
            const current = organizers.get(address);
            if (current === undefined) return undefined;
            const next: Organizer = Object.freeze({
                ...current,
                ...(checked.enterpriseId !== undefined && { enterpriseId: checked.enterpriseId }),
                ...(checked.tier !== undefined && { tier: checked.tier }),
                ...(checked.allowedCollections !== undefined && {
                    allowedCollections: Object.freeze([...checked.allowedCollections]),
                }),
                ...(checked.active !== undefined && { active: checked.active }),
                nextRaffleId:
                    checked.nextRaffleId !== undefined && checked.nextRaffleId > current.nextRaffleId
                        ? checked.nextRaffleId
                        : current.nextRaffleId,
                updatedAt: now,
            });
            organizers.set(address, next);
            return next;
        },
        async listOrganizers(query) {
            open();
            const limit = clamp(query.limit);
            return [...organizers.values()]
                .filter(o => (query.after === undefined || o.address > query.after) && (query.active === undefined || o.active === query.active))
                .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0))
                .slice(0, limit);
        },

        async reservePermit({ organizer: address, now, expiresAt, maxActive }): Promise<ReservePermitResult> {
            open();
            const organizer = organizers.get(address);
            if (organizer === undefined) return { ok: false, reason: 'ORGANIZER_UNKNOWN' };
            if (!organizer.active) return { ok: false, reason: 'ORGANIZER_INACTIVE' };
            if (organizer.nextRaffleId > MAX_NEXT_RAFFLE_ID) return { ok: false, reason: 'RAFFLE_ID_EXHAUSTED' };
            if (maxActive !== null) {
                const active = countActive(address, now);
                if (active >= maxActive) return { ok: false, reason: 'ACTIVE_PERMIT_LIMIT', active };
            }
            const raffleId = organizer.nextRaffleId;
            const updated: Organizer = Object.freeze({ ...organizer, nextRaffleId: raffleId + 1n });
            organizers.set(address, updated);
            const record: MutablePermit = {
                seq: ++lastPermitSeq,
                organizer: address,
                raffleId,
                status: 'reserved',
                createdAt: now,
                expiresAt,
                signer: null,
                permit: null,
            };
            permits.push(record);
            let own = permitsByOrganizer.get(address);
            if (own === undefined) permitsByOrganizer.set(address, (own = []));
            own.push(record);
            let expiries = activeExpiries.get(address);
            if (expiries === undefined) activeExpiries.set(address, (expiries = []));
            insertSorted(expiries, expiresAt);
            return { ok: true, raffleId, organizer: updated };
        },
        async completePermit(organizer: Address, raffleId: bigint, permit: Permit) {
            open();
            const record = findPermitFromEnd(permitsByOrganizer.get(organizer), raffleId);
            if (record === undefined || record.status !== 'reserved') return;
            record.status = 'issued';
            record.signer = permit.signer;
            record.permit = permit;
        },
        async failPermit(organizer: Address, raffleId: bigint) {
            open();
            const record = findPermitFromEnd(permitsByOrganizer.get(organizer), raffleId);
            if (record === undefined || record.status !== 'reserved') return;
            record.status = 'failed';
            const expiries = activeExpiries.get(organizer);
            const at = expiries?.indexOf(record.expiresAt) ?? -1;
            if (at >= 0) expiries!.splice(at, 1);
        },
        async countActivePermits(organizer: Address, now: number) {
            open();
            return countActive(organizer, now);
        },
        async listPermits(query) {
            open();
            const limit = clamp(query.limit);
            const source = query.organizer === undefined ? permits : (permitsByOrganizer.get(query.organizer) ?? []);
            const before = query.before === undefined ? Infinity : Number(query.before);
            const out: PermitRecord[] = [];
            for (let i = lastIndexBelow(source, p => p.seq, before); i >= 0 && out.length < limit; i--) out.push(snapshot(source[i]!));
            return out;
        },

        async createSignInNonce(nonce: string, expiresAt: number) {
            open();
            if (!nonces.has(nonce)) nonces.set(nonce, expiresAt);
        },
        async consumeSignInNonce(nonce: string, now: number) {
            open();
            const expiresAt = nonces.get(nonce);
            if (expiresAt === undefined) return false;
            nonces.delete(nonce);
            return expiresAt > now;
        },
        async createSession(session: SessionRecord) {
            open();
            sessions.set(session.tokenHash, Object.freeze({ ...session }));
        },
        async getSession(tokenHash: string, now: number) {
            open();
            const session = sessions.get(tokenHash);
            return session !== undefined && session.expiresAt > now ? session : undefined;
        },
        async deleteSession(tokenHash: string) {
            open();
            sessions.delete(tokenHash);
        },

        async beginIdempotent({ scope, key, requestHash, now, expiresAt, lockedUntil }): Promise<IdempotencyBegin> {
            open();
            const id = idemKey(scope, key);
            const row = idempotency.get(id);
            if (row === undefined || row.expiresAt <= now || (row.state === 'started' && row.lockedUntil <= now)) {
                idempotency.set(id, { requestHash, state: 'started', status: null, body: null, lockedUntil, expiresAt });
                return { state: 'started' };
            }
            if (row.requestHash !== requestHash) return { state: 'mismatch' };
            if (row.state === 'started') return { state: 'in-progress' };
            return { state: 'completed', status: row.status!, body: row.body! };
        },
        async completeIdempotent(scope: string, key: string, response: { status: number; body: string }) {
            open();
            const row = idempotency.get(idemKey(scope, key));
            if (row === undefined || row.state !== 'started') return;
            row.state = 'completed';
            row.status = response.status;
            row.body = response.body;
        },
        async abandonIdempotent(scope: string, key: string) {
            open();
            const id = idemKey(scope, key);
            if (idempotency.get(id)?.state === 'started') idempotency.delete(id);
        },

        async hitRateLimit(bucket: string, windowStart: number, expiresAt: number) {
            open();
            const id = `${bucket}\u0000${windowStart}`;
            const row = rateLimits.get(id);
            if (row !== undefined) return ++row.count;
            rateLimits.set(id, { count: 1, expiresAt });
            return 1;
        },

        async createApiKey(record: ApiKeyRecord) {
            open();
            if (apiKeys.has(record.id)) return false;
            for (const k of apiKeys.values()) if (k.keyHash === record.keyHash) return false;
            apiKeys.set(record.id, Object.freeze({ ...record, scopes: Object.freeze([...record.scopes]) }));
            return true;
        },
        async getApiKeyByHash(keyHash: string) {
            open();
            for (const k of apiKeys.values()) if (k.keyHash === keyHash) return k;
            return undefined;
        },
        async listApiKeys() {
            open();
            return [...apiKeys.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
        },
        async revokeApiKey(id: string, now: number) {
            open();
            const k = apiKeys.get(id);
            if (k === undefined || k.revokedAt !== null) return false;
            apiKeys.set(id, Object.freeze({ ...k, revokedAt: now }));
            return true;
        },

        async appendAudit(entry: NewAuditEntry) {
            open();
            const stored: AuditEntry = Object.freeze({ ...entry, details: JSON.parse(JSON.stringify(entry.details)), id: String(++lastAuditId) });
            audit.push(stored);
            return stored;
        },
        async listAudit(query: { organizer?: Address; action?: AuditAction; limit: number; before?: string }) {
            open();
            const limit = clamp(query.limit);
            const before = query.before === undefined ? Infinity : Number(query.before);
            const out: AuditEntry[] = [];
            for (let i = lastIndexBelow(audit, e => Number(e.id), before); i >= 0 && out.length < limit; i--) {
                const e = audit[i]!;
                if (query.organizer !== undefined && e.organizer !== query.organizer) continue;
                if (query.action !== undefined && e.action !== query.action) continue;
                out.push(e);
            }
            return out;
        },
    };
    return store;
}

function findPermitFromEnd(list: MutablePermit[] | undefined, raffleId: bigint): MutablePermit | undefined {
    if (list === undefined) return undefined;
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.raffleId === raffleId) return list[i];
    return undefined;
}
