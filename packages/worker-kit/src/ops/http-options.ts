/**
 * The options of `createWorkerHttpHandler`, their structural types and their validation.
 *
 * @packageDocumentation
 */
import type { RaffleAutomations } from '../raffle/automations';
import { workerConfigInvalid } from '../core/errors';
import type { Worker } from '../worker';
import type { WorkerLogger } from './logger';

/**
 * The worker as the HTTP handler uses it: any worker made by `createWorker`.
 *
 * @example
 * ```ts
 * const target: WorkerHttpWorker = createWorker({ rpc, rpcSubscriptions, store, programAddress, decoder: RWA_RAFFLE_EVENTS });
 * ```
 */
export type WorkerHttpWorker = Pick<Worker<Record<string, unknown>>, 'events' | 'owner' | 'store' | 'status' | 'health' | 'deadLetters' | 'ingestTransactions'>;

/**
 * The raffle automations as the HTTP handler uses them (what `registerRaffleAutomations`
 * returns; `events`, when given, wakes the activity stream at once).
 *
 * @example
 * ```ts
 * const automations: WorkerHttpAutomations = registerRaffleAutomations(worker, options);
 * ```
 */
export type WorkerHttpAutomations = Pick<RaffleAutomations, 'status' | 'pause' | 'resume' | 'reconcile' | 'raffles'> & { readonly events?: RaffleAutomations['events'] };

/**
 * A spending hold as the admin routes list it.
 *
 * @example
 * ```ts
 * const hold: WorkerHttpSpendHold = { id: 'h1', raffle: null, action: 'draw', reason: 'daily cap', lamports: '5000', tickets: 0, heldAt: Date.now() };
 * ```
 */
export interface WorkerHttpSpendHold {
    readonly id: string;
    readonly raffle: string | null;
    readonly action: string;
    readonly reason: string;
    /** Lamports, as a decimal string. */
    readonly lamports: string;
    readonly tickets: number;
    /** When it was held (ms). */
    readonly heldAt: number;
}

/**
 * The spend guard as the HTTP handler uses it (structural).
 *
 * @example
 * ```ts
 * const spendGuard: WorkerHttpSpendGuard = { usage: () => ({}), holds: () => [], release: async () => false };
 * ```
 */
export interface WorkerHttpSpendGuard {
    /** The current usage (JSON-like; bigints become strings). */
    usage(): unknown;
    /** The actions held back. */
    holds(): readonly WorkerHttpSpendHold[];
    /** Releases a hold; false when there is none with that id. */
    release(id: string): Promise<boolean>;
}

/**
 * The metrics registry as the HTTP handler uses it (structural).
 *
 * @example
 * ```ts
 * const metrics: WorkerHttpMetrics = { contentType: register.contentType, render: () => register.metrics() };
 * ```
 */
export interface WorkerHttpMetrics {
    /** The content type of the exposition text. */
    readonly contentType: string;
    /** The Prometheus exposition text. */
    render(): Promise<string>;
}

/**
 * Options of `createWorkerHttpHandler`.
 *
 * @example
 * ```ts
 * const options: WorkerHttpHandlerOptions = { worker, automations, adminToken: process.env.ADMIN_TOKEN, webhook: { secret: process.env.HELIUS_AUTH } };
 * ```
 */
