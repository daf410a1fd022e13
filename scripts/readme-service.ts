/**
 * Runs a README example marked `check: service` as a user runs a service: a local cluster from
 * the packed `@raffle/localnet` and PostgreSQL in its environment (`RPC_URL`, `WS_URL`,
 * `DATABASE_URL`), until it prints `started`; then SIGTERM must stop it with exit code 0.
 * Without a reachable PostgreSQL the run is skipped with a message (failed under `CI=true`).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DATABASE_URL = process.env.RAFFLE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Waits until `child` prints a line matching `pattern` on stdout; the line, or null after `timeoutMs` or an exit. */
function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number, output: string[]): Promise<string | null> {
    return new Promise(resolve => {
        let buffer = '';
        const done = (line: string | null) => {
            clearTimeout(timer);
            child.stdout?.off('data', onData);
            child.off('exit', onExit);
            resolve(line);
        };
        const onData = (chunk: Buffer) => {
            buffer += chunk.toString('utf8');
            output.push(chunk.toString('utf8'));
            const line = buffer.split('\n').find(l => pattern.test(l));
            if (line !== undefined) done(line);
        };
        const onExit = () => done(null);
        const timer = setTimeout(() => done(null), timeoutMs);
        child.stdout?.on('data', onData);
        child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
        child.once('exit', onExit);
    });
}

function exited(child: ChildProcess, timeoutMs: number): Promise<number | string | null> {
    if (child.exitCode !== null) return Promise.resolve(child.exitCode);
    return new Promise(resolve => {
        const timer = setTimeout(() => resolve(null), timeoutMs);
        child.once('exit', (code, signal) => {
            clearTimeout(timer);
            resolve(code ?? signal);
        });
    });
}

/**
 * @param dir - the folder of the compiled examples (inside the app, so packages resolve)
 * @param script - the compiled example, relative to `dir`
 * @returns `ok`, `skipped` (no PostgreSQL here) or the failure's text
 */
export async function runServiceExample(dir: string, script: string): Promise<{ outcome: 'ok' | 'skipped' | 'failed'; detail: string }> {
    const probe = spawnSync(process.execPath, ['--input-type=module', '-e', `import pg from 'pg'; const c = new pg.Client(${JSON.stringify(DATABASE_URL)}); await c.connect(); await c.end();`], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 15_000,
    });
    if (probe.status !== 0) {
        const message = `PostgreSQL is not reachable at ${DATABASE_URL} (set RAFFLE_TEST_DATABASE_URL)`;
        return process.env.CI === 'true' ? { outcome: 'failed', detail: message } : { outcome: 'skipped', detail: message };
    }
    const clusterScript = join(dir, 'readme-cluster.mjs');
    writeFileSync(
        clusterScript,
        [
            "import { startLocalnet } from '@raffle/localnet';",
            'const net = await startLocalnet({ rpcPort: 0 });',
            'console.log(`cluster ${JSON.stringify({ rpcUrl: net.rpcUrl, wsUrl: net.wsUrl })}`);',
            "process.on('SIGTERM', () => void net.stop().then(() => process.exit(0)));",
        ].join('\n'),
    );
    const output: string[] = [];
    const cluster = spawn(process.execPath, [clusterScript], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let example: ChildProcess | null = null;
    try {
        const line = await waitForLine(cluster, /^cluster /, 60_000, output);
        if (line === null) return { outcome: 'failed', detail: `the local cluster did not start:\n${output.join('')}` };
        const { rpcUrl, wsUrl } = JSON.parse(line.slice('cluster '.length)) as { rpcUrl: string; wsUrl: string };
        example = spawn(process.execPath, [script], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RPC_URL: rpcUrl, WS_URL: wsUrl, DATABASE_URL } });
        const exampleOutput: string[] = [];
        if ((await waitForLine(example, /started/, 60_000, exampleOutput)) === null) return { outcome: 'failed', detail: `it did not print "started":\n${exampleOutput.join('')}` };
        example.kill('SIGTERM');
        const code = await exited(example, 30_000);
        if (code !== 0) return { outcome: 'failed', detail: `SIGTERM: exit ${code ?? 'none within 30 s'}\n${exampleOutput.join('')}` };
        return { outcome: 'ok', detail: 'started, then stopped on SIGTERM with exit 0' };
    } finally {
        if (example !== null && example.exitCode === null) example.kill('SIGKILL');
        cluster.kill('SIGTERM');
        if ((await exited(cluster, 10_000)) === null) cluster.kill('SIGKILL');
    }
}
