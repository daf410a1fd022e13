/**
 * The permit server's storage interface: everything replicas must share. One interface,
 * several adapters (memory, PGlite, PostgreSQL), one conformance suite they all pass.
 *
 * Times are unix milliseconds. Adapters never interpret secrets: sessions and API keys reach
 * them as SHA-256 hashes.
 *
 * @packageDocumentation
 */
import type { Address } from '@solana/kit';

import type { Permit } from '../../permit';
import type { NewOrganizer, Organizer, OrganizerPatch } from '../organizer';

/**
 * Registry of organizers.
 *
 * @example
 * ```ts
 * const organizer = await store.createOrganizer({ address, enterpriseId, tier: 'pro' }, Date.now());
 * ```
 */
export interface OrganizerStore {
    /**
     * Creates an organizer.
     *
     * @param input - the organizer (checked with `checkNewOrganizer` by the adapter)
     * @param now - unix ms, becomes `createdAt` and `updatedAt`
     * @returns the organizer, or `undefined` when the address is already registered
     */
    createOrganizer(input: NewOrganizer, now: number): Promise<Organizer | undefined>;
    /**
     * @param address - the wallet
     * @returns the organizer, or `undefined`
     */
    getOrganizer(address: Address): Promise<Organizer | undefined>;
    /**
     * Applies a patch. `nextRaffleId` only ever grows.
     *
     * @param address - the wallet
     * @param patch - the fields to change
     * @param now - unix ms, becomes `updatedAt`
     * @returns the updated organizer, or `undefined` when unknown
     */
    updateOrganizer(address: Address, patch: OrganizerPatch, now: number): Promise<Organizer | undefined>;
    /**
     * Lists organizers by address.
     *
     * @param query - page size, cursor (the last address of the previous page), filter
     * @returns at most `limit` organizers with an address greater than `after`
     */
    listOrganizers(query: { limit: number; after?: Address; active?: boolean }): Promise<Organizer[]>;
}

/**
 * The state of an issued (or attempted) permit.
 *
 * @example
 * ```ts
 * const status: PermitRecordStatus = 'issued';
 * ```
 */
export type PermitRecordStatus = 'reserved' | 'issued' | 'failed';

/**
 * A permit the server allocated a raffle id for.
 *
 * @example
 * ```ts
 * const [latest]: PermitRecord[] = await store.listPermits({ organizer, limit: 1 });
 * ```
 */
export interface PermitRecord {
    /** Position in the ledger (decimal), the pagination cursor. */
    readonly seq: string;
    /** The organizer. */
    readonly organizer: Address;
    /** The allocated raffle id. */
    readonly raffleId: bigint;
    /** `reserved` while signing, `issued` when returned, `failed` when signing failed. */
    readonly status: PermitRecordStatus;
    /** Unix ms. */
    readonly createdAt: number;
    /** Unix ms (the permit's `expiresAt` * 1000). */
    readonly expiresAt: number;
    /** The signer's address, once issued. */
    readonly signer: Address | null;
    /** The permit, once issued. */
    readonly permit: Permit | null;
}

/**
 * Outcome of {@link PermitLedger.reservePermit}.
 *
 * @example
 * ```ts
 * const result: ReservePermitResult = await store.reservePermit({ organizer, now, expiresAt, maxActive: 10 });
 * if (result.ok) console.log(result.raffleId);
 * ```
 */
export type ReservePermitResult =
    | { readonly ok: true; readonly raffleId: bigint; readonly organizer: Organizer }
    | { readonly ok: false; readonly reason: 'ORGANIZER_UNKNOWN' | 'ORGANIZER_INACTIVE' | 'RAFFLE_ID_EXHAUSTED' }
    | { readonly ok: false; readonly reason: 'ACTIVE_PERMIT_LIMIT'; readonly active: number };

/**
 * Raffle id allocation and the permit ledger.
 *
 * @example
 * ```ts
 * const r = await store.reservePermit({ organizer, now: Date.now(), expiresAt: Date.now() + 300_000, maxActive: null });
 * ```
 */
