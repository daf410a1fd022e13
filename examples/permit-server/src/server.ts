/**
 * The permit server on node:http with bounded timeouts: a client that sends its headers or
 * its body slowly is cut off (408) instead of holding a connection for minutes.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { serve } from '@hono/node-server';

import { type PermitServerApp, createPermitServerApp } from './app';
import type { PermitServerConfig } from './config';

/** A started server. */
export interface RunningPermitServer {
    app: PermitServerApp;
    http: Server;
    /** Where it listens. */
    address: AddressInfo;
    /** Stops accepting, ends open connections, closes the store. */
    close(): Promise<void>;
}

/**
 * Node's timeouts for a configuration. Node checks `requestTimeout` and `headersTimeout` every
 * `connectionsCheckingInterval` (30 s by default): checked more often here so a short timeout
 * is enforced close to its value.
 *
 * @param http - the configured timeouts
 * @returns `http.createServer` options
 */
export function httpServerOptions(http: PermitServerConfig['http']): {
    headersTimeout: number;
    requestTimeout: number;
    keepAliveTimeout: number;
    connectionsCheckingInterval: number;
} {
    return {
        headersTimeout: http.headersTimeoutMs,
        requestTimeout: http.requestTimeoutMs,
        keepAliveTimeout: http.keepAliveTimeoutMs,
        connectionsCheckingInterval: Math.max(50, Math.min(5_000, Math.floor(http.headersTimeoutMs / 4))),
    };
}

/**
 * Builds the app and listens on `config.host:config.port`.
 *
 * @param config - see `loadConfig`
 * @param env - where signer variables are read
 * @returns the running server
 */
export async function startPermitServer(config: PermitServerConfig, env: Record<string, string | undefined> = process.env): Promise<RunningPermitServer> {
    const app = await createPermitServerApp(config, env);
    const http = serve({ fetch: app.app.fetch, hostname: config.host, port: config.port, serverOptions: httpServerOptions(config.http) }) as Server;
    try {
        await new Promise<void>((resolve, reject) => {
            http.once('error', reject);
            http.once('listening', () => resolve());
        });
    } catch (error) {
        await app.close();
        throw error;
    }
    return {
        app,
        http,
        address: http.address() as AddressInfo,
        async close() {
            await new Promise<void>(resolve => {
                http.close(() => resolve());
                http.closeIdleConnections();
            });
            await app.close();
        },
    };
}
