/**
 * Shared by the checks that look at the packages as users get them from the npm registry
 * (check-size.ts, check-consumer-types.ts): pack every published package with `pnpm pack`
 * (workspace ranges become versions, `files` applies) and install the tarballs with npm into a
 * fresh app outside the workspace, so nothing resolves through workspace links or hoisting.
 * Run after `pnpm build`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository root. */
export const root = new URL('..', import.meta.url).pathname;

/** A published package and its packed tarball. */
export interface PackedPackage {
    name: string;
    version: string;
    dir: string;
    tarball: string;
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
}

interface Manifest {
    name: string;
    version: string;
    private?: boolean;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
}

/** Runs a command; throws with its output when it fails. */
export function run(command: string, args: string[], cwd: string, timeoutMs = 600_000): string {
    const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) {
        throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
    }
    return result.stdout;
}

/** The published packages (not `private`) under packages/, in name order. */
export function publishedPackages(): { name: string; dir: string; manifest: Manifest }[] {
    const packagesDir = join(root, 'packages');
    return readdirSync(packagesDir)
        .sort()
        .map(entry => join(packagesDir, entry))
        .filter(dir => existsSync(join(dir, 'package.json')))
        .map(dir => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest }))
        .filter(({ manifest }) => !manifest.private)
        .map(({ dir, manifest }) => ({ name: manifest.name, dir, manifest }));
}

/** Packs every published package into `destination` (created if needed). */
export function packAll(destination: string): Map<string, PackedPackage> {
    mkdirSync(destination, { recursive: true });
    const packed = new Map<string, PackedPackage>();
    for (const { name, dir } of publishedPackages()) {
        if (!existsSync(join(dir, 'dist'))) throw new Error(`${name} has no dist/: run \`pnpm build\` first`);
        const out = JSON.parse(run('pnpm', ['pack', '--json', '--pack-destination', destination], dir)) as { filename: string };
        const tarball = out.filename;
        // What npm will read: the manifest as packed (workspace:* already replaced by versions).
        const manifest = JSON.parse(run('tar', ['-xOzf', tarball, 'package/package.json'], destination)) as Manifest;
        packed.set(name, {
            name,
            version: manifest.version,
            dir,
            tarball,
            dependencies: manifest.dependencies ?? {},
            peerDependencies: manifest.peerDependencies ?? {},
        });
    }
    return packed;
}

/** Options of {@link installApp}. */
export interface InstallAppOptions {
    /** The packed packages the app depends on (their own @raffle dependencies come along). */
    packages: string[];
    /** Further registry dependencies of the app (`name -> range`), e.g. `@solana/kit` or `@types/node`. */
    extra?: Record<string, string>;
    /** package.json `type` of the app. */
    type?: 'module' | 'commonjs';
}

/**
 * Creates a fresh app in a temporary folder and installs the tarballs with npm, as a user
 * would after `npm install @raffle/...`. Every `@raffle/*` package resolves to its tarball
 * (an override), never to the registry; the function checks that after the install.
 *
 * @returns the app's folder (remove it with `rmSync` when done)
 */
export function installApp(packed: Map<string, PackedPackage>, options: InstallAppOptions): string {
    const app = mkdtempSync(join(tmpdir(), 'raffle-app-'));
    const tarballOf = (name: string): string => {
        const entry = packed.get(name);
        if (!entry) throw new Error(`${name} is not a published package`);
        return `file:${entry.tarball}`;
    };
    const dependencies: Record<string, string> = { ...options.extra };
    for (const name of options.packages) dependencies[name] = tarballOf(name);
    const overrides = Object.fromEntries([...packed.keys()].map(name => [name, tarballOf(name)]));
    writeFileSync(
        join(app, 'package.json'),
        `${JSON.stringify({ name: 'raffle-consumer', version: '0.0.0', private: true, type: options.type ?? 'module', dependencies, overrides }, null, 2)}\n`,
    );
    try {
        run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], app);
        const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string }> };
        for (const [path, entry] of Object.entries(lock.packages)) {
            if (/node_modules\/@raffle\/[^/]+$/.test(path) && !entry.resolved?.startsWith('file:')) {
                throw new Error(`${path} was not installed from a packed tarball (${entry.resolved ?? 'no resolved'})`);
            }
        }
    } catch (error) {
        remove(app);
        throw error;
    }
    return app;
}

/** Every installed package folder of an app (`node_modules/**` with a package.json), for counts. */
export function installedPackages(app: string): { name: string; version: string; path: string }[] {
    const found: { name: string; version: string; path: string }[] = [];
    const visit = (modules: string, depth: number): void => {
        if (depth > 12 || !existsSync(modules)) return;
        for (const entry of readdirSync(modules)) {
            if (entry.startsWith('.')) continue;
            const dirs = entry.startsWith('@') ? readdirSync(join(modules, entry)).map(sub => join(modules, entry, sub)) : [join(modules, entry)];
            for (const dir of dirs) {
                const manifest = join(dir, 'package.json');
                if (!existsSync(manifest)) continue;
                const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; version: string };
                found.push({ name, version, path: dir });
                visit(join(dir, 'node_modules'), depth + 1);
            }
        }
    };
    visit(join(app, 'node_modules'), 0);
    return found;
}

/** The bytes of every file under `dir` (symbolic links not followed). */
export function folderBytes(dir: string): number {
    let total = 0;
    const visit = (path: string, depth: number): void => {
        if (depth > 64) return;
        const stat = lstatSync(path);
        if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry), depth + 1);
        else if (stat.isFile()) total += stat.size;
    };
    if (existsSync(dir)) visit(dir, 0);
    return total;
}

/** Removes a folder made by these helpers. */
export function remove(path: string): void {
    rmSync(path, { recursive: true, force: true });
}
