/**
 * The example server as a user starts it: a child process with the README's settings, in an
 * empty working directory (no ./data yet), on 127.0.0.1 port 0. It must come up and answer
 * /health, and cut a client that sends its body slowly (HTTP_REQUEST_TIMEOUT_MS, short here).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const tsx = join(exampleDir, 'node_modules', '.bin', 'tsx');

/** A Solana CLI keypair file: 64 bytes, secret then public key, as a JSON array. */
function writeKeypairFile(path: string): void {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const secret = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
    const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    writeFileSync(path, JSON.stringify([...secret, ...pub]));
}

let cwd: string;
let child: ChildProcess;
let url: string;
let output = '';

beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'permit-example-start-'));
    writeKeypairFile(join(cwd, 'permit-signer.json'));
    // The README's local-cluster settings, PORT=0 and a short request timeout for the test.
    const env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PERMIT_SIGNER_KEYPAIR: './permit-signer.json',
        PERMIT_ADMIN_API_KEY: randomBytes(32).toString('base64'),
        REQUIRE_PRIZE_COLLECTION: 'false',
        PERMIT_DOMAIN: 'localhost:8787',
        HOST: '127.0.0.1',
        PORT: '0',
        HTTP_REQUEST_TIMEOUT_MS: '1000',
        HTTP_HEADERS_TIMEOUT_MS: '1000',
    };
    child = spawn(tsx, ['--tsconfig', join(exampleDir, 'tsconfig.json'), join(exampleDir, 'src', 'main.ts')], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', chunk => (output += chunk));
    child.stderr!.on('data', chunk => (output += chunk));
    const listening = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "listening" line within 90 s:\n${output}`)), 90_000);
        const check = (): void => {
            const match = /listening on (http:\/\/127\.0\.0\.1:[0-9]+)/.exec(output);
            if (match !== null) {
                clearTimeout(timer);
                resolve(match[1]!);
            }
        };
        child.stdout!.on('data', check);
        child.once('exit', code => {
            clearTimeout(timer);
            reject(new Error(`the server exited (${code}) on start:\n${output}`));
        });
    });
    url = listening;
}, 120_000);

afterAll(async () => {
    if (child !== undefined && child.exitCode === null) {
        const exited = new Promise(resolve => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(cwd, { recursive: true, force: true });
});

describe('the example server started with the README settings', () => {
    it('creates ./data/permit-server on its first start and answers /health', async () => {
        const response = await fetch(`${url}/health`);
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({ status: 'ok', store: 'pglite' });
        expect(existsSync(join(cwd, 'data', 'permit-server'))).toBe(true);
    });

    it('cuts a slow-loris body at the request timeout (408) and keeps serving', async () => {
        const { port } = new URL(url);
        const socket = connect(Number(port), '127.0.0.1');
        let answer = '';
        let closed = false;
        socket.on('data', chunk => (answer += chunk));
        socket.on('close', () => (closed = true));
        socket.on('error', () => undefined);
        socket.write('POST /auth/nonce HTTP/1.1\r\nHost: localhost:8787\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
        // One byte every 100 ms would take 100 s for the body; bounded at 200 bytes (20 s).
        let sent = 1;
        for (; sent < 200 && !closed; sent++) {
            await new Promise(resolve => setTimeout(resolve, 100));
            if (!closed) socket.write(' ');
        }
        socket.destroy();
        expect(closed).toBe(true);
        expect(sent).toBeLessThan(200);
        expect(answer).toMatch(/^HTTP\/1\.1 408/);
        expect((await fetch(`${url}/health`)).status).toBe(200);
        expect(child.exitCode).toBeNull();
    });
});
