import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { rpcOk } from './helpers';

const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));

describe('raffle-localnet CLI', () => {
    it('starts, prints URLs and fixture keys as JSON, serves RPC and stops cleanly on SIGINT', async () => {
        const child = spawn(process.execPath, ['--import', 'tsx', cli, '--rpc-port', '0', '--json', '--slot-ms', '0', '--wallets', '1', '--prize-nfts', '1', '--hash-chain-length', '16'], {
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        try {
            const line = await new Promise<string>((resolve, reject) => {
                let out = '';
                let err = '';
                const timer = setTimeout(() => reject(new Error(`no output: ${err}`)), 30_000);
                child.stdout.on('data', (d: Buffer) => {
                    out += d.toString();
                    const nl = out.indexOf('\n');
                    if (nl >= 0) {
                        clearTimeout(timer);
                        resolve(out.slice(0, nl));
                    }
                });
                child.stderr.on('data', (d: Buffer) => (err += d.toString()));
                child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
            });
            const info = JSON.parse(line);
            expect(info.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
            expect(info.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
            expect(info.fixtures.programAddress).toBe('HMxaKAkT6CdHhm7Gyf83LrxhLTdQNfXdmdGuhHpArH9');
            expect(info.fixtures.wallets).toHaveLength(1);
            // The draw authority's hash chain: what a worker needs to answer draws by itself.
            const chain = info.fixtures.drawHashChain;
            expect(chain.seed).toMatch(/^[0-9a-f]{64}$/);
            expect(chain.length).toBe(16);
            let link = Buffer.from(chain.seed, 'hex');
            for (let i = 0; i < chain.length; i++) link = createHash('sha256').update(link).digest();
            expect(link.toString('hex')).toBe(chain.commitment);
            expect(createHash('sha256').update(Buffer.from(chain.reveals[0], 'hex')).digest('hex')).toBe(chain.commitment);
            expect(await rpcOk(info.rpcUrl, 'getHealth')).toBe('ok');
            const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
            child.kill('SIGINT');
            expect(await exited).toBe(0);
        } finally {
            if (child.exitCode === null) child.kill('SIGKILL');
        }
    });

    it('prints help', async () => {
        const child = spawn(process.execPath, ['--import', 'tsx', cli, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
        expect(code).toBe(0);
        expect(out).toMatch(/--rpc-port/);
    });
});
