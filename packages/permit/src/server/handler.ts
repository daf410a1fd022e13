/**
 * The permit server's HTTP API as one fetch-API handler, `(Request) => Promise<Response>`:
 * mount it in Hono, Next.js route handlers, Fastify, Bun, Deno, Cloudflare Workers or
 * node:http. Only Web APIs are used (Request, Response, Web Crypto).
 *
 * @packageDocumentation
 */
import { resolveHandlerConfig } from './http/options';
import { HttpError, type IncomingRequest, RAW_HANDLER, type RawResponse, json } from './http/respond';
import { createRouteContext } from './http/route-context';
import { addCorsHeaders, createRouter } from './http/router';
import { type PermitIssuer, type PermitIssuerOptions, createPermitIssuer } from './issuer';
import { randomToken } from './tokens';

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
    const config = resolveHandlerConfig(options);
    const route = createRouter(createRouteContext(options, issuer, config));

    let sequence = 0;
    const requestIdPrefix = randomToken(6);
    const handleRaw = async (request: IncomingRequest, context?: PermitHandlerContext): Promise<RawResponse> => {
        // Unique per process and start: no randomness per request.
        const requestId = `${requestIdPrefix}${(++sequence).toString(36)}`;
        const headers: Record<string, string> = { 'cache-control': 'no-store', 'x-request-id': requestId };
        try {
            addCorsHeaders(config.cors, request, headers);
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
