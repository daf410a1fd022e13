/**
 * The worker's configuration, read from environment variables by a pure function. Every bad
 * value is collected and reported at once, one line per variable, without ever echoing a secret.
 */
import { join } from 'node:path';

import { type Address, isAddress } from '@solana/kit';

/**
 * One bad variable: its name and why (never its value when it is a secret).
 *
 * @example
 * ```ts
 * const problem: ConfigProblem = { variable: 'WORKER_HTTP_PORT', reason: 'must be an integer from 0 to 65535, got "http"' };
 * ```
 */
export interface ConfigProblem {
    readonly variable: string;
    readonly reason: string;
}

/**
 * Thrown by {@link loadConfig} (and by the key loading of `src/keys.ts`) with every problem found.
 *
 * @example
 * ```ts
 * try { loadConfig(process.env); } catch (e) { if (e instanceof ConfigError) console.error(e.lines().join('\n')); }
 * ```
 */
export class ConfigError extends Error {
    override readonly name = 'ConfigError';
    readonly problems: readonly ConfigProblem[];

    constructor(problems: readonly ConfigProblem[]) {
        super(problems.map(formatProblem).join('\n'));
        this.problems = problems;
    }

    /** One line per problem: `example-worker: <VARIABLE> <reason>`. */
    lines(): string[] {
        return this.problems.map(formatProblem);
    }
}

function formatProblem(p: ConfigProblem): string {
    return `example-worker: ${p.variable} ${p.reason}`;
}

/**
 * Where the worker keeps its state: PostgreSQL or Redis when a URL is set, else the embedded
 * SQLite store (`<WORKER_DATA_DIR>/worker.sqlite`), or PGlite in `WORKER_DATA_DIR` with
 * `WORKER_EMBEDDED_STORE=pglite` (not durable on power loss: for a data directory of an
 * earlier version of this worker).
 *
 * @example
 * ```ts
 * const store: StoreConfig = { kind: 'sqlite', dataDir: './data/worker', path: 'data/worker/worker.sqlite' };
 * ```
 */
export type StoreConfig =
    | { readonly kind: 'postgres'; readonly url: string; readonly schema: string }
    | { readonly kind: 'redis'; readonly url: string; readonly keyPrefix: string }
    | { readonly kind: 'sqlite'; readonly dataDir: string; readonly path: string }
    | { readonly kind: 'pglite'; readonly dataDir: string; readonly schema: string };

/**
 * The values of `WORKER_EMBEDDED_STORE`: the store used when neither `DATABASE_URL` nor
 * `REDIS_URL` is set (`sqlite` by default).
 *
 * @example
 * ```ts
 * EMBEDDED_STORES.includes('pglite'); // true
 * ```
 */
export const EMBEDDED_STORES = ['sqlite', 'pglite'] as const;

/**
 * The file of the SQLite store in `WORKER_DATA_DIR`.
 *
 * @example
 * ```ts
 * join('/var/lib/worker', SQLITE_FILE_NAME); // '/var/lib/worker/worker.sqlite'
 * ```
 */
export const SQLITE_FILE_NAME = 'worker.sqlite';

/**
 * Who mints refund tickets (MRFT).
 *
 * @example
 * ```ts
 * const issuer: IssuerConfig = { kind: 'spl', mint: null }; // the mint the program's config names
 * ```
 */
export type IssuerConfig =
    | { readonly kind: 'spl'; readonly mint: Address | null }
    | {
          readonly kind: 'bubblegum';
          readonly merkleTree: Address;
          readonly collectionMint: Address;
          readonly metadataBaseUri: string;
          readonly collectionAuthorityKeypairPath: string | null;
          readonly collectionAuthorityRecord: Address | null;
          readonly slotsPerTransaction: number | null;
          readonly dasRpcUrl: string | null;
      }
    | { readonly kind: 'none' };

/**
 * Spend limits (unset = no limit on that axis).
 *
 * @example
 * ```ts
 * const limits: SpendLimitsConfig = { lamportsPerHour: null, lamportsPerDay: 2_000_000_000n, ticketsPerHour: 5_000, ticketsPerDay: null };
 * ```
 */
export interface SpendLimitsConfig {
    readonly lamportsPerHour: bigint | null;
    readonly lamportsPerDay: bigint | null;
    readonly ticketsPerHour: number | null;
    readonly ticketsPerDay: number | null;
}

/**
 * The parsed configuration.
 *
 * @example
 * ```ts
 * const config: WorkerConfig = loadConfig(process.env);
 * console.log(config.store.kind, config.http.port);
 * ```
 */
