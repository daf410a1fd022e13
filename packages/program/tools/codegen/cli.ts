/**
 * `pnpm codegen`: regenerates everything derived from the IDL.
 * `pnpm codegen:check`: regenerates into a temporary folder and fails when the committed
 * files differ (stale generated code).
 */
import { cp, mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { generateErrorDocs } from '../../../errors/scripts/error-docs';
import { generateCHeader } from './c-header';
import { generateClient } from './codama';
import type { Idl } from './idl';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const idlPath = join(repo, 'packages/program/idl/rwa_raffle.json');
const headerPath = 'packages/program/c/generated/rwa_raffle_idl.h';
const clientGenerated = 'packages/client/src/generated';
const errorDocsPath = 'docs/errors.md';

async function listFiles(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
    return entries
        .filter(e => e.isFile())
        .map(e => relative(dir, join(e.parentPath, e.name)))
        .sort();
}

async function generateInto(root: string, idl: Idl): Promise<void> {
    await mkdir(join(root, dirname(headerPath)), { recursive: true });
    await writeFile(join(root, headerPath), generateCHeader(idl));
    await generateClient(idl, join(root, 'packages/client'));
    await mkdir(join(root, 'docs'), { recursive: true });
    await writeFile(join(root, errorDocsPath), generateErrorDocs());
}

async function compareTrees(expectedRoot: string, relDir: string): Promise<string[]> {
    const problems: string[] = [];
    const expected = await listFiles(join(expectedRoot, relDir));
    const actual = await listFiles(join(repo, relDir));
    for (const file of new Set([...expected, ...actual])) {
        const want = await readFile(join(expectedRoot, relDir, file), 'utf8').catch(() => null);
        const have = await readFile(join(repo, relDir, file), 'utf8').catch(() => null);
        if (want === null) problems.push(`${relDir}/${file}: not generated from the IDL (delete it)`);
        else if (have === null) problems.push(`${relDir}/${file}: missing`);
        else if (want !== have) problems.push(`${relDir}/${file}: differs from what the IDL generates`);
    }
    return problems;
}

async function compareFile(expectedRoot: string, file: string): Promise<string[]> {
    const want = await readFile(join(expectedRoot, file), 'utf8');
    const have = await readFile(join(repo, file), 'utf8').catch(() => null);
    return want === have ? [] : [`${file}: differs from what the sources generate`];
}

async function main(): Promise<void> {
    const check = process.argv.includes('--check');
    const idl = JSON.parse(await readFile(idlPath, 'utf8')) as Idl;
    if (!check) {
        await generateInto(repo, idl);
        console.log(`codegen: wrote ${headerPath}, ${clientGenerated}/ and ${errorDocsPath}`);
        return;
    }
    const tmp = await mkdtemp(join(tmpdir(), 'raffle-codegen-'));
    try {
        await mkdir(join(tmp, 'packages/client'), { recursive: true });
        await cp(join(repo, 'packages/client/package.json'), join(tmp, 'packages/client/package.json'));
        await generateInto(tmp, idl);
        const problems = [
            ...(await compareTrees(tmp, dirname(headerPath))),
            ...(await compareTrees(tmp, clientGenerated)),
            ...(await compareFile(tmp, errorDocsPath)),
        ];
        if (problems.length > 0) {
            console.error(`codegen: generated code is stale. Run \`pnpm codegen\` and commit:\n  ${problems.join('\n  ')}`);
            process.exitCode = 1;
        } else {
            console.log('codegen: generated code is up to date');
        }
    } finally {
        await rm(tmp, { recursive: true, force: true });
    }
}

await main();
