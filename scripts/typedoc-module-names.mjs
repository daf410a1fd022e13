// @ts-check
/**
 * TypeDoc plugin: a package's entry modules are named after the import path users write
 * (`@raffle/worker-kit/raffle`), not after their file (`entries/raffle`). The repository's
 * convention (the same one tsconfig `paths` and the vitest aliases follow): `src/index.ts` is
 * the package's main entry, `src/entries/<name>.ts` its `./<name>` subpath export. A module
 * whose file follows neither keeps its name; an entry file's own `@module` tag still wins.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

import { Converter, ReflectionKind } from 'typedoc';

/** @type {Map<string, string | undefined>} */
const packageNames = new Map();

/**
 * The name in the nearest package.json above `file`, with that package's folder.
 *
 * @param {string} file
 * @returns {{ name: string, dir: string } | undefined}
 */
function owningPackage(file) {
    for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
        if (!packageNames.has(dir)) {
            const manifest = join(dir, 'package.json');
            packageNames.set(dir, existsSync(manifest) ? /** @type {{ name?: string }} */ (JSON.parse(readFileSync(manifest, 'utf8'))).name : undefined);
        }
        const name = packageNames.get(dir);
        if (name) return { name, dir };
    }
    return undefined;
}

/**
 * The import path of an entry file and the name TypeDoc gives its module by default, or
 * undefined when the file is not an entry.
 *
 * @param {string} file
 * @returns {{ importPath: string, defaultName: string } | undefined}
 */
export function importPathOf(file) {
    const pkg = owningPackage(file);
    if (!pkg) return undefined;
    const path = relative(pkg.dir, file).split(sep).join('/');
    if (path === 'src/index.ts') return { importPath: pkg.name, defaultName: 'index' };
    const subpath = /^src\/entries\/([\w-]+)\.ts$/.exec(path);
    return subpath ? { importPath: `${pkg.name}/${subpath[1]}`, defaultName: `entries/${subpath[1]}` } : undefined;
}

/** @param {import('typedoc').Application} app */
export function load(app) {
    app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
        if (!reflection.kindOf(ReflectionKind.Module)) return;
        const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile().fileName;
        const entry = file ? importPathOf(file) : undefined;
        // A name other than the file-derived one came from the file's own `@module` tag: keep it.
        if (entry && reflection.name === entry.defaultName) reflection.name = entry.importPath;
    });
}
