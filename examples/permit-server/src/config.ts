/**
 * The permit server's configuration, read from environment variables. Every problem is
 * reported at start-up with the variable's name; secrets are never echoed.
 */
import type { PermitFieldsJson } from '@raffle/permit';

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
    trustProxy: boolean;
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
 * | `TRUST_PROXY` | `false` | client IP from `X-Forwarded-For` (only behind your proxy) |
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
        trustProxy: bool(env, 'TRUST_PROXY', false),
    };
}
