/**
 * The shape of the package's sources: no import cycle between any two files of `src`, and the
 * engine's layers depend one way (core <- runtime <- ingestion <- the worker), so that each can
 * be read, tested and replaced without the ones above it. Type-only imports count: a cycle of
 * types is still a cycle for a reader.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('..', import.meta.url));

/** Every `.ts` file under `dir`. */
function sourceFiles(dir: string): string[] {
    return readdirSync(dir).flatMap(name => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return sourceFiles(path);
        return path.endsWith('.ts') ? [path] : [];
    });
}

/** The files of `src` that `file` imports or re-exports (static or dynamic, type-only included). */
function relativeImports(file: string): string[] {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    return importedFiles.flatMap(({ fileName }) => {
        if (!fileName.startsWith('.')) return [];
        const base = resolve(dirname(file), fileName.replace(/\.js$/, ''));
        const target = [`${base}.ts`, join(base, 'index.ts'), base].find(candidate => existsSync(candidate) && statSync(candidate).isFile());
        return target === undefined ? [] : [target];
    });
}

/** The import graph of `src`, by file path relative to it. */
function importGraph(): Map<string, string[]> {
    const graph = new Map<string, string[]>();
    for (const file of sourceFiles(SRC)) graph.set(relative(SRC, file), relativeImports(file).map(target => relative(SRC, target)));
    return graph;
}

/**
 * The import cycles of a graph: one per strongly connected component with more than one file
 * (or a file importing itself), shown as a path that returns to its first file.
 */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
    // Tarjan's algorithm (recursive: import chains are a few dozen files deep at most).
    const index = new Map<string, number>();
    const lowLink = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const components: string[][] = [];
    const visit = (node: string): void => {
        index.set(node, index.size);
        lowLink.set(node, index.get(node)!);
        stack.push(node);
        onStack.add(node);
        for (const next of graph.get(node) ?? []) {
            if (!index.has(next)) {
                visit(next);
                lowLink.set(node, Math.min(lowLink.get(node)!, lowLink.get(next)!));
            } else if (onStack.has(next)) lowLink.set(node, Math.min(lowLink.get(node)!, index.get(next)!));
        }
        if (lowLink.get(node) !== index.get(node)) return;
        const component: string[] = [];
        for (let member = stack.pop()!; ; member = stack.pop()!) {
            onStack.delete(member);
            component.push(member);
            if (member === node) break;
        }
        if (component.length > 1 || (graph.get(node) ?? []).includes(node)) components.push(component);
    };
    for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
    return components.map(component => cycleThrough(graph, new Set(component)));
}

/** A concrete cycle inside a strongly connected component, from its first file (sorted) back to it. */
function cycleThrough(graph: ReadonlyMap<string, readonly string[]>, members: ReadonlySet<string>): string[] {
    const start = [...members].sort()[0]!;
    // Breadth-first from `start` inside the component until an edge leads back to it.
    const previous = new Map<string, string>([[start, start]]);
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
        const node = queue[i]!;
        for (const next of graph.get(node) ?? []) {
            if (next === start) {
                const path = [node];
                while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
                return [...path, start];
            }
            if (members.has(next) && !previous.has(next)) {
                previous.set(next, node);
                queue.push(next);
            }
        }
    }
    return [start];
}

/** The layer of a file: its folder under `src`, or `worker` for the worker's own files at the top. */
function layerOf(file: string): string {
    const [first, ...rest] = file.split(/[\\/]/);
    if (rest.length > 0) return first!;
    return first!.startsWith('worker') ? 'worker' : `root:${first}`;
}

/** What each engine layer must never import (the layers above it and the products built on it). */
const FORBIDDEN_LAYERS: Readonly<Record<string, readonly string[]>> = {
    core: ['runtime', 'ingestion', 'scheduler', 'raffle', 'ops', 'entries', 'worker'],
    runtime: ['ingestion', 'raffle', 'ops', 'entries', 'worker'],
    ingestion: ['raffle', 'ops', 'entries', 'worker'],
    scheduler: ['ingestion', 'raffle', 'ops', 'entries', 'worker'],
};

describe('architecture of packages/worker-kit/src', () => {
    it('has no import cycle between its files', () => {
        const cycles = findCycles(importGraph()).map(cycle => cycle.join(' -> '));
        expect(cycles).toEqual([]);
    });

    it('layers depend one way: core on no engine layer, runtime not on ingestion, none on the worker', () => {
        const violations: string[] = [];
        for (const [file, targets] of importGraph()) {
            const forbidden = FORBIDDEN_LAYERS[layerOf(file)] ?? [];
            for (const target of targets) if (forbidden.includes(layerOf(target))) violations.push(`${file} -> ${target}`);
        }
        expect(violations).toEqual([]);
    });

    it('the checks see imports: a cycle, a self-import and a file graph of src that is not empty', () => {
        const graph = new Map([
            ['a.ts', ['b.ts']],
            ['b.ts', ['c.ts', 'd.ts']],
            ['c.ts', ['a.ts']],
            ['d.ts', []],
            ['e.ts', ['e.ts']],
        ]);
        expect(findCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts'], ['e.ts', 'e.ts']]);
        const real = importGraph();
        expect(real.get('worker.ts')).toContain('ingestion/ingestor.ts');
        expect(real.get('ingestion/ingestor.ts')).toContain('ingestion/sources/backfill.ts');
    });
});
