/**
 * `createWorkerHttpHandler`: the worker's HTTP API as a fetch-API handler (`(Request) =>
 * Promise<Response>`): health, readiness, status, metrics, the activity stream, the operator
 * page, the pushed-transactions webhook and the admin routes. The contract is in
 * docs/operations.md. Serve it in node with `@hono/node-server`:
 * `serve({ fetch: handler, hostname: '127.0.0.1', port: 8080 })`.
 *
 * @packageDocumentation
 */
import { isRaffleError, RAFFLE_ERROR__INVALID_ARGUMENT, RAFFLE_ERROR__WORKER__STATE_INVALID } from '@raffle/errors';

import { type WorkerEventKey } from '../core/events';
import { handleAdminRequest } from './admin-routes';
import { parseHeliusRawWebhook } from './helius';
import { resolveHttpOptions, type ResolvedHttpOptions, type WorkerHttpHandlerOptions } from './http-options';
import { errorResponse, HttpError, jsonResponse, readJsonBody, secretMatches, textResponse } from './http-respond';
import { redactSecrets } from './logger';
import { type ActivityStream, createActivityStream } from './sse';

export type { WorkerHttpAutomations, WorkerHttpHandlerOptions, WorkerHttpMetrics, WorkerHttpSpendGuard, WorkerHttpSpendHold, WorkerHttpWorker } from './http-options';

/**
 * The handler: a fetch-API function, plus `close()` to end the open event streams (call it
 * before stopping the worker and the server) and the number of streams open.
 *
 * @example
 * ```ts
 * const handler: WorkerHttpHandler = createWorkerHttpHandler({ worker });
 * const server = serve({ fetch: handler, hostname: '127.0.0.1', port: 8080 });
 * process.once('SIGTERM', async () => { handler.close(); server.close(); await worker.stop(); });
 * ```
 */
export type WorkerHttpHandler = ((request: Request) => Promise<Response>) & {
    /** Ends every open event stream and refuses new ones (503). Idempotent. */
    close(): void;
    /** Event streams open now. */
    readonly openStreams: number;
};

/** The operator page's content security policy. */
const PAGE_CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";
/** Worker events after which something may have been appended to the audit log. */
const WAKE_EVENTS: readonly WorkerEventKey[] = ['handler:succeeded', 'handler:failed', 'job:dead', 'job:redriven', 'effect:resolved'];
const AUTOMATION_WAKE_EVENTS = ['automation:done', 'automation:failed', 'reconcile:done'] as const;

interface Context {
    readonly options: ResolvedHttpOptions;
    readonly stream: ActivityStream;
    /** Whether the worker runs, as its events told (null: not known yet). */
    running: boolean | null;
}

type RouteHandler = (request: Request, url: URL, ctx: Context) => Promise<Response> | Response;

function notFound(message: string): HttpError {
    return new HttpError(404, 'NOT_FOUND', message);
}

async function health(_request: Request, _url: URL, ctx: Context): Promise<Response> {
    let running = ctx.running;
    if (running === null) {
        // Created after start: ask once. A failing store or RPC does not make the process dead.
        running = await ctx.options.worker.status().then(
            s => s.role !== 'stopped',
            () => true,
        );
    }
    return jsonResponse(running ? 200 : 503, { ok: running });
}

async function ready(_request: Request, _url: URL, ctx: Context): Promise<Response> {
    const h = await ctx.options.worker.health();
    const lag = h.status?.lagSlots ?? null;
    const caughtUp = lag !== null && lag <= ctx.options.maxLagSlots;
    const ok = h.ok && caughtUp;
    return jsonResponse(ok ? 200 : 503, {
        ok,
        checks: { store: h.checks.store, rpc: h.checks.rpc, ingestion: h.checks.ingestion, caughtUp },
        lagSlots: lag === null ? null : lag.toString(),
    });
}

async function status(_request: Request, _url: URL, ctx: Context): Promise<Response> {
    const { worker, automations, spendGuard } = ctx.options;
    const a = automations?.status() ?? null;
    return jsonResponse(200, {
        worker: await worker.status(),
        automations: a ? { running: a.running, paused: a.paused, timers: a.timers, lastReconcile: a.lastReconcile } : null,
        spend: spendGuard ? spendGuard.usage() : null,
    });
}

