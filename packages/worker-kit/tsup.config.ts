import { defineConfig } from 'tsup';

export default defineConfig({
    // `ops` is the `@raffle/worker-kit/ops` subpath (HTTP surface, metrics, logging, notifiers); `raffle` is the `@raffle/worker-kit/raffle` subpath (the raffle automations); `testing` is the `@raffle/worker-kit/testing` subpath (the storage conformance suite).
    entry: { index: 'src/index.ts', raffle: 'src/entries/raffle.ts', ops: 'src/entries/ops.ts', testing: 'src/entries/testing.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    tsconfig: 'tsconfig.build.json',
    // vitest is an optional peer dependency used only by the testing entry.
    external: ['vitest'],
});
