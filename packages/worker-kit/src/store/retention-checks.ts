/**
 * Input checks of the retention concern shared by every adapter, with the same
 * `RAFFLE_ERROR__INVALID_ARGUMENT` errors everywhere.
 *
 * @internal
 */
import { invalidArgument } from './errors';
import { checkBatch, checkEventKey, checkId, checkLimit, checkU64, checkUint, MAX_LIST_LIMIT } from './internal';
import type { EventKey, PrunableJobStatus, PruneAuditInput, PruneEffectsInput, PruneEventsInput, PruneJobsInput } from './types';

/** Most prefixes one prune call accepts. */
const MAX_PREFIXES = 100;

function checkInput(input: unknown): void {
    if (input === null || typeof input !== 'object') throw invalidArgument('input', 'expected an object');
}

function checkPrefixes(name: string, value: unknown): readonly string[] {
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.length > MAX_PREFIXES) throw invalidArgument(name, `expected an array of at most ${MAX_PREFIXES} strings`);
    return value.map((p, i) => checkId(`${name}[${i}]`, p));
}

/** A checked {@link PruneJobsInput}. */
export interface CheckedPruneJobs {
    readonly finishedBefore: number;
    readonly statuses: readonly PrunableJobStatus[];
    readonly limit: number;
}

/** Checks the input of `pruneJobs`. */
export function checkPruneJobs(input: PruneJobsInput): CheckedPruneJobs {
    checkInput(input);
    const statuses = input.statuses ?? ['completed'];
    if (!Array.isArray(statuses) || statuses.length === 0 || statuses.some(s => s !== 'completed' && s !== 'dead')) {
        throw invalidArgument('statuses', 'expected a non-empty array of completed and dead');
    }
    return { finishedBefore: checkUint('finishedBefore', input.finishedBefore), statuses: [...new Set(statuses)], limit: checkLimit(input.limit, MAX_LIST_LIMIT) };
}

/** A checked {@link PruneEventsInput}. */
export interface CheckedPruneEvents {
    readonly throughSlot: bigint;
    readonly events: readonly { readonly key: EventKey; readonly jobIds: readonly string[] }[];
}

/** Checks the input of `pruneEvents`. */
export function checkPruneEvents(input: PruneEventsInput): CheckedPruneEvents {
    checkInput(input);
    const throughSlot = checkU64('throughSlot', input.throughSlot);
    const events = checkBatch('events', input.events).map((e, i) => {
        if (e === null || typeof e !== 'object') throw invalidArgument(`events[${i}]`, 'expected { key, jobIds }');
        checkEventKey(e.key);
        if (!Array.isArray(e.jobIds) || e.jobIds.length > MAX_PREFIXES) throw invalidArgument(`events[${i}].jobIds`, `expected an array of at most ${MAX_PREFIXES} ids`);
        return { key: { signature: e.key.signature, instructionIndex: e.key.instructionIndex, eventIndex: e.key.eventIndex }, jobIds: e.jobIds.map((id, j) => checkId(`events[${i}].jobIds[${j}]`, id)) };
    });
    return { throughSlot, events };
}

/** A checked {@link PruneEffectsInput}. */
export interface CheckedPruneEffects {
    readonly updatedBefore: number;
    readonly keepKeyPrefixes: readonly string[];
    readonly limit: number;
}

/** Checks the input of `pruneEffects`. */
export function checkPruneEffects(input: PruneEffectsInput): CheckedPruneEffects {
    checkInput(input);
    return {
        updatedBefore: checkUint('updatedBefore', input.updatedBefore),
        keepKeyPrefixes: checkPrefixes('keepKeyPrefixes', input.keepKeyPrefixes),
        limit: checkLimit(input.limit, MAX_LIST_LIMIT),
    };
}

/** A checked {@link PruneAuditInput}. */
export interface CheckedPruneAudit {
    readonly before: number;
    readonly keepActionPrefixes: readonly string[];
    readonly keepSubjectPrefixes: readonly string[];
    readonly limit: number;
}

/** Checks the input of `pruneAudit`. */
export function checkPruneAudit(input: PruneAuditInput): CheckedPruneAudit {
    checkInput(input);
    return {
        before: checkUint('before', input.before),
        keepActionPrefixes: checkPrefixes('keepActionPrefixes', input.keepActionPrefixes),
        keepSubjectPrefixes: checkPrefixes('keepSubjectPrefixes', input.keepSubjectPrefixes),
        limit: checkLimit(input.limit, MAX_LIST_LIMIT),
    };
}

/** Whether `value` starts with one of `prefixes`. */
export function startsWithAny(value: string | null, prefixes: readonly string[]): boolean {
    return value !== null && prefixes.some(p => value.startsWith(p));
}
