/**
 * `pnpm --filter @raffle/program build:so`: compiles `c/**\/*.c` with Debian's clang-19 and links
 * the objects with our SBF linker into `bin/rwa_raffle.so`.
 * `build:so:check`: builds into a temporary folder and exits 1 unless the result is
 * byte-identical to the committed `bin/rwa_raffle.so`.
 *
 * The build is deterministic: sources are compiled in sorted order from the package folder with
 * relative paths, without debug info, and the linker keeps no symbol table, file name or
 * timestamp; the same sources give the same bytes on any machine with clang 19.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { linkSbf } from './linker/link';

/** The package folder (`packages/program`). */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The committed program binary. */
export const PROGRAM_SO = join(PACKAGE_ROOT, 'bin', 'rwa_raffle.so');

const CLANG = 'clang-19';
/** Flags every source is compiled with (the include folders are relative to the package). */
export const CLANG_FLAGS: readonly string[] = [
    '-target',
    'bpf',
    '-mcpu=v2',
    '-O2',
    '-ffreestanding',
    '-fno-builtin',
    '-fno-stack-protector',
    '-mllvm',
    '-bpf-stack-size=4096',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-I',
    'c',
    '-I',
    'c/generated',
    '-c',
];

/** Installs clang-19 through `scripts/install-clang.sh` when it is not on PATH. */
export function ensureClang(): void {
    if (spawnSync(CLANG, ['--version'], { stdio: 'ignore' }).status === 0) return;
    execFileSync('bash', [join(PACKAGE_ROOT, 'scripts', 'install-clang.sh')], { stdio: 'inherit' });
}

/** Every C source under `c/`, as sorted package-relative POSIX paths. */
export function listSources(): string[] {
    const dir = join(PACKAGE_ROOT, 'c');
    return readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter(e => e.isFile() && e.name.endsWith('.c'))
        .map(e => relative(PACKAGE_ROOT, join(e.parentPath, e.name)).split(sep).join('/'))
        .sort();
}

/** Compiles and links the program; returns the `.so` bytes. Objects go to `workDir`. */
export function buildProgram(workDir: string): Uint8Array {
    ensureClang();
    const objects = listSources().map(source => {
        const name = source.replace(/^c\//, '').replace(/\//g, '__').replace(/\.c$/, '.o');
        const output = join(workDir, name);
        execFileSync(CLANG, [...CLANG_FLAGS, source, '-o', output], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
        return { name, bytes: new Uint8Array(readFileSync(output)) };
    });
    return linkSbf(objects, { entry: 'entrypoint' });
}

function main(argv: string[]): number {
    const check = argv.includes('--check');
    const workDir = mkdtempSync(join(tmpdir(), 'rwa-raffle-so-'));
    try {
        const program = buildProgram(workDir);
        if (check) {
            const committed = existsSync(PROGRAM_SO) ? new Uint8Array(readFileSync(PROGRAM_SO)) : undefined;
            if (!committed || Buffer.compare(Buffer.from(committed), Buffer.from(program)) !== 0) {
                console.error(
                    `bin/rwa_raffle.so is stale: the sources build to ${program.length} bytes that differ from the committed file` +
                        `${committed ? ` (${committed.length} bytes)` : ' (missing)'}. Run \`pnpm --filter @raffle/program build:so\`.`,
                );
                return 1;
            }
            console.log(`bin/rwa_raffle.so is up to date (${program.length} bytes)`);
            return 0;
        }
        writeFileSync(PROGRAM_SO, program);
        console.log(`bin/rwa_raffle.so: ${program.length} bytes`);
        return 0;
    } finally {
        rmSync(workDir, { recursive: true, force: true });
    }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
    process.exitCode = main(process.argv.slice(2));
}
