/**
 * The packages as a user compiles and runs them: packs every published package, installs the
 * tarballs with npm into a fresh app (nothing else but their declared dependencies, their
 * optional peers (`@solana/web3.js` for `@raffle/client/compat`, the database drivers and their
 * typings for the `@raffle/worker-kit` store subpaths, but not better-sqlite3: see
 * `TYPE_FREE_PEERS`), `@types/node` and what the READMEs' install lines name), then
 *   1. type-checks a consumer of every entry point with `strict` and `skipLibCheck: false`
 *      under `node16`, `bundler` and `node10` resolution, each as ESM and as CommonJS, plus a
 *      browser consumer of the browser packages without `@types/node`;
 *   2. runs every TypeScript example of the packages' READMEs as written (compiled by tsc,
 *      run by node; examples marked `<!-- check: types -->` are only type-checked, those marked
 *      `<!-- check: service -->` run with a local cluster and PostgreSQL until SIGTERM).
 * Run after `pnpm build`; needs the npm registry for the packages' own dependencies.
 *
 *     pnpm check:consumer
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { installApp, packAll, type PackedPackage, publishedPackages, remove, root } from './packed-app';
import { consumerSource, browserConsumerSource } from './consumer-source';
import { readmeExamples, type ReadmeExample } from './readme-examples';
import { runServiceExample } from './readme-service';

const tsc = join(root, 'node_modules/typescript/bin/tsc');

interface Mode {
    name: string;
    compilerOptions: Record<string, unknown>;
    /** The consumer file: its extension makes it ESM or CommonJS under node16. */
    file: string;
    source: string;
}

// `lib` left to its default (the ES library of `target` plus DOM), as `tsc --init` and most apps have it: kit's types use WebCrypto's `CryptoKey`.
const strict = { strict: true, skipLibCheck: false, noEmit: true, target: 'ES2022', types: ['node'], esModuleInterop: true };

function modes(): Mode[] {
    const all = consumerSource();
    // CommonJS in a bundler: `import x = require()` is what makes TypeScript use the `require` condition there.
    const requireSyntax = all.replace(/^import \* as (\w+) from ('[^']+');$/gm, 'import $1 = require($2);');
    return [
        { name: 'node16, ESM', compilerOptions: { module: 'node16', moduleResolution: 'node16' }, file: 'node16-esm.mts', source: all },
        { name: 'node16, CommonJS', compilerOptions: { module: 'node16', moduleResolution: 'node16' }, file: 'node16-cjs.cts', source: all },
        { name: 'bundler, ESM', compilerOptions: { module: 'esnext', moduleResolution: 'bundler' }, file: 'bundler-esm.ts', source: all },
        { name: 'bundler, CommonJS', compilerOptions: { module: 'preserve', moduleResolution: 'bundler' }, file: 'bundler-cjs.cts', source: requireSyntax },
        { name: 'node10, CommonJS', compilerOptions: { module: 'commonjs', moduleResolution: 'node10' }, file: 'node10-cjs.ts', source: all },
        { name: 'node10, ESM', compilerOptions: { module: 'es2022', moduleResolution: 'node10' }, file: 'node10-esm.ts', source: all },
        {
            name: 'browser (bundler, DOM, no @types/node)',
            compilerOptions: { module: 'esnext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: [] },
            file: 'browser.ts',
            source: browserConsumerSource(),
        },
    ];
}

function typecheck(app: string, mode: Mode, extraFiles: string[] = []): { ok: boolean; output: string; seconds: number } {
    const dir = join(app, 'consumer');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, mode.file), mode.source);
    const config = `tsconfig.${mode.file.replace(/\.\w+$/, '')}.json`;
    writeFileSync(
        join(dir, config),
        JSON.stringify({ compilerOptions: { ...strict, ...mode.compilerOptions }, files: [mode.file, ...extraFiles] }, null, 2),
    );
    const t0 = Date.now();
    const result = spawnSync(process.execPath, [tsc, '-p', config], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`, seconds: (Date.now() - t0) / 1000 };
}

async function runExamples(app: string, examples: ReadmeExample[]): Promise<number> {
    const dir = join(app, 'readme');
    mkdirSync(dir, { recursive: true });
    for (const example of examples) writeFileSync(join(dir, example.file), example.source);
    writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify(
            { compilerOptions: { ...strict, noEmit: false, outDir: 'out', module: 'node16', moduleResolution: 'node16' }, files: examples.map(e => e.file) },
            null,
            2,
        ),
    );
    const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    if (compiled.status !== 0) {
        console.log(`FAIL README examples do not compile (node16, strict, skipLibCheck false):\n${compiled.stdout}${compiled.stderr}`);
        return examples.length;
    }
    let failures = 0;
    for (const example of examples) {
        if (!example.run) {
            console.log(`ok   ${example.label}: type-checked (marked \`check: types\`)`);
            continue;
        }
        if (example.service) {
            const t1 = Date.now();
            const { outcome, detail } = await runServiceExample(dir, join('out', example.file.replace(/\.mts$/, '.mjs')));
            const seconds = ((Date.now() - t1) / 1000).toFixed(1);
            if (outcome === 'failed') failures++;
            console.log(`${outcome === 'failed' ? 'FAIL' : outcome === 'skipped' ? 'skip' : 'ok  '} ${example.label}: ${detail} (${seconds}s)`);
            continue;
        }
        const t0 = Date.now();
        const result = spawnSync(process.execPath, [join('out', example.file.replace(/\.mts$/, '.mjs'))], {
            cwd: dir,
            encoding: 'utf8',
            timeout: 120_000,
        });
        const seconds = ((Date.now() - t0) / 1000).toFixed(1);
        if (result.status === 0) {
            const last = result.stdout.trim().split('\n').pop() ?? '';
            console.log(`ok   ${example.label}: ran in ${seconds}s (${last.slice(0, 100)})`);
        } else {
            failures++;
            console.log(`FAIL ${example.label}: exit ${result.status ?? result.signal} after ${seconds}s\n${result.stdout}${result.stderr}`);
        }
    }
    return failures;
}

