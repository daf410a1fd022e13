/**
 * Auto-batching: many concurrent single calls (complete this job, read this event) become one
 * batch call to the store, flushed when the current turn of the event loop ends or the batch is
 * full. One round trip then serves hundreds of jobs, which is what lets the SQL and Redis
 * adapters keep up with ingestion.
 *
 * @packageDocumentation
 */

/**
 * Collects single calls into batches.
 *
 * @example
 * ```ts
 * const read = createBatcher((keys: EventKey[]) => store.getEvents(keys), 500);
 * const [a, b] = await Promise.all([read(k1), read(k2)]); // one getEvents call
 * ```
 */
export type Batcher<I, O> = (item: I) => Promise<O>;

/**
 * Creates a {@link Batcher}: `run` receives the items of one batch and returns one result per
 * item, in order; when it throws, every call of that batch rejects with the error.
 *
 * @param run - the batch operation
 * @param maxSize - the largest batch (a full batch is flushed at once)
 * @returns the single-call function
 * @example
 * ```ts
 * const complete = createBatcher(async (ids: string[]) => {
 *     const done = new Set(await store.completeJobs({ owner, ids }));
 *     return ids.map(id => done.has(id));
 * }, 500);
 * ```
 */
export function createBatcher<I, O>(run: (items: I[]) => Promise<O[]>, maxSize: number): Batcher<I, O> {
    const size = Math.max(1, Math.floor(maxSize));
    let items: I[] = [];
    let waiters: { resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
    let scheduled = false;

    function flush(): void {
        scheduled = false;
        if (items.length === 0) return;
        const batch = items;
        const pending = waiters;
        items = [];
        waiters = [];
        run(batch).then(
            results => {
                if (results.length !== batch.length) {
                    const error = new Error(`batch operation returned ${results.length} results for ${batch.length} items`);
                    for (const w of pending) w.reject(error);
                    return;
                }
                pending.forEach((w, i) => w.resolve(results[i]!));
            },
            error => {
                for (const w of pending) w.reject(error);
            },
        );
    }

    return item =>
        new Promise<O>((resolve, reject) => {
            items.push(item);
            waiters.push({ resolve, reject });
            if (items.length >= size) flush();
            else if (!scheduled) {
                scheduled = true;
                setImmediate(flush);
            }
        });
}
