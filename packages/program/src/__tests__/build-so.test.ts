/**
 * The committed bin/rwa_raffle.so is what the C sources build to, and the build is
 * deterministic (two builds in different folders give the same bytes). Needs clang-19; skipped
 * without it locally, failing in CI.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { buildProgram, listSources, PROGRAM_SO } from '../../tools/build-so';

const hasClang = spawnSync('clang-19', ['--version']).status === 0;
const suite = hasClang || process.env.CI === 'true' ? describe : describe.skip;

suite('build:so', () => {
    it('rebuilds the committed binary byte for byte, twice', () => {
        const dirs = [mkdtempSync(join(tmpdir(), 'so-a-')), mkdtempSync(join(tmpdir(), 'so-b-'))];
        try {
            const [a, b] = dirs.map(d => buildProgram(d));
            expect(Buffer.compare(Buffer.from(a!), Buffer.from(b!))).toBe(0);
            expect(Buffer.compare(Buffer.from(a!), readFileSync(PROGRAM_SO)), 'bin/rwa_raffle.so is stale: run pnpm --filter @raffle/program build:so').toBe(0);
        } finally {
            for (const d of dirs) rmSync(d, { recursive: true, force: true });
        }
    });

    it('compiles every C file in sorted order', () => {
        const sources = listSources();
        expect(sources).toEqual([...sources].sort());
        expect(sources).toContain('c/entrypoint.c');
        expect(sources.filter(s => s.startsWith('c/ix_'))).toHaveLength(12); // one file per instruction
    });
});
