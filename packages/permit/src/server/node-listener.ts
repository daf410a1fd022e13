/**
 * Serving a fetch-API handler from node:http without a framework. Typed structurally, so this
 * module imports nothing from Node and the server entry stays usable on edge runtimes.
 *
 * @packageDocumentation
 */
import type { PermitHandlerContext } from './handler';
import { type IncomingRequest, RAW_HANDLER, type RawResponse } from './http/respond';
import { type TrustProxy, createClientAddressResolver } from './trust-proxy';

type RawHandler = (request: IncomingRequest, context?: PermitHandlerContext) => Promise<RawResponse>;
const encoder = new TextEncoder();

/**
 * The part of node:http's `IncomingMessage` the listener reads.
 *
 * @example
 * ```ts
 * http.createServer((req: NodeRequestLike, res: NodeResponseLike) => listener(req, res));
 * ```
 */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
    /** HTTP method. */
    readonly method?: string | undefined;
    /** Path and query. */
    readonly url?: string | undefined;
    /** Lowercase header names. */
    readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
    /** The connection (`null` once destroyed). */
    readonly socket: { readonly remoteAddress?: string | undefined; readonly encrypted?: boolean | undefined } | null;
    /** True once the body stream was read to its end, e.g. by a framework's body parser. */
    readonly readableEnded?: boolean | undefined;
    /**
     * The body a framework's parser left when it read the stream (Express's `req.body` after
     * `express.json()`, `express.text()` or `express.raw()`); used only when `readableEnded`.
     */
    readonly body?: unknown;
}

/**
 * The part of node:http's `ServerResponse` the listener writes.
 *
 * @example
 * ```ts
 * const res: NodeResponseLike = serverResponse;
 * ```
 */
export interface NodeResponseLike {
    /** Sends status and headers. */
    writeHead(status: number, headers: Record<string, string | string[]>): unknown;
    /** Sends the body and finishes. */
    end(body?: Uint8Array): unknown;
    /** True once `end` ran. */
    readonly writableEnded?: boolean;
}

/**
 * Options of {@link createNodeRequestListener}.
 *
 * @example
 * ```ts
 * const options: NodeRequestListenerOptions = { maxBodyBytes: 65_536, trustProxy: 1 }; // behind one nginx
 * ```
 */
export interface NodeRequestListenerOptions {
    /**
     * Most body bytes read before handing the request over (the handler answers 413 above its
     * own limit); default 1 MiB.
     */
    readonly maxBodyBytes?: number;
    /**
     * Which proxies in front of the server may name the client in `X-Forwarded-For`: a hop
     * count (`1` behind one nginx) or their addresses; default `false` (the socket's peer is
     * the client). See {@link TrustProxy}; `true` is refused.
     */
    readonly trustProxy?: TrustProxy;
}

/**
 * Wraps a fetch-API handler (such as {@link createPermitHandler}'s) as a node:http request
 * listener, passing the socket's address as `clientAddress` (or, with `trustProxy`, the
 * address your proxies put in `X-Forwarded-For`). Also an Express or Connect middleware: when a
 * body parser such as `express.json()` ran first, the body it parsed is used.
 *
 * @param handler - the fetch-API handler
 * @param options - body cap and proxy trust
 * @returns `(req, res) => void` for `http.createServer`
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID` (option `trustProxy`) for `trustProxy: true` or bad proxy addresses
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * const server = createServer(createNodeRequestListener(handler)).listen(8787, '127.0.0.1');
 * ```
 */
