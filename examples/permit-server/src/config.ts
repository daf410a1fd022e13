/**
 * The permit server's configuration, read from environment variables. Every problem is
 * reported at start-up with the variable's name; secrets are never echoed.
 */
import type { PermitFieldsJson } from '@raffle/permit';
import { type TrustProxy, createClientAddressResolver } from '@raffle/permit/server';

/** The parsed configuration. */
export interface PermitServerConfig {
    host: string;
    port: number;
    /** PostgreSQL when set (production, replicas); otherwise the embedded PGlite store. */
    databaseUrl: string | undefined;
    /** PGlite data directory (embedded store). */
    dataDir: string;
    /** Schema of the tables (both stores). */
    schema: string;
    /** The signing key: a Solana CLI keypair file, or the key itself (base58 or JSON array). */
    signer: { file: string } | { env: string };
    /** The other key of a rotation (registered on-chain, not used to sign), if any. */
    secondarySigner: { file: string } | { env: string } | undefined;
    programId: Address;
    /** Solana JSON-RPC endpoint for the prize collection check; unset only when the check is off. */
    rpcUrl: string | undefined;
    requirePrizeCollection: boolean;
    domain: string;
    chainId: string | undefined;
    /** A bootstrap admin API key (hashed into the store at start). */
    adminApiKey: string | undefined;
    allowedPaymentMints: Address[] | 'any';
    corsOrigins: string[];
    /** Proxies trusted to name the client in `X-Forwarded-For`: `false`, a hop count or addresses. */
    trustProxy: TrustProxy;
    /** HTTP timeouts of the node server, ms: whole headers, whole request, idle keep-alive. */
    http: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number };
    /** Retention of `prune`, ms; 0 keeps the rows forever. */
    retention: { permitRetentionMs: number; auditRetentionMs: number };
}

const DEFAULT_PROGRAM_ID = 'HMxaKAkT6CdHhm7Gyf83LrxhLTdQNfXdmdGuhHpArH9';
/** Base58 of 32 bytes, roughly; the permit library checks addresses exactly. */
const BASE58 = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

/** A base58 address (kit's `Address`, as `@raffle/permit` names it). */
export type Address = PermitFieldsJson['programId'];

function fail(variable: string, reason: string): never {
    throw new Error(`permit-server: ${variable} ${reason}`);
}

function list(value: string | undefined): string[] {
    return (value ?? '')
        .split(',')
        .map(s => s.trim())
        .filter(s => s !== '');
}

function bool(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    if (/^(1|true|yes)$/i.test(value)) return true;
    if (/^(0|false|no)$/i.test(value)) return false;
    return fail(name, 'must be true or false');
}

function integer(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    if (!/^[0-9]{1,10}$/.test(value) || Number(value) < min || Number(value) > max) fail(name, `must be a whole number from ${min} to ${max}`);
    return Number(value);
}

/** `TRUST_PROXY`: unset/`false`/`0`, a hop count, or a comma list of proxy addresses (checked by the library). */
function trustProxy(value: string | undefined): TrustProxy {
    if (value === undefined || value === '' || /^(0|false|no)$/i.test(value)) return false;
    if (/^(true|yes)$/i.test(value)) {
        fail('TRUST_PROXY', 'must be the number of proxies in front of the server (1 behind one nginx) or a comma list of their addresses; "true" would trust the X-Forwarded-For entry the client writes');
    }
    const setting: TrustProxy = /^[0-9]{1,2}$/.test(value) ? Number(value) : list(value);
    try {
        createClientAddressResolver(setting);
    } catch {
        fail('TRUST_PROXY', 'must be a hop count from 0 to 32 or a comma list of IP addresses / CIDR ranges (or loopback, linklocal, uniquelocal)');
    }
    return setting;
}

const DAY_MS = 86_400_000;

