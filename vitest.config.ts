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
    // The repository's shared test support (waitFor), importable from every package's tests.
    aliases.push({ find: /^@raffle\/test-support$/, replacement: `${root}test-support/index.ts` });
    return aliases;
}

export default defineConfig({
    resolve: { alias: workspaceAliases() },
    test: {
        include: ['packages/*/{src,tools}/**/__tests__/**/*.test.ts', 'examples/*/{src,test}/**/*.test.ts', 'test-support/__tests__/*.test.ts'],
        // The run's cache directory for test support (test-support/run-cache.ts).
        globalSetup: ['test-support/global-setup.ts'],
        testTimeout: 60_000,
        hookTimeout: 60_000,
        pool: 'forks',
    },
});
