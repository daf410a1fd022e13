/**
 * `@raffle/worker-kit/pglite`: the embedded {@link WorkerStore} on PGlite (PostgreSQL compiled
 * to WebAssembly), persisted to a data directory, with the very SQL and migrations of the
 * PostgreSQL store. Needs `@electric-sql/pglite` (an optional peer dependency):
 * `npm install @electric-sql/pglite`. See docs/worker-storage.md.
 *
 * @packageDocumentation
 */
import type { WorkerStore } from '../store/types';

export { createPgliteWorkerStore, type PgliteWorkerDatabase, type PgliteWorkerStoreOptions } from '../store/pglite/index';
export { MIGRATIONS, type Migration } from '../store/sql/migrations.generated';
