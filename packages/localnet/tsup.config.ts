import { defineConfig } from 'tsup';

export default defineConfig({
    // `cli` is the `raffle-localnet` bin (dist/cli.js).
    entry: ['src/index.ts', 'src/cli.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    tsconfig: 'tsconfig.build.json',
});