export function createNodeRequestListener(
    handler: (request: Request, context?: PermitHandlerContext) => Promise<Response>,
    options: NodeRequestListenerOptions = {},
): (req: NodeRequestLike, res: NodeResponseLike) => void {
    const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
    const clientAddressOf = createClientAddressResolver(options.trustProxy ?? false);
    return (req, res) => {
        void serve(req, res).catch(() => {
            if (!res.writableEnded) {
                try {
                    res.writeHead(500, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
                    res.end(new TextEncoder().encode('{"error":{"code":"INTERNAL","message":"internal error"}}'));
                } catch {
                    // the socket is gone
                }
            }
        });
    };

    async function serve(req: NodeRequestLike, res: NodeResponseLike): Promise<void> {
        const method = (req.method ?? 'GET').toUpperCase();
        const rawHost = headerValue(req.headers.host) ?? 'localhost';
        const host = /^[A-Za-z0-9.\-[\]:]{1,300}$/.test(rawHost) ? rawHost : 'localhost';
        const path = typeof req.url === 'string' && req.url.startsWith('/') ? req.url : '/';
        let url: string;
        try {
            url = new URL(path, `${req.socket?.encrypted === true ? 'https' : 'http'}://${host}`).href;
        } catch {
            url = `http://localhost/`;
        }
        // Read before the body: a destroyed request has no socket.
        const remoteAddress = req.socket?.remoteAddress;
        let body: Uint8Array | undefined;
        let truncated = false;
        const consumed = method !== 'GET' && method !== 'HEAD' ? consumedBody(req) : undefined;
        if (consumed !== undefined) body = consumed;
        else if (method !== 'GET' && method !== 'HEAD') {
            const chunks: Uint8Array[] = [];
            let total = 0;
            // Iterated by hand: leaving a for-await loop early would destroy the request
            // before the 413 is sent.
            const iterator = req[Symbol.asyncIterator]();
            for (;;) {
                const next = await iterator.next();
                if (next.done === true) break;
                const chunk = next.value;
                const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
                total += bytes.byteLength;
                chunks.push(bytes);
                if (total > maxBodyBytes) {
                    truncated = true;
                    break;
                }
            }
            body = chunks.length === 1 ? chunks[0]! : concat(chunks, total);
        }
        const clientAddress = clientAddressOf(remoteAddress, headerValue(req.headers['x-forwarded-for']));
        const context = clientAddress === undefined ? {} : { clientAddress };
        const raw = (handler as { [RAW_HANDLER]?: RawHandler })[RAW_HANDLER];
        if (raw !== undefined) {
            // The permit handler's data path: no Request, Headers or Response objects.
            const incoming: IncomingRequest = {
                method,
                url,
                headers: { get: name => headerValue(req.headers[name]) },
                body: null,
                ...(body !== undefined && { prereadBody: body }),
                get original() {
                    return buildRequest();
                },
            };
            const result = await raw(incoming, context);
            const payload = result.body === null ? undefined : encoder.encode(result.body);
            const out: Record<string, string> = { ...result.headers };
            if (payload !== undefined) out['content-length'] = String(payload.byteLength);
            if (truncated) out.connection = 'close';
            res.writeHead(result.status, out);
            res.end(payload);
            return;
        }
        const response = await handler(buildRequest(), context);
        const out: Record<string, string | string[]> = {};
        response.headers.forEach((value, name) => {
            out[name] = value;
        });
        const payload = response.body === null ? undefined : new Uint8Array(await response.arrayBuffer());
        if (payload !== undefined) out['content-length'] = String(payload.byteLength);
        if (truncated) out.connection = 'close';
        res.writeHead(response.status, out);
        res.end(payload);

        function buildRequest(): Request {
            const headers = new Headers();
            for (const [name, value] of Object.entries(req.headers)) {
                if (value === undefined) continue;
                try {
                    if (typeof value === 'string') headers.append(name, value);
                    else for (const v of value) headers.append(name, v);
                } catch {
                    // a header the Fetch API rejects: drop it
                }
            }
            return new Request(url, { method, headers, ...(body !== undefined && { body: body as Uint8Array<ArrayBuffer> }) });
        }
    }
}

/**
 * The body a framework already read from the stream: bytes (`express.raw`), text
 * (`express.text`) or parsed JSON (`express.json`, written back as JSON; the handler still
 * checks its size, media type and shape).
 */
function consumedBody(req: NodeRequestLike): Uint8Array | undefined {
    if (req.readableEnded !== true || req.body === undefined || req.body === null) return undefined;
    const value = req.body;
    if (value instanceof Uint8Array) return value;
    if (typeof value === 'string') return encoder.encode(value);
    try {
        const text: unknown = JSON.stringify(value);
        return typeof text === 'string' ? encoder.encode(text) : undefined;
    } catch {
        return undefined;
    }
}

function headerValue(value: string | readonly string[] | undefined): string | null {
    if (value === undefined) return null;
    return typeof value === 'string' ? value : value.join(', ');
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
        out.set(c, at);
        at += c.byteLength;
    }
    return out;
}