/**
 * Reads the configuration.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `HOST`, `PORT` | `127.0.0.1`, `8787` | where to listen |
 * | `DATABASE_URL` | - | PostgreSQL; unset: embedded PGlite in `PGLITE_DATA_DIR` |
 * | `PGLITE_DATA_DIR` | `./data/permit-server` | embedded store directory |
 * | `DATABASE_SCHEMA` | `public` | schema of the tables |
 * | `PERMIT_SIGNER_KEYPAIR` / `PERMIT_SIGNER_KEY` | - (one required) | signing key: keypair file / base58 or JSON text |
 * | `PERMIT_SIGNER_SECONDARY_KEYPAIR` / `PERMIT_SIGNER_SECONDARY_KEY` | - | the other rotation key |
 * | `RAFFLE_PROGRAM_ID` | `HMxaK...` | the rwa_raffle program |
 * | `SOLANA_RPC_URL` | - (required with the collection check) | RPC for prize metadata |
 * | `REQUIRE_PRIZE_COLLECTION` | `true` | check prizes against allowed collections |
 * | `PERMIT_DOMAIN` | `HOST:PORT` | domain sign-in messages must name |
 * | `PERMIT_CHAIN_ID` | - | `Chain ID` sign-in messages must carry |
 * | `PERMIT_ADMIN_API_KEY` | - | bootstrap admin API key (32+ characters) |
 * | `ALLOWED_PAYMENT_MINTS` | any | comma-separated mints buyers may pay in |
 * | `CORS_ORIGINS` | none | comma-separated browser origins |
 * | `TRUST_PROXY` | `false` | proxies trusted for `X-Forwarded-For`: a hop count (`1` behind one nginx) or a comma list of their addresses |
 * | `HTTP_HEADERS_TIMEOUT_MS`, `HTTP_REQUEST_TIMEOUT_MS`, `HTTP_KEEP_ALIVE_TIMEOUT_MS` | `10000`, `30000`, `5000` | node server timeouts |
 * | `PERMIT_RETENTION_DAYS`, `AUDIT_RETENTION_DAYS` | `30`, `90` | retention after expiry / of the audit log; `0` keeps forever |
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): PermitServerConfig {
    const host = env.HOST || '127.0.0.1';
    const port = Number(env.PORT || 8787);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) fail('PORT', 'must be a port number');
    const signer = env.PERMIT_SIGNER_KEYPAIR
        ? { file: env.PERMIT_SIGNER_KEYPAIR }
        : env.PERMIT_SIGNER_KEY
          ? { env: 'PERMIT_SIGNER_KEY' }
          : fail('PERMIT_SIGNER_KEYPAIR or PERMIT_SIGNER_KEY', 'must be set (a Solana CLI keypair file, or the key as base58 / JSON array)');
    const secondarySigner = env.PERMIT_SIGNER_SECONDARY_KEYPAIR
        ? { file: env.PERMIT_SIGNER_SECONDARY_KEYPAIR }
        : env.PERMIT_SIGNER_SECONDARY_KEY
          ? { env: 'PERMIT_SIGNER_SECONDARY_KEY' }
          : undefined;
    const programId = env.RAFFLE_PROGRAM_ID || DEFAULT_PROGRAM_ID;
    if (!BASE58.test(programId)) fail('RAFFLE_PROGRAM_ID', 'must be a base58 address');
    const requirePrizeCollection = bool(env, 'REQUIRE_PRIZE_COLLECTION', true);
    const rpcUrl = env.SOLANA_RPC_URL || undefined;
    if (requirePrizeCollection && rpcUrl === undefined) {
        fail('SOLANA_RPC_URL', 'must be set to check prize collections (or set REQUIRE_PRIZE_COLLECTION=false on development clusters)');
    }
    const mints = list(env.ALLOWED_PAYMENT_MINTS);
    for (const mint of mints) if (!BASE58.test(mint)) fail('ALLOWED_PAYMENT_MINTS', `holds ${JSON.stringify(mint.slice(0, 50))}, not a base58 address`);
    const adminApiKey = env.PERMIT_ADMIN_API_KEY || undefined;
    if (adminApiKey !== undefined && adminApiKey.length < 32) fail('PERMIT_ADMIN_API_KEY', 'must be at least 32 characters (e.g. `openssl rand -base64 32`)');
    const schema = env.DATABASE_SCHEMA || 'public';
    const requestTimeoutMs = integer(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000);
    const headersTimeoutMs = integer(env, 'HTTP_HEADERS_TIMEOUT_MS', Math.min(10_000, requestTimeoutMs), 100, 3_600_000);
    if (headersTimeoutMs > requestTimeoutMs) fail('HTTP_HEADERS_TIMEOUT_MS', 'must not exceed HTTP_REQUEST_TIMEOUT_MS');
    return {
        host,
        port,
        databaseUrl: env.DATABASE_URL || undefined,
        dataDir: env.PGLITE_DATA_DIR || './data/permit-server',
        schema,
        signer,
        secondarySigner,
        programId: programId as Address,
        rpcUrl,
        requirePrizeCollection,
        domain: env.PERMIT_DOMAIN || `${host === '0.0.0.0' ? 'localhost' : host}:${port}`,
        chainId: env.PERMIT_CHAIN_ID || undefined,
        adminApiKey,
        allowedPaymentMints: mints.length > 0 ? (mints as Address[]) : 'any',
        corsOrigins: list(env.CORS_ORIGINS),
        trustProxy: trustProxy(env.TRUST_PROXY),
        http: { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs: integer(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000) },
        retention: {
            permitRetentionMs: integer(env, 'PERMIT_RETENTION_DAYS', 30, 0, 36_500) * DAY_MS,
            auditRetentionMs: integer(env, 'AUDIT_RETENTION_DAYS', 90, 0, 36_500) * DAY_MS,
        },
    };
}