async function raffles(_request: Request, _url: URL, ctx: Context): Promise<Response> {
    if (!ctx.options.automations) throw notFound('no automations are configured');
    return jsonResponse(200, { raffles: await ctx.options.automations.raffles() });
}

async function metrics(_request: Request, _url: URL, ctx: Context): Promise<Response> {
    if (!ctx.options.metrics) throw notFound('no metrics are configured');
    return textResponse(200, await ctx.options.metrics.render(), ctx.options.metrics.contentType);
}

async function webhook(request: Request, url: URL, ctx: Context): Promise<Response> {
    const { webhook: config, logger, worker, maxBodyBytes } = ctx.options;
    if (!config) throw notFound('no webhook is configured');
    const presented = request.headers.get(config.header);
    if (!secretMatches(presented, config.secret)) {
        logger?.warn({ route: url.pathname, header: config.header, reason: presented === null ? 'missing secret' : 'wrong secret' }, 'webhook request refused');
        throw new HttpError(401, 'UNAUTHORIZED', `a valid shared secret is required in the ${config.header} header`);
    }
    const body = await readJsonBody(request, maxBodyBytes, undefined);
    if (body === undefined) throw new HttpError(400, 'BAD_REQUEST', 'the body is empty: expected an array of transactions');
    const { events, truncated } = await worker.ingestTransactions(parseHeliusRawWebhook(body));
    return jsonResponse(200, { events, truncated });
}

function pageRoutes(page: NonNullable<ResolvedHttpOptions['operatorPage']>): Record<string, Record<string, RouteHandler>> {
    const headers = { 'content-security-policy': PAGE_CSP, 'referrer-policy': 'no-referrer' };
    const routes: Record<string, Record<string, RouteHandler>> = {
        '/': { GET: () => textResponse(200, page.html, 'text/html; charset=utf-8', headers) },
        '/operator.js': { GET: () => textResponse(200, page.script, 'text/javascript; charset=utf-8', headers) },
    };
    if (page.css !== null) {
        const css = page.css;
        routes['/operator.css'] = { GET: () => textResponse(200, css, 'text/css; charset=utf-8', headers) };
    }
    return routes;
}

/** CORS headers for a listed origin, or null. */
function corsHeaders(request: Request, origins: ReadonlySet<string>): Record<string, string> | null {
    const origin = request.headers.get('origin');
    if (origin === null || !origins.has(origin)) return null;
    return { 'access-control-allow-origin': origin, vary: 'origin' };
}

/** An error's message for a log line: bounded, with the configured secrets (and credential-like text) removed. */
function safeMessage(e: unknown, options: ResolvedHttpOptions): string {
    const secrets = [options.adminToken, options.webhook?.secret].filter((x): x is string => typeof x === 'string');
    return redactSecrets((e instanceof Error ? e.message : String(e)).slice(0, 2000), secrets).slice(0, 1000);
}

function errorToResponse(e: unknown, request: Request, url: URL, options: ResolvedHttpOptions): Response {
    if (e instanceof HttpError) return errorResponse(e);
    if (isRaffleError(e, RAFFLE_ERROR__INVALID_ARGUMENT)) {
        return errorResponse(new HttpError(400, 'BAD_REQUEST', `${e.context.name}: ${e.context.reason}`));
    }
    if (isRaffleError(e, RAFFLE_ERROR__WORKER__STATE_INVALID)) return errorResponse(new HttpError(503, 'WORKER_NOT_RUNNING', 'the worker is not running'));
    options.logger?.error({ route: url.pathname.slice(0, 200), method: request.method, error: safeMessage(e, options) }, 'request failed');
    return errorResponse(new HttpError(500, 'INTERNAL', 'internal error'));
}

