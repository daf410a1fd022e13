/**
 * The permit server's HTTP API as one fetch-API handler, `(Request) => Promise<Response>`:
 * mount it in Hono, Next.js route handlers, Fastify, Bun, Deno, Cloudflare Workers or
 * node:http. Only Web APIs are used (Request, Response, Web Crypto).
 *
 * @packageDocumentation
 */
import type { Address } from '@solana/kit';

import { verifyEd25519 } from '../internal/ed25519-verify';
import { decodeBase58, writeAddressBytes } from '../internal/base58';
import { fromBase64 } from '../internal/encoding';
import { API_KEY_SCOPES, apiKeyHasScope, createApiKey } from './api-keys';
import { type PermitServerErrorCode, serverOptionInvalid } from './errors';
import { readJsonObject } from './http/body';
import { type ErrorDetails, HttpError, type IncomingRequest, RAW_HANDLER, type RawResponse, json } from './http/respond';
import {
    addressField,
    addressParam,
    asBadRequest,
    bigintValue,
    canonicalPermitRequest,
    cursorParam,
    invalid,
    limitParam,
    onlyKeys,
    onlyParams,
    parsePermitRequestBody,
} from './http/validate';
import { type PermitIssuer, type PermitIssuerOptions, createPermitIssuer } from './issuer';
import { MAX_NEXT_RAFFLE_ID, type NewOrganizer, type Organizer, type OrganizerPatch, checkNewOrganizer, checkOrganizerPatch } from './organizer';
import type { TierPolicy } from './policy';
import { createSignInMessageText, isSignInStatement, parseSignInMessageText } from './sign-in';
import type { ApiKeyRecord, ApiKeyScope, AuditAction, AuditEntry, AuditJson, PermitRecord, PermitServerStore } from './store/types';
import { randomAlphanumeric, randomToken, sha256Hex } from './tokens';

/**
 * A fixed-window rate limit: at most `limit` requests per `windowSeconds`.
 *
 * @example
 * ```ts
 * const rule: RateLimitRule = { limit: 60, windowSeconds: 60 };
 * ```
 */
export interface RateLimitRule {
    /** Requests allowed per window. */
    readonly limit: number;
    /** Window length, seconds. */
    readonly windowSeconds: number;
}

/**
 * Rate limits of the handler, counted in the store so that replicas share them. `false`
 * disables one.
 *
 * @example
 * ```ts
 * const rateLimits: PermitRateLimits = { perIp: { limit: 600, windowSeconds: 60 }, perOrganizer: { limit: 30, windowSeconds: 60 } };
 * ```
 */
export interface PermitRateLimits {
    /** Every request but `/health`, per client IP (needs the IP, see `clientAddress`). Default 300/min. */
    readonly perIp?: RateLimitRule | false;
    /** Requests of a signed-in organizer. Default 60/min. */
    readonly perOrganizer?: RateLimitRule | false;
    /** `/auth/nonce` and `/auth/sign-in`, per client IP. Default 30/min. */
    readonly signInPerIp?: RateLimitRule | false;
}

/**
 * Options of {@link createPermitHandler}: those of {@link createPermitIssuer} and the HTTP
 * ones.
 *
 * @example
 * ```ts
 * const options: PermitHandlerOptions = {
 *     store, signers: [signer], programId, domain: 'permits.example.com',
 *     prizeCollections: createPrizeCollectionResolver({ reader: createRpcAccountReader(rpc) }),
 * };
 * ```
 */
export interface PermitHandlerOptions extends PermitIssuerOptions {
    /**
     * The domain(s) sign-in messages must name (`host` or `host:port` of the server, as the
     * browser sees it). The first is used in the messages `/auth/nonce` prepares.
     */
    readonly domain: string | readonly string[];
    /** When set, sign-in messages must carry this `Chain ID` (e.g. `mainnet`, `devnet`). */
    readonly chainId?: string;
    /** The statement of prepared sign-in messages. */
    readonly statement?: string;
    /** A path prefix to strip, e.g. `/api`. */
    readonly basePath?: string;
    /** Session lifetime, seconds; default 900 (15 min), at most 86,400. */
    readonly sessionTtlSeconds?: number;
    /** Lifetime of a sign-in nonce and longest sign-in message validity, seconds; default 300. */
    readonly signInTtlSeconds?: number;
    /** How long an `Idempotency-Key` replays its response, seconds; default 86,400 (24 h). */
    readonly idempotencyTtlSeconds?: number;
    /** Largest request body, bytes; default 16,384. */
    readonly maxBodyBytes?: number;
    /** Rate limits; see {@link PermitRateLimits}. */
    readonly rateLimits?: PermitRateLimits;
    /**
     * Finds the client IP when the adapter does not pass it as `context.clientAddress`. Behind
     * your own proxies, derive it with `createClientAddressResolver(hops)` (e.g.
     * `request => clientAddressOf(undefined, request.headers.get('x-forwarded-for'))`), never
     * from the leftmost `X-Forwarded-For` entry: the client writes that one.
     */
    readonly clientAddress?: (request: Request) => string | undefined;
    /** Browser origins allowed to call the API (CORS), or `'*'`. Default none. */
    readonly corsOrigins?: readonly string[] | '*';
    /** Appends `organizer.signed-in` to the audit log on every sign-in (default true). */
    readonly auditSignIns?: boolean;
    /**
     * Receives unexpected errors (answered 500 `INTERNAL`) with the request id. Errors never
     * carry key material; the request body is not included.
     */
    readonly onError?: (error: unknown, info: { requestId: string; method: string; path: string }) => void;
}

