/**
 * The engine side of batch projections: the registry of a worker's projections and the function
 * the ingestion's sink calls inside an atomic inbox step, which turns the events the step changed
 * into each projection's writes.
 *
 * @packageDocumentation
 */
import type { InboxEvent, JsonValue } from '../store/types';
import { compareEventPositions, eventId } from '../core/identity';
import { eventUnknown, workerConfigInvalid } from '../core/errors';
import { MAX_PROJECTION_KEY_LENGTH, type ProjectionRead, type ProjectionWrite } from '../store/types';
import type { ProjectedEvent, ProjectionDefinition, ProjectionFunction, ProjectionState } from './types';

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** A registered projection. @internal */
export interface RegisteredProjection {
    readonly name: string;
    readonly events: ReadonlySet<string>;
    readonly commitment: 'confirmed' | 'finalized';
    readonly apply: ProjectionFunction<string, unknown>;
    readonly retract: ProjectionFunction<string, unknown> | null;
}

/**
 * The projections of a worker.
 *
 * @example
 * ```ts
 * const projections = createProjectionRegistry(decoder.names);
 * projections.add('tickets-sold', { events: ['TicketsPurchased'], apply });
 * ```
 */
export interface ProjectionRegistry {
    /** Adds a projection; throws a typed error on a bad name or definition. */
    add(name: string, definition: ProjectionDefinition): void;
    /** Whether some projection reads events of this name. */
    reads(eventName: string): boolean;
    /** Whether any projection is registered. */
    readonly size: number;
    /** Whether a projection of that name exists. */
    has(name: string): boolean;
}

/** The registry with the data the engine needs. @internal */
export interface ProjectionRegistryInternal extends ProjectionRegistry {
    all(): readonly RegisteredProjection[];
}

/**
 * Creates a {@link ProjectionRegistry} that accepts only the given event names.
 *
 * @param eventNames - the decoder table's names
 * @returns the registry
 * @example
 * ```ts
 * const registry = createProjectionRegistry(['TicketsPurchased']);
 * ```
 */
export function createProjectionRegistry(eventNames: readonly string[]): ProjectionRegistryInternal {
    const list: RegisteredProjection[] = [];
    const read = new Set<string>();
    return {
        add(name, definition) {
            if (!NAME.test(name)) throw workerConfigInvalid('projection name', 'use 1-64 characters among A-Z a-z 0-9 _ . - (it names the projection state)');
            if (list.some(p => p.name === name)) throw workerConfigInvalid('projection name', `a projection named ${name} exists`);
            if (definition === null || typeof definition !== 'object') throw workerConfigInvalid(`projection ${name}`, 'must be an object { events, apply }');
            if (!Array.isArray(definition.events) || definition.events.length === 0) throw workerConfigInvalid(`projection ${name}.events`, 'must list at least one event name');
            for (const e of definition.events) if (!eventNames.includes(e)) throw eventUnknown(e, eventNames);
            if (typeof definition.apply !== 'function') throw workerConfigInvalid(`projection ${name}.apply`, 'must be a function');
            if (definition.retract !== undefined && typeof definition.retract !== 'function') throw workerConfigInvalid(`projection ${name}.retract`, 'must be a function');
            const commitment = definition.commitment ?? 'confirmed';
            if (commitment !== 'confirmed' && commitment !== 'finalized') throw workerConfigInvalid(`projection ${name}.commitment`, "must be 'confirmed' or 'finalized'");
            if (commitment === 'finalized' && definition.retract !== undefined) throw workerConfigInvalid(`projection ${name}.retract`, 'a finalized projection is never retracted');
            list.push({ name, events: new Set(definition.events), commitment, apply: definition.apply, retract: definition.retract ?? null });
            for (const e of definition.events) read.add(e);
        },
        reads: eventName => read.has(eventName),
        get size() {
            return list.length;
        },
        has: name => list.some(p => p.name === name),
        all: () => list,
    };
}

/**
 * Computes the projection writes of the events an atomic step changed.
 *
 * @example
 * ```ts
 * const writes = await project(changed, read);
 * ```
 */
