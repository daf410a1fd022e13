/**
 * `@raffle/worker-kit/sqlite`: the embedded {@link WorkerStore} on SQLite (better-sqlite3): one
 * database file owned by one process, durable on power loss (WAL, `synchronous=FULL`), a typed
 * error on a full disk. Needs `better-sqlite3` ^12 (an optional peer dependency):
 * `npm install better-sqlite3`. See docs/worker-storage.md.
 *
 * @packageDocumentation
 */
import type { WorkerStore } from '../store/types';

export { createSqliteWorkerStore, type SqliteSynchronous, type SqliteWorkerStoreOptions } from '../store/sqlite/index';