/**
 * Per-request information an adapter may pass.
 *
 * @example
 * ```ts
 * app.all('*', c => handler(c.req.raw, { clientAddress: c.env.incoming.socket.remoteAddress }));
 * ```
 */
export interface PermitHandlerContext {
    /** The client's IP address, for per-IP rate limits. */
    readonly clientAddress?: string;
}

/**
 * The fetch-API handler returned by {@link createPermitHandler}, with the issuer it uses.
 *
 * @example
 * ```ts
 * const response = await handler(new Request('http://localhost/health'));
 * ```
 */
export interface PermitHandler {
    /**
     * Answers one request. Never throws: every failure is a JSON error response.
     *
     * @param request - the request
     * @param context - what the adapter knows beyond the request
     * @returns the response
     */
    (request: Request, context?: PermitHandlerContext): Promise<Response>;
    /** The issuer behind `POST /permits`. */
    readonly issuer: PermitIssuer;
}

const DEFAULT_RATE_LIMITS: Required<PermitRateLimits> = {
    perIp: { limit: 300, windowSeconds: 60 },
    perOrganizer: { limit: 60, windowSeconds: 60 },
    signInPerIp: { limit: 30, windowSeconds: 60 },
};
const SESSION_PREFIX = 'rps_';
const API_KEY_PREFIX = 'rpk_';
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const CLOCK_SKEW_MS = 60_000;
const AUDIT_ACTIONS: readonly AuditAction[] = [
    'permit.issued',
    'permit.refused',
    'organizer.created',
    'organizer.updated',
    'organizer.signed-in',
    'api-key.created',
    'api-key.revoked',
];
const REFUSAL_STATUS: Partial<Record<PermitServerErrorCode, number>> = { ORGANIZER_UNKNOWN: 403, ORGANIZER_INACTIVE: 403, RAFFLE_ID_EXHAUSTED: 409 };

function iso(ms: number): string {
    return new Date(ms).toISOString();
}