export interface WorkerHttpHandlerOptions {
    /** The worker (required). */
    readonly worker: WorkerHttpWorker;
    /** The raffle automations: `/raffles`, automation status and the admin pause/resume/reconcile routes. */
    readonly automations?: WorkerHttpAutomations;
    /** The metrics registry: `GET /metrics`. */
    readonly metrics?: WorkerHttpMetrics;
    /** The spend guard: spend in `/status` and the admin spend routes. */
    readonly spendGuard?: WorkerHttpSpendGuard;
    /** The admin bearer token (at least 16 characters); without it every `/admin/*` route answers 404 ADMIN_DISABLED. */
    readonly adminToken?: string;
    /** The pushed-transactions webhook: the shared secret (at least 16 characters) and its header (default `authorization`). */
    readonly webhook?: { readonly secret: string; readonly header?: string };
    /** The operator page's files: `GET /`, `/operator.js`, `/operator.css`. */
    readonly operatorPage?: { readonly html: string; readonly script: string; readonly css?: string };
    /** Told about refused credentials (never their value) and failed requests (the error's message only). */
    readonly logger?: WorkerLogger;
    /** Readiness: the largest lag, in slots, still caught up (default 150). */
    readonly ready?: { readonly maxLagSlots?: number };
    /** The activity stream: poll interval (default 1,000 ms), heartbeat (default 15,000 ms), clients at once (default 100). */
    readonly sse?: { readonly pollMs?: number; readonly heartbeatMs?: number; readonly maxClients?: number };
    /** The largest request body (default 4 MiB); larger ones are answered 413. */
    readonly maxBodyBytes?: number;
    /** Origins (exact, e.g. `https://ops.example.com`) that get CORS headers; none by default. */
    readonly cors?: { readonly origins: readonly string[] };
}

/** The options with defaults applied. @internal */
export interface ResolvedHttpOptions {
    readonly worker: WorkerHttpWorker;
    readonly automations: WorkerHttpAutomations | null;
    readonly metrics: WorkerHttpMetrics | null;
    readonly spendGuard: WorkerHttpSpendGuard | null;
    readonly adminToken: string | null;
    readonly webhook: { readonly secret: string; readonly header: string } | null;
    readonly operatorPage: { readonly html: string; readonly script: string; readonly css: string | null } | null;
    readonly logger: WorkerLogger | null;
    readonly maxLagSlots: bigint;
    readonly sse: { readonly pollMs: number; readonly heartbeatMs: number; readonly maxClients: number };
    readonly maxBodyBytes: number;
    readonly corsOrigins: ReadonlySet<string>;
}

const KEYS = ['worker', 'automations', 'metrics', 'spendGuard', 'adminToken', 'webhook', 'operatorPage', 'logger', 'ready', 'sse', 'maxBodyBytes', 'cors'];

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function assertKeys(value: Record<string, unknown>, allowed: readonly string[], prefix: string): void {
    for (const key of Object.keys(value)) if (!allowed.includes(key)) throw workerConfigInvalid(`${prefix}${key}`, `unknown option (expected one of ${allowed.join(', ')})`);
}

function assertMethods(name: string, value: unknown, methods: readonly string[]): void {
    if (!isObject(value) || !methods.every(m => typeof value[m] === 'function')) throw workerConfigInvalid(name, `expected an object with ${methods.join(', ')}`);
}

function optionalObject(name: string, value: unknown, allowed: readonly string[]): Record<string, unknown> | null {
    if (value === undefined) return null;
    if (!isObject(value)) throw workerConfigInvalid(name, 'expected an object');
    assertKeys(value, allowed, `${name}.`);
    return value;
}

function integer(name: string, value: unknown, fallback: number, min: number, max: number): number {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw workerConfigInvalid(name, `must be an integer from ${min} to ${max}`);
    return value;
}

function secret(name: string, value: unknown): string {
    if (typeof value !== 'string' || value.length < 16 || value.length > 1024 || /[\u0000-\u0020\u007f]/.test(value)) {
        throw workerConfigInvalid(name, 'must be a string of 16-1024 visible characters, without spaces');
    }
    return value;
}

function text(name: string, value: unknown): string {
    if (typeof value !== 'string' || value.length > 5_000_000) throw workerConfigInvalid(name, 'must be a string (at most 5,000,000 characters)');
    return value;
}

