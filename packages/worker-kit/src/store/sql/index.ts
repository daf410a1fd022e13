/**
 * The {@link WorkerStore} over PostgreSQL SQL, shared by the PostgreSQL (`pg`) and the embedded
 * PGlite adapters through a small driver (`driver.ts`). One file per concern; the statements
 * are the `queries/*.sql` files and the schema the numbered `migrations/*.sql` files, both
 * embedded by `tools/gen-embedded.ts`. Every decision is one statement (atomic under READ
 * COMMITTED): `INSERT ... ON CONFLICT` for insert-if-absent and leases, `UPDATE ... WHERE
 * <state>` for compare-and-set, `FOR UPDATE SKIP LOCKED` for claims; the atomic inbox steps
 * (`projections.ts`) are one transaction each, serialized by an advisory lock, which
 * `pruneEvents` (`retention.ts`) takes too.
 *
 * @internal
 */
import type { WorkerStore } from '../types';
import { sqlAuditLog } from './audit';
import { SqlConnection, type SqlWorkerStoreOptions } from './connection';
import { sqlCursorStore } from './cursor';
import { sqlEffectLedger } from './effects';
import { sqlEventInbox } from './inbox';
import { sqlJobQueue } from './jobs';
import { sqlLeaseStore } from './leases';
import { sqlProjectionStore } from './projections';
import { sqlRetentionStore } from './retention';

export type { SqlWorkerStoreOptions } from './connection';

/** A SQL store, with access to its schema. */
export interface SqlWorkerStore extends WorkerStore {
    /** The schema holding the tables. */
    readonly schema: string;
}

/**
 * Creates the SQL store of an adapter.
 *
 * @param options - the adapter's name, schema, `connect` and the shared store options
 * @returns a store; `ready()` connects and migrates
 */
export function createSqlWorkerStore(options: SqlWorkerStoreOptions): SqlWorkerStore {
    const db = new SqlConnection(options);
    return {
        kind: options.kind,
        schema: options.schema,
        ready: () => db.ready(),
        close: () => db.close(),
        ...sqlCursorStore(db),
        ...sqlEventInbox(db),
        ...sqlEffectLedger(db),
        ...sqlJobQueue(db),
        ...sqlLeaseStore(db),
        ...sqlAuditLog(db),
        ...sqlProjectionStore(db),
        ...sqlRetentionStore(db),
    };
}
