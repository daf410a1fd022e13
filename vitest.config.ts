import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Workspace packages resolve to their sources, so tests never need a build first. */
function workspaceAliases(): { find: RegExp; replacement: string }[] {
    const aliases: { find: RegExp; replacement: string }[] = [];
    for (const dir of readdirSync(`${root}packages`)) {
        aliases.push({ find: new RegExp(`^@raffle/${dir}/(.+)$`), replacement: `${root}packages/${dir}/src/entries/$1.ts` });
        aliases.push({ find: new RegExp(`^@raffle/${dir}$`), replacement: `${root}packages/${dir}/src/index.ts` });
    }
    return aliases;
}

export default defineConfig({
    resolve: { alias: workspaceAliases() },
    test: {
        include: ['packages/*/{src,tools}/**/__tests__/**/*.test.ts', 'examples/*/{src,test}/**/*.test.ts'],
        testTimeout: 60_000,
        hookTimeout: 60_000,
        pool: 'forks',
    },
});
