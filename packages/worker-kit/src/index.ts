/**
 * The raffle worker engine. Under construction (issue 8): today it exports the names of the
 * events its runtime emits, which the engine and its users share.
 *
 * @packageDocumentation
 */

/**
 * Every event the worker runtime emits on its eventemitter3 instance, namespaced by concern.
 *
 * @example
 * ```ts
 * worker.on(WORKER_EVENT_NAMES[0], event => log.info(event));
 * ```
 */
export const WORKER_EVENT_NAMES = Object.freeze([
    'event:received',
    'event:finalized',
    'event:retracted',
    'handler:succeeded',
    'handler:failed',
    'job:retry',
    'job:dead',
    'lease:acquired',
    'lease:lost',
] as const);

/** The name of a worker runtime event. */
export type WorkerEventName = (typeof WORKER_EVENT_NAMES)[number];
