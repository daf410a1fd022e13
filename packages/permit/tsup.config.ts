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
// The ESM build gives the signers (the only static importers of noble) an entry of their own, so
// they land in a chunk apart from the code `@raffle/client` uses: a browser bundler then keeps
// noble, which `verifyPermit` imports on demand, out of the page's initial chunk (checked by
// `pnpm check:size`). `internal/signers` is not an export; no types are emitted for it.
export default defineConfig([
    { ...shared, format: ['esm'], entry: { ...shared.entry, 'internal/signers': 'src/signer.ts' }, dts: { entry: shared.entry } },
    { ...shared, format: ['cjs'], noExternal: ['@noble/ed25519', '@noble/hashes'] },
]);
