/**
 * Admin API keys: random secrets shown once; the store keeps only their SHA-256.
 *
 * @packageDocumentation
 */
import { describeValue } from '../internal/describe';
import { apiKeyInvalid, serverOptionInvalid } from './errors';
import type { ApiKeyRecord, ApiKeyScope, PermitServerStore } from './store/types';
import { randomAlphanumeric, randomToken, sha256Hex } from './tokens';

/**
 * Every API key scope, weakest first: `read` < `write` < `admin`.
 *
 * @example
 * ```ts
 * API_KEY_SCOPES.includes(scope as ApiKeyScope);
 * ```
 */
export const API_KEY_SCOPES: readonly ApiKeyScope[] = Object.freeze(['read', 'write', 'admin'] as const);

/** Shortest key {@link registerApiKey} accepts. */
const MIN_KEY_LENGTH = 32;
const MAX_KEY_LENGTH = 256;
const KEY_TEXT = /^[\x21-\x7e]+$/;

/**
 * Tells whether granted scopes cover a required one: `admin` covers everything, `write`
 * covers `read`.
 *
 * @param granted - the key's scopes
 * @param required - what the route needs
 * @returns true when allowed
 * @example
 * ```ts
 * apiKeyHasScope(['write'], 'read'); // true
 * apiKeyHasScope(['write'], 'admin'); // false
 * ```
 */
export function apiKeyHasScope(granted: readonly ApiKeyScope[], required: ApiKeyScope): boolean {
    const need = API_KEY_SCOPES.indexOf(required);
    return granted.some(s => API_KEY_SCOPES.indexOf(s) >= need);
}

function checkScopes(scopes: unknown): ApiKeyScope[] {
    if (!Array.isArray(scopes) || scopes.length === 0 || scopes.some(s => !API_KEY_SCOPES.includes(s as ApiKeyScope))) {
        throw apiKeyInvalid('scopes', `must be a non-empty array of ${API_KEY_SCOPES.join(', ')}, got ${describeValue(scopes)}`);
    }
    return [...new Set(scopes as ApiKeyScope[])];
}

function checkLabel(label: unknown): string {
    if (label === undefined) return '';
    if (typeof label !== 'string' || label.length > 200 || /[\u0000-\u001f\u007f]/.test(label)) {
        throw apiKeyInvalid('label', 'must be a string of at most 200 printable characters');
    }
    return label;
}

/**
 * The outcome of {@link createApiKey}: the secret (shown once) and what is stored.
 *
 * @example
 * ```ts
 * const { key, record }: CreatedApiKey = await createApiKey(store, { scopes: ['read'] });
 * ```
 */
export interface CreatedApiKey {
    /** The secret, `rpk_...`: give it to the operator now; it cannot be recovered. */
    readonly key: string;
    /** The stored record (hash only). */
    readonly record: ApiKeyRecord;
}

/**
 * Creates an API key with fresh randomness (256 bits) and stores its hash.
 *
 * @param store - the store
 * @param input - scopes, an optional label, the clock
 * @returns the key (once) and its record
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__API_KEY_INVALID` for bad scopes or label
 * @example
 * ```ts
 * const { key } = await createApiKey(store, { scopes: ['admin'], label: 'ops laptop' });
 * console.log(`export PERMIT_ADMIN_API_KEY=${key}`); // once, to the operator
 * ```
 */
export async function createApiKey(
    store: PermitServerStore,
    input: { scopes: readonly ApiKeyScope[]; label?: string; now?: number },
): Promise<CreatedApiKey> {
    const scopes = checkScopes(input.scopes);
    const label = checkLabel(input.label);
    for (let attempt = 0; ; attempt++) {
        const key = `rpk_${randomToken(32)}`;
        const record: ApiKeyRecord = {
            id: `key_${randomAlphanumeric(12)}`,
            keyHash: sha256Hex(key),
            scopes,
            label,
            createdAt: input.now ?? Date.now(),
            revokedAt: null,
        };
        if (await store.createApiKey(record)) return { key, record };
        if (attempt >= 3) throw serverOptionInvalid('store', 'refused four fresh API keys in a row');
    }
}

/**
 * Registers a key chosen outside the server (e.g. `PERMIT_ADMIN_API_KEY` from a secret
 * manager) so that a fresh deployment has an admin. Idempotent: a key already registered is
 * left as it is (even if revoked). Stores only its hash.
 *
 * @param store - the store
 * @param input - the key (32 to 256 printable ASCII characters), scopes, label, clock
 * @returns the record
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__API_KEY_INVALID` for a short or malformed key, bad scopes or label
 * (the message never contains the key)
 * @example
 * ```ts
 * await registerApiKey(store, { key: process.env.PERMIT_ADMIN_API_KEY!, scopes: ['admin'], label: 'bootstrap' });
 * ```
 */
export async function registerApiKey(
    store: PermitServerStore,
    input: { key: string; scopes: readonly ApiKeyScope[]; label?: string; now?: number },
): Promise<ApiKeyRecord> {
    const key = input.key;
    if (typeof key !== 'string' || key.length < MIN_KEY_LENGTH || key.length > MAX_KEY_LENGTH || !KEY_TEXT.test(key)) {
        throw apiKeyInvalid('key', `must be ${MIN_KEY_LENGTH} to ${MAX_KEY_LENGTH} printable ASCII characters without spaces`);
    }
    const scopes = checkScopes(input.scopes);
    const label = checkLabel(input.label);
    const keyHash = sha256Hex(key);
    const existing = await store.getApiKeyByHash(keyHash);
    if (existing !== undefined) return existing;
    const record: ApiKeyRecord = {
        id: `key_${sha256Hex(`id:${key}`).slice(0, 12)}`,
        keyHash,
        scopes,
        label,
        createdAt: input.now ?? Date.now(),
        revokedAt: null,
    };
    if (!(await store.createApiKey(record))) {
        const raced = await store.getApiKeyByHash(keyHash);
        if (raced !== undefined) return raced;
        throw apiKeyInvalid('key', 'could not be registered (id collision); choose another key');
    }
    return record;
}
