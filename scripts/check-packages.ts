/**
 * Packs every published package and checks its exports: publint (package.json correctness)
 * and `attw --pack` (types resolve for ESM and CJS consumers under node10, node16 and
 * bundler resolution). Run after `pnpm build`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packagesDir = join(root, 'packages');
let failures = 0;

for (const dir of readdirSync(packagesDir).sort()) {
    const pkgDir = join(packagesDir, dir);
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { name: string; private?: boolean };
    if (pkg.private) continue;
    for (const [tool, args] of [
        ['publint', ['exec', 'publint', '--strict']],
        ['attw', ['exec', 'attw', '--pack', '.', '--format', 'table-flipped']],
    ] as const) {
        const result = spawnSync('pnpm', [...args], { cwd: pkgDir, encoding: 'utf8' });
        const ok = result.status === 0;
        console.log(`${ok ? 'ok  ' : 'FAIL'} ${tool.padEnd(8)} ${pkg.name}`);
        if (!ok) {
            failures++;
            console.log(result.stdout, result.stderr);
        }
    }
}
if (failures > 0) {
    console.error(`${failures} package check(s) failed`);
    process.exit(1);
}
