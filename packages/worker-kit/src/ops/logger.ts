/**
 * The logger hook: the worker's and the automations' events as structured log lines on any
 * pino-compatible logger, with identifiers and counts as fields, never whole payloads, and every
 * error message passed through {@link redactSecrets}.
 *
 * @packageDocumentation
 */
import type { RaffleAutomationEmitter, RaffleAutomationEvents } from '../raffle/context';
import { workerConfigInvalid } from '../core/errors';
import type { WorkerEmitter, WorkerEvents } from '../core/events';

/**
 * A logger as the worker kit uses it: pino's call shape (`logger.info(fields, message)`), so a
 * pino logger (or a child of one) fits as is.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const logger: WorkerLogger = pino({ level: 'info' });
 * ```
 */
export interface WorkerLogger {
    /** Detail an operator rarely needs (retries, quiet backfills). */
    debug(obj: object, msg?: string): void;
    /** What happened (started, leader, effect done). */
    info(obj: object, msg?: string): void;
    /** Something failed and is retried, or looks wrong. */
    warn(obj: object, msg?: string): void;
    /** Something needs an operator (dead letters, held spending, loops failing). */
    error(obj: object, msg?: string): void;
}

/**
 * Options of {@link attachWorkerLogger}.
 *
 * @example
 * ```ts
 * const options: AttachWorkerLoggerOptions = { automations, secrets: [adminToken, webhookSecret] };
 * ```
 */
export interface AttachWorkerLoggerOptions {
    /** Also log the automations' events (`automation:done`, `automation:failed`, `reconcile:done`, `spend:*`). */
    readonly automations?: { readonly events: RaffleAutomationEmitter };
    /** Strings never to log (tokens, HMAC secrets, passwords): removed wherever they appear. At least 4 characters each. */
    readonly secrets?: readonly string[];
}