export interface PermitLedger {
    /**
     * Atomically, for one organizer: checks it exists and is active, checks that its counter
     * has room (`RAFFLE_ID_EXHAUSTED` once `nextRaffleId` is `2^64 - 1`: the counter itself
     * stays a u64), checks that fewer than `maxActive` of its permits are unexpired (reserved
     * or issued), allocates its next raffle id (`next_raffle_id + 1`) and records a `reserved`
     * permit. Two calls never get the same id, across replicas.
     *
     * @param input - organizer, clock, the permit's expiry (unix ms), limit (`null`: none)
     * @returns the raffle id and the organizer as locked, or the refusal
     */
    reservePermit(input: { organizer: Address; now: number; expiresAt: number; maxActive: number | null }): Promise<ReservePermitResult>;
    /**
     * Marks a reserved permit issued and stores it.
     *
     * @param organizer - the organizer
     * @param raffleId - the reserved id
     * @param permit - the signed permit
     */
    completePermit(organizer: Address, raffleId: bigint, permit: Permit): Promise<void>;
    /**
     * Marks a reserved permit failed (signing failed); its id is not reused.
     *
     * @param organizer - the organizer
     * @param raffleId - the reserved id
     */
    failPermit(organizer: Address, raffleId: bigint): Promise<void>;
    /**
     * Counts unexpired reserved or issued permits.
     *
     * @param organizer - the organizer
     * @param now - unix ms
     * @returns the count
     */
    countActivePermits(organizer: Address, now: number): Promise<number>;
    /**
     * Lists permits, newest first.
     *
     * @param query - filter, page size, cursor (`seq` of the last record of the previous page)
     * @returns at most `limit` records with `seq` below `before`
     */
    listPermits(query: { organizer?: Address; limit: number; before?: string }): Promise<PermitRecord[]>;
}

/**
 * A signed-in organizer's session, found by the SHA-256 of its token.
 *
 * @example
 * ```ts
 * const session: SessionRecord | undefined = await store.getSession(hash, Date.now());
 * ```
 */
export interface SessionRecord {
    /** SHA-256 of the bearer token, lowercase hex. */
    readonly tokenHash: string;
    /** The organizer. */
    readonly organizer: Address;
    /** Unix ms. */
    readonly createdAt: number;
    /** Unix ms. */
    readonly expiresAt: number;
}

/**
 * Sign-in nonces and sessions.
 *
 * @example
 * ```ts
 * await store.createSignInNonce(nonce, Date.now() + 300_000);
 * const fresh = await store.consumeSignInNonce(nonce, Date.now()); // true once
 * ```
 */
export interface SessionStore {
    /**
     * Records a nonce the server handed out.
     *
     * @param nonce - the nonce
     * @param expiresAt - unix ms
     */
    createSignInNonce(nonce: string, expiresAt: number): Promise<void>;
    /**
     * Deletes a nonce if it exists and is unexpired.
     *
     * @param nonce - the nonce of a sign-in message
     * @param now - unix ms
     * @returns true the first time for an issued, unexpired nonce; false after that
     */
    consumeSignInNonce(nonce: string, now: number): Promise<boolean>;
    /**
     * Stores a new session.
     *
     * @param session - the session to store
     */
    createSession(session: SessionRecord): Promise<void>;
    /**
     * @param tokenHash - SHA-256 of the token
     * @param now - unix ms
     * @returns the session if it exists and is unexpired
     */
    getSession(tokenHash: string, now: number): Promise<SessionRecord | undefined>;
    /**
     * Ends a session (sign-out).
     *
     * @param tokenHash - SHA-256 of the token
     */
    deleteSession(tokenHash: string): Promise<void>;
}

/**
 * Outcome of {@link IdempotencyStore.beginIdempotent}.
 *
 * @example
 * ```ts
 * const begin: IdempotencyBegin = await store.beginIdempotent({ scope, key, requestHash, now, expiresAt, lockedUntil });
 * if (begin.state === 'completed') return new Response(begin.body, { status: begin.status });
 * ```
 */
export type IdempotencyBegin =
    | { readonly state: 'started' }
    | { readonly state: 'in-progress' }
    | { readonly state: 'mismatch' }
    | { readonly state: 'completed'; readonly status: number; readonly body: string };

/**
 * Idempotency records (`Idempotency-Key`), kept 24 hours by the handler.
 *
 * @example
 * ```ts
 * await store.completeIdempotent(organizer, key, { status: 201, body });
 * ```
 */
