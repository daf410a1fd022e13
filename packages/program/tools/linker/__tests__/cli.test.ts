import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { R_BPF_64_32 } from '../apply-relocations';
import { linkSbf } from '../link';
import { buildObject, bytes, call, CODE, exit, mov64, WRITABLE } from './object-builder';

const PROGRAM = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = join(PROGRAM, '../../node_modules/.bin/tsx');
const CLI = join(PROGRAM, 'tools/linker/cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'sbf-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runCli(...args: string[]) {
    // --tsconfig: resolve @raffle/errors to its sources, no build needed
    return spawnSync(TSX, ['--tsconfig', join(PROGRAM, 'tsconfig.json'), CLI, ...args], { encoding: 'utf8' });
}

describe('linker CLI', () => {
    const main = buildObject({
        sections: [{ name: '.text', flags: CODE, data: bytes(call(), exit()) }],
        symbols: [{ name: 'entrypoint', section: '.text', size: 16 }, { name: 'helper' }],
        relocations: [{ section: '.text', offset: 0, type: R_BPF_64_32, symbol: 'helper' }],
    });
    const helper = buildObject({ sections: [{ name: '.text', flags: CODE, data: bytes(mov64(0, 0), exit()) }], symbols: [{ name: 'helper', section: '.text', size: 16 }] });
    writeFileSync(join(dir, 'main.o'), main);
    writeFileSync(join(dir, 'helper.o'), helper);

    it('links the objects given on the command line into -o', () => {
        const out = join(dir, 'prog.so');
        const result = runCli('-o', out, join(dir, 'main.o'), join(dir, 'helper.o'));
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
        const expected = linkSbf([
            { name: 'main.o', bytes: main },
            { name: 'helper.o', bytes: helper },
        ]);
        expect(new Uint8Array(readFileSync(out))).toEqual(expected);
        expect(result.stdout).toContain(`${expected.length} bytes`);
    });

    it('exits 1 with the error message when linking fails', () => {
        writeFileSync(join(dir, 'state.o'), buildObject({ sections: [{ name: '.bss', flags: WRITABLE, data: 8 }], symbols: [{ name: 'counter', section: '.bss', size: 8 }] }));
        const result = runCli('-o', join(dir, 'bad.so'), join(dir, 'main.o'), join(dir, 'helper.o'), join(dir, 'state.o'));
        expect(result.status).toBe(1);
        expect(result.stderr).toContain('state.o has writable data in .bss (counter)');
    });

    it('exits 2 with the usage when -o or inputs are missing', () => {
        const result = runCli(join(dir, 'main.o'));
        expect(result.status).toBe(2);
        expect(result.stderr).toContain('usage:');
    });
});
