/**
 * The routes of a signed-in organizer: `GET /organizers/me`, `POST /permits` (with
 * `Idempotency-Key` replay) and `GET /permits`.
 *
 * @internal
 * @packageDocumentation
 */
import type { Address } from '@solana/kit';

import type { PermitServerErrorCode } from '../errors';
import { sha256Hex } from '../tokens';
import { readJsonObject } from './body';
import { type ErrorDetails, HttpError, type IncomingRequest, type RawResponse } from './respond';
import { type RouteContext, optional } from './route-context';
import { canonicalPermitRequest, cursorParam, limitParam, onlyParams, parsePermitRequestBody } from './validate';
import { organizerJson, permitRecordJson, tierJson } from './views';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const REFUSAL_STATUS: Partial<Record<PermitServerErrorCode, number>> = { ORGANIZER_UNKNOWN: 403, ORGANIZER_INACTIVE: 403, RAFFLE_ID_EXHAUSTED: 409 };

/** The organizer routes, for an organizer already authenticated by its session. */
export interface OrganizerRoutes {
    /** `GET /organizers/me`: the organizer, its tier limits and its active permit count. */
    readonly me: (organizer: Address) => Promise<[number, unknown]>;
    /** `POST /permits`: `[status, body]`, or a stored response replayed for a repeated `Idempotency-Key`. */
    readonly postPermit: (request: IncomingRequest, organizer: Address, headers: Record<string, string>) => Promise<[number, unknown] | RawResponse>;
    /** `GET /permits`: the organizer's permits, a page at a time. */
    readonly listOwnPermits: (url: URL, organizer: Address) => Promise<[number, unknown]>;
}

/**
 * Creates the organizer routes.
 *
 * @param ctx - the shared route context
 * @returns the routes
 */
export function createOrganizerRoutes(ctx: RouteContext): OrganizerRoutes {
    const { store, issuer } = ctx;
    const { idempotencyTtlMs, maxBodyBytes, now } = ctx.config;

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

    return { me, postPermit, listOwnPermits };
}