export type ProjectWrites = (changed: readonly InboxEvent[], read: ProjectionRead) => Promise<ProjectionWrite[]>;

/** Where the events of an atomic step come from: decides which projection function runs. */
export type ProjectionStep = 'record' | 'transition';

function checkKey(projection: string, key: string): void {
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_PROJECTION_KEY_LENGTH) {
        throw workerConfigInvalid(`projection ${projection} key`, `must be a string of 1-${MAX_PROJECTION_KEY_LENGTH} characters`);
    }
}

/** The state one projection sees during one step: committed values overlaid with its own writes. */
function stateOf(namespace: string, read: ProjectionRead, writes: Map<string, JsonValue | null>): ProjectionState {
    const getMany = async (keys: readonly string[]): Promise<(JsonValue | null)[]> => {
        const missing = keys.filter(k => !writes.has(k));
        const loaded = missing.length === 0 ? [] : await read(namespace, missing);
        const byKey = new Map<string, JsonValue | null>();
        missing.forEach((k, i) => byKey.set(k, loaded[i] ?? null));
        return keys.map(k => (writes.has(k) ? writes.get(k)! : (byKey.get(k) ?? null)));
    };
    return {
        get: async key => (await getMany([key]))[0] ?? null,
        getMany,
        set(key, value) {
            checkKey(namespace, key);
            if (value === null || value === undefined) throw workerConfigInvalid(`projection ${namespace} value`, 'must be a JSON value; use delete() to remove a key');
            writes.set(key, value);
        },
        delete(key) {
            checkKey(namespace, key);
            writes.set(key, null);
        },
    };
}

/** Which projection function handles an event changed by a step, if any. */
function functionFor(p: RegisteredProjection, event: InboxEvent, step: ProjectionStep): ProjectionFunction<string, unknown> | null {
    if (!p.events.has(event.name)) return null;
    if (event.commitment === 'retracted') return step === 'transition' && p.commitment === 'confirmed' ? p.retract : null;
    if (p.commitment === 'finalized') return event.commitment === 'finalized' ? p.apply : null;
    // A confirmed projection applies when the event is first recorded (confirmed or already final).
    return step === 'record' && (event.commitment === 'confirmed' || event.commitment === 'finalized') ? p.apply : null;
}

/**
 * Builds the {@link ProjectWrites} of one atomic step: each projection receives, in chain order,
 * the changed events it reads, decoded, and its writes are collected.
 *
 * @param projections - the registry
 * @param step - `record` (events inserted) or `transition` (commitment moved)
 * @param decode - the decoded data of an inbox event
 * @returns the function to call from the step's plan
 * @example
 * ```ts
 * const project = projectChanges(projections, 'record', e => decoded.get(eventId(e)));
 * await store.recordEventsWith(inputs, async (changed, read) => ({ writes: await project(changed, read) }));
 * ```
 */
export function projectChanges(projections: ProjectionRegistryInternal, step: ProjectionStep, decode: (event: InboxEvent) => unknown): ProjectWrites {
    return async (changed, read) => {
        const ordered = [...changed].sort(compareEventPositions);
        const writes: ProjectionWrite[] = [];
        for (const p of projections.all()) {
            const byFunction = new Map<ProjectionFunction<string, unknown>, ProjectedEvent[]>();
            for (const event of ordered) {
                const fn = functionFor(p, event, step);
                if (fn === null) continue;
                const batch = byFunction.get(fn) ?? [];
                batch.push({
                    id: eventId(event),
                    name: event.name,
                    data: decode(event),
                    signature: event.signature,
                    instructionIndex: event.instructionIndex,
                    eventIndex: event.eventIndex,
                    slot: event.slot,
                });
                byFunction.set(fn, batch);
            }
            if (byFunction.size === 0) continue;
            const own = new Map<string, JsonValue | null>();
            const state = stateOf(p.name, read, own);
            for (const [fn, batch] of byFunction) await fn(batch, state);
            for (const [key, value] of own) writes.push({ namespace: p.name, key, value });
        }
        return writes;
    };
}
