/**
 * The effect ledger of the SQL store: insert-if-absent and compare-and-set updates, each one
 * statement; a refused move is explained from the current row.
 *
 * @internal
 */
import { backendFailed, effectNotFound, effectSendConflict, effectTransitionInvalid } from '../errors';
import { EFFECT_SOURCES, checkEffectStatus, checkId, checkLimit, checkOptionalId, checkU64, checkUint, clipError, toJson } from '../internal';
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
import type { SqlConnection } from './connection';
import { toEffect } from './rows';

/**
 * The {@link EffectLedger} of a SQL store.
 *
 * @param db - the store's connection
 * @returns the effect operations
 */
export function sqlEffectLedger(db: SqlConnection): EffectLedger {
    const getEffect = async (key: string): Promise<EffectRecord | null> => {
        const rows = await db.query(db.sql.effectGet, [checkId('key', key)]);
        return rows[0] ? toEffect(rows[0]) : null;
    };
    /** Throws why the effect could not move to `to`. */
    const transitionFailed = async (key: string, to: EffectStatus): Promise<never> => {
        const current = await getEffect(key);
        if (!current) throw effectNotFound(key);
        throw effectTransitionInvalid(key, current.status, to);
    };
    return {
        getEffect,

        async beginEffect(input: BeginEffectInput): Promise<BeginEffectResult> {
            const key = checkId('key', input.key);
            const intent = toJson('intent', input.intent);
            const rows = await db.query(db.sql.effectBegin, [key, intent, db.now(input.now)]);
            if (rows[0]) return { created: true, effect: toEffect(rows[0]) };
            const existing = await getEffect(key);
            if (!existing) throw backendFailed(db.kind, `effect ${key} conflicted on insert but cannot be read`);
            return { created: false, effect: existing };
        },

        async markEffectSent(input: MarkEffectSentInput): Promise<EffectRecord> {
            const key = checkId('key', input.key);
            const signature = checkId('signature', input.signature);
            const height = checkU64('lastValidBlockHeight', input.lastValidBlockHeight).toString();
            const expected = input.expectedSendCount === undefined ? null : checkUint('expectedSendCount', input.expectedSendCount);
            const rows = await db.query(db.sql.effectMarkSent, [key, signature, height, db.now(input.now), EFFECT_SOURCES.sent.join(','), expected]);
            if (rows[0]) return toEffect(rows[0]);
            const current = await getEffect(key);
            if (current && expected !== null && EFFECT_SOURCES.sent.includes(current.status) && current.sendCount !== expected) {
                throw effectSendConflict(key, expected, current.sendCount);
            }
            return transitionFailed(key, 'sent');
        },

        async markEffectConfirmed(input: MarkEffectConfirmedInput): Promise<EffectRecord> {
            const key = checkId('key', input.key);
            const signature = checkOptionalId('signature', input.signature);
            const rows = await db.query(db.sql.effectMarkConfirmed, [key, signature, db.now(input.now), EFFECT_SOURCES.confirmed.join(',')]);
            return rows[0] ? toEffect(rows[0]) : transitionFailed(key, 'confirmed');
        },

        async markEffectFailed(input: MarkEffectFailedInput): Promise<EffectRecord> {
            const key = checkId('key', input.key);
            const error = clipError(input.error);
            const rows = await db.query(db.sql.effectMarkFailed, [key, error, db.now(input.now), EFFECT_SOURCES.failed.join(',')]);
            return rows[0] ? toEffect(rows[0]) : transitionFailed(key, 'failed');
        },

        async listEffects(input: ListEffectsInput = {}): Promise<EffectRecord[]> {
            const limit = checkLimit(input.limit);
            const states = input.statuses ? input.statuses.map(checkEffectStatus).join(',') : null;
            const rows = await db.query(db.sql.effectsList, [states, limit]);
            return rows.map(toEffect);
        },
    };
}