export interface WorkerConfig {
    readonly rpcUrl: string;
    readonly wsUrl: string;
    readonly programAddress: Address;
    /** Pays fees and signs every crank. */
    readonly workerKeypairPath: string;
    /** The reference draw authority (hash chain); null when not configured. */
    readonly hashChain: { readonly seedHex: string; readonly length: number; readonly authorityKeypairPath: string } | null;
    /** The settle fallback (dev/test clusters); null when not configured. */
    readonly settleAuthorityKeypairPath: string | null;
    /** Signs MRFT mints (the SPL mint authority, or the Bubblegum tree delegate); the worker key when unset. */
    readonly mrftMintAuthorityKeypairPath: string;
    readonly issuer: IssuerConfig;
    readonly store: StoreConfig;
    readonly http: { readonly host: string; readonly port: number };
    readonly adminToken: string | null;
    readonly webhookSecret: string | null;
    readonly notify: { readonly url: string; readonly secret: string } | null;
    readonly spend: SpendLimitsConfig | null;
    readonly logLevel: LogLevel;
    readonly drainTimeoutMs: number;
    /** Whether the leader prunes finished jobs, final events, old effects and audit entries (the worker's default policy). */
    readonly retention: boolean;
    readonly role: 'leader-eligible' | 'jobs-only';
    /** Tuning (defaults suit a real cluster). */
    readonly tuning: {
        readonly concurrency: number;
        readonly pollMs: number;
        readonly clockPollMs: number;
        readonly reconcileIntervalMs: number;
        readonly backfillIntervalMs: number;
    };
}

