/**
 * Importing the core loads no database driver: each entry point is bundled with esbuild (every
 * package left external, nothing written) and the packages its module graph imports are read
 * from the metafile. Only a store subpath imports a driver, and only its own.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const DRIVERS = ['pg', 'ioredis', '@electric-sql/pglite', 'better-sqlite3'] as const;

/** The drivers a store subpath imports; every other entry point imports none. */
const STORE_DRIVERS: Record<string, readonly string[]> = {
    postgres: ['pg'],
    pglite: ['@electric-sql/pglite'],
    redis: ['ioredis'],
    sqlite: ['better-sqlite3'],
};

/** Every entry point of package.json's `exports`: `.` is `src/index.ts`, `./<name>` is `src/entries/<name>.ts`. */
const ENTRIES = Object.keys((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown> }).exports)
    .filter(subpath => subpath !== './package.json')
    .map(subpath => {
        const name = subpath.slice(2);
        return {
            importPath: name === '' ? '@raffle/worker-kit' : `@raffle/worker-kit/${name}`,
            file: name === '' ? 'index.ts' : `entries/${name}.ts`,
            drivers: STORE_DRIVERS[name] ?? [],
        };
    });

/** The packages (bare specifiers, by package name) the module graph of `file` imports. */
async function importedPackages(file: string): Promise<Set<string>> {
    const result = await build({
        entryPoints: [fileURLToPath(new URL(`../${file}`, import.meta.url))],
        bundle: true,
        packages: 'external',
        platform: 'node',
        format: 'esm',
        outdir: 'unused',
        write: false,
        metafile: true,
        logLevel: 'silent',
    });
    const packages = new Set<string>();
    for (const input of Object.values(result.metafile.inputs)) {
        for (const imported of input.imports) {
            if (!imported.external || imported.path.startsWith('node:')) continue;
            const parts = imported.path.split('/');
            packages.add(imported.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
        }
    }
    return packages;
}

describe('entry points and database drivers', () => {
    it('covers every entry point, the store subpaths included', () => {
        expect(ENTRIES.map(e => e.importPath)).toEqual(expect.arrayContaining(['@raffle/worker-kit', '@raffle/worker-kit/postgres', '@raffle/worker-kit/pglite', '@raffle/worker-kit/redis', '@raffle/worker-kit/sqlite']));
    });

    it.each(ENTRIES.map(e => [e.importPath, e] as const))('%s imports only its own driver', async (_name, entry) => {
        const packages = await importedPackages(entry.file);
        expect(DRIVERS.filter(driver => packages.has(driver))).toEqual(entry.drivers);
    });
});
