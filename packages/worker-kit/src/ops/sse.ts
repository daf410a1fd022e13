/**
 * The activity stream (`GET /events`): the store's audit log as Server-Sent Events. Each client
 * reads the log from its own position (the `Last-Event-ID` it last saw, `?after=`, or the newest
 * entry), polls the store while idle and is woken at once when this process appends something.
 * The number of clients is bounded; a client's poller stops when it disconnects.
 *
 * @packageDocumentation
 * @internal
 */
import type { AuditLog, AuditRecord } from '../store/types';
import { COMMON_HEADERS, HttpError, headersOf, toJson } from './http-respond';

/** Options of {@link createActivityStream}. @internal */
export interface ActivityStreamOptions {
    /** The store whose audit log is streamed. */
    readonly store: Pick<AuditLog, 'listAudit'>;
    /** Poll interval while idle (ms). */
    readonly pollMs: number;
    /** Interval of the `: ping` comment while idle (ms). */
    readonly heartbeatMs: number;
    /** Streams open at once; more are answered 503. */
    readonly maxClients: number;
    /** Told when a poll fails (the stream continues; no secret in the error). */
    readonly onError?: (error: unknown) => void;
}

/** The activity stream shared by the clients of one handler. @internal */
export interface ActivityStream {
    /** Opens a stream for `request` (after the start position is known). */
    open(request: Request): Promise<Response>;
    /** Makes every idle client poll now (throttled). */
    wake(): void;
    /** Ends every stream and refuses new ones. */
    close(): void;
    /** Streams open now. */
    readonly clients: number;
}

/** Entries read per poll. */
const PAGE_SIZE = 200;
/** Wakes closer together than this are merged. */
const WAKE_THROTTLE_MS = 20;
const MAX_FILTERS = 20;
const ACTION_FILTER = /^[A-Za-z0-9:_.-]{1,100}\*?$|^\*$/;
const SEQ = /^\d{1,16}$/;
const encoder = new TextEncoder();

interface Filters {
    readonly subject: string | undefined;
    readonly match: (action: string) => boolean;
}

interface Client {
    after: number;
    closed: boolean;
    controller: ReadableStreamDefaultController<Uint8Array> | null;
    wakeUp: (() => void) | null;
    /** A wake arrived while the client was polling: poll again at once. */
    dirty: boolean;
    release(): void;
}

function parseSeq(value: string, name: string): number {
    const text = value.trim();
    if (!SEQ.test(text) || !Number.isSafeInteger(Number(text))) throw new HttpError(400, 'BAD_REQUEST', `${name} must be a non-negative integer (an event id)`);
    return Number(text);
}

function parseFilters(url: URL): Filters {
    const subject = url.searchParams.get('subject') ?? undefined;
    if (subject !== undefined && (subject.length === 0 || subject.length > 200 || /[\u0000-\u001f]/.test(subject))) {
        throw new HttpError(400, 'BAD_REQUEST', 'subject must be 1-200 printable characters');
    }
    const actions = url.searchParams.get('actions');
    if (actions === null) return { subject, match: () => true };
    const list = actions.split(',').map(a => a.trim()).filter(a => a !== '');
    if (list.length === 0 || list.length > MAX_FILTERS || !list.every(a => ACTION_FILTER.test(a))) {
        throw new HttpError(400, 'BAD_REQUEST', `actions must be 1-${MAX_FILTERS} comma-separated actions (letters, digits, : _ . -), each optionally ending with *`);
    }
    const exact = new Set(list.filter(a => !a.endsWith('*')));
    const prefixes = list.filter(a => a.endsWith('*')).map(a => a.slice(0, -1));
    return { subject, match: action => exact.has(action) || prefixes.some(p => action.startsWith(p)) };
}

/** One audit entry as an SSE event. */
function formatEntry(entry: AuditRecord): string {
    const event = entry.action.replace(/[\r\n]/g, ' ');
    const data = JSON.stringify(toJson({ seq: entry.seq, at: entry.at, actor: entry.actor, action: entry.action, subject: entry.subject, data: entry.data }));
    return `id: ${entry.seq}\nevent: ${event}\ndata: ${data}\n\n`;
}

/**
 * Creates the activity stream over `options.store`'s audit log.
 *
 * @internal
 */
