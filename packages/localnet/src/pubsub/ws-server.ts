/**
 * The PubSub websocket server: JSON-RPC over websocket (single requests and batches), one
 * {@link SubscriptionManager} for all connections, a size limit per message, slow consumers
 * disconnected, and fault hooks (refuse new connections, drop every connection).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

import { type WebSocket, WebSocketServer } from 'ws';

import { listenError } from '../errors';
import { RPC_ERROR_CODES, RpcError } from '../rpc/errors';
import { stringifyJson } from '../rpc/json';
import type { SubscriptionManager, SubscriptionSink } from './subscriptions';

/** Options of {@link PubSubServer}. */
export interface PubSubServerOptions {
    readonly host: string;
    readonly port: number;
    /** Largest accepted message in bytes (default 1 MiB). */
    readonly maxPayload?: number;
    /** Buffered bytes after which a slow connection is closed (default 64 MiB). */
    readonly maxBufferedBytes?: number;
    /** Whether to refuse new connections now (fault injection). */
    readonly refuse?: () => boolean;
}

/** How long after a subscription id a notification that is due at once is sent. */
const FIRST_NOTIFICATION_DELAY_MS = 20;

/**
 * The websocket endpoint of the cluster.
 *
 * @example
 * ```ts
 * const server = new PubSubServer(subscriptions, { host: '127.0.0.1', port: 0 });
 * await server.listen();
 * console.log(server.url);
 * ```
 */
export class PubSubServer {
    private readonly http: Server;
    private readonly wss: WebSocketServer;
    private readonly sockets = new Map<WebSocket, SubscriptionSink>();
    private readonly timers = new Set<NodeJS.Timeout>();
    private boundPort = 0;

    /**
     * @param subscriptions - the subscription manager
     * @param options - where to listen and limits
     */
    constructor(
        private readonly subscriptions: SubscriptionManager,
        private readonly options: PubSubServerOptions,
    ) {
        this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 1024 * 1024 });
        this.http = createServer((_req, res) => {
            res.writeHead(426, { 'content-type': 'text/plain' }).end('Upgrade Required: this is the PubSub websocket endpoint');
        });
        this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
        this.http.on('clientError', (_e, socket) => socket.destroy());
        this.wss.on('connection', (ws) => this.onConnection(ws));
    }

    /** `ws://host:port` once listening. */
    get url(): string {
        return `ws://${this.options.host}:${this.boundPort}`;
    }

    /** The bound port. */
    get port(): number {
        return this.boundPort;
    }

    /** Number of open connections. */
    get connections(): number {
        return this.sockets.size;
    }

    /** Starts listening; rejects with `RAFFLE_ERROR__LOCALNET__PORT_IN_USE` when the port is taken. */
    async listen(): Promise<void> {
        const { host, port } = this.options;
        await new Promise<void>((resolve, reject) => {
            const onError = (e: unknown) => reject(listenError(e, host, port));
            this.http.once('error', onError);
            this.http.listen(port, host, () => {
                this.http.off('error', onError);
                resolve();
            });
        });
        this.boundPort = (this.http.address() as AddressInfo).port;
    }

    /**
     * Drops every connection abruptly (fault injection: the client sees an abnormal close).
     *
     * @returns the number of connections dropped
     */
    dropAll(): number {
        const count = this.sockets.size;
        for (const ws of [...this.sockets.keys()]) ws.terminate();
        return count;
    }

    /** Closes every connection and stops listening. */
    async close(): Promise<void> {
        for (const t of this.timers) clearTimeout(t);
        this.timers.clear();
        for (const ws of [...this.sockets.keys()]) ws.terminate();
        await new Promise<void>((resolve) => this.wss.close(() => resolve()));
        await new Promise<void>((resolve) => {
            this.http.close(() => resolve());
            this.http.closeAllConnections();
        });
    }

    private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
        socket.on('error', () => socket.destroy());
        if (this.options.refuse?.()) {
            socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
            return;
        }
        this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
    }

    private onConnection(ws: WebSocket): void {
        const maxBuffered = this.options.maxBufferedBytes ?? 64 * 1024 * 1024;
        const sink: SubscriptionSink = {
            send: (message) => {
                if (ws.readyState !== ws.OPEN) return;
                if (ws.bufferedAmount > maxBuffered) {
                    ws.terminate();
                    return;
                }
                ws.send(stringifyJson(message));
            },
        };
        this.sockets.set(ws, sink);
        ws.on('message', (data, isBinary) => {
            const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
            this.onMessage(ws, sink, text);
        });
        ws.on('close', () => {
            this.sockets.delete(ws);
            this.subscriptions.removeSink(sink);
        });
        ws.on('error', () => ws.terminate());
    }

    private onMessage(ws: WebSocket, sink: SubscriptionSink, text: string): void {
        let value: unknown;
        try {
            value = JSON.parse(text);
        } catch {
            sink.send({ jsonrpc: '2.0', error: new RpcError(RPC_ERROR_CODES.PARSE_ERROR, 'Parse error').toJSON(), id: null });
            return;
        }
        const items = Array.isArray(value) ? value : [value];
        if (items.length === 0 || items.length > 100) {
            sink.send({ jsonrpc: '2.0', error: new RpcError(RPC_ERROR_CODES.INVALID_REQUEST, 'Invalid request').toJSON(), id: null });
            return;
        }
        const responses: Record<string, unknown>[] = [];
        const afters: (() => void)[] = [];
        for (const item of items) {
            const response = this.handle(sink, item, afters);
            if (response) responses.push(response);
        }
        if (ws.readyState !== ws.OPEN) return;
        if (responses.length > 0) ws.send(stringifyJson(Array.isArray(value) ? responses : responses[0]));
        if (afters.length === 0) return;
        // A notification due at once (a signature already at the commitment) goes out a moment
        // after the subscription id, as a node's notification thread sends it: a client that
        // starts listening once it has the id (kit does) would miss it in the same read.
        const timer = setTimeout(() => {
            this.timers.delete(timer);
            if (ws.readyState === ws.OPEN) for (const after of afters) after();
        }, FIRST_NOTIFICATION_DELAY_MS);
        this.timers.add(timer);
    }

    private handle(sink: SubscriptionSink, item: unknown, afters: (() => void)[]): Record<string, unknown> | undefined {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) {
            return { jsonrpc: '2.0', error: new RpcError(RPC_ERROR_CODES.INVALID_REQUEST, 'Invalid request').toJSON(), id: null };
        }
        const request = item as Record<string, unknown>;
        const rawId = request['id'];
        const id = typeof rawId === 'string' || typeof rawId === 'number' ? rawId : null;
        const notification = !('id' in request);
        if (request['jsonrpc'] !== '2.0' || typeof request['method'] !== 'string') {
            return { jsonrpc: '2.0', error: new RpcError(RPC_ERROR_CODES.INVALID_REQUEST, 'Invalid request').toJSON(), id };
        }
        try {
            const { result, after } = this.subscriptions.call(sink, request['method'], request['params']);
            if (after) afters.push(after);
            return notification ? undefined : { jsonrpc: '2.0', result, id };
        } catch (e) {
            if (notification) return undefined;
            const error = e instanceof RpcError ? e : new RpcError(RPC_ERROR_CODES.INTERNAL_ERROR, 'Internal error');
            return { jsonrpc: '2.0', error: error.toJSON(), id };
        }
    }
}
