/**
 * Turns the fixtures file of a local cluster (`raffle-localnet --fixtures-out <file>`) into what
 * the worker needs: Solana CLI keypair files (mode 0600) and an env file to source.
 *
 *     pnpm --filter @raffle/example-worker localnet-env /tmp/fixtures.json [rpcUrl]
 *
 * Writes `data/localnet/*.json` and `data/localnet/worker.env` (relative to examples/worker).
 * The worker key is the cluster's last fixture wallet (funded; the others stay buyers). These are
 * the local cluster's well-known test keys: never use them anywhere else.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

interface FixtureKey {
    readonly address: string;
    readonly secretKey: number[];
}

const [fixturesPath, rpcUrl = 'http://127.0.0.1:8899'] = process.argv.slice(2);
if (!fixturesPath) {
    process.stderr.write('usage: localnet-env <fixtures.json> [rpcUrl]\n');
    process.exit(2);
}
let fixtures: {
    programAddress: string;
    wallets: FixtureKey[];
    drawAuthority: FixtureKey;
    settleAuthority: FixtureKey;
    mrftMintAuthority: FixtureKey;
    drawHashChain: { seed: string; length: number };
};
try {
    fixtures = JSON.parse(readFileSync(fixturesPath, 'utf8')) as typeof fixtures;
} catch (e) {
    process.stderr.write(`localnet-env: cannot read ${fixturesPath}: ${(e as Error).message}\n`);
    process.exit(1);
}
const dir = resolve('data/localnet');
mkdirSync(dir, { recursive: true, mode: 0o700 });
const write = (name: string, key: FixtureKey): string => {
    const path = resolve(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(key.secretKey), { mode: 0o600 });
    chmodSync(path, 0o600);
    return path;
};
const worker = fixtures.wallets[fixtures.wallets.length - 1]!;
const env = {
    SOLANA_RPC_URL: rpcUrl,
    RWA_RAFFLE_PROGRAM_ID: fixtures.programAddress,
    WORKER_KEYPAIR_PATH: write('worker', worker),
    DRAW_HASH_CHAIN_SEED: fixtures.drawHashChain.seed,
    DRAW_HASH_CHAIN_LENGTH: String(fixtures.drawHashChain.length),
    DRAW_AUTHORITY_KEYPAIR_PATH: write('draw-authority', fixtures.drawAuthority),
    SETTLE_AUTHORITY_KEYPAIR_PATH: write('settle-authority', fixtures.settleAuthority),
    MRFT_MINT_AUTHORITY_KEYPAIR_PATH: write('mrft-mint-authority', fixtures.mrftMintAuthority),
    WORKER_DATA_DIR: resolve('data/localnet/worker-store'),
};
const envFile = resolve(dir, 'worker.env');
writeFileSync(envFile, `${Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n')}\n`, { mode: 0o600 });
chmodSync(envFile, 0o600);
process.stdout.write(`wrote ${envFile} (worker key ${worker.address}); start the worker with:\n  set -a; . ${envFile}; set +a; pnpm --filter @raffle/example-worker start\n`);