export function createActivityStream(options: ActivityStreamOptions): ActivityStream {
    const { store, pollMs, heartbeatMs, maxClients } = options;
    const clients = new Set<Client>();
    let closed = false;
    /** The highest seq seen so far: a lower bound of the newest entry. */
    let knownHead = 0;
    let wakeTimer: ReturnType<typeof setTimeout> | null = null;

    async function firstAfter(seq: number): Promise<AuditRecord | null> {
        const [entry] = await store.listAudit({ afterSeq: seq, limit: 1 });
        return entry ?? null;
    }

    /** The newest entry's seq (0 when none), by exponential then binary search: O(log n) reads. */
    async function newestSeq(): Promise<number> {
        const first = await firstAfter(knownHead);
        if (!first) return knownHead;
        let lo = first.seq; // an entry exists at lo
        let hi = -1; // nothing after hi
        for (let step = 1, i = 0; hi < 0 && i < 64; step *= 2, i++) {
            const next = await firstAfter(lo + step);
            if (next) lo = next.seq;
            else hi = lo + step;
        }
        if (hi < 0) return lo;
        for (let i = 0; lo < hi && i < 128; i++) {
            const mid = lo + Math.floor((hi - lo) / 2);
            const next = await firstAfter(mid);
            if (next) lo = next.seq;
            else hi = mid;
        }
        knownHead = Math.max(knownHead, lo);
        return lo;
    }

    function wait(client: Client, ms: number): Promise<void> {
        if (client.dirty || client.closed) {
            client.dirty = false;
            return Promise.resolve();
        }
        return new Promise(resolve => {
            const timer = setTimeout(done, ms);
            function done() {
                clearTimeout(timer);
                client.wakeUp = null;
                resolve();
            }
            client.wakeUp = done;
        });
    }

    function send(client: Client, text: string): void {
        if (client.closed || !client.controller) return;
        try {
            client.controller.enqueue(encoder.encode(text));
        } catch {
            client.release();
        }
    }

    /** Waits for new entries (or the heartbeat) and sends them. */
    async function pull(client: Client, filters: Filters): Promise<void> {
        const heartbeatAt = Date.now() + heartbeatMs;
        while (!client.closed) {
            client.dirty = false;
            let page: AuditRecord[] = [];
            try {
                page = await store.listAudit({ afterSeq: client.after, limit: PAGE_SIZE, ...(filters.subject === undefined ? {} : { subject: filters.subject }) });
            } catch (e) {
                options.onError?.(e);
            }
            if (client.closed) return;
            if (page.length > 0) {
                let out = '';
                let skipped = false;
                for (const entry of page) {
                    client.after = entry.seq;
                    skipped = !filters.match(entry.action);
                    if (!skipped) out += formatEntry(entry);
                }
                knownHead = Math.max(knownHead, client.after);
                // Entries skipped by the filter still move the client's Last-Event-ID (an id alone dispatches nothing).
                send(client, skipped ? `${out}id: ${client.after}\n\n` : out);
                return;
            }
            const left = heartbeatAt - Date.now();
            if (left <= 0) {
                send(client, ': ping\n\n');
                return;
            }
            await wait(client, Math.min(pollMs, left));
        }
    }

    return {
        get clients() {
            return clients.size;
        },
        async open(request) {
            if (closed) throw new HttpError(503, 'SHUTTING_DOWN', 'the server is shutting down');
            if (clients.size >= maxClients) throw new HttpError(503, 'TOO_MANY_STREAMS', `at most ${maxClients} event streams at once; retry later`, { 'retry-after': '5' });
            const url = new URL(request.url);
            const filters = parseFilters(url);
            const lastEventId = request.headers.get('last-event-id');
            const after = url.searchParams.get('after');
            const client: Client = {
                after: 0,
                closed: false,
                controller: null,
                wakeUp: null,
                dirty: false,
                release() {
                    if (client.closed) return;
                    client.closed = true;
                    clients.delete(client);
                    request.signal.removeEventListener('abort', onAbort);
                    client.wakeUp?.();
                },
            };
            const onAbort = () => client.release();
            // The slot is taken before any await: concurrent opens cannot exceed the bound.
            clients.add(client);
            try {
                client.after =
                    lastEventId !== null && lastEventId.trim() !== ''
                        ? parseSeq(lastEventId, 'Last-Event-ID')
                        : after !== null
                          ? parseSeq(after, 'after')
                          : await newestSeq();
            } catch (e) {
                client.release();
                throw e;
            }
            if (request.signal.aborted || closed) client.release();
            else request.signal.addEventListener('abort', onAbort, { once: true });
            const body = new ReadableStream<Uint8Array>(
                {
                    start(controller) {
                        client.controller = controller;
                        controller.enqueue(encoder.encode(`retry: 3000\n: stream after ${client.after}\n\n`));
                        if (client.closed) controller.close();
                    },
                    pull: () => pull(client, filters),
                    cancel: () => client.release(),
                },
                { highWaterMark: 1 },
            );
            return new Response(body, {
                status: 200,
                headers: headersOf(COMMON_HEADERS, { 'content-type': 'text/event-stream; charset=utf-8', 'x-accel-buffering': 'no' }),
            });
        },
        wake() {
            if (wakeTimer !== null || clients.size === 0) return;
            wakeTimer = setTimeout(() => {
                wakeTimer = null;
                for (const client of clients) {
                    if (client.wakeUp) client.wakeUp();
                    else client.dirty = true;
                }
            }, WAKE_THROTTLE_MS);
            wakeTimer.unref?.();
        },
        close() {
            closed = true;
            if (wakeTimer !== null) clearTimeout(wakeTimer);
            wakeTimer = null;
            for (const client of [...clients]) {
                const controller = client.controller;
                client.release();
                try {
                    controller?.close();
                } catch {
                    // Already closed or errored.
                }
            }
        },
    };
}
