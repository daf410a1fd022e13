/**
 * The spend guard's sliding windows (the last hour and the last 24 hours) and their rebuild from
 * the store's audit log at start.
 *
 * @packageDocumentation
 */
import type { AuditRecord, WorkerStore } from '../../store/types';

const HOUR_MS = 3_600_000;
/**
 * The longer window: 24 hours (ms).
 *
 * @internal
 */
export const DAY_MS = 86_400_000;
/** Audit times come from the store's clock and are only roughly ordered: search a little earlier. */
const SKEW_MS = 600_000;
const MAX_ENTRIES = 500_000;
const MAX_RELOAD_PAGES = 20_000;

interface Entry { at: number; lamports: bigint; tickets: number }

/**
 * Spend over the last day, with running sums over the day and the last hour.
 *
 * @internal
 */
export class SpendWindow {
    #entries: Entry[] = [];
    #dayHead = 0;
    #hourHead = 0;
    readonly day = { lamports: 0n, tickets: 0 };
    readonly hour = { lamports: 0n, tickets: 0 };
    /** Counts spend at `at` (ms; never before the last entry) in both windows. */
    add(at: number, lamports: bigint, tickets: number): void {
        const last = this.#entries[this.#entries.length - 1];
        this.#entries.push({ at: last !== undefined && last.at > at ? last.at : at, lamports, tickets });
        for (const sum of [this.day, this.hour]) (sum.lamports += lamports), (sum.tickets += tickets);
        if (this.#entries.length - this.#dayHead > MAX_ENTRIES) {
            // Fold the oldest into the next (kept longer: conservative).
            const [a, b] = [this.#entries[this.#dayHead]!, this.#entries[this.#dayHead + 1]!];
            (b.lamports += a.lamports), (b.tickets += a.tickets);
            if (this.#hourHead === this.#dayHead + 1) (this.hour.lamports += a.lamports), (this.hour.tickets += a.tickets);
            if (this.#hourHead === this.#dayHead) this.#hourHead++;
            this.#dayHead++;
        }
    }
    /** Drops from each window what is older than it at `now` (ms). */
    prune(now: number): void {
        const drop = (sum: { lamports: bigint; tickets: number }, e: Entry) => ((sum.lamports -= e.lamports), (sum.tickets -= e.tickets));
        while (this.#hourHead < this.#entries.length && this.#entries[this.#hourHead]!.at <= now - HOUR_MS) drop(this.hour, this.#entries[this.#hourHead++]!);
        while (this.#dayHead < this.#hourHead && this.#entries[this.#dayHead]!.at <= now - DAY_MS) drop(this.day, this.#entries[this.#dayHead++]!);
        if (this.#dayHead > 4096 && this.#dayHead * 2 > this.#entries.length) {
            this.#entries = this.#entries.slice(this.#dayHead);
            this.#hourHead -= this.#dayHead;
            this.#dayHead = 0;
        }
    }
}

/** The first `afterSeq` from which every audit entry is at or after `cutoff`: a binary search over `listAudit({ afterSeq, limit: 1 })`. */
async function firstRecentSeq(store: WorkerStore, cutoff: number): Promise<number> {
    const recentAfter = async (seq: number) => {
        const [entry] = await store.listAudit({ afterSeq: seq, limit: 1 });
        return entry === undefined || entry.at >= cutoff;
    };
    if (await recentAfter(0)) return 0;
    let [lo, hi] = [0, 1];
    while (!(await recentAfter(hi))) {
        if (hi >= 2 ** 52) return hi;
        [lo, hi] = [hi, hi * 2];
    }
    while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (await recentAfter(mid)) hi = mid;
        else lo = mid;
    }
    return lo;
}

/**
 * Hands `replay` each spend entry (`spend:*`) of the audit log newer than `cutoff`, oldest
 * first, in pages of 1,000 from the first entry near `cutoff` (found by binary search).
 *
 * @internal
 */
export async function replayRecentSpend(store: WorkerStore, cutoff: number, replay: (entry: AuditRecord) => void): Promise<void> {
    let afterSeq = await firstRecentSeq(store, cutoff - SKEW_MS);
    for (let page = 0; page < MAX_RELOAD_PAGES; page++) {
        const entries = await store.listAudit({ afterSeq, limit: 1000 });
        for (const entry of entries) if (entry.at > cutoff && entry.action.startsWith('spend:')) replay(entry);
        if (entries.length < 1000) break;
        afterSeq = entries[entries.length - 1]!.seq;
    }
}
