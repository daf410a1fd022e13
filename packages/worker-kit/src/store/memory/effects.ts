/**
 * The effect ledger of the in-memory store.
 *
 * @internal
 */
import { effectNotFound, effectSendConflict, effectTransitionInvalid } from '../errors';
import { EFFECT_SOURCES, checkEffectStatus, checkId, checkLimit, checkOptionalId, checkU64, checkUint, clipError, freezeJson } from '../internal';
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
import { type MemoryState, type Stored, assertOpen, compareText, nowOf } from './state';

/**
 * The {@link EffectLedger} over the store's data.
 *
 * @param state - the store's data
 * @returns the effect operations
 */
export function memoryEffectLedger(state: MemoryState): EffectLedger {
    /** The effect, if it may move to `to`. */
    const transition = (key: string, to: Exclude<EffectStatus, 'pending'>): Stored<EffectRecord> => {
        const e = state.effects.get(key);
        if (!e) throw effectNotFound(key);
        if (!EFFECT_SOURCES[to].includes(e.status)) throw effectTransitionInvalid(key, e.status, to);
        return e;
    };
    return {
        async beginEffect(input: BeginEffectInput): Promise<BeginEffectResult> {
            assertOpen(state);
            const key = checkId('key', input.key);
            const intent = freezeJson('intent', input.intent);
            const now = nowOf(state, input.now);
            const existing = state.effects.get(key);
            if (existing) return { created: false, effect: { ...existing } };
            const e: Stored<EffectRecord> = {
                key,
                intent,
                status: 'pending',
                signature: null,
                lastValidBlockHeight: null,
                sendCount: 0,
                error: null,
                createdAt: now,
                updatedAt: now,
            };
            state.effects.set(key, e);
            return { created: true, effect: { ...e } };
        },

        async getEffect(key: string): Promise<EffectRecord | null> {
            assertOpen(state);
            const e = state.effects.get(checkId('key', key));
            return e ? { ...e } : null;
        },

        async markEffectSent(input: MarkEffectSentInput): Promise<EffectRecord> {
            assertOpen(state);
            const key = checkId('key', input.key);
            const signature = checkId('signature', input.signature);
            const height = checkU64('lastValidBlockHeight', input.lastValidBlockHeight);
            const expected = input.expectedSendCount === undefined ? null : checkUint('expectedSendCount', input.expectedSendCount);
            const now = nowOf(state, input.now);
            const e = transition(key, 'sent');
            if (expected !== null && e.sendCount !== expected) throw effectSendConflict(key, expected, e.sendCount);
            Object.assign(e, { status: 'sent', signature, lastValidBlockHeight: height, sendCount: e.sendCount + 1, updatedAt: now });
            return { ...e };
        },

        async markEffectConfirmed(input: MarkEffectConfirmedInput): Promise<EffectRecord> {
            assertOpen(state);
            const key = checkId('key', input.key);
            const signature = checkOptionalId('signature', input.signature);
            const now = nowOf(state, input.now);
            const e = transition(key, 'confirmed');
            if (e.status === 'confirmed' && (signature === null || signature === e.signature)) return { ...e };
            Object.assign(e, { status: 'confirmed', signature: signature ?? e.signature, updatedAt: now });
            return { ...e };
        },

        async markEffectFailed(input: MarkEffectFailedInput): Promise<EffectRecord> {
            assertOpen(state);
            const key = checkId('key', input.key);
            const error = clipError(input.error);
            const now = nowOf(state, input.now);
            const e = transition(key, 'failed');
            if (e.status === 'failed') return { ...e };
            Object.assign(e, { status: 'failed', error, updatedAt: now });
            return { ...e };
        },

        async listEffects(input: ListEffectsInput = {}): Promise<EffectRecord[]> {
            assertOpen(state);
            const limit = checkLimit(input.limit);
            const states = input.statuses ? new Set(input.statuses.map(checkEffectStatus)) : null;
            return [...state.effects.values()]
                .filter(e => !states || states.has(e.status))
                .sort((a, b) => a.createdAt - b.createdAt || compareText(a.key, b.key))
                .slice(0, limit)
                .map(e => ({ ...e }));
        },
    };
}
