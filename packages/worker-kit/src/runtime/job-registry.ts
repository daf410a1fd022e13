/**
 * The typed job registry: every job name a worker stores maps to one {@link JobKind}, which
 * reads the job's stored payload with a typed decoder and runs it. The job runner dispatches
 * every job through the registry: job kinds are told apart by their exact names (as stored),
 * never by prefixes or casts.
 *
 * @packageDocumentation
 */
import type { JobRecord, JsonValue } from '../store/types';
import { UnrecoverableError, workerConfigInvalid } from '../core/errors';
import type { JobControl } from './job-runner';

/**
 * What job events (`handler:succeeded`, `handler:failed`) say about a job besides its id.
 *
 * @example
 * ```ts
 * const description: JobDescription = { eventId: '5x…:0:0', handler: 'draw' };
 * ```
 */
export interface JobDescription {
    /** The event the job is about, if any. */
    readonly eventId: string | null;
    /** The handler it runs, if any. */
    readonly handler: string | null;
}

/**
 * One kind of job: how its stored payload is read and how it runs.
 *
 * @example
 * ```ts
 * const ping: JobKind<{ url: string }> = {
 *     decode: payload => ({ url: readJobPayload(payload, 'ping').string('url') }),
 *     run: async ({ url }) => void (await fetch(url)),
 * };
 * ```
 */
export interface JobKind<TPayload> {
    /** Reads a stored payload; throws an `UnrecoverableError` when it is not this kind's (the job can never run). */
    decode(payload: JsonValue): TPayload;
    /** Runs one attempt: throw to fail it (an `UnrecoverableError` dead-letters it at once). */
    run(payload: TPayload, job: JobRecord, control: JobControl): Promise<void>;
    /** What job events say about it (default: nothing). */
    describe?(payload: TPayload): JobDescription;
}

/**
 * The job kinds of a worker, by job name.
 *
 * @example
 * ```ts
 * const jobs = createJobRegistry('worker-1');
 * jobs.define('task:notify', notifyKind);
 * const runner = createJobRunner({ ..., execute: jobs.execute, describe: jobs.describe });
 * ```
 */
export interface JobRegistry {
    /** Defines the kind of the jobs named `name`; a name is defined once. */
    define<TPayload>(name: string, kind: JobKind<TPayload>): void;
    /** Whether a kind is defined for `name`. */
    has(name: string): boolean;
    /**
     * Runs a job through its kind: decodes its payload, then runs it. A job whose name has no
     * kind on this replica fails (retryable: the replicas may be mid-deploy).
     */
    execute(job: JobRecord, control: JobControl): Promise<void>;
    /** Describes a job for job events (nothing for an unknown name or a payload that does not decode). */
    describe(job: JobRecord): JobDescription;
}

/** A kind with its payload type closed over. */
interface DefinedKind {
    execute(job: JobRecord, control: JobControl): Promise<void>;
    describe(job: JobRecord): JobDescription;
}

const NOTHING: JobDescription = Object.freeze({ eventId: null, handler: null });

/**
 * Creates an empty {@link JobRegistry}.
 *
 * @param owner - this replica's id (named in the error of a job no kind runs)
 * @returns the registry
 * @example
 * ```ts
 * const jobs = createJobRegistry(owner);
 * ```
 */
export function createJobRegistry(owner: string): JobRegistry {
    const kinds = new Map<string, DefinedKind>();
    return {
        define(name, kind) {
            if (kinds.has(name)) throw workerConfigInvalid('job name', `"${name}" is already defined`);
            kinds.set(name, {
                execute: (job, control) => kind.run(kind.decode(job.payload), job, control),
                describe(job) {
                    if (!kind.describe) return NOTHING;
                    try {
                        return kind.describe(kind.decode(job.payload));
                    } catch {
                        return NOTHING;
                    }
                },
            });
        },
        has: name => kinds.has(name),
        async execute(job, control) {
            const kind = kinds.get(job.name);
            if (!kind) throw new Error(`no job kind "${job.name}" on replica ${owner}; register its handler or task on every replica`);
            await kind.execute(job, control);
        },
        describe: job => kinds.get(job.name)?.describe(job) ?? NOTHING,
    };
}

/**
 * Reads the fields of a stored job payload with their types checked: what the typed decoders of
 * job kinds are written with. A missing field or one of another type throws an
 * `UnrecoverableError` (the job can never run).
 *
 * @example
 * ```ts
 * const p = readJobPayload(job.payload, 'ingest:truncated');
 * const signature = p.string('signature');
 * ```
 */
export interface JobPayloadReader {
    /** A string field. */
    string(field: string): string;
    /** A string field that may be absent. */
    optionalString(field: string): string | null;
    /** A non-negative integer field. */
    integer(field: string): number;
    /** A field whose value is one of `values` (a kind, a version). */
    oneOf<T extends string | number>(field: string, values: readonly T[]): T;
}

/**
 * Starts reading a stored job payload (see {@link JobPayloadReader}).
 *
 * @param payload - the payload as stored
 * @param kind - the job kind, for error messages
 * @returns the reader
 * @throws an UnrecoverableError when the payload is not a JSON object
 * @example
 * ```ts
 * const p = readJobPayload(job.payload, 'ingest:undecodable');
 * const raw = p.string('raw');
 * ```
 */
export function readJobPayload(payload: JsonValue, kind: string): JobPayloadReader {
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new UnrecoverableError(`the payload of a ${kind} job is not an object`);
    return new PayloadFields(payload, kind);
}

/** {@link JobPayloadReader} over a payload object (a class: one allocation per job, no closures). */
class PayloadFields implements JobPayloadReader {
    readonly #fields: { readonly [key: string]: JsonValue };
    readonly #kind: string;

    constructor(fields: { readonly [key: string]: JsonValue }, kind: string) {
        this.#fields = fields;
        this.#kind = kind;
    }

    string(field: string): string {
        const value = this.#fields[field];
        if (typeof value !== 'string') throw this.#invalid(field, 'a string');
        return value;
    }

    optionalString(field: string): string | null {
        return this.#fields[field] === undefined ? null : this.string(field);
    }

    integer(field: string): number {
        const value = this.#fields[field];
        if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw this.#invalid(field, 'a non-negative integer');
        return value;
    }

    oneOf<T extends string | number>(field: string, values: readonly T[]): T {
        const value = this.#fields[field];
        const match = values.find(v => v === value);
        if (match === undefined) throw this.#invalid(field, `one of ${values.map(v => JSON.stringify(v)).join(', ')}`);
        return match;
    }

    #invalid(field: string, expected: string): UnrecoverableError {
        return new UnrecoverableError(`the payload of a ${this.#kind} job is invalid: "${field}" must be ${expected}`);
    }
}
