/**
 * Retention of the Redis store: one Lua command per prune (atomic on the server), each bounded by
 * its `limit`.
 *
 * - `pruneEvents` (`events-prune`) raises the watermark `events:pruned-through` and deletes in the
 *   same command; `event-record` and the atomic step (`inbox-step-record`, which rechecks the
 *   watermark when it commits) never insert an absent event at or below it.
 * - `pruneJobs` (`jobs-prune`) finds completed jobs through `jobs:completed` (id by finishedAt,
 *   written by `job-complete`) and dead ones through `dead` (id by the time they died). Jobs
 *   completed by a version of this store older than retention are in no index and are **not
 *   pruned** (Redis offers no way to find them short of a SCAN of the whole keyspace); their dead
 *   letters are.
 * - `pruneEffects` (`effects-prune`) reads the existing `effects:confirmed` / `effects:failed`
 *   (by createdAt, at most updatedAt), so it needs no new index and prunes older stores' effects too.
 * - `pruneAudit` (`audit-prune`) reads `audit:at` (seq by time, written by `audit-append`); the
 *   entries of an older store are indexed lazily, up to 10000 per call, before anything is pruned.
 *
 * @internal
 */
import { num } from '../internal';
import { checkPruneAudit, checkPruneEffects, checkPruneEvents, checkPruneJobs } from '../retention-checks';
import type { RetentionStore } from '../types';
import type { RedisConnection } from './connection';
import { WATERMARK_KEY, eventId } from './fields';

/**
 * The {@link RetentionStore} of a Redis store.
 *
 * @param db - the store's connection
 * @returns the retention operations
 */
export function redisRetentionStore(db: RedisConnection): RetentionStore {
    return {
        async pruneJobs(input) {
            const q = checkPruneJobs(input);
            const deleted = await db.run('jobsPrune', db.key('jobs:completed'), [q.statuses.join(','), q.finishedBefore, q.limit]);
            return { deleted: num(deleted) };
        },

        async pruneEvents(input) {
            const q = checkPruneEvents(input);
            const args: (string | number)[] = [q.throughSlot.toString()];
            for (const e of q.events) args.push(eventId(e.key), e.jobIds.length, ...e.jobIds);
            const [deleted, kept, through] = (await db.run('eventsPrune', db.key(WATERMARK_KEY), args)) as [number, number, string];
            return { deleted: num(deleted), kept: num(kept), prunedThroughSlot: BigInt(through) };
        },

        async getPrunedThroughSlot() {
            const mark = await (await db.client()).get(db.key(WATERMARK_KEY));
            return mark === null ? null : BigInt(mark);
        },

        async pruneEffects(input) {
            const q = checkPruneEffects(input);
            const args = [q.updatedBefore, q.limit, q.keepKeyPrefixes.length, ...q.keepKeyPrefixes];
            return { deleted: num(await db.run('effectsPrune', db.key('effects:confirmed'), args)) };
        },

        async pruneAudit(input) {
            const q = checkPruneAudit(input);
            const args = [q.before, q.limit, q.keepActionPrefixes.length, q.keepSubjectPrefixes.length, ...q.keepActionPrefixes, ...q.keepSubjectPrefixes];
            return { deleted: num(await db.run('auditPrune', db.key('audit:at'), args)) };
        },
    };
}
