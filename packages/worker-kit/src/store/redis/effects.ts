/**
 * The effect ledger of the Redis store: `effect:<key>` hashes and one sorted set per status
 * (`effects:<status>`, by creation time).
 *
 * @internal
 */
import { effectNotFound, effectSendConflict, effectTransitionInvalid } from '../errors';
import { EFFECT_SOURCES, checkEffectStatus, checkId, checkLimit, checkOptionalId, checkU64, checkUint, clipError, num, toJson } from '../internal';
import type {
    BeginEffectInput,
    BeginEffectResult,
    EffectLedger,
    EffectRecord,
    EffectStatus,
    ListEffectsInput,
    MarkEffectConfirmedInput,
    MarkEffectFailedInput,
    MarkEffectSentInput,
} from '../types';
import type { RedisConnection } from './connection';
import { fields, toEffect } from './fields';

const ALL_EFFECTS = 'pending,sent,confirmed,failed';

/**
 * The {@link EffectLedger} of a Redis store.
 *
 * @param db - the store's connection
 * @returns the effect operations
 */
export function redisEffectLedger(db: RedisConnection): EffectLedger {
    /** Runs `commands/effect-mark.lua` and turns its refusals into typed errors. */
    const mark = async (
        key: string,
        target: Exclude<EffectStatus, 'pending'>,
        args: { signature?: string; height?: string; error?: string; expectedSendCount?: number | null },
        now: number | undefined,
    ): Promise<EffectRecord> => {
        const reply = (await db.run('effectMark', db.key(`effect:${key}`), [
            key,
            target,
            EFFECT_SOURCES[target].join(','),
            args.signature ?? '',
            args.height ?? '',
            args.error ?? '',
            db.now(now),
            args.expectedSendCount === undefined || args.expectedSendCount === null ? '' : String(args.expectedSendCount),
        ])) as [string, string[]];
        const f = fields(reply[1]);
        if (reply[0] === 'missing') throw effectNotFound(key);
        if (reply[0] === 'invalid') throw effectTransitionInvalid(key, f.status ?? 'unknown', target);
        if (reply[0] === 'conflict') throw effectSendConflict(key, args.expectedSendCount ?? 0, num(f.sendCount));
        return toEffect(f);
    };
    return {
        async beginEffect(input: BeginEffectInput): Promise<BeginEffectResult> {
            const key = checkId('key', input.key);
            const intent = toJson('intent', input.intent);
            const reply = (await db.run('effectBegin', db.key(`effect:${key}`), [key, intent, db.now(input.now)])) as [number, string[]];
            return { created: reply[0] === 1, effect: toEffect(fields(reply[1])) };
        },

        async getEffect(key: string): Promise<EffectRecord | null> {
            const f = await (await db.client()).hgetall(db.key(`effect:${checkId('key', key)}`));
            return f.key ? toEffect(f) : null;
        },

        async markEffectSent(input: MarkEffectSentInput): Promise<EffectRecord> {
            const key = checkId('key', input.key);
            const signature = checkId('signature', input.signature);
            const height = checkU64('lastValidBlockHeight', input.lastValidBlockHeight).toString();
            const expectedSendCount = input.expectedSendCount === undefined ? null : checkUint('expectedSendCount', input.expectedSendCount);
            return mark(key, 'sent', { signature, height, expectedSendCount }, input.now);
        },

        async markEffectConfirmed(input: MarkEffectConfirmedInput): Promise<EffectRecord> {
            const key = checkId('key', input.key);
            const signature = checkOptionalId('signature', input.signature) ?? '';
            return mark(key, 'confirmed', { signature }, input.now);
        },

        async markEffectFailed(input: MarkEffectFailedInput): Promise<EffectRecord> {
            const key = checkId('key', input.key);
            return mark(key, 'failed', { error: clipError(input.error) }, input.now);
        },

        async listEffects(input: ListEffectsInput = {}): Promise<EffectRecord[]> {
            const limit = checkLimit(input.limit);
            const states = input.statuses ? input.statuses.map(checkEffectStatus).join(',') : ALL_EFFECTS;
            if (states === '') return [];
            const reply = (await db.run('effectsList', db.key('effects:pending'), [states, limit])) as string[][];
            return reply.map(r => toEffect(fields(r)));
        },
    };
}
