/**
 * The plan of an atomic inbox step: the handler jobs the changed events need and the batch
 * projections' writes, with direct dispatch (jobs created already claimed for this replica's
 * runner when it has room). The store commits the plan with the events, so an event never exists
 * without its jobs and its projections.
 *
 * @internal
 */
import type { EnqueueJobInput, EnqueueJobResult, InboxEvent, PlanInboxStep } from '../store/types';
import { eventId } from '../core/identity';
import { projectChanges, type ProjectionStep } from '../projections/engine';
import { deliveryJobs, type InboxContext, rawOf } from './inbox-jobs';

/** A plan and what to do once its step committed. */
export interface PlannedStep {
    /** Hand this to the store. */
    readonly plan: PlanInboxStep;
    /** Runs the jobs created claimed and wakes the runner; call once the step committed. */
    settle(jobs: readonly EnqueueJobResult[]): void;
    /** Returns reserved runner slots; call when the step failed. */
    abandon(): void;
}

/**
 * Plans one atomic step.
 *
 * @param ctx - the inbox context
 * @param step - `record` (the changed events were inserted) or `transition` (their commitment moved)
 * @param decoded - the decoded data of events decoded by the caller (by event id); others are decoded from their raw payload
 * @returns the plan and its settlement
 */
export function planInboxStep(ctx: InboxContext, step: ProjectionStep, decoded?: ReadonlyMap<string, unknown>): PlannedStep {
    const dispatch = ctx.dispatch;
    let reserved = 0;
    let jobEvents: InboxEvent[] = [];
    let planned: EnqueueJobInput[] = [];
    const project =
        ctx.projections && ctx.projections.size > 0
            ? projectChanges(ctx.projections, step, event => {
                  const known = decoded?.get(eventId(event));
                  if (known !== undefined) return known;
                  const raw = rawOf(event);
                  const again = raw === null ? null : ctx.decoder.decode(raw);
                  return again?.kind === 'decoded' ? again.data : null;
              })
            : null;
    const plan: PlanInboxStep = async (changed, read) => {
        // A store may plan a step again (optimistic retry): the last plan is the one committed.
        jobEvents = [];
        planned = [];
        for (const event of changed) {
            for (const job of deliveryJobs(ctx, event, undefined)) {
                planned.push(job);
                jobEvents.push(event);
            }
        }
        if (dispatch && reserved < planned.length) reserved += dispatch.reserve(planned.length - reserved);
        const lease = dispatch ? { owner: dispatch.owner, leaseMs: dispatch.leaseMs } : undefined;
        const jobs = planned.map((job, i) => (i < reserved && lease ? { ...job, lease } : job));
        const writes = project ? await project(changed, read) : [];
        return { jobs, writes };
    };
    return {
        plan,
        settle(results) {
            let adopted = 0;
            let created = 0;
            results.forEach(({ created: isNew, job }, i) => {
                if (!isNew) return;
                created++;
                if (i < reserved && dispatch) {
                    dispatch.adopt(job, jobEvents[i]!);
                    adopted++;
                }
            });
            if (dispatch && reserved > adopted) dispatch.unreserve(reserved - adopted);
            reserved = 0;
            if (created > adopted) ctx.onEnqueued?.();
        },
        abandon() {
            if (dispatch && reserved > 0) dispatch.unreserve(reserved);
            reserved = 0;
        },
    };
}
