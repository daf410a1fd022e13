import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const demoDir = fileURLToPath(new URL('..', import.meta.url));

describe('the demo (README command 1)', () => {
    it('runs the whole lifecycle on the local cluster and exits 0', () => {
        const result = spawnSync('pnpm', ['exec', 'tsx', 'src/main.ts'], { cwd: demoDir, encoding: 'utf8', timeout: 120_000 });
        expect(result.status, result.stderr).toBe(0);
        const out = result.stdout;
        expect(out).toMatch(/organizer created the raffle/);
        expect(out).toMatch(/ThresholdReached: sold out at 10 tickets/);
        // Everything after the users' steps is done by the worker.
        expect(out).toMatch(/worker requested the draw/);
        expect(out).toMatch(/worker answered the draw as the draw authority/);
        expect(out).toMatch(/worker claimed the prize/);
        expect(out).toMatch(/worker sent a refund batch/);
        expect(out).toMatch(/worker minted refund tickets/);
        expect(out).toMatch(/every buyer holds one MRFT voucher per ticket: buyer 1: 2, buyer 2: 1, buyer 3: 3, buyer 4: 1, buyer 5: 2/);
        expect(out).toMatch(/WinnerDrawn: winning ticket \d+/);
        expect(out).toMatch(/PrizeClaimed: to \S+ \(winner\)/);
        expect(out).toMatch(/ProceedsClaimed: organizer 48\.75 MOGA, treasury 1\.25 MOGA/);
        expect(out.match(/RefundTicketsRequested/g)).toHaveLength(5);
        expect(out).toMatch(/PrizeClaimed: to \S+ \(organizer\)/);
        expect(out).toMatch(/ProceedsClaimed: organizer 0 MOGA, treasury 45 MOGA/);
        expect(out).toMatch(/raffle #1 Completed, raffle #2 Refunded/);
    }, 150_000);
});
