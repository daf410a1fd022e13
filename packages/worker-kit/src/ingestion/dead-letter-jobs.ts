/**
 * What ingestion's dead letters do when redriven, as job kinds of the worker's job registry: an
 * undecodable event is decoded again (the decoder table may know it now) and recorded like a
 * fresh observation; a truncated transaction is read again (the node may serve its complete logs
 * now) and recorded through the pipeline's sink.
 *
 * @packageDocumentation
 */
import type { Address, GetTransactionApi, Rpc } from '@solana/kit';

import { transactionUnavailable, UnrecoverableError } from '../core/errors';
import { eventId } from '../core/identity';
import type { JobKind } from '../runtime/job-registry';
import { decodeTruncatedJobPayload, decodeUndecodableJobPayload, type TruncatedJobPayload, type UndecodableJobPayload } from './dead-letters';
import { extractProgramEvents } from './decoder';
import { type InboxContext, recordObservedEvents } from './inbox';
import { succeeded } from './pipeline';
import { fetchObservedTransaction } from './sources/fetch-transaction';
import type { EventSink } from './sources/types';

/**
 * The kind of `ingest:undecodable` jobs: fails again (unrecoverable) while the payload still does
 * not decode, else records the event (and enqueues its handlers' jobs).
 *
 * @param inbox - the inbox context (its decoder is the worker's current table)
 * @returns the job kind
 * @example
 * ```ts
 * jobs.define(UNDECODABLE_JOB_NAME, createUndecodableJobKind(inbox));
 * ```
 */
export function createUndecodableJobKind(inbox: InboxContext): JobKind<UndecodableJobPayload> {
    return {
        decode: decodeUndecodableJobPayload,
        async run(p) {
            if (inbox.decoder.decode(p.raw).kind !== 'decoded') throw new UnrecoverableError(`undecodable event ${eventId(p)}: ${p.reason}`);
            const observed = { signature: p.signature, instructionIndex: p.instructionIndex, eventIndex: p.eventIndex, slot: BigInt(p.slot), raw: p.raw };
            await recordObservedEvents(inbox, [observed], 'confirmed', 'redrive');
        },
        describe: p => ({ eventId: eventId(p), handler: null }),
    };
}

/** The context of {@link createTruncatedJobKind}. */
export interface TruncatedJobContext {
    readonly rpc: Rpc<GetTransactionApi>;
    readonly programAddress: Address;
    /** The pipeline's sink. */
    readonly sink: EventSink;
}

/**
 * The kind of `ingest:truncated` jobs: reads the transaction again; fails again (unrecoverable)
 * while its logs are still truncated, else records its events.
 *
 * @param ctx - RPC, program and the pipeline's sink
 * @returns the job kind
 * @example
 * ```ts
 * jobs.define(TRUNCATED_JOB_NAME, createTruncatedJobKind({ rpc, programAddress, sink: ingestion.sink }));
 * ```
 */
export function createTruncatedJobKind(ctx: TruncatedJobContext): JobKind<TruncatedJobPayload> {
    return {
        decode: decodeTruncatedJobPayload,
        async run(p) {
            const tx = await fetchObservedTransaction(ctx.rpc, p.signature);
            if (tx === null) throw transactionUnavailable(p.signature, 'the node does not return it');
            if (!succeeded(tx)) return;
            if (extractProgramEvents(tx.logs, ctx.programAddress).truncated) throw new UnrecoverableError(`transaction ${p.signature}: ${p.reason}`);
            await ctx.sink.record([tx], { origin: 'backfill' });
        },
    };
}
