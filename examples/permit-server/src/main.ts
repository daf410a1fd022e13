/**
 * Starts the permit server: `pnpm --filter @raffle/example-permit-server start`.
 */
import { describeError } from './app';
import { loadConfig } from './config';
import { startPermitServer } from './server';

const config = loadConfig();
const server = await startPermitServer(config);
const store = config.databaseUrl !== undefined ? 'PostgreSQL' : `PGlite (${config.dataDir})`;
console.log(`[permit-server] listening on http://${server.address.address}:${server.address.port} (store: ${store}, domain: ${config.domain})`);
const [signing, ...others] = server.app.handler.issuer.signers;
console.log(`[permit-server] signing with ${signing.address}${others.length > 0 ? ` (rotation partner: ${others[0]!.address})` : ''}`);

// Retention: expired sessions, nonces, idempotency records and rate-limit windows, permits
// PERMIT_RETENTION_DAYS after they expired, audit entries older than AUDIT_RETENTION_DAYS.
const pruning = setInterval(() => {
    server.app.prune().catch(error => console.error(`[permit-server] prune failed: ${describeError(error)}`));
}, 60_000);
pruning.unref();

let stopping = false;
async function stop(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    console.log(`[permit-server] ${signal}: closing`);
    clearInterval(pruning);
    await server.close();
    process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