function organizerJson(o: Organizer): Record<string, unknown> {
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

function tierJson(t: TierPolicy): Record<string, unknown> {
    return { ...t, maxPrizeAmount: t.maxPrizeAmount === null ? null : t.maxPrizeAmount.toString() };
}

function permitRecordJson(p: PermitRecord): Record<string, unknown> {
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

function auditJson(e: AuditEntry): Record<string, unknown> {
    return { id: e.id, at: iso(e.at), actor: e.actor, action: e.action, organizer: e.organizer, reason: e.reason, details: e.details };
}

function apiKeyJson(k: ApiKeyRecord): Record<string, unknown> {
    return { id: k.id, scopes: k.scopes, label: k.label, createdAt: iso(k.createdAt), revokedAt: k.revokedAt === null ? null : iso(k.revokedAt) };
}

function checkRule(rule: RateLimitRule | false | undefined, fallback: RateLimitRule, name: string): RateLimitRule | false {
    if (rule === undefined) return fallback;
    if (rule === false) return false;
    if (
        typeof rule !== 'object' ||
        !Number.isSafeInteger(rule.limit) ||
        rule.limit < 1 ||
        !Number.isSafeInteger(rule.windowSeconds) ||
        rule.windowSeconds < 1
    ) {
        throw serverOptionInvalid(`rateLimits.${name}`, 'must be false or { limit, windowSeconds } with positive integers');
    }
    return rule;
}

function positiveOption(value: number | undefined, fallback: number, name: string, max: number): number {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || value < 1 || value > max) throw serverOptionInvalid(name, `must be an integer from 1 to ${max}`);
    return value;
}

/** Decodes a wallet signature: padded base64 (88 characters) or base58. */
function decodeSignature(value: string): Uint8Array | undefined {
    if (value.length === 88 && value.endsWith('==')) return fromBase64(value);
    if (value.length < 64 || value.length > 90) return undefined;
    return decodeBase58(value);
}

/**
 * Creates the permit server's HTTP handler. Routes (all JSON; errors are
 * `{ error: { code, message, details? }, requestId }` with a stable `code`, and bad input is
 * always 4xx):
 *
 * | route | auth | what |
 * |---|---|---|
 * | `GET /health` | - | store reachable, signer addresses |
 * | `POST /auth/nonce` | - | a sign-in nonce (and, given `{ address }`, the message to sign) |
 * | `POST /auth/sign-in` | - | `{ message, signature }` -> a session token |
 * | `POST /auth/sign-out` | session | ends the session |
 * | `GET /organizers/me` | session | the organizer, its tier limits, active permits |
 * | `POST /permits` | session | issues a permit; honours `Idempotency-Key` for 24 h |
 * | `GET /permits` | session | the organizer's permits |
 * | `GET /admin/organizers[/:address]` | API key `read` | list / one |
 * | `POST /admin/organizers` | `write` | create |
 * | `PATCH /admin/organizers/:address` | `write` | update |
 * | `POST /admin/organizers/:address/(de)activate` | `write` | switch |
 * | `GET /admin/permits`, `GET /admin/audit` | `read` | ledger and audit log |
 * | `GET/POST /admin/api-keys`, `DELETE /admin/api-keys/:id` | `admin` | API keys |
 *
 * @param options - issuer options (store, signers, program, policy, chain readers) and HTTP options
 * @returns the handler
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID` for invalid options (and the
 * errors of {@link createPermitIssuer})
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { serve } from '@hono/node-server';
 * import { createPermitHandler, createMemoryPermitStore } from '@raffle/permit/server';
 * import { signerFromEnv } from '@raffle/permit/node';
 *
 * const handler = createPermitHandler({
 *     store: createMemoryPermitStore(),
 *     signers: [signerFromEnv('PERMIT_SIGNER_KEY')],
 *     programId: address('HMxaKAkT6CdHhm7Gyf83LrxhLTdQNfXdmdGuhHpArH9'),
 *     domain: 'localhost:8787',
 *     policy: { requirePrizeCollection: false },
 * });
 * const app = new Hono().all('*', c => handler(c.req.raw));
 * serve({ fetch: app.fetch, port: 8787 });
 * ```
 */
export function createPermitHandler(options: PermitHandlerOptions): PermitHandler {
    const issuer = createPermitIssuer(options);
    const store: PermitServerStore = options.store;
    const domains = typeof options.domain === 'string' ? [options.domain] : [...(options.domain ?? [])];
    if (domains.length === 0 || domains.some(d => typeof d !== 'string' || d === '' || /[\s/]/.test(d))) {
        throw serverOptionInvalid('domain', 'must be the host (and port) of the server, e.g. "permits.example.com", or a list of them');
    }
    if (options.chainId !== undefined && (typeof options.chainId !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(options.chainId))) {
        throw serverOptionInvalid('chainId', 'must be a short printable string such as "devnet"');
    }
    const statement = options.statement ?? 'Sign in to request raffle permits.';
    if (typeof statement !== 'string' || (statement !== '' && !isSignInStatement(statement)) || statement.length > 500) {
        throw serverOptionInvalid('statement', 'must be one line of at most 500 printable characters, not starting like a field (e.g. "URI: ")');
    }
    const basePath = (options.basePath ?? '').replace(/\/+$/, '');
    if (basePath !== '' && !/^\/[A-Za-z0-9._~\-/]*$/.test(basePath)) throw serverOptionInvalid('basePath', 'must be a path such as "/api"');
    const sessionTtlMs = positiveOption(options.sessionTtlSeconds, 900, 'sessionTtlSeconds', 86_400) * 1000;
    const signInTtlMs = positiveOption(options.signInTtlSeconds, 300, 'signInTtlSeconds', 3_600) * 1000;
    const idempotencyTtlMs = positiveOption(options.idempotencyTtlSeconds, 86_400, 'idempotencyTtlSeconds', 7 * 86_400) * 1000;
    const maxBodyBytes = positiveOption(options.maxBodyBytes, 16_384, 'maxBodyBytes', 1_048_576);
    const limits = {
        perIp: checkRule(options.rateLimits?.perIp, DEFAULT_RATE_LIMITS.perIp as RateLimitRule, 'perIp'),
        perOrganizer: checkRule(options.rateLimits?.perOrganizer, DEFAULT_RATE_LIMITS.perOrganizer as RateLimitRule, 'perOrganizer'),
        signInPerIp: checkRule(options.rateLimits?.signInPerIp, DEFAULT_RATE_LIMITS.signInPerIp as RateLimitRule, 'signInPerIp'),
    };
    const cors = options.corsOrigins;
    const now = options.now ?? Date.now;
    const auditSignIns = options.auditSignIns ?? true;
    let ready: Promise<void> | undefined;

    // ---------------------------------------------------------------- helpers

    const rateLimit = async (bucket: string, rule: RateLimitRule | false): Promise<void> => {
        if (rule === false) return;
        const t = now();
        const windowMs = rule.windowSeconds * 1000;
        const windowStart = Math.floor(t / windowMs) * windowMs;
        const count = await store.hitRateLimit(bucket, windowStart, windowStart + windowMs);
        if (count > rule.limit) {
            const retryAfter = Math.max(1, Math.ceil((windowStart + windowMs - t) / 1000));
            throw new HttpError(429, 'RATE_LIMITED', `too many requests; retry in ${retryAfter} s`, { retryAfterSeconds: retryAfter }, {
                'retry-after': String(retryAfter),
            });
        }
    };

    const bearer = (request: IncomingRequest, prefix: string): string | undefined => {
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
    };

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

    const audit = (action: AuditAction, actor: string, organizer: Address | null, details: { [key: string]: AuditJson }): Promise<unknown> =>
        store.appendAudit({ at: now(), actor, action, organizer, reason: null, details });

    // ---------------------------------------------------------------- routes

    const health = async (): Promise<[number, unknown]> => {
        try {
            await store.ping();
        } catch {
            return [503, { status: 'unavailable', store: store.kind }];
        }
        return [
            200,
            { status: 'ok', store: store.kind, signer: issuer.signers[0].address, signers: issuer.signers.map(s => s.address), programId: issuer.programId },
        ];
    };

    const nonce = async (request: IncomingRequest, ip: string | undefined): Promise<[number, unknown]> => {
        if (ip !== undefined) await rateLimit(`sign-in:${ip}`, limits.signInPerIp);
        const body = await readJsonObject(request, maxBodyBytes, true);
        onlyKeys(body, ['address']);
        const address = body.address === undefined ? undefined : addressField(body, 'address');
        const t = now();
        const value = randomAlphanumeric(24);
        await store.createSignInNonce(value, t + signInTtlMs);
        const fields = {
            domain: domains[0]!,
            statement,
            version: '1',
            ...(options.chainId !== undefined && { chainId: options.chainId }),
            nonce: value,
            issuedAt: iso(t),
            expirationTime: iso(t + signInTtlMs),
        };
        return [200, { ...fields, ...(address !== undefined && { message: createSignInMessageText({ ...fields, address }) }) }];
    };

    const signIn = async (request: IncomingRequest, ip: string | undefined): Promise<[number, unknown]> => {
        if (ip !== undefined) await rateLimit(`sign-in:${ip}`, limits.signInPerIp);
        const body = await readJsonObject(request, maxBodyBytes);
        onlyKeys(body, ['message', 'signature']);
        const message = body.message;
        const signature = body.signature;
        if (typeof message !== 'string') throw invalid('message', 'must be the signed sign-in message text');
        if (typeof signature !== 'string') throw invalid('signature', 'must be the 64-byte signature in base64 or base58');
        const fail = (reason: string): HttpError => new HttpError(401, 'SIGN_IN_INVALID', reason);
        const fields = parseSignInMessageText(message);
        if (fields === undefined) throw fail('the message is not a well-formed sign-in message (see POST /auth/nonce)');
        if (!domains.includes(fields.domain)) throw fail(`the message is for domain ${fields.domain}, not this server`);
        if (options.chainId !== undefined && fields.chainId !== options.chainId) throw fail(`the message must carry Chain ID ${options.chainId}`);
        if (fields.nonce === undefined || fields.issuedAt === undefined || fields.expirationTime === undefined) {
            throw fail('the message must carry Nonce, Issued At and Expiration Time');
        }
        const t = now();
        const issuedAt = Date.parse(fields.issuedAt);
        const expiresAt = Date.parse(fields.expirationTime);
        if (issuedAt > t + CLOCK_SKEW_MS) throw fail('the message is issued in the future');
        if (expiresAt <= t) throw fail('the message has expired; request a new nonce');
        if (expiresAt - issuedAt > signInTtlMs + CLOCK_SKEW_MS || t - issuedAt > signInTtlMs + CLOCK_SKEW_MS) {
            throw fail(`the message must expire within ${signInTtlMs / 1000} s of being issued`);
        }
        if (fields.notBefore !== undefined && Date.parse(fields.notBefore) > t + CLOCK_SKEW_MS) throw fail('the message is not valid yet');
        const signatureBytes = decodeSignature(signature);
        const publicKey = new Uint8Array(32);
        if (signatureBytes === undefined || signatureBytes.length !== 64 || !writeAddressBytes(fields.address, publicKey, 0)) {
            throw fail('the signature is not 64 bytes of base64 or base58');
        }
        if (!(await verifyEd25519(publicKey, new TextEncoder().encode(message), signatureBytes))) {
            throw fail('the signature does not verify for the address in the message');
        }
        if (!(await store.consumeSignInNonce(fields.nonce, t))) throw fail('the nonce is unknown, expired or already used; request a new one');
        const organizer = await store.getOrganizer(fields.address);
        if (organizer === undefined) throw new HttpError(403, 'ORGANIZER_UNKNOWN', 'this wallet is not a registered organizer');
        const token = `${SESSION_PREFIX}${randomToken(32)}`;
        const sessionExpiresAt = t + sessionTtlMs;
        await store.createSession({ tokenHash: sha256Hex(token), organizer: organizer.address, createdAt: t, expiresAt: sessionExpiresAt });
        if (auditSignIns) await audit('organizer.signed-in', organizer.address, organizer.address, ip === undefined ? {} : { ip });
        return [200, { token, tokenType: 'Bearer', expiresAt: iso(sessionExpiresAt), organizer: organizer.address, active: organizer.active }];
    };

    const signOut = async (request: IncomingRequest): Promise<[number, unknown]> => {
        await requireSession(request);
        const token = bearer(request, SESSION_PREFIX)!;
        await store.deleteSession(sha256Hex(token));
        return [204, null];
    };

    const me = async (organizer: Address): Promise<[number, unknown]> => {
        const o = await store.getOrganizer(organizer);
        if (o === undefined) throw new HttpError(403, 'ORGANIZER_UNKNOWN', 'this wallet is no longer a registered organizer');
        return [
            200,
            { organizer: organizerJson(o), limits: tierJson(issuer.policy.tiers[o.tier]), activePermits: await store.countActivePermits(organizer, now()) },
        ];
    };

    const postPermit = async (request: IncomingRequest, organizer: Address, headers: Record<string, string>): Promise<[number, unknown] | RawResponse> => {
        const key = request.headers.get('idempotency-key');
        if (key !== null && !IDEMPOTENCY_KEY.test(key)) {
            throw new HttpError(400, 'INVALID_IDEMPOTENCY_KEY', 'the Idempotency-Key header must be 1 to 255 printable ASCII characters');
        }
        const body = await readJsonObject(request, maxBodyBytes);
        const permitRequest = parsePermitRequestBody(body);
        const run = async (): Promise<[number, unknown]> => {
            const result = await issuer.issue({ organizer, request: permitRequest });
            if (result.ok) return [201, { raffleId: result.raffleId.toString(), permit: result.permit }];
            if ('refusal' in result) {
                const { reason, message, details } = result.refusal;
                throw new HttpError(REFUSAL_STATUS[reason] ?? 422, reason, message, details as ErrorDetails);
            }
            throw new HttpError(503, 'CHAIN_UNAVAILABLE', result.message, undefined, { 'retry-after': '1' });
        };
        if (key === null) return run();
        const t = now();
        const begin = await store.beginIdempotent({
            scope: organizer,
            key,
            requestHash: sha256Hex(canonicalPermitRequest(permitRequest)),
            now: t,
            expiresAt: t + idempotencyTtlMs,
            lockedUntil: t + 60_000,
        });
        if (begin.state === 'completed') {
            headers['idempotent-replayed'] = 'true';
            headers['content-type'] = 'application/json; charset=utf-8';
            return { status: begin.status, headers, body: begin.body };
        }
        if (begin.state === 'mismatch') {
            throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request body; use a new key');
        }
        if (begin.state === 'in-progress') {
            throw new HttpError(409, 'IDEMPOTENCY_IN_PROGRESS', 'a request with this Idempotency-Key is still running; retry shortly', undefined, {
                'retry-after': '1',
            });
        }
        let outcome: [number, unknown];
        try {
            outcome = await run();
        } catch (error) {
            await store.abandonIdempotent(organizer, key).catch(() => undefined);
            throw error;
        }
        await store.completeIdempotent(organizer, key, { status: outcome[0], body: JSON.stringify(outcome[1]) });
        return outcome;
    };

    const listOwnPermits = async (url: URL, organizer: Address): Promise<[number, unknown]> => {
        onlyParams(url.searchParams, ['limit', 'before']);
        const limit = limitParam(url.searchParams);
        const permits = await store.listPermits({ organizer, limit, ...optional('before', cursorParam(url.searchParams, 'before')) });
        return [200, { permits: permits.map(permitRecordJson), nextCursor: permits.length === limit ? permits[permits.length - 1]!.seq : null }];
    };

    // ---- admin

    const parseNewOrganizer = (body: Record<string, unknown>): NewOrganizer => {
        onlyKeys(body, ['address', 'enterpriseId', 'tier', 'allowedCollections', 'active', 'nextRaffleId']);
        const input: NewOrganizer = {
            address: addressField(body, 'address'),
            enterpriseId: body.enterpriseId as string,
            tier: body.tier as NewOrganizer['tier'],
            ...(body.allowedCollections !== undefined && { allowedCollections: body.allowedCollections as Address[] }),
            ...(body.active !== undefined && { active: body.active as boolean }),
            ...(body.nextRaffleId !== undefined && { nextRaffleId: bigintValue(body.nextRaffleId, 'nextRaffleId', 0n, MAX_NEXT_RAFFLE_ID) }),
        };
        return stripPrefix(() => checkNewOrganizer(input), 'organizer.');
    };

    const parsePatch = (body: Record<string, unknown>): OrganizerPatch => {
        onlyKeys(body, ['enterpriseId', 'tier', 'allowedCollections', 'active', 'nextRaffleId'], ['address']);
        if (Object.keys(body).length === 0) throw invalid('(body)', 'must change at least one field');
        const patch: OrganizerPatch = {
            ...(body.enterpriseId !== undefined && { enterpriseId: body.enterpriseId as string }),
            ...(body.tier !== undefined && { tier: body.tier as OrganizerPatch['tier'] }),
            ...(body.allowedCollections !== undefined && { allowedCollections: body.allowedCollections as Address[] }),
            ...(body.active !== undefined && { active: body.active as boolean }),
            ...(body.nextRaffleId !== undefined && { nextRaffleId: bigintValue(body.nextRaffleId, 'nextRaffleId', 0n, MAX_NEXT_RAFFLE_ID) }),
        };
        for (const key of ['enterpriseId', 'tier', 'allowedCollections', 'active'] as const) {
            if (Object.prototype.hasOwnProperty.call(body, key) && body[key] === null) throw invalid(key, 'must not be null');
        }
        return stripPrefix(() => checkOrganizerPatch(patch), 'patch.');
    };

    const admin = async (request: IncomingRequest, url: URL, segments: string[]): Promise<[number, unknown]> => {
        const method = request.method;
        const [resource, id, action, ...rest] = segments;
        if (rest.length > 0) throw notFound();
        if (resource === 'organizers') {
            if (id === undefined) {
                if (method === 'GET') {
                    await requireApiKey(request, 'read');
                    onlyParams(url.searchParams, ['limit', 'after', 'active']);
                    const limit = limitParam(url.searchParams);
                    const active = url.searchParams.get('active');
                    if (active !== null && active !== 'true' && active !== 'false') throw invalid('active', 'must be true or false');
                    const list = await store.listOrganizers({
                        limit,
                        ...optional('after', addressParam(url.searchParams, 'after')),
                        ...optional('active', active === null ? undefined : active === 'true'),
                    });
                    return [200, { organizers: list.map(organizerJson), nextCursor: list.length === limit ? list[list.length - 1]!.address : null }];
                }
                if (method === 'POST') {
                    const key = await requireApiKey(request, 'write');
                    const input = parseNewOrganizer(await readJsonObject(request, maxBodyBytes));
                    const created = await store.createOrganizer(input, now());
                    if (created === undefined) throw new HttpError(409, 'ORGANIZER_EXISTS', `organizer ${input.address} exists; PATCH it instead`);
                    await audit('organizer.created', `api-key:${key.id}`, created.address, organizerAuditDetails(created));
                    return [201, { organizer: organizerJson(created) }];
                }
                throw methodNotAllowed(['GET', 'POST']);
            }
            const address = addressFromPath(id);
            if (action === undefined) {
                if (method === 'GET') {
                    await requireApiKey(request, 'read');
                    onlyParams(url.searchParams, []);
                    const o = await store.getOrganizer(address);
                    if (o === undefined) throw new HttpError(404, 'ORGANIZER_NOT_FOUND', `organizer ${address} does not exist`);
                    return [200, { organizer: organizerJson(o), activePermits: await store.countActivePermits(address, now()) }];
                }
                if (method === 'PATCH') {
                    const key = await requireApiKey(request, 'write');
                    const patch = parsePatch(await readJsonObject(request, maxBodyBytes));
                    return updateOrganizer(key, address, patch);
                }
                throw methodNotAllowed(['GET', 'PATCH']);
            }
            if (action === 'activate' || action === 'deactivate') {
                if (method !== 'POST') throw methodNotAllowed(['POST']);
                const key = await requireApiKey(request, 'write');
                return updateOrganizer(key, address, { active: action === 'activate' });
            }
            throw notFound();
        }
        if (resource === 'permits' && id === undefined) {
            if (method !== 'GET') throw methodNotAllowed(['GET']);
            await requireApiKey(request, 'read');
            onlyParams(url.searchParams, ['organizer', 'limit', 'before']);
            const limit = limitParam(url.searchParams);
            const permits = await store.listPermits({
                limit,
                ...optional('organizer', addressParam(url.searchParams, 'organizer')),
                ...optional('before', cursorParam(url.searchParams, 'before')),
            });
            return [200, { permits: permits.map(permitRecordJson), nextCursor: permits.length === limit ? permits[permits.length - 1]!.seq : null }];
        }
        if (resource === 'audit' && id === undefined) {
            if (method !== 'GET') throw methodNotAllowed(['GET']);
            await requireApiKey(request, 'read');
            onlyParams(url.searchParams, ['organizer', 'action', 'limit', 'before']);
            const limit = limitParam(url.searchParams);
            const action = url.searchParams.get('action');
            if (action !== null && !AUDIT_ACTIONS.includes(action as AuditAction)) throw invalid('action', `must be one of ${AUDIT_ACTIONS.join(', ')}`);
            const entries = await store.listAudit({
                limit,
                ...optional('organizer', addressParam(url.searchParams, 'organizer')),
                ...optional('action', (action ?? undefined) as AuditAction | undefined),
                ...optional('before', cursorParam(url.searchParams, 'before')),
            });
            return [200, { entries: entries.map(auditJson), nextCursor: entries.length === limit ? entries[entries.length - 1]!.id : null }];
        }
        if (resource === 'api-keys' && action === undefined) {
            if (id === undefined) {
                if (method === 'GET') {
                    await requireApiKey(request, 'admin');
                    onlyParams(url.searchParams, []);
                    return [200, { apiKeys: (await store.listApiKeys()).map(apiKeyJson) }];
                }
                if (method === 'POST') {
                    const key = await requireApiKey(request, 'admin');
                    const body = await readJsonObject(request, maxBodyBytes);
                    onlyKeys(body, ['scopes', 'label']);
                    const scopes = body.scopes;
                    if (!Array.isArray(scopes) || scopes.length === 0 || scopes.some(s => !API_KEY_SCOPES.includes(s as ApiKeyScope))) {
                        throw invalid('scopes', `must be a non-empty array of ${API_KEY_SCOPES.join(', ')}`);
                    }
                    const label = body.label;
                    if (label !== undefined && (typeof label !== 'string' || label.length > 200 || /[\u0000-\u001f\u007f]/.test(label))) {
                        throw invalid('label', 'must be a string of at most 200 printable characters');
                    }
                    const created = await createApiKey(store, { scopes: scopes as ApiKeyScope[], ...optional('label', label), now: now() });
                    await audit('api-key.created', `api-key:${key.id}`, null, { id: created.record.id, scopes: [...created.record.scopes], label: created.record.label });
                    return [201, { apiKey: apiKeyJson(created.record), key: created.key }];
                }
                throw methodNotAllowed(['GET', 'POST']);
            }
            if (method !== 'DELETE') throw methodNotAllowed(['DELETE']);
            const key = await requireApiKey(request, 'admin');
            if (!/^[A-Za-z0-9_]{1,64}$/.test(id)) throw new HttpError(404, 'API_KEY_NOT_FOUND', 'no such API key');
            if (!(await store.revokeApiKey(id, now()))) throw new HttpError(404, 'API_KEY_NOT_FOUND', `API key ${id} does not exist or is already revoked`);
            await audit('api-key.revoked', `api-key:${key.id}`, null, { id });
            return [204, null];
        }
        throw notFound();
    };

    const updateOrganizer = async (key: ApiKeyRecord, address: Address, patch: OrganizerPatch): Promise<[number, unknown]> => {
        const updated = await store.updateOrganizer(address, patch, now());
        if (updated === undefined) throw new HttpError(404, 'ORGANIZER_NOT_FOUND', `organizer ${address} does not exist`);
        const details: { [key: string]: AuditJson } = {};
        if (patch.enterpriseId !== undefined) details.enterpriseId = patch.enterpriseId;
        if (patch.tier !== undefined) details.tier = patch.tier;
        if (patch.allowedCollections !== undefined) details.allowedCollections = [...patch.allowedCollections];
        if (patch.active !== undefined) details.active = patch.active;
        if (patch.nextRaffleId !== undefined) details.nextRaffleId = patch.nextRaffleId.toString();
        await audit('organizer.updated', `api-key:${key.id}`, address, details);
        return [200, { organizer: organizerJson(updated) }];
    };

    // ---------------------------------------------------------------- dispatch

    const route = async (request: IncomingRequest, context: PermitHandlerContext | undefined, headers: Record<string, string>): Promise<RawResponse> => {
        const url = new URL(request.url);
        let path = url.pathname;
        if (basePath !== '') {
            if (path !== basePath && !path.startsWith(`${basePath}/`)) throw notFound();
            path = path.slice(basePath.length) || '/';
        }
        const method = request.method;
        if (method === 'OPTIONS') return { status: 204, headers, body: null };
        const ipRaw = context?.clientAddress ?? (options.clientAddress === undefined ? undefined : options.clientAddress(request.original ?? (request as unknown as Request)));
        const ip = typeof ipRaw === 'string' && ipRaw !== '' ? ipRaw.slice(0, 64) : undefined;
        const segments = path.split('/').slice(1);
        if (segments[segments.length - 1] === '') segments.pop();

        if (segments.length === 1 && segments[0] === 'health') {
            if (method !== 'GET') throw methodNotAllowed(['GET']);
            return respond(await health(), headers);
        }
        ready ??= store.ready().catch(error => {
            ready = undefined;
            throw error;
        });
        await ready;
        if (ip !== undefined) await rateLimit(`ip:${ip}`, limits.perIp);
        const [first, second] = segments;
        if (first === 'auth' && segments.length === 2) {
            if (method !== 'POST') throw methodNotAllowed(['POST']);
            if (second === 'nonce') return respond(await nonce(request, ip), headers);
            if (second === 'sign-in') return respond(await signIn(request, ip), headers);
            if (second === 'sign-out') return respond(await signOut(request), headers);
            throw notFound();
        }
        if (first === 'organizers' && second === 'me' && segments.length === 2) {
            if (method !== 'GET') throw methodNotAllowed(['GET']);
            const organizer = await requireSession(request);
            await rateLimit(`org:${organizer}`, limits.perOrganizer);
            return respond(await me(organizer), headers);
        }
        if (first === 'permits' && segments.length === 1) {
            if (method !== 'POST' && method !== 'GET') throw methodNotAllowed(['GET', 'POST']);
            const organizer = await requireSession(request);
            await rateLimit(`org:${organizer}`, limits.perOrganizer);
            const result = method === 'POST' ? await postPermit(request, organizer, headers) : await listOwnPermits(url, organizer);
            return Array.isArray(result) ? respond(result, headers) : result;
        }
        if (first === 'admin' && segments.length >= 2) {
            return respond(await admin(request, url, segments.slice(1)), headers);
        }
        throw notFound();
    };

    const corsHeaders = (request: IncomingRequest, headers: Record<string, string>): void => {
        if (cors === undefined) return;
        const origin = request.headers.get('origin');
        if (origin === null || (cors !== '*' && !cors.includes(origin))) return;
        headers['access-control-allow-origin'] = cors === '*' ? '*' : origin;
        headers.vary = 'Origin';
        headers['access-control-expose-headers'] = 'Retry-After, X-Request-Id, Idempotent-Replayed';
        if (request.method === 'OPTIONS') {
            headers['access-control-allow-methods'] = 'GET, POST, PATCH, DELETE, OPTIONS';
            headers['access-control-allow-headers'] = 'Authorization, Content-Type, Idempotency-Key, X-Api-Key';
            headers['access-control-max-age'] = '600';
        }
    };

    let sequence = 0;
    const requestIdPrefix = randomToken(6);
    const handleRaw = async (request: IncomingRequest, context?: PermitHandlerContext): Promise<RawResponse> => {
        // Unique per process and start: no randomness per request.
        const requestId = `${requestIdPrefix}${(++sequence).toString(36)}`;
        const headers: Record<string, string> = { 'cache-control': 'no-store', 'x-request-id': requestId };
        try {
            corsHeaders(request, headers);
            return await route(request, context, headers);
        } catch (error) {
            if (error instanceof HttpError) {
                Object.assign(headers, error.headers);
                return json(
                    error.status,
                    { error: { code: error.code, message: error.message, ...(error.details !== undefined && { details: error.details }) }, requestId },
                    headers,
                );
            }
            let path = '?';
            try {
                path = new URL(request.url).pathname.slice(0, 200);
            } catch {
                // keep '?'
            }
            try {
                options.onError?.(error, { requestId, method: String(request.method).slice(0, 16), path });
            } catch {
                // a failing logger must not turn into a crash
            }
            return json(500, { error: { code: 'INTERNAL', message: `internal error; the operator can find it by request id ${requestId}` }, requestId }, headers);
        }
    };
    const handler = async (request: Request, context?: PermitHandlerContext): Promise<Response> => {
        const raw = await handleRaw(request, context);
        return new Response(raw.body, { status: raw.status, headers: raw.headers });
    };
    Object.defineProperty(handler, RAW_HANDLER, { value: handleRaw });
    return Object.assign(handler, { issuer });
}

function respond([status, body]: [number, unknown], headers: Record<string, string>): RawResponse {
    if (status === 204) return { status, headers, body: null };
    return json(status, body, headers);
}

function notFound(): HttpError {
    return new HttpError(404, 'NOT_FOUND', 'no such route; see docs/permit-server.md');
}

function methodNotAllowed(allow: string[]): HttpError {
    return new HttpError(405, 'METHOD_NOT_ALLOWED', `use ${allow.join(' or ')}`, undefined, { allow: allow.join(', ') });
}

function addressFromPath(segment: string): Address {
    const publicKey = new Uint8Array(32);
    if (segment.length > 44 || !writeAddressBytes(segment, publicKey, 0)) throw invalid('address', 'must be a base58 address');
    return segment as Address;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
    return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function stripPrefix<T>(fn: () => T, prefix: string): T {
    try {
        return asBadRequest(fn);
    } catch (e) {
        if (e instanceof HttpError && e.code === 'INVALID_REQUEST' && typeof e.details?.field === 'string' && e.details.field.startsWith(prefix)) {
            const field = e.details.field.slice(prefix.length);
            throw invalid(field, e.message.slice(e.message.indexOf('` ') + 2));
        }
        throw e;
    }
}

function organizerAuditDetails(o: Organizer): { [key: string]: AuditJson } {
    return {
        enterpriseId: o.enterpriseId,
        tier: o.tier,
        allowedCollections: [...o.allowedCollections],
        active: o.active,
        nextRaffleId: o.nextRaffleId.toString(),
    };
}
