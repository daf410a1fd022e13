import { defineConfig } from 'tsup';

export default defineConfig({
    // `testing` is the `@raffle/worker-kit/testing` subpath (the storage conformance suite).
    entry: { index: 'src/index.ts', testing: 'src/entries/testing.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    tsconfig: 'tsconfig.build.json',
    // vitest is an optional peer dependency used only by the testing entry.
    external: ['vitest'],
});
