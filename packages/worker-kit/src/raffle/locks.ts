/**
 * In-process coordination of the automations: one step at a time per key (a raffle, an entry),
 * and bounded parallelism over a list.
 *
 * @packageDocumentation
 */
import type { AutomationContext } from './context';

const locks = new WeakMap<AutomationContext, Map<string, Promise<unknown>>>();

/** Runs `fn` after every earlier call for the same key in this process. @internal */
export async function withKeyLock<T>(ctx: AutomationContext, key: string, fn: () => Promise<T>): Promise<T> {
    let map = locks.get(ctx);
    if (!map) locks.set(ctx, (map = new Map()));
    const previous = map.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    map.set(key, tail);
    try {
        return await run;
    } finally {
        if (map.get(key) === tail) map.delete(key);
    }
}

/** Runs `tasks` with at most `limit` at once; rejects with the first error after all settled. @internal */
export async function runLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    let firstError: unknown = null;
    const lane = async () => {
        while (next < items.length) {
            const item = items[next++]!;
            try {
                await task(item);
            } catch (e) {
                firstError ??= e;
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
    if (firstError !== null) throw firstError;
}


const flights = new WeakMap<AutomationContext, Map<string, { running: Promise<unknown> | null; queued: Promise<unknown> | null }>>();

/**
 * Single flight with a re-run: the first caller starts `fn`; callers that arrive while it runs
 * share one more run that starts when it ends (so each caller gets a run that began after it
 * asked); callers that arrive while that run is still queued share it too.
 *
 * @internal
 */
export function coalesce<T>(ctx: AutomationContext, key: string, fn: () => Promise<T>): Promise<T> {
    let map = flights.get(ctx);
    if (!map) flights.set(ctx, (map = new Map()));
    let flight = map.get(key);
    if (!flight) map.set(key, (flight = { running: null, queued: null }));
    const f = flight;
    if (f.queued) return f.queued as Promise<T>;
    const start = (): Promise<T> => {
        const run = fn();
        f.running = run;
        const settle = () => {
            if (f.running === run) f.running = null;
            if (f.running === null && f.queued === null) map!.delete(key);
        };
        run.then(settle, settle);
        return run;
    };
    if (f.running === null) return start();
    const queued = f.running.then(
        () => undefined,
        () => undefined,
    ).then(() => {
        f.queued = null;
        return start();
    });
    f.queued = queued;
    return queued;
}
