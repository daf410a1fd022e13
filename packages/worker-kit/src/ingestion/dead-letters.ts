/**
 * The dead letters ingestion writes, as jobs of one attempt that fail at once so that they show
 * up among the dead letters with what a redrive needs: an event payload the decoder table does
 * not know (`ingest:undecodable`, with its raw data) and a transaction whose logs were truncated
 * (`ingest:truncated`). Their names, ids and payloads are stored: they never change.
 *
 * @packageDocumentation
 */
import type { EnqueueJobInput, EventKey, JsonValue } from '../store/types';
import { eventId } from '../core/identity';
import { readJobPayload } from '../runtime/job-registry';

/**
 * The job name of transactions whose logs are truncated.
 *
 * @example
 * ```ts
 * const truncated = (await worker.deadLetters.list()).filter(j => j.name === TRUNCATED_JOB_NAME);
 * ```
 */
export const TRUNCATED_JOB_NAME = 'ingest:truncated';

/**
 * The job name of undecodable events.
 *
 * @example
 * ```ts
 * const undecodable = (await worker.deadLetters.list()).filter(j => j.name === UNDECODABLE_JOB_NAME);
 * ```
 */
export const UNDECODABLE_JOB_NAME = 'ingest:undecodable';

/**
 * The payload of an undecodable-event dead letter: the raw data and where it came from. A
 * redrive decodes it again (e.g. after the decoder table was updated).
 *
 * @example
 * ```ts
 * const { raw, reason } = decodeUndecodableJobPayload(deadLetter.payload);
 * ```
 */
export interface UndecodableJobPayload {
    readonly v: 1;
    readonly signature: string;
    readonly instructionIndex: number;
    readonly eventIndex: number;
    readonly slot: string;
    readonly raw: string;
    readonly reason: string;
}

/**
 * The payload of a truncated-logs dead letter: the transaction whose logs lost lines.
 *
 * @example
 * ```ts
 * const { signature } = decodeTruncatedJobPayload(deadLetter.payload);
 * ```
 */
export interface TruncatedJobPayload {
    readonly v: 1;
    readonly signature: string;
    readonly slot: string;
    readonly reason: string;
}

/**
 * The dead letter of an event payload that does not decode (id `<event id>:undecodable`).
 *
 * @param payload - where the payload was found, and its raw data
 * @param reason - why it does not decode
 * @param queue - the worker's queue
 * @returns the job to enqueue
 * @example
 * ```ts
 * await store.enqueueJobs([undecodableJob({ signature, instructionIndex: 0, eventIndex: 0, slot, raw }, 'unknown discriminator', queue)]);
 * ```
 */
export function undecodableJob(payload: EventKey & { readonly slot: bigint; readonly raw: string }, reason: string, queue: string): EnqueueJobInput {
    return {
        id: `${eventId(payload)}:undecodable`,
        queue,
        name: UNDECODABLE_JOB_NAME,
        maxAttempts: 1,
        payload: {
            v: 1,
            signature: payload.signature,
            instructionIndex: payload.instructionIndex,
            eventIndex: payload.eventIndex,
            slot: payload.slot.toString(),
            raw: payload.raw,
            reason,
        } satisfies UndecodableJobPayload,
    };
}

/**
 * The dead letter of a transaction whose logs are truncated (id `<signature>:truncated`).
 *
 * @param tx - the transaction's signature and slot
 * @param queue - the worker's queue
 * @returns the job to enqueue
 * @example
 * ```ts
 * await store.enqueueJobs([truncatedJob({ signature, slot }, queue)]);
 * ```
 */
export function truncatedJob(tx: { readonly signature: string; readonly slot: bigint }, queue: string): EnqueueJobInput {
    return {
        id: `${tx.signature}:truncated`,
        queue,
        name: TRUNCATED_JOB_NAME,
        maxAttempts: 1,
        payload: {
            v: 1,
            signature: tx.signature,
            slot: tx.slot.toString(),
            reason: 'the logs are truncated (Log truncated): events after the cut are missing; redrive to read the transaction again',
        } satisfies TruncatedJobPayload,
    };
}

/**
 * Reads an undecodable-event dead letter's payload.
 *
 * @param payload - the payload as stored
 * @returns the typed payload
 * @throws an UnrecoverableError when it is not one
 * @example
 * ```ts
 * const { raw } = decodeUndecodableJobPayload(job.payload);
 * ```
 */
export function decodeUndecodableJobPayload(payload: JsonValue): UndecodableJobPayload {
    const p = readJobPayload(payload, UNDECODABLE_JOB_NAME);
    return {
        v: p.oneOf('v', [1] as const),
        signature: p.string('signature'),
        instructionIndex: p.integer('instructionIndex'),
        eventIndex: p.integer('eventIndex'),
        slot: p.string('slot'),
        raw: p.string('raw'),
        reason: p.string('reason'),
    };
}

/**
 * Reads a truncated-logs dead letter's payload.
 *
 * @param payload - the payload as stored
 * @returns the typed payload
 * @throws an UnrecoverableError when it is not one
 * @example
 * ```ts
 * const { signature } = decodeTruncatedJobPayload(job.payload);
 * ```
 */
export function decodeTruncatedJobPayload(payload: JsonValue): TruncatedJobPayload {
    const p = readJobPayload(payload, TRUNCATED_JOB_NAME);
    return { v: p.oneOf('v', [1] as const), signature: p.string('signature'), slot: p.string('slot'), reason: p.string('reason') };
}
