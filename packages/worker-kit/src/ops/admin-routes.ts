/**
 * The admin routes of the worker's HTTP handler (`/admin/*`, bearer token): dead letters,
 * reconciliation, pause/resume of the automations, spend holds.
 *
 * @packageDocumentation
 * @internal
 */
import type { JobRecord } from '../store/types';
import type { ResolvedHttpOptions } from './http-options';
import { bearerToken, HttpError, jsonResponse, readJsonBody, secretMatches } from './http-respond';

/** Admin request bodies are small JSON objects. */
const ADMIN_BODY_LIMIT = 16 * 1024;
const MAX_ID_LENGTH = 512;

/** What the admin routes need. @internal */
export interface AdminContext {
    readonly options: ResolvedHttpOptions;
    /** Called after something that appends to the audit log (wakes the activity stream). */
    readonly onAudit: () => void;
}

type AdminHandler = (request: Request, url: URL, params: readonly string[], ctx: AdminContext) => Promise<Response>;

interface AdminRoute {
    readonly pattern: RegExp;
    readonly methods: Readonly<Record<string, AdminHandler>>;
}

/** A dead letter as the admin routes show it. */
function jobView(job: JobRecord) {
    return {
        id: job.id,
        name: job.name,
        status: job.status,
        attempts: job.attempts,
        maxAttempts: job.maxAttempts,
        lastError: job.lastError,
        createdAt: job.createdAt,
        updatedAt: job.updatedAt,
        finishedAt: job.finishedAt,
        payload: job.payload,
    };
}

function notFound(what: string): HttpError {
    return new HttpError(404, 'NOT_FOUND', what);
}

function decodeId(raw: string): string {
    let id: string;
    try {
        id = decodeURIComponent(raw);
    } catch {
        throw new HttpError(400, 'BAD_REQUEST', 'the id is not a valid URL component');
    }
    if (id.length === 0 || id.length > MAX_ID_LENGTH) throw new HttpError(400, 'BAD_REQUEST', `the id must be 1-${MAX_ID_LENGTH} characters`);
    return id;
}

/** Reads an optional JSON object body (empty counts as `{}`). */
async function objectBody(request: Request, allowed: readonly string[]): Promise<Record<string, unknown>> {
    const body = await readJsonBody(request, ADMIN_BODY_LIMIT, {});
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'BAD_REQUEST', 'the body must be a JSON object');
    for (const key of Object.keys(body)) if (!allowed.includes(key)) throw new HttpError(400, 'BAD_REQUEST', `unknown field "${key.slice(0, 50)}"`);
    return body as Record<string, unknown>;
}

function automationsOf(ctx: AdminContext) {
    if (!ctx.options.automations) throw notFound('no automations are configured');
    return ctx.options.automations;
}

function spendGuardOf(ctx: AdminContext) {
    if (!ctx.options.spendGuard) throw notFound('no spend guard is configured');
    return ctx.options.spendGuard;
}

