/**
 * Browser bundle size of `@raffle/client` as a frontend gets it: packs the packages, installs
 * the tarballs with npm into a fresh app (with `@solana/kit`, as the client's guide does),
 * bundles entries for the browser with esbuild (minified, ESM) and fails when a bundle is above
 * its gzip budget. Then the footprint of `@raffle/worker-kit` on Node: installed alone, it
 * brings no database driver (they are optional peers of its store subpaths), stays within its
 * install budget, and its core imports without any driver while a store subpath names the
 * driver it misses. Run after `pnpm build`; needs the npm registry for the packages' own
 * dependencies. Figures go to docs/benchmarks.md ("Browser bundle").
 *
 *     pnpm check:size
 */
import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { gzipSync } from 'node:zlib';

import { build } from 'esbuild';

import { folderBytes, installApp, installedPackages, packAll, remove, root } from './packed-app';

interface Budget {
    name: string;
    /** What the entry does. */
    what: string;
    source: string;
    /** Maximum gzip size in kB (1,000 bytes). */
    maxGzipKb: number;
}

const budgets: Budget[] = [
    {
        name: 'create + join',
        what: 'an RPC, createRaffleWithPermitTx and joinWithTokenTx',
        source: `
import { createRaffleWithPermitTx, joinWithTokenTx } from '@raffle/client';
import { createSolanaRpc } from '@solana/kit';
export function raffleActions(url) {
    const rpc = createSolanaRpc(url);
    return {
        create: (organizer, permit) => createRaffleWithPermitTx({ organizer, permit, computeUnitPrice: 10_000n }),
        join: (buyer, raffle, ticketCount) => joinWithTokenTx({ rpc, buyer, raffle, ticketCount }),
    };
}`,
        maxGzipKb: 35,
    },
    { name: 'all of @raffle/client', what: "`export * from '@raffle/client'`", source: `export * from '@raffle/client';`, maxGzipKb: 57 },
];

/** The driver each store subpath of `@raffle/worker-kit` imports. */
const STORE_SUBPATH_DRIVERS: Record<string, string> = { postgres: 'pg', redis: 'ioredis', pglite: '@electric-sql/pglite', sqlite: 'better-sqlite3' };
/** The database drivers: optional peers of `@raffle/worker-kit`'s store subpaths, never installed with it. */
const WORKER_DRIVERS = Object.values(STORE_SUBPATH_DRIVERS);
/** Most of what `npm install @raffle/worker-kit` may put in node_modules, in MB (10^6 bytes). */
const WORKER_INSTALL_BUDGET_MB = 65;

