/**
 * `pnpm bench`: runs every benchmark (`packages/<package>/bench/*.bench.ts`) one after the other, each
 * in its own process so they do not disturb each other. Every benchmark prints ratios against
 * a baseline measured in the same run; record the figures in docs/benchmarks.md.
 *
 * `pnpm bench permit` runs only the benchmarks whose path contains "permit".
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filter = process.argv[2];
const files: string[] = [];
for (const pkg of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', pkg, 'bench');
    let names: string[] = [];
    try {
        names = readdirSync(dir);
    } catch {
        continue;
    }
    for (const name of names.sort()) if (name.endsWith('.bench.ts')) files.push(join(dir, name));
}
const selected = files.filter(f => !filter || f.includes(filter));
if (selected.length === 0) {
    console.error(`bench: no benchmark matches ${filter ?? '(all)'}`);
    process.exit(1);
}
let failed = 0;
for (const file of selected) {
    console.log(`\n### ${relative(root, file)}\n`);
    const result = spawnSync('pnpm', ['exec', 'tsx', file], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
