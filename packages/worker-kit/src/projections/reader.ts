/**
 * The read side of a projection: its committed values, from the store.
 *
 * @packageDocumentation
 */
import type { ProjectionStore } from '../store/types';
import type { ProjectionReader } from './types';

/**
 * Creates the {@link ProjectionReader} of one projection.
 *
 * @param store - the worker's store
 * @param name - the projection's name
 * @returns the reader
 * @example
 * ```ts
 * const sold = await createProjectionReader(store, 'tickets-sold').get(raffle);
 * ```
 */
export function createProjectionReader(store: Pick<ProjectionStore, 'getProjectionValues' | 'listProjectionValues'>, name: string): ProjectionReader {
    return {
        get: async key => (await store.getProjectionValues(name, [key]))[0] ?? null,
        getMany: keys => store.getProjectionValues(name, keys),
        list: async (input = {}) => (await store.listProjectionValues({ ...input, namespace: name })).map(e => ({ key: e.key, value: e.value })),
    };
}