/**
 * pino's levels.
 *
 * @example
 * ```ts
 * LOG_LEVELS.includes('debug'); // true
 * ```
 */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/**
 * One of {@link LOG_LEVELS}.
 *
 * @example
 * ```ts
 * const level: LogLevel = 'info';
 * ```
 */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The minimum length of `WORKER_ADMIN_TOKEN`.
 *
 * @example
 * ```ts
 * if (token.length < MIN_ADMIN_TOKEN_LENGTH) throw new Error('too short');
 * ```
 */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The websocket URL of an RPC URL, as solana-web3.js derives it: `http` -> `ws`, `https` ->
 * `wss`, and an explicit port + 1 (a local validator's 8899 -> 8900).
 *
 * @example
 * ```ts
 * deriveWsUrl('http://127.0.0.1:8899'); // 'ws://127.0.0.1:8900/'
 * ```
 */
export function deriveWsUrl(rpcUrl: string): string {
    const url = new URL(rpcUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (url.port !== '') url.port = String(Number(url.port) + 1);
    return url.toString();
}

/** A value short enough to quote in an error (only for variables that are not secrets). */
function quote(value: string): string {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
}

/**
 * Reads and checks the configuration. Pure: it reads only `env` (key files are read later, by
 * `loadKeys`).
 *
 * @param env - the environment (`process.env`)
 * @returns the configuration
 * @throws {@link ConfigError} listing every bad variable
 * @example
 * ```ts
 * const config = loadConfig({ SOLANA_RPC_URL: 'http://127.0.0.1:8899', RWA_RAFFLE_PROGRAM_ID: '...', WORKER_KEYPAIR_PATH: './worker.json' });
 * ```
 */
export function loadConfig(env: Env): WorkerConfig {
    const problems: ConfigProblem[] = [];
    const fail = (variable: string, reason: string): null => {
        problems.push({ variable, reason });
        return null;
    };
    const get = (name: string): string | undefined => {
        const value = env[name]?.trim();
        return value === undefined || value === '' ? undefined : value;
    };
    const httpUrl = (name: string, secretLike: boolean, protocols: readonly string[] = ['http:', 'https:']): string | null => {
        const value = get(name);
        if (value === undefined) return null;
        let url: URL;
        try {
            url = new URL(value);
        } catch {
            return fail(name, `must be a URL (${protocols.map(p => p.slice(0, -1)).join(' or ')})${secretLike ? '' : `, got ${quote(value)}`}`);
        }
        if (!protocols.includes(url.protocol)) return fail(name, `must be a ${protocols.map(p => p.slice(0, -1)).join(' or ')} URL${secretLike ? '' : `, got ${quote(url.protocol)}`}`);
        return value;
    };
    const address = (name: string, required: boolean): Address | null => {
        const value = get(name);
        if (value === undefined) return required ? fail(name, 'is required (a base58 address)') : null;
        return isAddress(value) ? value : fail(name, `must be a base58 address, got ${quote(value)}`);
    };
    const integer = (name: string, fallback: number | null, min: number, max: number): number | null => {
        const value = get(name);
        if (value === undefined) return fallback;
        const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
        if (!Number.isSafeInteger(n) || n < min || n > max) return fail(name, `must be an integer from ${min} to ${max}, got ${quote(value)}`);
        return n;
    };
    const bigInteger = (name: string): bigint | null => {
        const value = get(name);
        if (value === undefined) return null;
        if (!/^\d{1,20}$/.test(value) || BigInt(value) < 1n || BigInt(value) > 2n ** 64n - 1n) return fail(name, `must be a positive integer (u64), got ${quote(value)}`);
        return BigInt(value);
    };
    const path = (name: string, required: boolean): string | null => {
        const value = get(name);
        if (value === undefined) return required ? fail(name, 'is required (the path of a Solana CLI keypair JSON file)') : null;
        return value;
    };

    // Chain.
    const rpcUrl = get('SOLANA_RPC_URL') === undefined ? fail('SOLANA_RPC_URL', 'is required (an http or https JSON-RPC URL)') : httpUrl('SOLANA_RPC_URL', true);
    let wsUrl = httpUrl('SOLANA_WS_URL', true, ['ws:', 'wss:']);
    if (wsUrl === null && get('SOLANA_WS_URL') === undefined && rpcUrl !== null) wsUrl = deriveWsUrl(rpcUrl);
    const programAddress = address('RWA_RAFFLE_PROGRAM_ID', true);
    const workerKeypairPath = path('WORKER_KEYPAIR_PATH', true);

    // Draws.
    const chainVars = ['DRAW_HASH_CHAIN_SEED', 'DRAW_HASH_CHAIN_LENGTH', 'DRAW_AUTHORITY_KEYPAIR_PATH'] as const;
    const chainSet = chainVars.filter(v => get(v) !== undefined);
    let hashChain: WorkerConfig['hashChain'] = null;
    if (chainSet.length > 0 && chainSet.length < chainVars.length) {
        for (const v of chainVars.filter(v => get(v) === undefined)) fail(v, `must be set together with ${chainSet.join(' and ')} (all three, or none)`);
    } else if (chainSet.length === chainVars.length) {
        const seedHex = get('DRAW_HASH_CHAIN_SEED')!;
        const seedOk = /^(0x)?[0-9a-fA-F]{64}$/.test(seedHex);
        if (!seedOk) fail('DRAW_HASH_CHAIN_SEED', 'must be 32 bytes as 64 hex characters');
        const length = integer('DRAW_HASH_CHAIN_LENGTH', null, 1, 1_000_000);
        const authorityKeypairPath = path('DRAW_AUTHORITY_KEYPAIR_PATH', true);
        if (seedOk && length !== null && authorityKeypairPath !== null) hashChain = { seedHex: seedHex.replace(/^0x/, '').toLowerCase(), length, authorityKeypairPath };
    }
    const settleAuthorityKeypairPath = path('SETTLE_AUTHORITY_KEYPAIR_PATH', false);

    // Refund tickets.
    const mrftMintAuthorityKeypairPath = path('MRFT_MINT_AUTHORITY_KEYPAIR_PATH', false) ?? workerKeypairPath ?? '';
    let issuer: IssuerConfig | null = null;
    const issuerKind = (get('MRFT_ISSUER') ?? 'spl').toLowerCase();
    if (issuerKind === 'spl') {
        issuer = { kind: 'spl', mint: address('MRFT_MINT', false) };
    } else if (issuerKind === 'none') {
        issuer = { kind: 'none' };
    } else if (issuerKind === 'bubblegum') {
        const merkleTree = address('MRFT_TREE', true);
        const collectionMint = address('MRFT_COLLECTION', true);
        const metadataBaseUri = get('MRFT_METADATA_BASE_URI') === undefined ? fail('MRFT_METADATA_BASE_URI', 'is required with MRFT_ISSUER=bubblegum (the https base of the tickets\' metadata JSON)') : httpUrl('MRFT_METADATA_BASE_URI', false);
        const collectionAuthorityKeypairPath = path('MRFT_COLLECTION_AUTHORITY_KEYPAIR_PATH', false);
        const collectionAuthorityRecord = address('MRFT_COLLECTION_AUTHORITY_RECORD', false);
        const slotsPerTransaction = integer('MRFT_SLOTS_PER_TRANSACTION', null, 1, 16);
        const dasRpcUrl = httpUrl('HELIUS_DAS_RPC', true);
        if (merkleTree && collectionMint && metadataBaseUri) {
            issuer = { kind: 'bubblegum', merkleTree, collectionMint, metadataBaseUri, collectionAuthorityKeypairPath, collectionAuthorityRecord, slotsPerTransaction, dasRpcUrl };
        }
    } else {
        fail('MRFT_ISSUER', `must be spl, bubblegum or none, got ${quote(issuerKind)}`);
    }

    // Store.
    let store: StoreConfig | null = null;
    const databaseUrl = get('DATABASE_URL');
    const redisUrl = get('REDIS_URL');
    const schema = get('DATABASE_SCHEMA') ?? 'raffle_worker';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) fail('DATABASE_SCHEMA', `must be a lowercase SQL identifier (letters, digits, _), got ${quote(schema)}`);
    const embedded = (get('WORKER_EMBEDDED_STORE') ?? 'sqlite').toLowerCase();
    if (!(EMBEDDED_STORES as readonly string[]).includes(embedded)) {
        fail('WORKER_EMBEDDED_STORE', `must be ${EMBEDDED_STORES.join(' or ')}, got ${quote(embedded)}`);
    } else if (get('WORKER_EMBEDDED_STORE') !== undefined && (databaseUrl !== undefined || redisUrl !== undefined)) {
        fail('WORKER_EMBEDDED_STORE', `only applies without DATABASE_URL and REDIS_URL (${databaseUrl !== undefined ? 'DATABASE_URL' : 'REDIS_URL'} is set)`);
    }
    if (databaseUrl !== undefined && redisUrl !== undefined) {
        fail('DATABASE_URL', 'and REDIS_URL are both set: choose one store');
    } else if (databaseUrl !== undefined) {
        const url = httpUrl('DATABASE_URL', true, ['postgres:', 'postgresql:']);
        if (url !== null) store = { kind: 'postgres', url, schema };
    } else if (redisUrl !== undefined) {
        const url = httpUrl('REDIS_URL', true, ['redis:', 'rediss:']);
        const keyPrefix = get('REDIS_KEY_PREFIX') ?? 'raffle:worker:';
        if (keyPrefix.length > 200) fail('REDIS_KEY_PREFIX', 'must be at most 200 characters');
        else if (url !== null) store = { kind: 'redis', url, keyPrefix };
    } else {
        const dataDir = get('WORKER_DATA_DIR') ?? './data/worker';
        store = embedded === 'pglite' ? { kind: 'pglite', dataDir, schema } : { kind: 'sqlite', dataDir, path: join(dataDir, SQLITE_FILE_NAME) };
    }

    // HTTP.
    const host = get('WORKER_HTTP_HOST') ?? '127.0.0.1';
    if (!/^[0-9A-Za-z.:[\]-]{1,253}$/.test(host)) fail('WORKER_HTTP_HOST', `must be a host name or IP address, got ${quote(host)}`);
    const port = integer('WORKER_HTTP_PORT', 8787, 0, 65_535);
    const adminToken = get('WORKER_ADMIN_TOKEN') ?? null;
    if (adminToken !== null && adminToken.length < MIN_ADMIN_TOKEN_LENGTH) fail('WORKER_ADMIN_TOKEN', `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (e.g. \`openssl rand -base64 32\`)`);
    const webhookSecret = get('HELIUS_WEBHOOK_SECRET') ?? null;
    if (webhookSecret !== null && webhookSecret.length < 16) fail('HELIUS_WEBHOOK_SECRET', 'must be at least 16 characters');

    // Notifications.
    const notifyUrl = httpUrl('NOTIFY_WEBHOOK_URL', true);
    const notifySecret = get('NOTIFY_WEBHOOK_SECRET') ?? null;
    let notify: WorkerConfig['notify'] = null;
    if ((get('NOTIFY_WEBHOOK_URL') === undefined) !== (notifySecret === null)) {
        fail(notifySecret === null ? 'NOTIFY_WEBHOOK_SECRET' : 'NOTIFY_WEBHOOK_URL', 'must be set together with ' + (notifySecret === null ? 'NOTIFY_WEBHOOK_URL' : 'NOTIFY_WEBHOOK_SECRET'));
    } else if (notifySecret !== null && notifySecret.length < 16) {
        fail('NOTIFY_WEBHOOK_SECRET', 'must be at least 16 characters');
    } else if (notifyUrl !== null && notifySecret !== null) {
        notify = { url: notifyUrl, secret: notifySecret };
    }

    // Spend guard.
    const spendLimits: SpendLimitsConfig = {
        lamportsPerHour: bigInteger('SPEND_LAMPORTS_PER_HOUR'),
        lamportsPerDay: bigInteger('SPEND_LAMPORTS_PER_DAY'),
        ticketsPerHour: integer('SPEND_TICKETS_PER_HOUR', null, 1, 1_000_000_000),
        ticketsPerDay: integer('SPEND_TICKETS_PER_DAY', null, 1, 1_000_000_000),
    };
    const spend = Object.values(spendLimits).some(v => v !== null) ? spendLimits : null;

    // Process.
    const logLevel = (get('LOG_LEVEL') ?? 'info').toLowerCase();
    if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) fail('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got ${quote(logLevel)}`);
    const drainTimeoutMs = integer('WORKER_DRAIN_TIMEOUT_MS', 10_000, 0, 600_000);
    const retention = (get('WORKER_RETENTION') ?? 'on').toLowerCase();
    if (retention !== 'on' && retention !== 'off') fail('WORKER_RETENTION', `must be on or off, got ${quote(retention)}`);
    const role = get('WORKER_ROLE') ?? 'leader-eligible';
    if (role !== 'leader-eligible' && role !== 'jobs-only') fail('WORKER_ROLE', `must be leader-eligible or jobs-only, got ${quote(role)}`);
    const concurrency = integer('WORKER_CONCURRENCY', 4, 1, 64);
    const pollMs = integer('WORKER_POLL_MS', 500, 10, 60_000);
    const clockPollMs = integer('AUTOMATIONS_CLOCK_POLL_MS', 1_000, 10, 3_600_000);
    const reconcileIntervalMs = integer('AUTOMATIONS_RECONCILE_INTERVAL_MS', 300_000, 0, 86_400_000);
    const backfillIntervalMs = integer('WORKER_BACKFILL_INTERVAL_MS', 5_000, 10, 3_600_000);

    if (problems.length > 0) throw new ConfigError(problems);
    return {
        rpcUrl: rpcUrl!,
        wsUrl: wsUrl!,
        programAddress: programAddress!,
        workerKeypairPath: workerKeypairPath!,
        hashChain,
        settleAuthorityKeypairPath,
        mrftMintAuthorityKeypairPath,
        issuer: issuer!,
        store: store!,
        http: { host, port: port! },
        adminToken,
        webhookSecret,
        notify,
        spend,
        logLevel: logLevel as LogLevel,
        drainTimeoutMs: drainTimeoutMs!,
        retention: retention !== 'off',
        role: role as WorkerConfig['role'],
        tuning: { concurrency: concurrency!, pollMs: pollMs!, clockPollMs: clockPollMs!, reconcileIntervalMs: reconcileIntervalMs!, backfillIntervalMs: backfillIntervalMs! },
    };
}

/**
 * The secrets of a configuration (tokens, HMAC secrets, passwords and API keys inside URLs, the
 * hash-chain seed): the logger hook redacts each wherever it appears.
 *
 * @example
 * ```ts
 * attachWorkerLogger(worker, logger, { automations, secrets: configSecrets(config) });
 * ```
 */
export function configSecrets(config: WorkerConfig): string[] {
    const secrets: string[] = [];
    if (config.hashChain) secrets.push(config.hashChain.seedHex, config.hashChain.seedHex.toUpperCase());
    if (config.adminToken) secrets.push(config.adminToken);
    if (config.webhookSecret) secrets.push(config.webhookSecret);
    if (config.notify) secrets.push(config.notify.secret, ...urlSecrets(config.notify.url));
    if (config.store.kind === 'postgres' || config.store.kind === 'redis') secrets.push(...urlSecrets(config.store.url));
    secrets.push(...urlSecrets(config.rpcUrl), ...urlSecrets(config.wsUrl));
    if (config.issuer.kind === 'bubblegum' && config.issuer.dasRpcUrl) secrets.push(...urlSecrets(config.issuer.dasRpcUrl));
    return [...new Set(secrets.filter(s => s.length >= 4))];
}

/** Passwords, user names and query values of a URL (API keys ride there: `?api-key=`). */
function urlSecrets(value: string): string[] {
    try {
        const url = new URL(value);
        const out = [url.password, decodeURIComponent(url.password)];
        for (const [, v] of url.searchParams) out.push(v);
        // A path segment that looks like a key (`/v2/<key>`) counts too.
        for (const segment of url.pathname.split('/')) if (segment.length >= 24) out.push(segment);
        return out.filter(s => s !== '');
    } catch {
        return [];
    }
}

/**
 * A URL safe to log: scheme, host and port only (credentials, path and query dropped).
 *
 * @example
 * ```ts
 * safeUrl('https://user:pw@rpc.example.com/v2/KEY?api-key=x'); // 'https://rpc.example.com'
 * ```
 */
export function safeUrl(value: string): string {
    try {
        const url = new URL(value);
        return `${url.protocol}//${url.host}`;
    } catch {
        return '<invalid url>';
    }
}