/**
 * Optional peers whose packages' declarations do not name them, so the type checks pass without
 * them, and that no README example runs unless its install line names them: vitest (the testing
 * entry); better-sqlite3 (`@raffle/worker-kit/sqlite`), a native addon that npm compiles from
 * source where no prebuilt binary is reachable (about a minute), already built and tested from
 * source by the repository's own install and tests.
 */
const TYPE_FREE_PEERS = new Set(['vitest', 'better-sqlite3']);

/** Registry dependencies the app installs besides the tarballs: the READMEs' install lines, typings, the optional peers. */
function extraDependencies(packed: Map<string, PackedPackage>, examples: ReadmeExample[]): Record<string, string> {
    const declared = new Map<string, string>();
    for (const pkg of packed.values()) {
        for (const [name, range] of Object.entries({ ...pkg.peerDependencies, ...pkg.dependencies })) declared.set(name, range);
    }
    const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const extra: Record<string, string> = { '@types/node': rootManifest.devDependencies['@types/node']! };
    // The consumer imports every entry point, so it needs every optional peer an entry uses (the
    // compat peer, the drivers of the store subpaths and their typings), except those only a
    // program that runs the entry needs (TYPE_FREE_PEERS).
    const peers = [...packed.values()].flatMap(pkg => Object.keys(pkg.peerDependencies)).filter(name => !TYPE_FREE_PEERS.has(name));
    for (const name of ['@solana/kit', ...peers, ...examples.flatMap(e => e.installs)]) {
        if (name.startsWith('@raffle/')) continue;
        // The range our packages declare, when they name the package; else what npm resolves today.
        extra[name] = declared.get(name) ?? 'latest';
    }
    return extra;
}

const workDir = `${root}.pack/consumer`;
remove(workDir);
const examples = readmeExamples(publishedPackages());
const packed = packAll(workDir);
const t0 = Date.now();
const app = installApp(packed, { packages: [...packed.keys()], extra: extraDependencies(packed, examples) });
console.log(`installed ${packed.size} tarballs and their dependencies with npm in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
let failures = 0;
try {
    for (const mode of modes()) {
        const { ok, output, seconds } = typecheck(app, mode);
        console.log(`${ok ? 'ok  ' : 'FAIL'} types, ${mode.name}: ${seconds.toFixed(0)}s`);
        if (!ok) {
            failures++;
            console.log(output);
        }
    }
    failures += await runExamples(app, examples);
} finally {
    if (process.env.RAFFLE_KEEP_APP) console.log(`kept the app in ${app}`);
    else remove(app);
    remove(workDir);
}
if (failures > 0) {
    console.error(`\n${failures} consumer check(s) failed`);
    process.exit(1);
}
console.log('\nthe packed packages compile in every mode and their README examples run');
