/**
 * The README's test command (`pnpm test`): every check CI runs, in order, stopping at the
 * first failure. Ends with one line `tests: N passed, N failed, N skipped`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Step {
    name: string;
    command: string[];
    /** Skip the step when this returns a reason. */
    skip?: () => string | undefined;
}

const root = new URL('..', import.meta.url).pathname;
const reportDir = mkdtempSync(join(tmpdir(), 'raffle-test-'));
const vitestReport = join(reportDir, 'vitest.json');

const steps: Step[] = [
    { name: 'generated code matches the IDL', command: ['pnpm', 'codegen:check'] },
    {
        name: 'program binary rebuilds byte-identically',
        command: ['pnpm', '--filter', '@raffle/program', 'build:so:check'],
        skip: () => (existsSync(join(root, 'packages/program/tools/build-so.ts')) ? undefined : 'no program build yet'),
    },
    { name: 'build every package', command: ['pnpm', 'build'] },
    { name: 'typecheck', command: ['pnpm', 'typecheck'] },
    { name: 'package exports and npm pages (publint, attw, README, LICENSE, metadata)', command: ['pnpm', 'check:packages'] },
    // Both install the packed tarballs with npm (dependencies from the npm registry).
    { name: 'browser bundle size (npm install of the tarballs, esbuild)', command: ['pnpm', 'check:size'] },
    { name: 'consumer types in every module mode, README examples run', command: ['pnpm', 'check:consumer'] },
    { name: 'API docs complete (typedoc)', command: ['pnpm', 'docs:check'] },
    {
        name: 'tests (vitest)',
        command: ['pnpm', 'exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`],
    },
];

function summary(): string {
    if (!existsSync(vitestReport)) return 'tests: 0 passed, 0 failed';
    const report = JSON.parse(readFileSync(vitestReport, 'utf8')) as {
        numPassedTests: number;
        numFailedTests: number;
        numPendingTests: number;
        numTodoTests: number;
    };
    return `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`;
}

let failed = false;
const started = Date.now();
for (const step of steps) {
    const reason = step.skip?.();
    if (reason) {
        console.log(`\n== ${step.name}: skipped (${reason})`);
        continue;
    }
    console.log(`\n== ${step.name}: ${step.command.join(' ')}`);
    const t0 = Date.now();
    const result = spawnSync(step.command[0]!, step.command.slice(1), { cwd: root, stdio: 'inherit' });
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    if (result.status !== 0) {
        console.error(`== ${step.name}: FAILED after ${seconds}s (exit ${result.status ?? result.signal})`);
        failed = true;
        break;
    }
    console.log(`== ${step.name}: ok in ${seconds}s`);
}
console.log(`\nall checks ${failed ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 1000).toFixed(0)}s`);
console.log(summary());
rmSync(reportDir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
