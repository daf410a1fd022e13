/**
 * What the route modules of the handler share: the context built once per handler, and small
 * helpers for answers and errors.
 *
 * @internal
 * @packageDocumentation
 */
import type { Address } from '@solana/kit';

import type { PermitHandlerOptions } from '../handler';
import type { PermitIssuer } from '../issuer';
import type { AuditAction, AuditJson, PermitServerStore } from '../store/types';
import { type CredentialChecks, createCredentialChecks } from './credentials';
import type { HandlerConfig } from './options';
import { type RateLimiter, createRateLimiter } from './rate-limit';
import { HttpError, type RawResponse, json } from './respond';

/** Appends an entry to the audit log, stamped with the handler's clock. */
export type Auditor = (action: AuditAction, actor: string, organizer: Address | null, details: { [key: string]: AuditJson }) => Promise<unknown>;

/** Everything a route needs, built once per handler by {@link createRouteContext}. */
export interface RouteContext extends CredentialChecks {
    /** The options as given; `chainId`, `clientAddress` and `onError` are read from here per request. */
    readonly options: PermitHandlerOptions;
    readonly config: HandlerConfig;
    readonly store: PermitServerStore;
    readonly issuer: PermitIssuer;
    readonly rateLimit: RateLimiter;
    readonly audit: Auditor;
}

/**
 * Builds the context the routes share.
 *
 * @param options - the handler options (already checked)
 * @param issuer - the issuer behind `POST /permits`
 * @param config - the checked HTTP options
 * @returns the context
 */
export function createRouteContext(options: PermitHandlerOptions, issuer: PermitIssuer, config: HandlerConfig): RouteContext {
    const store: PermitServerStore = options.store;
    const { now } = config;
    const audit: Auditor = (action, actor, organizer, details) => store.appendAudit({ at: now(), actor, action, organizer, reason: null, details });
    return { options, config, store, issuer, rateLimit: createRateLimiter(store, now), audit, ...createCredentialChecks(store, now) };
}

/**
 * @param answer - status and JSON-safe body of a route
 * @param headers - the response headers so far
 * @returns the response (no body for 204)
 */
export function respond([status, body]: [number, unknown], headers: Record<string, string>): RawResponse {
    if (status === 204) return { status, headers, body: null };
    return json(status, body, headers);
}

/**
 * @returns a 404 `NOT_FOUND` error
 */
export function notFound(): HttpError {
    return new HttpError(404, 'NOT_FOUND', 'no such route; see docs/permit-server.md');
}

/**
 * @param allow - the methods the route accepts
 * @returns a 405 `METHOD_NOT_ALLOWED` error with an `Allow` header
 */
export function methodNotAllowed(allow: string[]): HttpError {
    return new HttpError(405, 'METHOD_NOT_ALLOWED', `use ${allow.join(' or ')}`, undefined, { allow: allow.join(', ') });
}

/**
 * @param key - a property name
 * @param value - its value, or undefined
 * @returns `{ [key]: value }`, or `{}` when value is undefined (for optional store filters)
 */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
    return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
