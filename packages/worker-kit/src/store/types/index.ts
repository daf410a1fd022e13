/**
 * The storage contract of the worker, one file per concern: cursor ({@link CursorStore}), inbox
 * ({@link EventInbox}), effects ({@link EffectLedger}), jobs ({@link JobQueue}), leases
 * ({@link LeaseStore}), audit ({@link AuditLog}), projections with the atomic inbox steps
 * ({@link ProjectionStore}) and retention ({@link RetentionStore}), composed into {@link WorkerStore}, which
 * every adapter implements and the conformance suite (`@raffle/worker-kit/testing`) checks.
 *
 * @packageDocumentation
 */
import type { AuditLog } from './audit';
import type { CursorStore } from './cursor';
import type { EffectLedger } from './effects';
import type { EventInbox } from './inbox';
import type { JobQueue } from './jobs';
import type { LeaseStore } from './leases';
import type { ProjectionStore } from './projections';
import type { RetentionStore } from './retention';
import type { WorkerStore } from './store';

export * from './common';
export * from './cursor';
export * from './inbox';
export * from './effects';
export * from './jobs';
export * from './leases';
export * from './audit';
export * from './projections';
export * from './retention';
export * from './store';
