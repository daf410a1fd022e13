/**
 * The examples of the published packages' READMEs, as check-consumer.ts compiles and runs them:
 * every ```ts block is a whole program (ESM, top-level await allowed) that runs as written
 * against the packed packages; a block right after a `<!-- check: types -->` line is only
 * type-checked; a block right after `<!-- check: service -->` runs as a service: with a local
 * cluster (`RPC_URL`, `WS_URL`) and PostgreSQL (`DATABASE_URL`) in its environment, until it
 * prints `started`, then it must stop cleanly on SIGTERM. The `npm install` line of the README's
 * first ```sh block says what the examples need besides the package itself.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** One example of a README. */
export interface ReadmeExample {
    /** e.g. `@raffle/client README, example 1`. */
    label: string;
    /** The file it is written to (`.mts`). */
    file: string;
    source: string;
    /** False when marked `check: types`. */
    run: boolean;
    /** True when marked `check: service` (run with a cluster and PostgreSQL, stopped by SIGTERM). */
    service: boolean;
    /** The packages of the README's `npm install` line. */
    installs: string[];
}

const FENCE = /^```(\w*)\s*$/;

/**
 * @returns every example of the packages' READMEs, in package order
 * @throws when a package has no README, no `npm install` line or no example
 */
export function readmeExamples(packages: { name: string; dir: string }[]): ReadmeExample[] {
    const examples: ReadmeExample[] = [];
    for (const { name, dir } of packages) {
        const lines = readFileSync(join(dir, 'README.md'), 'utf8').split('\n');
        const blocks: { lang: string; body: string; typesOnly: boolean; service: boolean }[] = [];
        for (let i = 0; i < lines.length; i++) {
            const open = FENCE.exec(lines[i]!);
            if (!open) continue;
            const end = lines.findIndex((line, j) => j > i && line.trim() === '```');
            if (end < 0) throw new Error(`${name} README: unclosed code block at line ${i + 1}`);
            let previous = i - 1;
            while (previous >= 0 && lines[previous]!.trim() === '') previous--;
            const marker = lines[previous]?.trim();
            blocks.push({ lang: open[1]!, body: lines.slice(i + 1, end).join('\n'), typesOnly: marker === '<!-- check: types -->', service: marker === '<!-- check: service -->' });
            i = end;
        }
        const install = blocks.find(b => b.lang === 'sh' && /\bnpm install\b/.test(b.body));
        if (!install) throw new Error(`${name} README: no \`npm install\` line in a sh block`);
        const installs = install.body
            .slice(install.body.indexOf('npm install') + 'npm install'.length)
            .split('\n')[0]!
            .trim()
            .split(/\s+/)
            .filter(word => word !== '' && !word.startsWith('-'));
        if (!installs.includes(name)) throw new Error(`${name} README: the npm install line does not install ${name}`);
        const code = blocks.filter(b => b.lang === 'ts');
        if (code.length === 0) throw new Error(`${name} README: no ts example`);
        code.forEach((block, n) => {
            // An example may import only what its README tells to install (npm hoisting would hide a missing one).
            for (const [, specifier] of block.body.matchAll(/from '([^']+)'/g)) {
                const pkg = specifier!.startsWith('@') ? specifier!.split('/').slice(0, 2).join('/') : specifier!.split('/')[0]!;
                if (!specifier!.startsWith('node:') && !installs.includes(pkg)) {
                    throw new Error(`${name} README, example ${n + 1}: imports ${specifier}, which its npm install line does not install`);
                }
            }
            examples.push({
                label: `${name} README, example ${n + 1}`,
                file: `readme-${basename(dir)}-${n + 1}.mts`,
                source: `${block.body}\n`,
                run: !block.typesOnly,
                service: block.service,
                installs,
            });
        });
    }
    return examples;
}