const ROUTES: readonly AdminRoute[] = [
    {
        pattern: /^\/admin\/dead-letters$/,
        methods: {
            GET: async (_request, url, _params, ctx) => {
                const raw = url.searchParams.get('limit');
                const limit = raw === null ? 100 : Number(raw);
                if (raw !== null && (!/^\d{1,3}$/.test(raw) || limit < 1 || limit > 500)) throw new HttpError(400, 'BAD_REQUEST', 'limit must be an integer from 1 to 500');
                const jobs = await ctx.options.worker.deadLetters.list({ limit });
                return jsonResponse(200, { deadLetters: jobs.map(jobView) });
            },
        },
    },
    {
        pattern: /^\/admin\/dead-letters\/([^/]+)$/,
        methods: {
            GET: async (_request, _url, [raw], ctx) => {
                const job = await ctx.options.worker.deadLetters.inspect(decodeId(raw!));
                if (!job) throw notFound('no such job');
                return jsonResponse(200, { deadLetter: jobView(job) });
            },
        },
    },
    {
        pattern: /^\/admin\/dead-letters\/([^/]+)\/redrive$/,
        methods: {
            POST: async (request, _url, [raw], ctx) => {
                const id = decodeId(raw!);
                await objectBody(request, []);
                const job = await ctx.options.worker.deadLetters.redrive(id);
                if (!job) throw notFound('no such dead letter');
                return jsonResponse(200, { job: jobView(job) });
            },
        },
    },
    {
        pattern: /^\/admin\/reconcile$/,
        methods: {
            POST: async (request, _url, _params, ctx) => {
                const automations = automationsOf(ctx);
                await objectBody(request, []);
                const report = await automations.reconcile();
                ctx.onAudit();
                return jsonResponse(200, { report });
            },
        },
    },
    {
        pattern: /^\/admin\/automations\/pause$/,
        methods: {
            POST: async (request, _url, _params, ctx) => {
                const automations = automationsOf(ctx);
                const { reason } = await objectBody(request, ['reason']);
                if (reason !== undefined && (typeof reason !== 'string' || reason.length > 500)) throw new HttpError(400, 'BAD_REQUEST', 'reason must be a string of at most 500 characters');
                await automations.pause(reason);
                ctx.onAudit();
                return jsonResponse(200, { paused: true });
            },
        },
    },
    {
        pattern: /^\/admin\/automations\/resume$/,
        methods: {
            POST: async (request, _url, _params, ctx) => {
                const automations = automationsOf(ctx);
                await objectBody(request, []);
                const report = await automations.resume();
                ctx.onAudit();
                return jsonResponse(200, { paused: false, report: report ?? null });
            },
        },
    },
    {
        pattern: /^\/admin\/spend$/,
        methods: {
            GET: async (_request, _url, _params, ctx) => {
                const guard = spendGuardOf(ctx);
                return jsonResponse(200, { usage: guard.usage(), holds: guard.holds() });
            },
        },
    },
    {
        pattern: /^\/admin\/spend\/holds\/([^/]+)\/release$/,
        methods: {
            POST: async (request, _url, [raw], ctx) => {
                const guard = spendGuardOf(ctx);
                const id = decodeId(raw!);
                await objectBody(request, []);
                if (!(await guard.release(id))) throw notFound('no such hold');
                ctx.onAudit();
                return jsonResponse(200, { released: true });
            },
        },
    },
];

/**
 * Answers an `/admin/*` request: 404 ADMIN_DISABLED without a token configured, 401 without
 * the right bearer token (logged without the presented value), then the route.
 *
 * @internal
 */
export async function handleAdminRequest(request: Request, url: URL, ctx: AdminContext): Promise<Response> {
    const { adminToken, logger } = ctx.options;
    if (adminToken === null) throw new HttpError(404, 'ADMIN_DISABLED', 'the admin routes are disabled (no admin token is configured)');
    const presented = bearerToken(request);
    if (!secretMatches(presented, adminToken)) {
        logger?.warn({ route: url.pathname.slice(0, 200), method: request.method, reason: presented === null ? 'missing bearer token' : 'wrong bearer token' }, 'admin request refused');
        throw new HttpError(401, 'UNAUTHORIZED', 'a valid admin bearer token is required', { 'www-authenticate': 'Bearer realm="worker-admin"' });
    }
    for (const route of ROUTES) {
        const match = route.pattern.exec(url.pathname);
        if (!match) continue;
        const handler = Object.hasOwn(route.methods, request.method) ? route.methods[request.method] : undefined;
        if (!handler) throw new HttpError(405, 'METHOD_NOT_ALLOWED', `use ${Object.keys(route.methods).join(', ')}`, { allow: Object.keys(route.methods).join(', ') });
        return handler(request, url, match.slice(1), ctx);
    }
    throw notFound('no such route');
}