export interface IdempotencyStore {
    /**
     * Claims a key. A record that expired, or a `started` one whose lock passed (its request
     * crashed), is taken over.
     *
     * @param input - scope (the organizer), key, hash of the request body, clock, the record's
     * expiry, and how long the claim is held while the request runs (unix ms)
     * @returns `started` (the caller runs the request), `completed` (the stored response),
     * `in-progress` (another request holds it), `mismatch` (same key, other body)
     */
    beginIdempotent(input: {
        scope: string;
        key: string;
        requestHash: string;
        now: number;
        expiresAt: number;
        lockedUntil: number;
    }): Promise<IdempotencyBegin>;
    /**
     * Stores the response of a claimed key.
     *
     * @param scope - the organizer
     * @param key - the key
     * @param response - status and JSON body
     */
    completeIdempotent(scope: string, key: string, response: { status: number; body: string }): Promise<void>;
    /**
     * Releases a claimed key without a response (the request failed; a retry may run it).
     *
     * @param scope - the organizer
     * @param key - the key
     */
    abandonIdempotent(scope: string, key: string): Promise<void>;
}

/**
 * Fixed-window rate-limit counters.
 *
 * @example
 * ```ts
 * const count = await store.hitRateLimit('ip:203.0.113.9', windowStart, windowStart + 60_000);
 * ```
 */
export interface RateLimitStore {
    /**
     * Adds one hit to a window and returns the window's count.
     *
     * @param bucket - what is limited, e.g. `org:<address>`
     * @param windowStart - unix ms of the window start
     * @param expiresAt - unix ms after which the counter may be pruned
     * @returns the count including this hit
     */
    hitRateLimit(bucket: string, windowStart: number, expiresAt: number): Promise<number>;
}

/**
 * What an admin API key may do: `read` (GET), `write` (create/update organizers, implies
 * read), `admin` (everything, including API keys).
 *
 * @example
 * ```ts
 * const scopes: ApiKeyScope[] = ['read'];
 * ```
 */
export type ApiKeyScope = 'read' | 'write' | 'admin';

/**
 * An API key as stored: only the SHA-256 of the key.
 *
 * @example
 * ```ts
 * const keys: ApiKeyRecord[] = await store.listApiKeys();
 * ```
 */
export interface ApiKeyRecord {
    /** Public identifier, e.g. for revocation. */
    readonly id: string;
    /** SHA-256 of the key, lowercase hex. */
    readonly keyHash: string;
    /** Granted scopes. */
    readonly scopes: readonly ApiKeyScope[];
    /** Free text. */
    readonly label: string;
    /** Unix ms. */
    readonly createdAt: number;
    /** Unix ms, or `null` while valid. */
    readonly revokedAt: number | null;
}

/**
 * Admin API keys.
 *
 * @example
 * ```ts
 * const record = await store.getApiKeyByHash(await sha256Hex(presented));
 * ```
 */
export interface ApiKeyStore {
    /**
     * @param record - the key to store
     * @returns false when the id or hash exists already
     */
    createApiKey(record: ApiKeyRecord): Promise<boolean>;
    /**
     * @param keyHash - SHA-256 of the presented key
     * @returns the record (revoked or not), or `undefined`
     */
    getApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
    /**
     * @returns every key, oldest first
     */
    listApiKeys(): Promise<ApiKeyRecord[]>;
    /**
     * @param id - the key id
     * @param now - unix ms
     * @returns false when unknown or already revoked
     */
    revokeApiKey(id: string, now: number): Promise<boolean>;
}

/**
 * What an audit entry records.
 *
 * @example
 * ```ts
 * const action: AuditAction = 'permit.refused';
 * ```
 */
export type AuditAction =
    | 'permit.issued'
    | 'permit.refused'
    | 'organizer.created'
    | 'organizer.updated'
    | 'organizer.signed-in'
    | 'api-key.created'
    | 'api-key.revoked';

/**
 * A JSON value (audit details).
 *
 * @example
 * ```ts
 * const details: Record<string, AuditJson> = { raffleId: '7', tickets: 500 };
 * ```
 */
export type AuditJson = string | number | boolean | null | readonly AuditJson[] | { readonly [key: string]: AuditJson };

/**
 * An audit log entry to append.
 *
 * @example
 * ```ts
 * await store.appendAudit({ at: Date.now(), actor: organizer, action: 'permit.refused', organizer, reason: 'DEADLINE_TOO_FAR', details: {} });
 * ```
 */
export interface NewAuditEntry {
    /** Unix ms. */
    readonly at: number;
    /** Who: an organizer address, or `api-key:<id>`. */
    readonly actor: string;
    /** What. */
    readonly action: AuditAction;
    /** The organizer concerned, if any. */
    readonly organizer: Address | null;
    /** Why (refusal reason), if any. */
    readonly reason: string | null;
    /** What exactly: request fields, raffle id, changes. Never secrets. */
    readonly details: { readonly [key: string]: AuditJson };
}