/**
 * Creates the worker's HTTP handler (see the HTTP contract in docs/operations.md). Public
 * routes: `GET /health`, `/ready`, `/status`, `/raffles`, `/metrics`, `/events` (Server-Sent
 * Events of the audit log), the operator page (`/`, `/operator.js`, `/operator.css`) and
 * `POST /webhooks/transactions` (Helius raw webhook, shared secret). Admin routes under
 * `/admin/` need `Authorization: Bearer <adminToken>`. JSON everywhere, bigints as strings,
 * errors as `{ error: { code, message } }`; secrets never appear in responses or logs.
 *
 * @param options - the worker and what else to expose
 * @returns the handler, with `close()` for shutdown
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` naming the bad option (unknown keys too)
 * @example
 * ```ts
 * import { serve } from '@hono/node-server';
 * const handler = createWorkerHttpHandler({ worker, automations, adminToken: process.env.ADMIN_TOKEN });
 * const server = serve({ fetch: handler, hostname: '0.0.0.0', port: 8080 });
 * await worker.start();
 * ```
 */
export function createWorkerHttpHandler(options: WorkerHttpHandlerOptions): WorkerHttpHandler {
    const resolved = resolveHttpOptions(options);
    const { worker, automations, logger } = resolved;
    const stream = createActivityStream({
        store: worker.store,
        ...resolved.sse,
        onError: e => logger?.warn({ error: safeMessage(e, resolved) }, 'activity stream: reading the audit log failed'),
    });
    const ctx: Context = { options: resolved, stream, running: null };
    const routes: Record<string, Record<string, RouteHandler>> = {
        '/health': { GET: health },
        '/ready': { GET: ready },
        '/status': { GET: status },
        '/raffles': { GET: raffles },
        '/metrics': { GET: metrics },
        '/events': { GET: request => stream.open(request) },
        '/webhooks/transactions': { POST: webhook },
        ...(resolved.operatorPage ? pageRoutes(resolved.operatorPage) : {}),
    };

    const wake = () => stream.wake();
    const onStarted = () => void (ctx.running = true);
    const onStopped = () => void (ctx.running = false);
    worker.events.on('worker:started', onStarted);
    worker.events.on('worker:stopped', onStopped);
    for (const name of WAKE_EVENTS) worker.events.on(name, wake);
    for (const name of AUTOMATION_WAKE_EVENTS) automations?.events?.on(name, wake);
    let closed = false;

    async function route(request: Request, url: URL): Promise<Response> {
        const path = url.pathname;
        if (path === '/admin' || path.startsWith('/admin/')) return handleAdminRequest(request, url, { options: resolved, onAudit: wake });
        const methods = Object.hasOwn(routes, path) ? routes[path] : undefined;
        if (!methods) throw notFound('no such route');
        const handler = Object.hasOwn(methods, request.method) ? methods[request.method] : undefined;
        if (!handler) {
            const allow = Object.keys(methods).join(', ');
            throw new HttpError(405, 'METHOD_NOT_ALLOWED', `use ${allow}`, { allow });
        }
        return handler(request, url, ctx);
    }

    const handle = async (request: Request): Promise<Response> => {
        let url: URL;
        try {
            url = new URL(request.url);
        } catch {
            return errorResponse(new HttpError(400, 'BAD_REQUEST', 'invalid URL'));
        }
        const cors = corsHeaders(request, resolved.corsOrigins);
        if (request.method === 'OPTIONS' && cors && request.headers.has('access-control-request-method')) {
            return new Response(null, {
                status: 204,
                headers: {
                    ...cors,
                    'access-control-allow-methods': 'GET, POST',
                    'access-control-allow-headers': 'authorization, content-type, last-event-id',
                    'access-control-max-age': '600',
                    'cache-control': 'no-store',
                    'x-content-type-options': 'nosniff',
                },
            });
        }
        let response: Response;
        try {
            response = await route(request, url);
        } catch (e) {
            response = errorToResponse(e, request, url, resolved);
        }
        if (cors) for (const [k, v] of Object.entries(cors)) response.headers.set(k, v);
        return response;
    };
    return Object.defineProperties(handle, {
        close: {
            value: () => {
                if (closed) return;
                closed = true;
                stream.close();
                worker.events.off('worker:started', onStarted);
                worker.events.off('worker:stopped', onStopped);
                for (const name of WAKE_EVENTS) worker.events.off(name, wake);
                for (const name of AUTOMATION_WAKE_EVENTS) automations?.events?.off(name, wake);
            },
        },
        openStreams: { get: () => stream.clients },
    }) as WorkerHttpHandler;
}
