/**
 * Who is calling: organizer sessions (`Authorization: Bearer rps_…`) and admin API keys
 * (`Authorization: Bearer rpk_…` or `X-Api-Key`). Only SHA-256 hashes of tokens reach the store.
 *
 * @internal
 * @packageDocumentation
 */
import type { Address } from '@solana/kit';

import { apiKeyHasScope } from '../api-keys';
import type { ApiKeyRecord, ApiKeyScope, PermitServerStore } from '../store/types';
import { sha256Hex } from '../tokens';
import { HttpError, type IncomingRequest } from './respond';

/** Prefix of session tokens. */
export const SESSION_PREFIX = 'rps_';
const API_KEY_PREFIX = 'rpk_';

/**
 * Reads the bearer token of a request; for API keys, `X-Api-Key` is accepted too.
 *
 * @param request - the request
 * @param prefix - the prefix of the token kind expected (session or API key)
 * @returns the token, or undefined when the request carries none
 * @throws 401 `UNAUTHENTICATED` when the Authorization header is not `Bearer <token>`
 */
export function bearer(request: IncomingRequest, prefix: string): string | undefined {
    const header = request.headers.get('authorization');
    let token: string | undefined;
    if (header !== null) {
        const match = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header);
        if (match === null) throw new HttpError(401, 'UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"');
        token = match[1];
    } else if (prefix === API_KEY_PREFIX) {
        const key = request.headers.get('x-api-key');
        if (key !== null) token = key;
    }
    return token;
}

/** The checks of {@link createCredentialChecks}. */
export interface CredentialChecks {
    /** Resolves the signed-in organizer, or throws 401 `UNAUTHENTICATED`. */
    readonly requireSession: (request: IncomingRequest) => Promise<Address>;
    /** Resolves a live API key holding `scope`, or throws 401 `UNAUTHENTICATED` / 403 `FORBIDDEN`. */
    readonly requireApiKey: (request: IncomingRequest, scope: ApiKeyScope) => Promise<ApiKeyRecord>;
}

/**
 * Creates the session and API key checks of the handler.
 *
 * @param store - looks up sessions and API keys by token hash
 * @param now - the clock, milliseconds (session expiry)
 * @returns the checks
 */
export function createCredentialChecks(store: Pick<PermitServerStore, 'getSession' | 'getApiKeyByHash'>, now: () => number): CredentialChecks {
    const requireSession = async (request: IncomingRequest): Promise<Address> => {
        const token = bearer(request, SESSION_PREFIX);
        if (token === undefined) throw new HttpError(401, 'UNAUTHENTICATED', 'sign in first: send "Authorization: Bearer <session token>"');
        if (!token.startsWith(SESSION_PREFIX) || token.length > 128) {
            throw new HttpError(401, 'UNAUTHENTICATED', 'the token is not a session token; sign in at POST /auth/sign-in');
        }
        const session = await store.getSession(sha256Hex(token), now());
        if (session === undefined) throw new HttpError(401, 'UNAUTHENTICATED', 'the session is unknown or expired; sign in again');
        return session.organizer;
    };

    const requireApiKey = async (request: IncomingRequest, scope: ApiKeyScope): Promise<ApiKeyRecord> => {
        const key = bearer(request, API_KEY_PREFIX);
        if (key === undefined) throw new HttpError(401, 'UNAUTHENTICATED', 'send an API key: "Authorization: Bearer <key>" or "X-Api-Key"');
        if (key.length > 512) throw new HttpError(401, 'UNAUTHENTICATED', 'the API key is unknown or revoked');
        const record = await store.getApiKeyByHash(sha256Hex(key));
        if (record === undefined || record.revokedAt !== null) throw new HttpError(401, 'UNAUTHENTICATED', 'the API key is unknown or revoked');
        if (!apiKeyHasScope(record.scopes, scope)) {
            throw new HttpError(403, 'FORBIDDEN', `this API key lacks the "${scope}" scope`, { requiredScope: scope });
        }
        return record;
    };

    return { requireSession, requireApiKey };
}