function origin(name: string, value: unknown): string {
    let parsed: URL | null = null;
    try {
        parsed = typeof value === 'string' ? new URL(value) : null;
    } catch {
        parsed = null;
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.origin !== value) {
        throw workerConfigInvalid(name, 'must be an exact origin such as https://ops.example.com (scheme, host, optional port; no path)');
    }
    return value as string;
}

/** Checks the options and applies the defaults. @internal */
export function resolveHttpOptions(options: WorkerHttpHandlerOptions): ResolvedHttpOptions {
    if (!isObject(options)) throw workerConfigInvalid('options', 'pass { worker, ... }');
    assertKeys(options, KEYS, '');
    const o = options as unknown as Record<string, unknown>;
    assertMethods('worker', o.worker, ['status', 'health', 'ingestTransactions']);
    const worker = options.worker;
    if (!isObject(worker.deadLetters) || !isObject(worker.store) || !isObject(worker.events) || typeof worker.events.on !== 'function') {
        throw workerConfigInvalid('worker', 'expected a worker made by createWorker');
    }
    if (o.automations !== undefined) assertMethods('automations', o.automations, ['status', 'pause', 'resume', 'reconcile', 'raffles']);
    if (o.metrics !== undefined) {
        assertMethods('metrics', o.metrics, ['render']);
        if (typeof options.metrics!.contentType !== 'string') throw workerConfigInvalid('metrics.contentType', 'must be a string');
    }
    if (o.spendGuard !== undefined) assertMethods('spendGuard', o.spendGuard, ['usage', 'holds', 'release']);
    if (o.logger !== undefined) assertMethods('logger', o.logger, ['debug', 'info', 'warn', 'error']);
    const adminToken = o.adminToken === undefined ? null : secret('adminToken', o.adminToken);
    const webhookOptions = optionalObject('webhook', o.webhook, ['secret', 'header']);
    const header = webhookOptions?.header;
    if (header !== undefined && (typeof header !== 'string' || !/^[A-Za-z0-9-]{1,100}$/.test(header))) throw workerConfigInvalid('webhook.header', 'must be a header name');
    const page = optionalObject('operatorPage', o.operatorPage, ['html', 'script', 'css']);
    const ready = optionalObject('ready', o.ready, ['maxLagSlots']);
    const sse = optionalObject('sse', o.sse, ['pollMs', 'heartbeatMs', 'maxClients']);
    const cors = optionalObject('cors', o.cors, ['origins']);
    if (cors && (!Array.isArray(cors.origins) || cors.origins.length > 100)) throw workerConfigInvalid('cors.origins', 'must be an array of at most 100 origins');
    return {
        worker,
        automations: options.automations ?? null,
        metrics: options.metrics ?? null,
        spendGuard: options.spendGuard ?? null,
        adminToken,
        webhook: webhookOptions ? { secret: secret('webhook.secret', webhookOptions.secret), header: ((header as string | undefined) ?? 'authorization').toLowerCase() } : null,
        operatorPage: page
            ? { html: text('operatorPage.html', page.html), script: text('operatorPage.script', page.script), css: page.css === undefined ? null : text('operatorPage.css', page.css) }
            : null,
        logger: options.logger ?? null,
        maxLagSlots: BigInt(integer('ready.maxLagSlots', ready?.maxLagSlots, 150, 0, 1_000_000_000)),
        sse: {
            pollMs: integer('sse.pollMs', sse?.pollMs, 1_000, 10, 60_000),
            heartbeatMs: integer('sse.heartbeatMs', sse?.heartbeatMs, 15_000, 100, 300_000),
            maxClients: integer('sse.maxClients', sse?.maxClients, 100, 1, 10_000),
        },
        maxBodyBytes: integer('maxBodyBytes', o.maxBodyBytes, 4 * 1024 * 1024, 1024, 64 * 1024 * 1024),
        corsOrigins: new Set(((cors?.origins as unknown[] | undefined) ?? []).map((value, i) => origin(`cors.origins[${i}]`, value))),
    };
}
