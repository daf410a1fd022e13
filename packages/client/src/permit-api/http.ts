/**
 * One request to the permit server: fetch with a timeout that covers the body, a bounded
 * body, JSON parsing, and every failure turned into a typed error. Uses only `fetch`,
 * `AbortController`, `TextDecoder` and timers, so it runs in browsers, edge runtimes and Node.
 *
 * @internal
 * @packageDocumentation
 */
import { cleanServerText, type PermitApiError, permitApiHttpError, permitApiResponseInvalid, permitApiUnreachable } from './errors';

/** Largest answer read, bytes (a page of 1,000 permits is about 1.2 MB). */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Longest Retry-After honoured, seconds. */
const MAX_RETRY_AFTER = 86_400;
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
const SERVER_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** @internal How the client talks HTTP. */
export interface PermitApiTransport {
    /** Base URL without a trailing slash. */
    readonly baseUrl: string;
    readonly fetch: (input: string, init: RequestInit) => Promise<Response>;
    readonly timeoutMs: number;
    /** Values to redact from server texts: the session token, the last signature and sign-in message. */
    readonly secrets: () => readonly string[];
}

/** @internal One call. */
export interface PermitApiCall {
    readonly method: 'GET' | 'POST';
    /** Path and query, starting with `/`. */
    readonly path: string;
    /** JSON body (POST). */
    readonly body?: unknown;
    /** Session token for `Authorization: Bearer`. */
    readonly token?: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly signal?: AbortSignal;
}

/** @internal A successful answer. */
export interface PermitApiAnswer {
    readonly status: number;
    /** The parsed JSON body; `undefined` for an empty body. */
    readonly body: unknown;
    readonly requestId: string | undefined;
    readonly headers: Headers;
    /** e.g. `POST /permits`, for errors about this answer. */
    readonly endpoint: string;
    /** The client's secrets at the time of the call, to redact from errors about this answer. */
    readonly secrets: readonly string[];
}

class Timeout {
    timedOut = false;
}

/**
 * Sends one request and returns its 2xx answer.
 *
 * @internal
 * @param transport - base URL, fetch, timeout, secrets
 * @param call - the request
 * @returns the answer with its parsed body
 * @throws `PERMIT_API_HTTP_ERROR` for a 4xx/5xx, `PERMIT_API_UNREACHABLE` for network failures,
 * timeouts and aborts, `PERMIT_API_RESPONSE_INVALID` for a body that is too large or not JSON
 */
export async function sendPermitApiRequest(transport: PermitApiTransport, call: PermitApiCall): Promise<PermitApiAnswer> {
    const endpoint = `${call.method} ${call.path.split('?')[0]}`;
    if (call.signal?.aborted === true) throw permitApiUnreachable(endpoint, 'aborted', 'the request was aborted before it was sent');
    const controller = new AbortController();
    const timeout = new Timeout();
    const timer = setTimeout(() => {
        timeout.timedOut = true;
        controller.abort();
    }, transport.timeoutMs);
    const onAbort = (): void => controller.abort();
    call.signal?.addEventListener('abort', onAbort, { once: true });
    const failure = (cause: unknown): PermitApiError =>
        timeout.timedOut
            ? permitApiUnreachable(endpoint, 'timeout', `no complete answer within ${transport.timeoutMs} ms`)
            : call.signal?.aborted === true
              ? permitApiUnreachable(endpoint, 'aborted', 'the request was aborted')
              : permitApiUnreachable(endpoint, 'network', 'the request failed (connection refused or reset, DNS, TLS or CORS)', cause);
    try {
        const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
        if (call.body !== undefined) headers['content-type'] = 'application/json';
        if (call.token !== undefined) headers.authorization = `Bearer ${call.token}`;
        let response: Response;
        let text: string | undefined;
        try {
            const request = transport.fetch(`${transport.baseUrl}${call.path}`, {
                method: call.method,
                headers,
                ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
                credentials: 'omit',
                signal: controller.signal,
            });
            // The race bounds the wait even for a fetch that ignores its signal.
            response = await untilAborted(request, controller.signal);
            text = await untilAborted(readBoundedText(response, MAX_RESPONSE_BYTES), controller.signal);
        } catch (e) {
            throw failure(e);
        }
        const requestId = cleanRequestId(response.headers.get('x-request-id'));
        if (text === undefined) {
            throw permitApiResponseInvalid(endpoint, response.status, requestId, `the body is larger than ${MAX_RESPONSE_BYTES} bytes`);
        }
        let body: unknown;
        let parsed = text.trim() === '';
        if (!parsed) {
            try {
                body = JSON.parse(text);
                parsed = true;
            } catch {
                // Not JSON. The parser's message may quote the body: it is not kept.
            }
        }
        if (response.status >= 400) throw httpError(endpoint, response, parsed ? body : undefined, requestId, transport.secrets());
        if (response.status < 200 || response.status > 299) {
            throw permitApiResponseInvalid(endpoint, response.status, requestId, `the status ${response.status} is not a success`);
        }
        if (!parsed) throw permitApiResponseInvalid(endpoint, response.status, requestId, 'the body is not JSON');
        const secrets = transport.secrets();
        return { status: response.status, body, requestId: requestId ?? bodyRequestId(body), headers: response.headers, endpoint, secrets };
    } finally {
        clearTimeout(timer);
        call.signal?.removeEventListener('abort', onAbort);
    }
}

