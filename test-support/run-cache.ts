/**
 * Bytes built once per test run and shared by every test file and worker of the run, in the
 * run's cache directory (created by `global-setup.ts`, removed when the run ends). Vitest runs
 * each test file in a fresh module graph, so an expensive fixture (e.g. the raffle world a
 * LiteSVM starts from) built in module state would be built again by every file; through this
 * cache it is built once per run (at most once per worker when two build it at the same time),
 * the way viem starts one node per worker rather than per file.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { inject } from 'vitest';

declare module 'vitest' {
    interface ProvidedContext {
        /** The run's cache directory (see `global-setup.ts`). */
        raffleTestRunDir: string;
    }
}

/**
 * Returns the bytes cached under `name` for this test run, building and storing them first if
 * no file of the run did yet. Without the run's directory (a config without the global setup),
 * it builds every time.
 *
 * @param name - a file name unique to what `build` makes (letters, digits, `-`, `_`, `.`)
 * @param build - makes the bytes; must give the same result wherever it runs in this run
 * @returns the bytes
 * @example
 * ```ts
 * const bytes = await cachedForRun('program-world.bin', async () => (await createRaffleSvm()).svm.toBytes());
 * ```
 */
export async function cachedForRun(name: string, build: () => Promise<Uint8Array>): Promise<Uint8Array> {
    if (!/^[\w.-]{1,200}$/.test(name)) throw new RangeError(`cachedForRun: invalid name ${JSON.stringify(name)}`);
    const dir = inject('raffleTestRunDir');
    if (!dir) return build();
    const path = join(dir, name);
    if (existsSync(path)) return new Uint8Array(readFileSync(path));
    const bytes = await build();
    // Written aside, then renamed: a concurrent reader sees the whole file or none.
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, bytes);
    renameSync(partial, path);
    return bytes;
}