/**
 * A stored audit entry.
 *
 * @example
 * ```ts
 * const entries: AuditEntry[] = await store.listAudit({ organizer, limit: 50 });
 * ```
 */
export interface AuditEntry extends NewAuditEntry {
    /** Increasing id (decimal), the pagination cursor. */
    readonly id: string;
}

/**
 * The append-only audit log.
 *
 * @example
 * ```ts
 * const refused = await store.listAudit({ action: 'permit.refused', limit: 100 });
 * ```
 */
export interface AuditStore {
    /**
     * @param entry - the entry
     * @returns it with its id
     */
    appendAudit(entry: NewAuditEntry): Promise<AuditEntry>;
    /**
     * Lists entries, newest first.
     *
     * @param query - filters, page size, cursor (`id` of the last entry of the previous page)
     * @returns at most `limit` entries with an id below `before`
     */
    listAudit(query: { organizer?: Address; action?: AuditAction; limit: number; before?: string }): Promise<AuditEntry[]>;
}

/**
 * How many rows {@link PermitServerStore.prune} removed.
 *
 * @example
 * ```ts
 * const { sessions, audit } = await store.prune({ now: Date.now() });
 * ```
 */
export interface PruneResult {
    /** Expired sign-in nonces. */
    readonly nonces: number;
    /** Expired sessions. */
    readonly sessions: number;
    /** Expired idempotency records. */
    readonly idempotency: number;
    /** Expired rate-limit windows. */
    readonly rateLimits: number;
    /** Permits (any status) whose expiry is older than the permit retention. */
    readonly permits: number;
    /** Audit entries older than the audit retention. */
    readonly audit: number;
}

/**
 * What {@link PermitServerStore.prune} deletes besides expired nonces, sessions, idempotency
 * records and rate-limit windows (always deleted). A retention of `0` keeps those rows
 * forever.
 *
 * @example
 * ```ts
 * await store.prune({ now: Date.now(), permitRetentionMs: 30 * 86_400_000, auditRetentionMs: 0 }); // audit kept forever
 * ```
 */
export interface PruneOptions {
    /** Unix ms. */
    readonly now: number;
    /**
     * How long a permit is kept after it expired, ms: a permit whose `expiresAt` is at or
     * before `now - permitRetentionMs` is deleted (its raffle id is never reused). Default
     * 30 days (`DEFAULT_PERMIT_RETENTION_MS`); `0` keeps permits forever.
     */
    readonly permitRetentionMs?: number;
    /**
     * How long audit entries are kept, ms: an entry whose `at` is at or before
     * `now - auditRetentionMs` is deleted. Default 90 days (`DEFAULT_AUDIT_RETENTION_MS`);
     * `0` keeps the audit log forever.
     */
    readonly auditRetentionMs?: number;
}

/**
 * Everything the permit server keeps: organizers, raffle ids and permits, sign-in nonces and
 * sessions, idempotency records, rate-limit counters, API key hashes and the audit log.
 * Replicas sharing one store share all of it.
 *
 * Adapters: `createMemoryPermitStore` (tests, one process), `createPglitePermitStore`
 * (embedded, persists to a directory), `createPostgresPermitStore` (production, replicas).
 *
 * @example
 * ```ts
 * const store: PermitServerStore = createMemoryPermitStore();
 * await store.ready();
 * ```
 */
export interface PermitServerStore
    extends OrganizerStore,
        PermitLedger,
        SessionStore,
        IdempotencyStore,
        RateLimitStore,
        ApiKeyStore,
        AuditStore {
    /** `memory`, `pglite`, `postgres` or a custom adapter's name. */
    readonly kind: string;
    /** Resolves when the store can be used (SQL adapters apply their migrations). */
    ready(): Promise<void>;
    /** Throws when the store cannot be reached (health checks). */
    ping(): Promise<void>;
    /**
     * Applies the retention policy: deletes expired nonces, sessions, idempotency records and
     * rate-limit windows, permits that expired more than `permitRetentionMs` ago and audit
     * entries older than `auditRetentionMs` (see {@link PruneOptions} for the defaults). Call
     * it periodically (e.g. every minute). A large backlog is deleted in bounded batches over
     * several calls.
     *
     * A plain number (the form before retention existed) is `now` with permits and audit
     * entries kept forever.
     *
     * @param options - the clock and the retention periods, or `now` (unix ms)
     * @returns counts of removed rows
     */
    prune(options: PruneOptions | number): Promise<PruneResult>;
    /** Closes what the adapter owns (a pool or database it created). */
    close(): Promise<void>;
}