const REDACTED = '***';
const MAX_TEXT = 2_000;
const B58 = '1-9A-HJ-NP-Za-km-z';
const TEXT_PATTERNS: readonly (readonly [RegExp, string])[] = [
    // Credentials inside URLs: scheme://user:password@host (the user stays).
    [/\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/?#]*):([^\s/?#]*)@/gi, `$1$2:${REDACTED}@`],
    // Authorization schemes.
    [/\b(Bearer)(\s+)[A-Za-z0-9\-._~+/]+=*/gi, `$1$2${REDACTED}`],
    [/\b(Basic)(\s+)[A-Za-z0-9+/]{8,}={0,2}(?![A-Za-z0-9+/=])/g, `$1$2${REDACTED}`],
    // Secret-bearing headers written as `name: value` or `name=value`.
    [/(\b(?:x-raffle-signature|authorization|x-api-key|api-key|x-auth-token)["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic)\s)[^\s"';&]+/gi, `$1${REDACTED}`],
    // A webhook signature value on its own.
    [/\bv1=[0-9a-f]{16,}/gi, `v1=${REDACTED}`],
    // Query parameters and key=value pairs that carry credentials.
    [/\b((?:api[-_]?key|apikey|access[-_]?token|refresh[-_]?token|id[-_]?token|token|client[-_]?secret|secret|password|passwd)=)[^&\s#"'<>,;]+/gi, `$1${REDACTED}`],
    // 64-byte secret keys (and 32-byte seeds) as JSON / inspected byte arrays.
    [/\[\s*(?:\d{1,3}\s*,\s*){31}(?:(?:\d{1,3}\s*,\s*){32})?\d{1,3}\s*,?\s*\]/g, '[redacted key bytes]'],
    // Node buffers as util.inspect prints them (`<Buffer 0a 1b ... 14 more bytes>`).
    [/<Buffer(?: [0-9a-f]{2}){16,}[^>]*>/gi, '<Buffer [redacted]>'],
    // 64-byte secret keys in base58 (a transaction signature has the same shape: both go).
    [new RegExp(`(?<![${B58}])[${B58}]{86,88}(?![${B58}])`, 'g'), '[redacted key]'],
];

/**
 * Removes secrets from a text (an error message, a reason): each given secret literally (also
 * URL-encoded), 64-byte secret keys as base58 (87-88 characters, so transaction signatures in
 * free text go too) or as arrays of 64 (or 32) numbers, `Bearer`/`Basic` credentials,
 * passwords in URLs (`postgres://user:***@host`, `redis://:***@host`), `X-Raffle-Signature` and
 * `Authorization`-like header values, and `api-key=` / `token=` / `password=` values. Secrets
 * shorter than 4 characters are ignored (they would match ordinary text).
 *
 * @param text - the text
 * @param secrets - strings to remove wherever they appear
 * @returns the text with every secret replaced by `***` or a `[redacted …]` marker
 * @example
 * ```ts
 * redactSecrets('connect postgres://app:hunter22@db:5432/raffle failed'); // 'connect postgres://app:***@db:5432/raffle failed'
 * redactSecrets(`token ${adminToken} refused`, [adminToken]); // 'token *** refused'
 * ```
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
    let out = String(text);
    const literals = new Set<string>();
    for (const secret of secrets) {
        if (typeof secret !== 'string' || secret.length < 4) continue;
        literals.add(secret);
        const encoded = encodeURIComponent(secret);
        if (encoded !== secret) literals.add(encoded);
    }
    for (const literal of [...literals].sort((a, b) => b.length - a.length)) out = out.split(literal).join(REDACTED);
    for (const [pattern, replacement] of TEXT_PATTERNS) out = out.replace(pattern, replacement);
    return out;
}

/** Only the configured secrets, for identifiers (job ids hold signatures that must stay readable). */
function redactLiterals(text: string, secrets: readonly string[]): string {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join(REDACTED);
    return out;
}

/**
 * An error as a log field: `{ message, code? }`, redacted and bounded (one level of `cause`).
 *
 * @internal
 */
export function errorFields(error: unknown, secrets: readonly string[] = []): { message: string; code?: string | number } {
    const e = error as { message?: unknown; code?: unknown; context?: { __code?: unknown }; cause?: unknown } | null;
    let message = e && typeof e === 'object' && typeof e.message === 'string' ? e.message : String(error);
    const cause = e && typeof e === 'object' ? e.cause : undefined;
    if (cause instanceof Error && cause.message && !message.includes(cause.message)) message += ` (cause: ${cause.message})`;
    const fields: { message: string; code?: string | number } = { message: bounded(redactSecrets(message, secrets)) };
    const code = e && typeof e === 'object' ? (e.code ?? e.context?.__code) : undefined;
    if (typeof code === 'number' && Number.isFinite(code)) fields.code = code;
    else if (typeof code === 'string' && code !== '') fields.code = bounded(redactSecrets(code, secrets)).slice(0, 100);
    return fields;
}

function bounded(text: string): string {
    return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (${text.length - MAX_TEXT} more characters)` : text;
}

/** A payload value worth a field (never an object from a payload). */
function scalar(value: unknown): string | number | boolean | null | undefined {
    if (typeof value === 'string') return bounded(value).slice(0, 200);
    return typeof value === 'number' || typeof value === 'boolean' || value === null ? value : typeof value === 'bigint' ? value.toString() : undefined;
}

type Level = keyof WorkerLogger;
type Listener = (payload: never) => void;
type LooseEmitter = { on(name: string, fn: Listener): unknown; off(name: string, fn: Listener): unknown };

/**
 * Logs the worker's events (and the automations' when given) on `logger`: lifecycle, leadership,
 * ingestion, failures, retries, dead letters, resolved effects and retracted events, each as one
 * line with its identifiers as fields. Error messages go through {@link redactSecrets} with
 * `secrets`; every other string field has the configured secrets removed. A logger that throws
 * never disturbs the worker.
 *
 * @param worker - the worker (its `events`)
 * @param logger - a pino-compatible logger
 * @param options - the automations to log too, and the secrets never to log
 * @returns a function that removes every listener this call added
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` naming the bad argument
 * @example
 * ```ts
 * const detach = attachWorkerLogger(worker, pino(), { automations, secrets: [adminToken] });
 * await worker.start();
 * // ... on shutdown:
 * detach();
 * ```
 */
export function attachWorkerLogger(worker: { readonly events: WorkerEmitter }, logger: WorkerLogger, options: AttachWorkerLoggerOptions = {}): () => void {
    if (!worker || typeof worker.events?.on !== 'function') throw workerConfigInvalid('worker', 'expected a worker made by createWorker');
    if (!logger || typeof logger !== 'object' || (['debug', 'info', 'warn', 'error'] as const).some(l => typeof logger[l] !== 'function')) {
        throw workerConfigInvalid('logger', 'expected a pino-compatible logger with debug, info, warn and error');
    }
    if (!options || typeof options !== 'object') throw workerConfigInvalid('options', 'expected { automations?, secrets? }');
    const secrets = options.secrets ?? [];
    if (!Array.isArray(secrets) || secrets.some(s => typeof s !== 'string' || s.length < 4)) throw workerConfigInvalid('secrets', 'must be an array of strings of at least 4 characters');
    if (options.automations !== undefined && typeof options.automations?.events?.on !== 'function') throw workerConfigInvalid('automations', 'expected the object registerRaffleAutomations returned');
    const sorted = [...new Set(secrets)].sort((a, b) => b.length - a.length);
    const err = (error: unknown) => errorFields(error, sorted);
    const text = (value: unknown) => bounded(redactSecrets(String(value), sorted));

    function write(level: Level, event: string, fields: Record<string, unknown>, msg: string): void {
        const line: Record<string, unknown> = { event };
        for (const [key, value] of Object.entries(fields)) {
            if (value === undefined) continue;
            line[key] = typeof value === 'string' ? redactLiterals(value, sorted) : typeof value === 'bigint' ? value.toString() : value;
        }
        try {
            logger[level](line, msg);
        } catch {
            // A broken logger must not break the worker.
        }
    }

    const added: (readonly [LooseEmitter, string, Listener])[] = [];
    function on<T>(emitter: LooseEmitter, name: string, fn: (payload: T) => void): void {
        const listener = ((payload: T) => {
            try {
                fn(payload);
            } catch {
                // An unexpected payload must not break the emitter (the automations emit directly).
            }
        }) as Listener;
        emitter.on(name, listener);
        added.push([emitter, name, listener]);
    }

    const w = worker.events as unknown as LooseEmitter;
    on<WorkerEvents['worker:started']>(w, 'worker:started', p => write('info', 'worker:started', { owner: p.owner }, 'worker started'));
    on<WorkerEvents['worker:stopped']>(w, 'worker:stopped', p => write('info', 'worker:stopped', { owner: p.owner, abandonedJobs: p.abandonedJobs }, 'worker stopped'));
    on<WorkerEvents['worker:error']>(w, 'worker:error', p => write('error', 'worker:error', { scope: p.scope, err: err(p.error) }, `worker loop failed (${p.scope}); it continues after a backoff`));
    on<WorkerEvents['lease:acquired']>(w, 'lease:acquired', p => write('info', 'lease:acquired', { lease: p.name, owner: p.owner, token: p.token }, 'this replica is the ingestion leader'));
    on<WorkerEvents['lease:lost']>(w, 'lease:lost', p => write('warn', 'lease:lost', { lease: p.name, owner: p.owner, token: p.token, reason: p.reason }, 'this replica lost the leadership'));
    on<WorkerEvents['lease:released']>(w, 'lease:released', p => write('info', 'lease:released', { lease: p.name, owner: p.owner, token: p.token }, 'leadership released'));
    on<WorkerEvents['ingest:connected']>(w, 'ingest:connected', p => write('info', 'ingest:connected', { attempt: p.attempt }, 'live subscription connected'));
    on<WorkerEvents['ingest:disconnected']>(w, 'ingest:disconnected', p =>
        write('warn', 'ingest:disconnected', { attempt: p.attempt, delayMs: p.delayMs, err: p.error ? err(p.error) : undefined }, 'live subscription dropped; reconnecting and backfilling'),
    );
    on<WorkerEvents['ingest:backfilled']>(w, 'ingest:backfilled', p =>
        write(p.events > 0 ? 'info' : 'debug', 'ingest:backfilled', { signatures: p.signatures, events: p.events, cursorSlot: p.cursorSlot }, 'backfill pass done'),
    );
    on<WorkerEvents['job:dead']>(w, 'job:dead', p => write('error', 'job:dead', { jobId: p.jobId, job: p.name, attempt: p.attempt, err: { message: text(p.error) } }, 'job became a dead letter'));
    on<WorkerEvents['handler:failed']>(w, 'handler:failed', p =>
        write('warn', 'handler:failed', { jobId: p.jobId, job: p.name, attempt: p.attempt, eventId: p.eventId, handler: p.handler, willRetry: p.willRetry, err: err(p.error) }, 'job attempt failed'),
    );
    on<WorkerEvents['job:retry']>(w, 'job:retry', p => write('debug', 'job:retry', { jobId: p.jobId, job: p.name, attempt: p.attempt, scope: p.scope, delayMs: p.delayMs, err: err(p.error) }, 'job retried'));
    on<WorkerEvents['effect:resolved']>(w, 'effect:resolved', p =>
        write(p.status === 'confirmed' ? 'info' : 'warn', 'effect:resolved', { key: p.key, status: p.status, signature: p.signature }, 'effect resolved from the chain'),
    );
    on<WorkerEvents['event:retracted']>(w, 'event:retracted', p =>
        write('warn', 'event:retracted', { eventId: p.event.id, eventName: p.event.name, signature: p.event.signature, slot: p.event.slot }, 'event retracted by a fork'),
    );

    if (options.automations) {
            const a = options.automations.events as unknown as LooseEmitter;
        on<RaffleAutomationEvents['automation:done']>(a, 'automation:done', p =>
            write('info', 'automation:done', { action: p.action, raffle: p.raffle, key: p.key, signature: p.signature, alreadyDone: p.alreadyDone }, p.alreadyDone ? 'automation found already done' : 'automation done'),
        );
        on<RaffleAutomationEvents['automation:failed']>(a, 'automation:failed', p =>
            write(p.willRetry ? 'warn' : 'error', 'automation:failed', { action: p.action, raffle: p.raffle, willRetry: p.willRetry, err: err(p.error) }, 'automation step failed'),
        );
        on<RaffleAutomationEvents['reconcile:done']>(a, 'reconcile:done', p =>
            write('info', 'reconcile:done', { raffles: p.raffles, repaired: p.repaired.length, actions: p.repaired.reduce((n, r) => n + r.actions.length, 0), ms: p.ms }, 'reconciliation pass done'),
        );
        // Spend-guard events, if the automations emit them (payloads read defensively).
        on<{ hold?: Record<string, unknown> }>(a, 'spend:held', p => {
            const h = p?.hold ?? {};
            write(
                'error',
                'spend:held',
                { holdId: scalar(h.id), raffle: scalar(h.raffle), action: scalar(h.action), lamports: scalar(h.lamports), tickets: scalar(h.tickets), reason: typeof h.reason === 'string' ? text(h.reason) : undefined },
                'spending held: an operator must release it',
            );
        });
        on<{ hold?: Record<string, unknown>; id?: unknown }>(a, 'spend:released', p => write('info', 'spend:released', { holdId: scalar(p?.hold?.id ?? p?.id) }, 'held spending released'));
    }

    let detached = false;
    return () => {
        if (detached) return;
        detached = true;
        for (const [emitter, name, listener] of added.splice(0)) emitter.off(name, listener);
    };
}
