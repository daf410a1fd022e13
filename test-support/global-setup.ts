/**
 * Vitest global setup of the repository: creates the run's cache directory (see
 * `run-cache.ts`), hands it to the test workers, and removes it when the run ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { TestProject } from 'vitest/node';

/**
 * @param project - the vitest project, to provide the directory to the workers
 * @returns the teardown
 */
export default function setup(project: TestProject): () => void {
    const dir = mkdtempSync(join(tmpdir(), 'raffle-test-run-'));
    project.provide('raffleTestRunDir', dir);
    return () => rmSync(dir, { recursive: true, force: true });
}
