import { defineConfig } from 'tsup';

export default defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    // import.meta.url in the CommonJS build (getRaffleProgramPath locates bin/ from it).
    shims: true,
    target: 'es2022',
    tsconfig: 'tsconfig.build.json',
});
