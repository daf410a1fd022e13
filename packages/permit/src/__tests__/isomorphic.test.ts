import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every source file reachable from `entry` through relative imports, with its bare imports. */
function importGraph(entry: string): Map<string, string[]> {
    const graph = new Map<string, string[]>();
    const queue = [resolve(src, entry)];
    while (queue.length > 0) {
        const file = queue.pop()!;
        if (graph.has(file)) continue;
        const code = stripComments(readFileSync(file, 'utf8'));
        const bare: string[] = [];
        for (const [, specifier] of code.matchAll(/(?:import|export)[^'";]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)) {
            if (specifier === undefined) continue;
            if (specifier.startsWith('.')) queue.push(resolve(dirname(file), `${specifier}.ts`));
            else bare.push(specifier);
        }
        graph.set(file, bare);
    }
    return graph;
}

function stripComments(code: string): string {
    return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('the core entry point is isomorphic', () => {
    const graph = importGraph('index.ts');

    it('reaches no Node built-in module', () => {
        expect(graph.size).toBeGreaterThan(10);
        const builtins = new Set(builtinModules);
        for (const [file, imports] of graph) {
            for (const specifier of imports) {
                const isBuiltin = specifier.startsWith('node:') || builtins.has(specifier.split('/')[0]!);
                expect(isBuiltin, `${file} imports ${specifier}`).toBe(false);
            }
        }
    });

    it('imports only its declared dependencies', () => {
        const allowed = ['@raffle/errors', '@solana/kit', '@noble/ed25519', '@noble/hashes/sha2.js'];
        for (const imports of graph.values()) for (const specifier of imports) expect(allowed).toContain(specifier);
    });

    it('uses no Node globals (Buffer, require, bare process.*)', () => {
        for (const file of graph.keys()) {
            const code = stripComments(readFileSync(file, 'utf8'));
            expect(code, file).not.toMatch(/\bBuffer\b/);
            expect(code, file).not.toMatch(/\brequire\(/);
            // `globalThis.process?.env` behind a check is fine; a bare `process.env` is not.
            expect(code, file).not.toMatch(/(?<![.\w])process\s*\??\./);
            expect(code, file).not.toMatch(/__dirname|__filename/);
        }
    });

    it('keeps the Node-only code behind @raffle/permit/node', () => {
        const nodeGraph = importGraph('entries/node.ts');
        const nodeOnly = [...nodeGraph.keys()].filter(file => !graph.has(file)).map(file => file.slice(src.length + 1));
        expect(nodeOnly.sort()).toEqual(['entries/node.ts', 'node/keypair-file.ts', 'node/node-crypto-signer.ts']);
    });
});
