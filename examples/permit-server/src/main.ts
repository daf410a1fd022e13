/**
 * Starts the permit server: `pnpm --filter @raffle/example-permit-server start`.
 */
import { serve } from '@hono/node-server';

import { createPermitServerApp } from './app';
import { loadConfig } from './config';

const config = loadConfig();
const server = await createPermitServerApp(config);
const store = config.databaseUrl !== undefined ? 'PostgreSQL' : `PGlite (${config.dataDir})`;

const http = serve({ fetch: server.app.fetch, hostname: config.host, port: config.port }, info => {
    console.log(`[permit-server] listening on http://${info.address}:${info.port} (store: ${store}, domain: ${config.domain})`);
    const [signing, ...others] = server.handler.issuer.signers;
    console.log(`[permit-server] signing with ${signing.address}${others.length > 0 ? ` (rotation partner: ${others[0]!.address})` : ''}`);
});

const pruning = setInterval(() => {
    server.prune().catch(error => console.error('[permit-server] prune failed:', error));
}, 60_000);
pruning.unref();

let stopping = false;
async function stop(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    console.log(`[permit-server] ${signal}: closing`);
    clearInterval(pruning);
    await new Promise<void>(resolve => http.close(() => resolve()));
    await server.close();
    process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
