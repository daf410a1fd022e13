import { defineConfig } from 'tsup';

export default defineConfig({
    // `raffle`, `ops` and `testing` are the `@raffle/worker-kit/<name>` subpaths (the raffle automations; HTTP surface, metrics, logging, notifiers; the storage conformance suite); `postgres`, `pglite`, `redis` and `sqlite` are the store adapters, each the only entry that imports its driver.
    entry: {
        index: 'src/index.ts',
        raffle: 'src/entries/raffle.ts',
        ops: 'src/entries/ops.ts',
        testing: 'src/entries/testing.ts',
        postgres: 'src/entries/postgres.ts',
        pglite: 'src/entries/pglite.ts',
        redis: 'src/entries/redis.ts',
        sqlite: 'src/entries/sqlite.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    tsconfig: 'tsconfig.build.json',
    // Peer dependencies (vitest for the testing entry, the drivers for the store entries) are external anyway; named here so that nothing ever bundles them.
    external: ['vitest', 'pg', 'ioredis', '@electric-sql/pglite', 'better-sqlite3'],
});
