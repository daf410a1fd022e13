/**
 * The JSON-RPC HTTP endpoint: `POST /` with a JSON-RPC body (single or batch), `GET /health`,
 * CORS preflight. Bodies are size-limited and hostile; faults (HTTP 429/503, delays) are applied
 * to every method except the control namespace.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { FaultInjector } from '../control/faults';
import { listenError } from '../errors';
import { type JsonRpcDispatcher, methodNames, parseRequestBody } from './dispatcher';
import { stringifyJson } from './json';

/** Methods of the control namespace: never failed or delayed by fault injection. */
export const CONTROL_METHOD_PREFIX = 'localnet_';

/** Options of {@link RpcHttpServer}. */
export interface RpcHttpServerOptions {
    readonly host: string;
    readonly port: number;
    /** Largest accepted body in bytes (default 1 MiB). */
    readonly maxBodyBytes?: number;
    /** Answers `GET /health`: `ok` when true. */
    readonly healthy?: () => boolean;
}

/**
 * The HTTP side of the cluster.
 *
 * @example
 * ```ts
 * const http = new RpcHttpServer(dispatcher, faults, { host: '127.0.0.1', port: 0 });
 * await http.listen();
 * console.log(http.url);
 * ```
 */
export class RpcHttpServer {
    private readonly server: Server;
    private boundPort = 0;
    private readonly timers = new Set<NodeJS.Timeout>();

    /**
     * @param dispatcher - executes requests
     * @param faults - the fault injector
     * @param options - where to listen and limits
     */
    constructor(
        private readonly dispatcher: JsonRpcDispatcher,
        private readonly faults: FaultInjector,
        private readonly options: RpcHttpServerOptions,
    ) {
        this.server = createServer((req, res) => {
            this.onRequest(req, res).catch(() => {
                if (!res.headersSent) res.writeHead(500);
                res.end();
            });
        });
        this.server.on('clientError', (_e, socket) => socket.destroy());
        this.server.keepAliveTimeout = 5_000;
        this.server.headersTimeout = 10_000;
        this.server.requestTimeout = 30_000;
    }

    /** `http://host:port` once listening. */
    get url(): string {
        return `http://${this.options.host}:${this.boundPort}`;
    }

    /** The bound port. */
    get port(): number {
        return this.boundPort;
    }

    /** Starts listening; rejects with `RAFFLE_ERROR__LOCALNET__PORT_IN_USE` when the port is taken. */
    async listen(): Promise<void> {
        const { host, port } = this.options;
        await new Promise<void>((resolve, reject) => {
            const onError = (e: unknown) => reject(listenError(e, host, port));
            this.server.once('error', onError);
            this.server.listen(port, host, () => {
                this.server.off('error', onError);
                resolve();
            });
        });
        this.boundPort = (this.server.address() as AddressInfo).port;
    }

    /** Stops listening and closes every connection. */
    async close(): Promise<void> {
        for (const t of this.timers) clearTimeout(t);
        this.timers.clear();
        await new Promise<void>((resolve) => {
            this.server.close(() => resolve());
            this.server.closeAllConnections();
        });
    }

    private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
        res.setHeader('access-control-allow-origin', '*');
        if (req.method === 'OPTIONS') {
            res.writeHead(204, {
                'access-control-allow-methods': 'POST, GET, OPTIONS',
                'access-control-allow-headers': 'content-type, solana-client',
                'access-control-max-age': '86400',
            }).end();
            return;
        }
        if (req.method === 'GET') {
            const path = (req.url ?? '/').split('?')[0];
            if (path === '/health') {
                const ok = this.options.healthy?.() ?? true;
                res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok' : 'unknown');
                return;
            }
            res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('Used HTTP Method is not allowed. POST or OPTIONS is required');
            return;
        }
        if (req.method !== 'POST') {
            res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('Used HTTP Method is not allowed. POST or OPTIONS is required');
            return;
        }
        const body = await this.readBody(req, res);
        if (body === undefined) return;
        const parsed = parseRequestBody(body);
        const methods = methodNames(parsed);
        const faultable = methods.filter((m) => !m.startsWith(CONTROL_METHOD_PREFIX));
        if (faultable.length > 0) {
            const status = this.faults.failure(faultable);
            if (status !== undefined) {
                const message = status === 429 ? 'Too many requests for a specific RPC call' : 'Service unavailable';
                const headers: Record<string, string> = { 'content-type': 'application/json' };
                if (status === 429) headers['retry-after'] = '1';
                res.writeHead(status, headers).end(stringifyJson({ jsonrpc: '2.0', error: { code: status, message }, id: null }));
                return;
            }
            const delay = this.faults.delay(faultable);
            if (delay > 0) await this.sleep(delay);
            if (res.destroyed) return;
        }
        const response = await this.dispatcher.execute(parsed);
        if (res.destroyed) return;
        if (response === undefined) {
            res.writeHead(204).end();
            return;
        }
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(stringifyJson(response));
    }

    private sleep(ms: number): Promise<void> {
        return new Promise((resolve) => {
            const t = setTimeout(() => {
                this.timers.delete(t);
                resolve();
            }, ms);
            this.timers.add(t);
        });
    }

    private readBody(req: IncomingMessage, res: ServerResponse): Promise<string | undefined> {
        const limit = this.options.maxBodyBytes ?? 1024 * 1024;
        return new Promise((resolve) => {
            const declared = Number(req.headers['content-length'] ?? '0');
            if (declared > limit) {
                res.writeHead(413, { connection: 'close', 'content-type': 'text/plain' }).end('Payload Too Large');
                req.resume();
                resolve(undefined);
                return;
            }
            const chunks: Buffer[] = [];
            let size = 0;
            let done = false;
            req.on('data', (chunk: Buffer) => {
                if (done) return;
                size += chunk.length;
                if (size > limit) {
                    done = true;
                    res.writeHead(413, { connection: 'close', 'content-type': 'text/plain' }).end('Payload Too Large');
                    req.resume();
                    resolve(undefined);
                    return;
                }
                chunks.push(chunk);
            });
            req.on('end', () => {
                if (done) return;
                done = true;
                resolve(Buffer.concat(chunks).toString('utf8'));
            });
            req.on('error', () => {
                if (done) return;
                done = true;
                resolve(undefined);
            });
        });
    }
}
