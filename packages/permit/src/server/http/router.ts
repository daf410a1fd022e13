/**
 * The route table of the handler: base path, CORS preflight, `/health`, the store readiness
 * wait, rate limits per IP and per organizer, then dispatch to the route modules.
 *
 * @internal
 * @packageDocumentation
 */
import type { PermitHandlerContext } from '../handler';
import { createAdminRoute } from './admin-routes';
import type { HandlerConfig } from './options';
import { createOrganizerRoutes } from './organizer-routes';
import type { IncomingRequest, RawResponse } from './respond';
import { type RouteContext, methodNotAllowed, notFound, respond } from './route-context';
import { createSignInRoutes } from './sign-in-routes';

/** Answers one request; errors are thrown as `HttpError` (or anything, for a 500). */
export type Router = (request: IncomingRequest, context: PermitHandlerContext | undefined, headers: Record<string, string>) => Promise<RawResponse>;

/**
 * Adds the CORS headers an allowed origin gets (and, for a preflight, the allowed methods and
 * headers).
 *
 * @param cors - the allowed origins, `'*'`, or undefined for none
 * @param request - the request
 * @param headers - the response headers, completed in place
 */
export function addCorsHeaders(cors: HandlerConfig['cors'], request: IncomingRequest, headers: Record<string, string>): void {
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
}

/**
 * Creates the router of one handler. The store's `ready()` is awaited once, before the first
 * request other than `/health`, and retried after a failure.
 *
 * @param ctx - the shared route context
 * @returns the router
 */
export function createRouter(ctx: RouteContext): Router {
    const { options, store, issuer, rateLimit, requireSession } = ctx;
    const { basePath, limits } = ctx.config;
    const { nonce, signIn, signOut } = createSignInRoutes(ctx);
    const { me, postPermit, listOwnPermits } = createOrganizerRoutes(ctx);
    const admin = createAdminRoute(ctx);
    let ready: Promise<void> | undefined;

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

    return async (request: IncomingRequest, context: PermitHandlerContext | undefined, headers: Record<string, string>): Promise<RawResponse> => {
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
}
