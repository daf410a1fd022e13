/**
 * Vite configuration, shared by `pnpm build` (the production bundle) and the dev server that
 * dev/stack.ts starts. Dev-only endpoints are added by dev/stack.ts, never here.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vite';

const packages = fileURLToPath(new URL('../../packages/', import.meta.url));

/**
 * `@raffle/*` resolve to the workspace sources (as in the root vitest config), so the example
 * runs without building the packages first. An app installing `@raffle/client` from npm needs none of this.
 */
function workspaceSources(): { find: RegExp; replacement: string }[] {
    return readdirSync(packages).flatMap(dir => [
        { find: new RegExp(`^@raffle/${dir}/(.+)$`), replacement: `${packages}${dir}/src/entries/$1.ts` },
        { find: new RegExp(`^@raffle/${dir}$`), replacement: `${packages}${dir}/src/index.ts` },
    ]);
}

export default defineConfig(({ mode }) => ({
    resolve: { alias: workspaceSources() },
    // The generated error table reads `process.env['NODE_ENV']`; browsers have no `process`.
    define: { 'process.env': JSON.stringify({ NODE_ENV: mode === 'production' ? 'production' : 'development' }) },
    build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
    server: { host: '127.0.0.1' },
    preview: { host: '127.0.0.1' },
}));
