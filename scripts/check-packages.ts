/**
 * Packs every published package and checks its exports and its npm page: publint
 * (package.json correctness), `attw --pack` (types resolve for ESM and CJS consumers under
 * node10, node16 and bundler resolution), the tarball's README and LICENSE (the root one,
 * byte for byte) and the metadata npm shows (repository with its directory, homepage, bugs,
 * keywords). Also checks that the workspace's dependency graph (dev dependencies included)
 * has no cycle, so `pnpm -r build` builds every package after the ones it uses. Run after
 * `pnpm build`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const REPOSITORY = 'git+https://github.com/raffle-sdk/raffle-sdk.git';
const WEBSITE = 'https://github.com/raffle-sdk/raffle-sdk';
let failures = 0;

interface Manifest {
    name: string;
    private?: boolean;
    repository?: { type?: string; url?: string; directory?: string };
    homepage?: string;
    bugs?: { url?: string };
    keywords?: string[];
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
}

function report(ok: boolean, what: string, name: string, detail = ''): void {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what.padEnd(8)} ${name}`);
    if (!ok) {
        failures++;
        if (detail) console.log(detail);
    }
}

function workspaceManifests(): { dir: string; manifest: Manifest }[] {
    return ['packages', 'examples'].flatMap(group =>
        existsSync(join(root, group))
            ? readdirSync(join(root, group))
                  .sort()
                  .map(entry => join(root, group, entry))
                  .filter(dir => existsSync(join(dir, 'package.json')))
                  .map(dir => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest }))
            : [],
    );
}

/** The npm page: README, LICENSE and the metadata fields. */
function checkNpmPage(dir: string, manifest: Manifest): void {
    const packed = spawnSync('pnpm', ['pack', '--json', '--dry-run'], { cwd: dir, encoding: 'utf8' });
    const files = new Set((JSON.parse(packed.stdout) as { files: { path: string }[] }).files.map(f => f.path));
    const problems: string[] = [];
    if (!files.has('README.md')) problems.push('no README.md in the tarball');
    if (!files.has('LICENSE')) problems.push('no LICENSE in the tarball');
    else if (readFileSync(join(dir, 'LICENSE'), 'utf8') !== readFileSync(join(root, 'LICENSE'), 'utf8')) problems.push('LICENSE differs from the root LICENSE');
    const directory = relative(root, dir);
    const { repository, homepage, bugs, keywords } = manifest;
    if (repository?.type !== 'git' || repository.url !== REPOSITORY || repository.directory !== directory) {
        problems.push(`repository must be { type: 'git', url: '${REPOSITORY}', directory: '${directory}' }`);
    }
    if (homepage !== `${WEBSITE}/tree/main/${directory}#readme`) problems.push(`homepage must be ${WEBSITE}/tree/main/${directory}#readme`);
    if (bugs?.url !== `${WEBSITE}/issues`) problems.push(`bugs.url must be ${WEBSITE}/issues`);
    if (!Array.isArray(keywords) || keywords.length === 0) problems.push('no keywords');
    report(problems.length === 0, 'npm page', manifest.name, problems.map(p => `     ${p}`).join('\n'));
}

/** A cycle among workspace packages (any dependency kind) makes `pnpm -r` order them arbitrarily. */
function checkBuildOrder(): void {
    const manifests = workspaceManifests().map(m => m.manifest);
    const names = new Set(manifests.map(m => m.name));
    const edges = new Map(
        manifests.map(m => [
            m.name,
            Object.keys({ ...m.dependencies, ...m.devDependencies, ...m.peerDependencies, ...m.optionalDependencies }).filter(d => names.has(d)),
        ]),
    );
    const order: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    let cycle: string[] | undefined;
    const visit = (name: string, path: string[]): void => {
        if (cycle || state.get(name) === 'done') return;
        if (state.get(name) === 'visiting') {
            cycle = [...path.slice(path.indexOf(name)), name];
            return;
        }
        state.set(name, 'visiting');
        for (const dependency of edges.get(name) ?? []) visit(dependency, [...path, name]);
        state.set(name, 'done');
        order.push(name);
    };
    for (const name of [...names].sort()) visit(name, []);
    report(cycle === undefined, 'graph', 'workspace', cycle ? `     dependency cycle: ${cycle.join(' -> ')}` : '');
    if (!cycle) console.log(`     build order: ${order.filter(n => n.startsWith('@raffle/') && !n.startsWith('@raffle/example')).join(', ')}`);
}

checkBuildOrder();
for (const { dir, manifest } of workspaceManifests()) {
    if (manifest.private) continue;
    for (const [tool, args] of [
        ['publint', ['exec', 'publint', '--strict']],
        ['attw', ['exec', 'attw', '--pack', '.', '--format', 'table-flipped']],
    ] as const) {
        const result = spawnSync('pnpm', [...args], { cwd: dir, encoding: 'utf8' });
        report(result.status === 0, tool, manifest.name, `${result.stdout}${result.stderr}`);
    }
    checkNpmPage(dir, manifest);
}
if (failures > 0) {
    console.error(`${failures} package check(s) failed`);
    process.exit(1);
}