/** Runs an ESM snippet with node in `app`. */
function runNode(app: string, source: string): { ok: boolean; output: string } {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/**
 * `@raffle/worker-kit` installed alone: no driver among its packages, the install within its
 * budget, the core importable, each store subpath failing for want of its driver, naming it.
 *
 * @returns the number of failed checks
 */
function checkWorkerKitFootprint(packed: ReturnType<typeof packAll>): number {
    const app = installApp(packed, { packages: ['@raffle/worker-kit'] });
    let failed = 0;
    try {
        const installed = installedPackages(app);
        const drivers = installed.filter(p => WORKER_DRIVERS.includes(p.name)).map(p => p.name);
        const megabytes = folderBytes(`${app}/node_modules`) / 1e6;
        const withinBudget = megabytes <= WORKER_INSTALL_BUDGET_MB;
        console.log(
            `\n${withinBudget && drivers.length === 0 ? 'ok  ' : 'FAIL'} npm install @raffle/worker-kit: ${installed.length} packages, ${megabytes.toFixed(0)} MB (budget ${WORKER_INSTALL_BUDGET_MB} MB); drivers installed: ${drivers.length === 0 ? 'none' : drivers.join(', ')}`,
        );
        if (!withinBudget || drivers.length > 0) failed++;
        const core = runNode(app, "const kit = await import('@raffle/worker-kit'); const store = kit.createMemoryWorkerStore(); await store.ready(); await store.close(); console.log('imported');");
        console.log(`${core.ok ? 'ok  ' : 'FAIL'} import('@raffle/worker-kit') without any driver installed${core.ok ? '' : `:\n${core.output}`}`);
        if (!core.ok) failed++;
        for (const [subpath, driver] of Object.entries(STORE_SUBPATH_DRIVERS)) {
            const imported = runNode(app, `await import('@raffle/worker-kit/${subpath}');`);
            const namesDriver = !imported.ok && imported.output.includes(`'${driver}'`);
            console.log(`${namesDriver ? 'ok  ' : 'FAIL'} import('@raffle/worker-kit/${subpath}') without ${driver} fails naming it${namesDriver ? '' : `:\n${imported.output}`}`);
            if (!namesDriver) failed++;
        }
    } finally {
        remove(app);
    }
    return failed;
}


interface ChunkSize {
    bytes: number;
    gzip: number;
    /** The packages whose code the chunk holds. */
    packages: string[];
}

/**
 * Bundles an entry as a browser app's bundler does for production: minified ESM with code
 * splitting. `initial` is what the page loads up front (the entry and the chunks it imports
 * statically); `lazy` are the chunks only a dynamic `import()` loads.
 */
async function bundle(app: string, source: string): Promise<{ initial: ChunkSize; lazy: ChunkSize[] }> {
    const result = await build({
        stdin: { contents: source, resolveDir: app, sourcefile: 'entry.js', loader: 'js' },
        absWorkingDir: app,
        bundle: true,
        minify: true,
        format: 'esm',
        splitting: true,
        outdir: 'out',
        platform: 'browser',
        target: 'es2022',
        // What every production browser build sets (kit reads it).
        define: { 'process.env.NODE_ENV': '"production"' },
        write: false,
        metafile: true,
        logLevel: 'error',
    });
    const outputs = result.metafile.outputs;
    const files = new Map(result.outputFiles.map(file => [relative(app, file.path), file.contents]));
    const size = (paths: string[]): ChunkSize => {
        const packages = new Set<string>();
        let bytes = 0;
        let gzip = 0;
        for (const path of paths) {
            const contents = files.get(path)!;
            bytes += contents.length;
            gzip += gzipSync(contents, { level: 9 }).length;
            for (const input of Object.keys(outputs[path]!.inputs)) {
                const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
                if (name) packages.add(name);
            }
        }
        return { bytes, gzip, packages: [...packages].sort() };
    };
    const entry = Object.keys(outputs).find(path => outputs[path]!.entryPoint !== undefined && path.endsWith('.js'))!;
    const initial = new Set<string>([entry]);
    for (const path of initial) {
        for (const imported of outputs[path]!.imports) if (imported.kind === 'import-statement' && !imported.external) initial.add(imported.path);
    }
    // What the initial chunks may load later with `import()` (esbuild also writes chunks for
    // dynamic imports in code it dropped: those are never loaded and not counted).
    const lazy = new Set<string>();
    const queue = [...initial];
    for (const path of queue) {
        for (const imported of outputs[path]!.imports) {
            if (imported.external || initial.has(imported.path) || lazy.has(imported.path)) continue;
            lazy.add(imported.path);
            queue.push(imported.path);
        }
    }
    return { initial: size([...initial]), lazy: [...lazy].map(path => size([path])) };
}

const kb = (bytes: number): string => (bytes / 1000).toFixed(1);

const workDir = `${root}.pack/size`;
remove(workDir);
const packed = packAll(workDir);
const kitRange = packed.get('@raffle/client')?.dependencies['@solana/kit'];
if (!kitRange) throw new Error('@raffle/client does not depend on @solana/kit');
const app = installApp(packed, { packages: ['@raffle/client'], extra: { '@solana/kit': kitRange } });
let failures = 0;
try {
    const installed = installedPackages(app);
    const errorsCopies = installed.filter(p => p.name === '@solana/errors').map(p => p.version);
    const kitVersions = [...new Set(installed.filter(p => p.name.startsWith('@solana/')).map(p => p.version))].sort();
    const megabytes = (folderBytes(`${app}/node_modules`) / 1e6).toFixed(0);
    console.log(
        `npm install @raffle/client @solana/kit: ${installed.length} packages, ${megabytes} MB; @solana/* versions ${kitVersions.join(', ')}; @solana/errors copies: ${errorsCopies.length}`,
    );
    if (errorsCopies.length > 1) {
        console.error(`FAIL several copies of @solana/errors (${errorsCopies.join(', ')}): some dependency pins another kit`);
        failures++;
    }
    console.log('\n| bundle | minified | gzip | budget (gzip) | loaded on demand (gzip) |\n|---|---|---|---|---|');
    for (const budget of budgets) {
        const { initial, lazy } = await bundle(app, budget.source);
        const ok = initial.gzip <= budget.maxGzipKb * 1000;
        if (!ok) failures++;
        const onDemand = lazy.length === 0 ? 'none' : lazy.map(chunk => `${kb(chunk.gzip)} kB (${chunk.packages.join(', ')})`).join('; ');
        console.log(`| ${budget.name} (${budget.what}) | ${kb(initial.bytes)} kB | ${kb(initial.gzip)} kB | ${budget.maxGzipKb} kB${ok ? '' : ' **over**'} | ${onDemand} |`);
    }
} finally {
    remove(app);
}
try {
    failures += checkWorkerKitFootprint(packed);
} finally {
    remove(workDir);
}
if (failures > 0) {
    console.error(`\n${failures} size check(s) failed`);
    process.exit(1);
}
console.log('\nbundle sizes and the worker-kit footprint within budget');
