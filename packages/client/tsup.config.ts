import { defineConfig } from 'tsup';

export default defineConfig({
    entry: { index: 'src/index.ts', compat: 'src/entries/compat.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    tsconfig: 'tsconfig.build.json',
    // `@raffle/client/compat` uses the app's own @solana/web3.js 1.x (a peer of that entry); never bundle it.
    external: ['@solana/web3.js'],
});
