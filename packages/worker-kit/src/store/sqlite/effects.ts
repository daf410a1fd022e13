/**
 * The effect ledger of the SQLite store: each transition reads the effect, checks the move and
 * writes it in one transaction.
 *
 * @internal
 */
import { effectNotFound, effectSendConflict, effectTransitionInvalid } from '../errors';
import { EFFECT_SOURCES, bigOrNull, checkEffectStatus, checkId, checkLimit, checkOptionalId, checkU64, checkUint, clipError, cloneJson, fromJson, num, toJson } from '../internal';
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
import type { Row, SqliteConnection, SqliteQueries } from './connection';

const EFFECT_COLS = 'key, intent, status, signature, last_valid_block_height, send_count, error, created_at, updated_at';
const SELECT_EFFECT = `SELECT ${EFFECT_COLS} FROM effects WHERE key = ?`;
const INSERT_EFFECT = "INSERT INTO effects (key, intent, status, created_at, updated_at) VALUES (?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING";
const UPDATE_EFFECT = 'UPDATE effects SET status = ?, signature = ?, last_valid_block_height = ?, send_count = ?, error = ?, updated_at = ? WHERE key = ?';

function toEffect(r: Row): EffectRecord {
    return {
        key: String(r.key),
        intent: fromJson(r.intent),
        status: r.status as EffectStatus,
        signature: (r.signature as string | null) ?? null,
        lastValidBlockHeight: bigOrNull(r.last_valid_block_height),
        sendCount: num(r.send_count),
        error: (r.error as string | null) ?? null,
        createdAt: num(r.created_at),
        updatedAt: num(r.updated_at),
    };
}

function readEffect(q: SqliteQueries, key: string): EffectRecord | null {
    const row = q.get(SELECT_EFFECT, key);
    return row ? toEffect(row) : null;
}

/** The effect if it may move to `to`; throws when it does not exist or may not. */
function transitionFrom(q: SqliteQueries, key: string, to: Exclude<EffectStatus, 'pending'>): EffectRecord {
    const effect = readEffect(q, key);
    if (!effect) throw effectNotFound(key);
    if (!EFFECT_SOURCES[to].includes(effect.status)) throw effectTransitionInvalid(key, effect.status, to);
    return effect;
}

function writeEffect(q: SqliteQueries, e: EffectRecord): EffectRecord {
    q.run(UPDATE_EFFECT, e.status, e.signature, e.lastValidBlockHeight, e.sendCount, e.error, e.updatedAt, e.key);
    return e;
}

/** The listing statement for a number of statuses (null: any status); then the limit. */
function listSql(statuses: number | null): string {
    const where = statuses === null ? '' : `WHERE status IN (${Array.from({ length: statuses }, () => '?').join(', ')})`;
    return `SELECT ${EFFECT_COLS} FROM effects ${where} ORDER BY created_at, key LIMIT ?`;
}

/**
 * The {@link EffectLedger} over the store's database.
 *
 * @param db - the store's connection
 * @returns the effect operations
 */
export function sqliteEffectLedger(db: SqliteConnection): EffectLedger {
    return {
        async beginEffect(input: BeginEffectInput): Promise<BeginEffectResult> {
            const key = checkId('key', input.key);
            const intent = toJson('intent', input.intent);
            const now = db.now(input.now);
            return db.write(q => {
                if (q.run(INSERT_EFFECT, key, intent, now, now) === 0) return { created: false, effect: readEffect(q, key)! };
                const effect: EffectRecord = {
                    key,
                    intent: cloneJson('intent', input.intent),
                    status: 'pending',
                    signature: null,
                    lastValidBlockHeight: null,
                    sendCount: 0,
                    error: null,
                    createdAt: now,
                    updatedAt: now,
                };
                return { created: true, effect };
            });
        },

        async getEffect(key: string): Promise<EffectRecord | null> {
            const checked = checkId('key', key);
            return db.read(q => readEffect(q, checked));
        },

        async markEffectSent(input: MarkEffectSentInput): Promise<EffectRecord> {
            const key = checkId('key', input.key);
            const signature = checkId('signature', input.signature);
            const height = checkU64('lastValidBlockHeight', input.lastValidBlockHeight);
            const expected = input.expectedSendCount === undefined ? null : checkUint('expectedSendCount', input.expectedSendCount);
            const now = db.now(input.now);
            return db.write(q => {
                const e = transitionFrom(q, key, 'sent');
                if (expected !== null && e.sendCount !== expected) throw effectSendConflict(key, expected, e.sendCount);
                return writeEffect(q, { ...e, status: 'sent', signature, lastValidBlockHeight: height, sendCount: e.sendCount + 1, updatedAt: now });
            });
        },

        async markEffectConfirmed(input: MarkEffectConfirmedInput): Promise<EffectRecord> {
            const key = checkId('key', input.key);
            const signature = checkOptionalId('signature', input.signature);
            const now = db.now(input.now);
            return db.write(q => {
                const e = transitionFrom(q, key, 'confirmed');
                if (e.status === 'confirmed' && (signature === null || signature === e.signature)) return e;
                return writeEffect(q, { ...e, status: 'confirmed', signature: signature ?? e.signature, updatedAt: now });
            });
        },

        async markEffectFailed(input: MarkEffectFailedInput): Promise<EffectRecord> {
            const key = checkId('key', input.key);
            const error = clipError(input.error);
            const now = db.now(input.now);
            return db.write(q => {
                const e = transitionFrom(q, key, 'failed');
                if (e.status === 'failed') return e;
                return writeEffect(q, { ...e, status: 'failed', error, updatedAt: now });
            });
        },

        async listEffects(input: ListEffectsInput = {}): Promise<EffectRecord[]> {
            const limit = checkLimit(input.limit);
            const statuses = input.statuses ? [...new Set(input.statuses.map(checkEffectStatus))] : null;
            if (statuses?.length === 0) return [];
            return db.read(q => q.all(listSql(statuses?.length ?? null), ...(statuses ?? []), limit).map(toEffect));
        },
    };
}
