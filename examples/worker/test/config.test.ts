/**
 * The configuration: `loadConfig` called directly (every variable, defaults, every problem
 * reported at once, secrets never echoed), and the real entry point started with bad values
 * (one line per bad value on stderr, exit code 1, no stack trace).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { ConfigError, configSecrets, deriveWsUrl, loadConfig, safeUrl } from '../src/config';
import { killAllWorkers, startWorkerProcess } from './support/worker-process';

const PROGRAM = 'HMxaKAkT6CdHhm7Gyf83LrxhLTdQNfXdmdGuhHpArH9';
const SEED = 'ab'.repeat(32);
const TOKEN = 'admin-token-0123456789abcdef';
const BASE = { SOLANA_RPC_URL: 'http://127.0.0.1:8899', RWA_RAFFLE_PROGRAM_ID: PROGRAM, WORKER_KEYPAIR_PATH: '/keys/worker.json' };

function problemsOf(env: Record<string, string>): string[] {
    try {
        loadConfig(env);
    } catch (e) {
        if (e instanceof ConfigError) return e.lines();
        throw e;
    }
    return [];
}

describe('loadConfig', () => {
    it('fills the defaults of a minimal configuration', () => {
        const config = loadConfig(BASE);
        expect(config).toMatchObject({
            rpcUrl: 'http://127.0.0.1:8899',
            wsUrl: 'ws://127.0.0.1:8900/',
            programAddress: PROGRAM,
            workerKeypairPath: '/keys/worker.json',
            hashChain: null,
            settleAuthorityKeypairPath: null,
            mrftMintAuthorityKeypairPath: '/keys/worker.json',
            issuer: { kind: 'spl', mint: null },
            store: { kind: 'sqlite', dataDir: './data/worker', path: join('data', 'worker', 'worker.sqlite') },
            http: { host: '127.0.0.1', port: 8787 },
            adminToken: null,
            webhookSecret: null,
            notify: null,
            spend: null,
            logLevel: 'info',
            drainTimeoutMs: 10_000,
            retention: true,
            role: 'leader-eligible',
        });
    });

    it('derives the websocket URL as solana-web3.js does', () => {
        expect(deriveWsUrl('http://127.0.0.1:8899')).toBe('ws://127.0.0.1:8900/');
        expect(deriveWsUrl('https://api.devnet.solana.com')).toBe('wss://api.devnet.solana.com/');
        expect(deriveWsUrl('https://rpc.example.com:8443/v1?api-key=k')).toBe('wss://rpc.example.com:8444/v1?api-key=k');
        expect(loadConfig({ ...BASE, SOLANA_WS_URL: 'wss://ws.example.com' }).wsUrl).toBe('wss://ws.example.com');
    });

    it('reads every optional setting', () => {
        const config = loadConfig({
            ...BASE,
            DRAW_HASH_CHAIN_SEED: `0x${SEED.toUpperCase()}`,
            DRAW_HASH_CHAIN_LENGTH: '1024',
            DRAW_AUTHORITY_KEYPAIR_PATH: '/keys/draw.json',
            SETTLE_AUTHORITY_KEYPAIR_PATH: '/keys/settle.json',
            MRFT_MINT_AUTHORITY_KEYPAIR_PATH: '/keys/mrft.json',
            MRFT_MINT: PROGRAM,
            DATABASE_URL: 'postgres://worker:pw@db:5432/raffle',
            DATABASE_SCHEMA: 'raffle_w1',
            WORKER_HTTP_HOST: '0.0.0.0',
            WORKER_HTTP_PORT: '0',
            WORKER_ADMIN_TOKEN: TOKEN,
            HELIUS_WEBHOOK_SECRET: 'helius-secret-0123456789',
            NOTIFY_WEBHOOK_URL: 'https://hooks.example.com/raffle',
            NOTIFY_WEBHOOK_SECRET: 'notify-secret-0123456789',
            SPEND_LAMPORTS_PER_HOUR: '1000000000',
            SPEND_TICKETS_PER_DAY: '5000',
            LOG_LEVEL: 'DEBUG',
            WORKER_DRAIN_TIMEOUT_MS: '2500',
            WORKER_RETENTION: 'OFF',
            WORKER_ROLE: 'jobs-only',
        });
        expect(config).toMatchObject({
            hashChain: { seedHex: SEED, length: 1024, authorityKeypairPath: '/keys/draw.json' },
            settleAuthorityKeypairPath: '/keys/settle.json',
            mrftMintAuthorityKeypairPath: '/keys/mrft.json',
            issuer: { kind: 'spl', mint: PROGRAM },
            store: { kind: 'postgres', url: 'postgres://worker:pw@db:5432/raffle', schema: 'raffle_w1' },
            http: { host: '0.0.0.0', port: 0 },
            adminToken: TOKEN,
            webhookSecret: 'helius-secret-0123456789',
            notify: { url: 'https://hooks.example.com/raffle', secret: 'notify-secret-0123456789' },
            spend: { lamportsPerHour: 1_000_000_000n, lamportsPerDay: null, ticketsPerHour: null, ticketsPerDay: 5000 },
            logLevel: 'debug',
            drainTimeoutMs: 2500,
            retention: false,
            role: 'jobs-only',
        });
        expect(loadConfig({ ...BASE, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: 'w1:' }).store).toEqual({ kind: 'redis', url: 'redis://127.0.0.1:6379', keyPrefix: 'w1:' });
        expect(loadConfig({ ...BASE, WORKER_DATA_DIR: '/var/lib/worker' }).store).toEqual({ kind: 'sqlite', dataDir: '/var/lib/worker', path: '/var/lib/worker/worker.sqlite' });
        expect(loadConfig({ ...BASE, WORKER_DATA_DIR: '/var/lib/worker', WORKER_EMBEDDED_STORE: 'PGlite', DATABASE_SCHEMA: 'w2' }).store).toEqual({ kind: 'pglite', dataDir: '/var/lib/worker', schema: 'w2' });
        expect(loadConfig({ ...BASE, MRFT_ISSUER: 'none' }).issuer).toEqual({ kind: 'none' });
        expect(
            loadConfig({ ...BASE, MRFT_ISSUER: 'bubblegum', MRFT_TREE: PROGRAM, MRFT_COLLECTION: PROGRAM, MRFT_METADATA_BASE_URI: 'https://mrft.example.com', HELIUS_DAS_RPC: 'https://mainnet.helius-rpc.com/?api-key=k' })
                .issuer,
        ).toMatchObject({ kind: 'bubblegum', merkleTree: PROGRAM, collectionMint: PROGRAM, metadataBaseUri: 'https://mrft.example.com', collectionAuthorityKeypairPath: null, slotsPerTransaction: null });
    });

    it('reports every bad variable at once, one line each, and never echoes a secret', () => {
        const lines = problemsOf({
            SOLANA_RPC_URL: 'ftp://user:rpc-password-secret@host',
            RWA_RAFFLE_PROGRAM_ID: 'not-an-address',
            DRAW_HASH_CHAIN_SEED: 'seed-secret-value',
            DRAW_HASH_CHAIN_LENGTH: '12',
            DRAW_AUTHORITY_KEYPAIR_PATH: '/k.json',
            DATABASE_URL: 'mysql://root:db-password-secret@db/x',
            WORKER_HTTP_PORT: '70000',
            WORKER_ADMIN_TOKEN: 'short-secret',
            NOTIFY_WEBHOOK_SECRET: 'notify-secret-value-1234',
            SPEND_LAMPORTS_PER_HOUR: '-5',
            LOG_LEVEL: 'loud',
            WORKER_DRAIN_TIMEOUT_MS: 'soon',
        });
        expect(lines).toEqual([
            'example-worker: SOLANA_RPC_URL must be a http or https URL',
            'example-worker: RWA_RAFFLE_PROGRAM_ID must be a base58 address, got "not-an-address"',
            'example-worker: WORKER_KEYPAIR_PATH is required (the path of a Solana CLI keypair JSON file)',
            'example-worker: DRAW_HASH_CHAIN_SEED must be 32 bytes as 64 hex characters',
            'example-worker: DATABASE_URL must be a postgres or postgresql URL',
            'example-worker: WORKER_HTTP_PORT must be an integer from 0 to 65535, got "70000"',
            'example-worker: WORKER_ADMIN_TOKEN must be at least 16 characters (e.g. `openssl rand -base64 32`)',
            'example-worker: NOTIFY_WEBHOOK_URL must be set together with NOTIFY_WEBHOOK_SECRET',
            'example-worker: SPEND_LAMPORTS_PER_HOUR must be a positive integer (u64), got "-5"',
            'example-worker: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
            'example-worker: WORKER_DRAIN_TIMEOUT_MS must be an integer from 0 to 600000, got "soon"',
        ]);
        expect(lines.join('\n')).not.toMatch(/secret|password/);
    });

    it('requires the draw settings together and one store at most', () => {
        expect(problemsOf({ ...BASE, DRAW_HASH_CHAIN_SEED: SEED })).toEqual([
            'example-worker: DRAW_HASH_CHAIN_LENGTH must be set together with DRAW_HASH_CHAIN_SEED (all three, or none)',
            'example-worker: DRAW_AUTHORITY_KEYPAIR_PATH must be set together with DRAW_HASH_CHAIN_SEED (all three, or none)',
        ]);
        expect(problemsOf({ ...BASE, DATABASE_URL: 'postgres://db/x', REDIS_URL: 'redis://r' })).toEqual(['example-worker: DATABASE_URL and REDIS_URL are both set: choose one store']);
        expect(problemsOf({ ...BASE, WORKER_EMBEDDED_STORE: 'leveldb' })).toEqual(['example-worker: WORKER_EMBEDDED_STORE must be sqlite or pglite, got "leveldb"']);
        expect(problemsOf({ ...BASE, WORKER_EMBEDDED_STORE: 'sqlite', REDIS_URL: 'redis://r' })).toEqual(['example-worker: WORKER_EMBEDDED_STORE only applies without DATABASE_URL and REDIS_URL (REDIS_URL is set)']);
        expect(problemsOf({ ...BASE, MRFT_ISSUER: 'bubblegum' })).toEqual([
            'example-worker: MRFT_TREE is required (a base58 address)',
            'example-worker: MRFT_COLLECTION is required (a base58 address)',
            "example-worker: MRFT_METADATA_BASE_URI is required with MRFT_ISSUER=bubblegum (the https base of the tickets' metadata JSON)",
        ]);
        expect(problemsOf({})).toEqual([
            'example-worker: SOLANA_RPC_URL is required (an http or https JSON-RPC URL)',
            'example-worker: RWA_RAFFLE_PROGRAM_ID is required (a base58 address)',
            'example-worker: WORKER_KEYPAIR_PATH is required (the path of a Solana CLI keypair JSON file)',
        ]);
    });

    it('lists the secrets for the logger and logs URLs without credentials, paths or queries', () => {
        const config = loadConfig({
            ...BASE,
            SOLANA_RPC_URL: 'https://mainnet.helius-rpc.com/?api-key=rpc-api-key-1234',
            DRAW_HASH_CHAIN_SEED: SEED,
            DRAW_HASH_CHAIN_LENGTH: '8',
            DRAW_AUTHORITY_KEYPAIR_PATH: '/k.json',
            DATABASE_URL: 'postgres://worker:db-password@db:5432/raffle',
            WORKER_ADMIN_TOKEN: TOKEN,
        });
        expect(configSecrets(config)).toEqual(expect.arrayContaining([SEED, TOKEN, 'db-password', 'rpc-api-key-1234']));
        expect(safeUrl(config.rpcUrl)).toBe('https://mainnet.helius-rpc.com');
        expect(safeUrl('postgres://worker:db-password@db:5432/raffle')).toBe('postgres://db:5432');
    });
});

describe('the entry point with bad values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'example-worker-config-'));
    const notJson = join(dir, 'not-json.json');
    writeFileSync(notJson, 'hello');
    const wrongHalf = join(dir, 'wrong-half.json');
    writeFileSync(wrongHalf, JSON.stringify([...Array(32).fill(7), ...Array(32).fill(9)]));
    afterAll(async () => {
        await killAllWorkers();
        rmSync(dir, { recursive: true, force: true });
    });

    const cases: [string, Record<string, string>, RegExp][] = [
        ['no configuration', {}, /^example-worker: SOLANA_RPC_URL is required/],
        ['a bad RPC URL', { ...BASE, SOLANA_RPC_URL: 'not a url' }, /^example-worker: SOLANA_RPC_URL must be a URL \(http or https\)$/],
        ['a bad websocket URL', { ...BASE, SOLANA_WS_URL: 'http://127.0.0.1:8900' }, /^example-worker: SOLANA_WS_URL must be a ws or wss URL$/],
        ['a bad program id', { ...BASE, RWA_RAFFLE_PROGRAM_ID: 'xyz' }, /^example-worker: RWA_RAFFLE_PROGRAM_ID must be a base58 address, got "xyz"$/],
        ['a missing keypair file', { ...BASE, WORKER_KEYPAIR_PATH: join(dir, 'missing.json') }, /^example-worker: WORKER_KEYPAIR_PATH cannot be read \(.*missing\.json: ENOENT\)$/],
        ['a file that is not a keypair', { ...BASE, WORKER_KEYPAIR_PATH: notJson }, /^example-worker: WORKER_KEYPAIR_PATH file .* is not a Solana CLI keypair file/],
        ['a keypair whose halves do not match', { ...BASE, WORKER_KEYPAIR_PATH: wrongHalf }, /^example-worker: WORKER_KEYPAIR_PATH file .* does not hold a valid ed25519 keypair/],
        ['a bad hash-chain seed', { ...BASE, DRAW_HASH_CHAIN_SEED: 'zz', DRAW_HASH_CHAIN_LENGTH: '4', DRAW_AUTHORITY_KEYPAIR_PATH: '/k.json' }, /^example-worker: DRAW_HASH_CHAIN_SEED must be 32 bytes as 64 hex characters$/],
        ['a bad hash-chain length', { ...BASE, DRAW_HASH_CHAIN_SEED: SEED, DRAW_HASH_CHAIN_LENGTH: '0', DRAW_AUTHORITY_KEYPAIR_PATH: '/k.json' }, /^example-worker: DRAW_HASH_CHAIN_LENGTH must be an integer from 1 to 1000000, got "0"$/],
        ['half the draw settings', { ...BASE, DRAW_HASH_CHAIN_LENGTH: '4' }, /^example-worker: DRAW_HASH_CHAIN_SEED must be set together with DRAW_HASH_CHAIN_LENGTH/],
        ['an unknown issuer', { ...BASE, MRFT_ISSUER: 'paper' }, /^example-worker: MRFT_ISSUER must be spl, bubblegum or none, got "paper"$/],
        ['a bad MRFT mint', { ...BASE, MRFT_MINT: 'mint' }, /^example-worker: MRFT_MINT must be a base58 address, got "mint"$/],
        ['two stores', { ...BASE, DATABASE_URL: 'postgres://db/x', REDIS_URL: 'redis://r' }, /^example-worker: DATABASE_URL and REDIS_URL are both set: choose one store$/],
        ['a bad database URL', { ...BASE, DATABASE_URL: 'http://user:pw@db/x' }, /^example-worker: DATABASE_URL must be a postgres or postgresql URL$/],
        ['a bad Redis URL', { ...BASE, REDIS_URL: 'tcp://r' }, /^example-worker: REDIS_URL must be a redis or rediss URL$/],
        ['an unknown embedded store', { ...BASE, WORKER_EMBEDDED_STORE: 'leveldb' }, /^example-worker: WORKER_EMBEDDED_STORE must be sqlite or pglite, got "leveldb"$/],
        ['a bad schema', { ...BASE, DATABASE_SCHEMA: 'Robert"); DROP' }, /^example-worker: DATABASE_SCHEMA must be a lowercase SQL identifier/],
        ['a bad port', { ...BASE, WORKER_HTTP_PORT: 'http' }, /^example-worker: WORKER_HTTP_PORT must be an integer from 0 to 65535, got "http"$/],
        ['a bad host', { ...BASE, WORKER_HTTP_HOST: 'a b' }, /^example-worker: WORKER_HTTP_HOST must be a host name or IP address/],
        ['a short admin token', { ...BASE, WORKER_ADMIN_TOKEN: 'short-secret' }, /^example-worker: WORKER_ADMIN_TOKEN must be at least 16 characters/],
        ['a short webhook secret', { ...BASE, HELIUS_WEBHOOK_SECRET: 'short-secret' }, /^example-worker: HELIUS_WEBHOOK_SECRET must be at least 16 characters$/],
        ['a notify URL alone', { ...BASE, NOTIFY_WEBHOOK_URL: 'https://hooks.example.com' }, /^example-worker: NOTIFY_WEBHOOK_SECRET must be set together with NOTIFY_WEBHOOK_URL$/],
        ['a bad notify URL', { ...BASE, NOTIFY_WEBHOOK_URL: 'hooks', NOTIFY_WEBHOOK_SECRET: 'notify-secret-0123456789' }, /^example-worker: NOTIFY_WEBHOOK_URL must be a URL \(http or https\)$/],
        ['a bad spend limit', { ...BASE, SPEND_TICKETS_PER_HOUR: '1.5' }, /^example-worker: SPEND_TICKETS_PER_HOUR must be an integer from 1 to 1000000000, got "1.5"$/],
        ['a bad lamport limit', { ...BASE, SPEND_LAMPORTS_PER_DAY: '0' }, /^example-worker: SPEND_LAMPORTS_PER_DAY must be a positive integer \(u64\), got "0"$/],
        ['a bad retention switch', { ...BASE, WORKER_RETENTION: 'sometimes' }, /^example-worker: WORKER_RETENTION must be on or off, got "sometimes"$/],
        ['a bad log level', { ...BASE, LOG_LEVEL: 'verbose' }, /^example-worker: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"$/],
        ['a bad drain timeout', { ...BASE, WORKER_DRAIN_TIMEOUT_MS: '-1' }, /^example-worker: WORKER_DRAIN_TIMEOUT_MS must be an integer from 0 to 600000, got "-1"$/],
    ];

    it('prints one line naming the variable and exits 1, without a stack trace or a secret', async () => {
        const results = await Promise.all(
            cases.map(async ([what, env, expected]) => {
                const child = startWorkerProcess(env, what);
                const exit = await Promise.race([child.exited, new Promise<null>(resolve => setTimeout(() => resolve(null), 30_000).unref())]);
                if (exit === null) await child.stop(1_000);
                return { what, expected, exit, stderr: child.stderr(), stdout: child.logs.length + child.otherStdout.length };
            }),
        );
        for (const { what, expected, exit, stderr, stdout } of results) {
            const lines = stderr.trimEnd().split('\n');
            expect({ what, code: exit?.code }).toEqual({ what, code: 1 });
            expect({ what, first: lines[0] }).toEqual({ what, first: expect.stringMatching(expected) });
            expect(stderr, what).not.toMatch(/\n\s+at |Error:|short-secret|pw@/);
            expect({ what, stdout }).toEqual({ what, stdout: 0 });
        }
        // One line per bad value: a single bad value gives a single line.
        for (const { what, stderr } of results) if (what !== 'no configuration' && what !== 'half the draw settings') expect({ what, lines: stderr.trimEnd().split('\n').length }).toEqual({ what, lines: 1 });
    }, 120_000);
});
