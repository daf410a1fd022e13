import { defineConfig } from 'tsup';

const shared = {
    entry: { index: 'src/index.ts', node: 'src/entries/node.ts', server: 'src/entries/server.ts' },
    dts: true,
    sourcemap: true,
    target: 'es2022',
    tsconfig: 'tsconfig.build.json',
    // Keep `node:crypto` as written: Deno and edge bundlers resolve only the prefixed form.
    removeNodeProtocol: false,
} as const;

// Two builds. ESM keeps every dependency external. CJS inlines @noble/ed25519 and
// @noble/hashes, which ship ESM only and so cannot be `require`d by CJS consumers on
// Node < 22. `dist` is emptied by the `build` script, not by `clean` here: the two builds run
// concurrently and one would delete the other's output.
export default defineConfig([
    { ...shared, format: ['esm'] },
    { ...shared, format: ['cjs'], noExternal: ['@noble/ed25519', '@noble/hashes'] },
]);
