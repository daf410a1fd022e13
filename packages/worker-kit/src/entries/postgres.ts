/**
 * `@raffle/worker-kit/postgres`: the PostgreSQL {@link WorkerStore} for production and for
 * several worker replicas sharing one database, and its numbered migrations. Needs `pg` (an
 * optional peer dependency) and, to compile against its types, `@types/pg`:
 * `npm install pg @types/pg`. See docs/worker-storage.md.
 *
 * @packageDocumentation
 */
import type { WorkerStore } from '../store/types';

export { createPostgresWorkerStore, type PostgresWorkerStore, type PostgresWorkerStoreOptions } from '../store/postgres/index';
export { MIGRATIONS, type Migration } from '../store/sql/migrations.generated';