/** Settles like `promise`, or rejects when `signal` aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) {
        promise.catch(() => undefined);
        return Promise.reject(new Error('aborted'));
    }
    return new Promise<T>((resolve, reject) => {
        const onAbort = (): void => reject(new Error('aborted'));
        signal.addEventListener('abort', onAbort, { once: true });
        promise.then(
            value => {
                signal.removeEventListener('abort', onAbort);
                resolve(value);
            },
            (error: unknown) => {
                signal.removeEventListener('abort', onAbort);
                reject(error);
            },
        );
    });
}

/** Reads the body up to `limit` bytes; `undefined` when it is larger. */
async function readBoundedText(response: Response, limit: number): Promise<string | undefined> {
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > limit) {
        await response.body?.cancel().catch(() => undefined);
        return undefined;
    }
    if (response.body === null) return '';
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let size = 0;
    let text = '';
    for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > limit) {
            await reader.cancel().catch(() => undefined);
            return undefined;
        }
        text += decoder.decode(value, { stream: true });
    }
    return text + decoder.decode();
}

function cleanRequestId(value: unknown): string | undefined {
    return typeof value === 'string' && REQUEST_ID.test(value) ? value : undefined;
}

function bodyRequestId(body: unknown): string | undefined {
    return typeof body === 'object' && body !== null ? cleanRequestId((body as Record<string, unknown>).requestId) : undefined;
}

function retryAfterOf(response: Response, details: Record<string, string | number | boolean | null> | undefined): number | undefined {
    const header = response.headers.get('retry-after');
    const fromHeader = header !== null && /^\d{1,6}$/.test(header.trim()) ? Number(header.trim()) : undefined;
    const fromBody = details?.retryAfterSeconds;
    const seconds = fromHeader ?? (typeof fromBody === 'number' && Number.isSafeInteger(fromBody) && fromBody >= 0 ? fromBody : undefined);
    return seconds === undefined ? undefined : Math.min(seconds, MAX_RETRY_AFTER);
}

/** The server's `details`: at most 20 scalar entries, texts cleaned. */
function cleanDetails(value: unknown, secrets: readonly string[]): Record<string, string | number | boolean | null> | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const out: Record<string, string | number | boolean | null> = {};
    for (const [key, item] of Object.entries(value).slice(0, 20)) {
        if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(key)) continue;
        if (typeof item === 'string') out[key] = cleanServerText(item, secrets);
        else if ((typeof item === 'number' && Number.isFinite(item)) || typeof item === 'boolean' || item === null) out[key] = item;
    }
    return out;
}

/** A 4xx/5xx: the server's `{ error: { code, message, details? }, requestId }`, or what is known without it. */
function httpError(endpoint: string, response: Response, body: unknown, headerRequestId: string | undefined, secrets: readonly string[]): PermitApiError {
    const error = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).error : undefined;
    const record = typeof error === 'object' && error !== null && !Array.isArray(error) ? (error as Record<string, unknown>) : undefined;
    const code = typeof record?.code === 'string' && SERVER_CODE.test(record.code) ? record.code : undefined;
    const details = cleanDetails(record?.details, secrets);
    const requestId = headerRequestId ?? bodyRequestId(body);
    const retryAfter = retryAfterOf(response, details);
    const statusText = cleanServerText(response.statusText, secrets);
    const message =
        code !== undefined && typeof record?.message === 'string'
            ? cleanServerText(record.message, secrets)
            : `the answer is not a permit server error body (HTTP ${response.status}${statusText === '' ? '' : ` ${statusText}`})`;
    return permitApiHttpError({
        endpoint,
        status: response.status,
        serverCode: code ?? 'UNKNOWN',
        serverMessage: message,
        ...(requestId !== undefined && { requestId }),
        ...(retryAfter !== undefined && { retryAfter }),
        ...(details !== undefined && Object.keys(details).length > 0 && { details }),
    });
}
