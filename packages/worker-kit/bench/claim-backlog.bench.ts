/**
 * Does a claim cost more when many jobs wait? Per adapter, the mean time of a claim of 100 jobs
 * (then their completion, untimed) from a queue holding only them (baseline), and from a queue
 * holding a backlog of `BENCH_BACKLOG` due jobs (default 50,000), as a ratio in the same run.
 * A claim that reads the due jobs in order from an index stays near 1x; one that sorts the whole
 * backlog grows with it (the SQL claim did: 65-95 ms per claim with 50,000 waiting).
 *
 *     pnpm bench claim-backlog        (BENCH_ADAPTERS=postgres,pglite to narrow)
 */
import { benchAdapters } from './adapters';

const BACKLOG = Math.max(1_000, Number(process.env.BENCH_BACKLOG ?? 50_000));
const CLAIM = 100;
const CLAIMS = 20;
const queue = 'events:backlog';

const { adapters, cleanup } = await benchAdapters();
const rows: Record<string, string | number>[] = [];
try {
    for (const adapter of adapters) {
        const store = adapter.open('backlog');
        await store.ready();
        let n = 0;
        const enqueue = async (count: number, runAt: number) => {
            for (let done = 0; done < count; done += 1000) {
                const size = Math.min(1000, count - done);
                await store.enqueueJobs(Array.from({ length: size }, () => ({ id: `job-${String(n++).padStart(9, '0')}`, queue, name: 'n', runAt })));
            }
        };
        /** Mean ms per claim of CLAIM jobs (each batch completed afterwards, untimed). */
        const claimMs = async () => {
            let total = 0;
            for (let i = 0; i < CLAIMS; i++) {
                const t0 = performance.now();
                const jobs = await store.claimJobs({ owner: 'bench', queue, limit: CLAIM, leaseMs: 60_000 });
                total += performance.now() - t0;
                if (jobs.length !== CLAIM) throw new Error(`${adapter.name}: claimed ${jobs.length} of ${CLAIM}`);
                await store.completeJobs({ owner: 'bench', ids: jobs.map(j => j.id) });
            }
            return total / CLAIMS;
        };
        // Baseline: only the jobs about to be claimed wait.
        await enqueue(CLAIM * CLAIMS, 0);
        await claimMs(); // warm-up (plans, caches)
        await enqueue(CLAIM * CLAIMS, 0);
        const empty = await claimMs();
        // The same claims with a backlog behind them (due, but later in claim order).
        await enqueue(BACKLOG, 1);
        await enqueue(CLAIM * CLAIMS, 0);
        const backlog = await claimMs();
        rows.push({
            adapter: adapter.name,
            [`ms per claim of ${CLAIM}, queue empty (baseline)`]: empty.toFixed(2),
            [`ms per claim of ${CLAIM}, ${BACKLOG.toLocaleString('en-US')} waiting`]: backlog.toFixed(2),
            'backlog vs empty': `${(backlog / empty).toFixed(2)}x`,
        });
        await store.close();
    }
} finally {
    await cleanup();
}
console.table(rows);
