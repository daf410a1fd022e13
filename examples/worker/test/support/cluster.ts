/**
 * A local cluster for the example worker's tests: `@raffle/localnet` with the reference program
 * and fixtures, started in the test process, and the worker's environment for it: the fixture
 * keys written as Solana CLI keypair files (as `--fixtures-out` users would), the hash-chain draw
 * authority, the settle fallback and fast timings.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Localnet, startLocalnet } from '@raffle/localnet';
import { afterAll, afterEach, beforeAll } from 'vitest';

import { killAllWorkers } from './worker-process';

/** Fast timings for a cluster with 20 ms slots (a real cluster keeps the defaults). */
export const FAST_TIMINGS: Record<string, string> = {
    WORKER_POLL_MS: '25',
    WORKER_CONCURRENCY: '8',
    WORKER_BACKFILL_INTERVAL_MS: '200',
    AUTOMATIONS_CLOCK_POLL_MS: '100',
};

/** The cluster of a test file and the worker environment for it. */
export interface TestCluster {
    readonly net: Localnet;
    /** The variables every worker of this cluster needs (RPC, program, keys, draws, timings). */
    env(extra?: Record<string, string>): Record<string, string>;
    /** A fresh directory (removed after the file's tests). */
    tempDir(prefix: string): string;
}

/**
 * Starts a cluster before the file's tests and stops it after them.
 *
 * @param fixtures - wallets (the last one is the worker's key) and prize NFTs
 */
export function useTestCluster(fixtures: { wallets: number; prizeNfts: number }): TestCluster {
    let net: Localnet | undefined;
    let env: Record<string, string> = {};
    const dirs: string[] = [];
    const tempDir = (prefix: string) => {
        const dir = mkdtempSync(join(tmpdir(), prefix));
        dirs.push(dir);
        return dir;
    };
    beforeAll(async () => {
        net = await startLocalnet({ rpcPort: 0, slotIntervalMs: 20, confirmationLag: 1, finalizationLag: 3, fixtures, onError: () => undefined });
        const f = net.fixtures!;
        const keys = tempDir('example-worker-keys-');
        const write = (name: string, secretKey: Uint8Array) => {
            const path = join(keys, `${name}.json`);
            writeFileSync(path, JSON.stringify(Array.from(secretKey)), { mode: 0o600 });
            return path;
        };
        env = {
            SOLANA_RPC_URL: net.rpcUrl,
            SOLANA_WS_URL: net.wsUrl,
            RWA_RAFFLE_PROGRAM_ID: f.programAddress,
            WORKER_KEYPAIR_PATH: write('worker', f.wallets[f.wallets.length - 1]!.keypair.secretKey),
            DRAW_HASH_CHAIN_SEED: Buffer.from(f.drawHashChain.seed).toString('hex'),
            DRAW_HASH_CHAIN_LENGTH: String(f.drawHashChain.length),
            DRAW_AUTHORITY_KEYPAIR_PATH: write('draw-authority', f.drawAuthority.secretKey),
            SETTLE_AUTHORITY_KEYPAIR_PATH: write('settle-authority', f.settleAuthority.secretKey),
            MRFT_MINT_AUTHORITY_KEYPAIR_PATH: write('mrft-authority', f.mrftMintAuthority.secretKey),
            WORKER_HTTP_PORT: '0',
            ...FAST_TIMINGS,
        };
    }, 60_000);
    // A test that fails half-way must not leave its worker running into the next one: two
    // workers with separate stores on one cluster would both act.
    afterEach(killAllWorkers);
    afterAll(async () => {
        await net?.stop();
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });
    return {
        get net() {
            if (!net) throw new Error('the cluster starts in beforeAll');
            return net;
        },
        env: (extra = {}) => ({ ...env, ...extra }),
        tempDir,
    };
}
