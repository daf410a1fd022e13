/**
 * The effect concern: the idempotency ledger of what the worker does on chain.
 *
 * @packageDocumentation
 */
import type { ClockOptions, JsonValue } from './common';

/**
 * Where an effect is: `pending` (intent recorded, nothing sent), `sent` (a transaction was
 * sent; its signature and last valid block height are known), `confirmed` and `failed`
 * (terminal). Allowed moves: pending -> sent | confirmed | failed; sent -> sent (re-sent with a
 * new signature after its blockhash expired) | confirmed | failed.
 */
export type EffectStatus = 'pending' | 'sent' | 'confirmed' | 'failed';

/** One entry of the effect ledger. */
export interface EffectRecord {
    /** The deterministic idempotency key, e.g. `draw:<raffle>`. */
    readonly key: string;
    /** What the worker intends to do, as JSON. Never changes after creation. */
    readonly intent: JsonValue;
    /** Where the effect is. */
    readonly status: EffectStatus;
    /** The signature of the last transaction sent for it. */
    readonly signature: string | null;
    /** The last block height at which that transaction can land. */
    readonly lastValidBlockHeight: bigint | null;
    /** How many transactions were sent for it. */
    readonly sendCount: number;
    /** Why it failed (set with `failed`). */
    readonly error: string | null;
    /** When it was created (ms). */
    readonly createdAt: number;
    /** When it last changed (ms). */
    readonly updatedAt: number;
}

/** Input of {@link EffectLedger.beginEffect}. */
export interface BeginEffectInput extends ClockOptions {
    /** The deterministic idempotency key. */
    key: string;
    /** What the worker intends to do. */
    intent: JsonValue;
}

/** Result of {@link EffectLedger.beginEffect}. */
export interface BeginEffectResult {
    /** True when this call created the entry; false when it existed (it is then unchanged). */
    readonly created: boolean;
    /** The entry. */
    readonly effect: EffectRecord;
}

/** Input of {@link EffectLedger.markEffectSent}. */
export interface MarkEffectSentInput extends ClockOptions {
    /** The idempotency key. */
    key: string;
    /** The signature of the transaction just sent. */
    signature: string;
    /** The last valid block height of its blockhash. */
    lastValidBlockHeight: bigint;
    /**
     * Compare-and-set: the `sendCount` the caller read. When another runner recorded a send
     * since, the call throws `RAFFLE_ERROR__WORKER__EFFECT_SEND_CONFLICT` and changes nothing,
     * so two runners of one job can never both send. Omit to record unconditionally.
     */
    expectedSendCount?: number;
}

/** Input of {@link EffectLedger.markEffectConfirmed}. */
export interface MarkEffectConfirmedInput extends ClockOptions {
    /** The idempotency key. */
    key: string;
    /** The signature that landed, when it differs from the last one sent or none was recorded. */
    signature?: string;
}

/** Input of {@link EffectLedger.markEffectFailed}. */
export interface MarkEffectFailedInput extends ClockOptions {
    /** The idempotency key. */
    key: string;
    /** Why it failed (no secrets). */
    error: string;
}

/** Filter of {@link EffectLedger.listEffects}. */
export interface ListEffectsInput {
    /** Only effects in one of these states; every state when omitted. */
    statuses?: readonly EffectStatus[];
    /** At most this many (default 100, at most 1000), oldest first. */
    limit?: number;
}

/**
 * The effect ledger: an intent is recorded before anything is sent, every send is recorded,
 * and the outcome is final, so that a crash between two steps never makes an effect happen twice.
 *
 * @example
 * ```ts
 * const { effect } = await store.beginEffect({ key: `draw:${raffle}`, intent: { raffle } });
 * if (effect.status === 'pending') await store.markEffectSent({ key: effect.key, signature, lastValidBlockHeight, expectedSendCount: 0 });
 * ```
 */
export interface EffectLedger {
    /**
     * Records the intent of an effect if its key is absent.
     * @param input - key and intent
     * @returns whether this call created it, and the entry (the existing one when not created)
     */
    beginEffect(input: BeginEffectInput): Promise<BeginEffectResult>;
    /**
     * Reads one effect.
     * @param key - its idempotency key
     * @returns the entry, or null
     */
    getEffect(key: string): Promise<EffectRecord | null>;
    /**
     * Records that a transaction was sent for a `pending` or `sent` effect.
     * @param input - key, signature and last valid block height
     * @returns the updated entry
     * @throws RaffleError when the effect does not exist or is `confirmed` / `failed`, or (`EFFECT_SEND_CONFLICT`) when `expectedSendCount` is stale
     */
    markEffectSent(input: MarkEffectSentInput): Promise<EffectRecord>;
    /**
     * Records that the effect landed. Idempotent on a `confirmed` effect.
     * @param input - key and, optionally, the signature that landed
     * @returns the updated entry
     * @throws RaffleError when the effect does not exist or is `failed`
     */
    markEffectConfirmed(input: MarkEffectConfirmedInput): Promise<EffectRecord>;
    /**
     * Records that the effect will not happen. Idempotent on a `failed` effect.
     * @param input - key and reason
     * @returns the updated entry
     * @throws RaffleError when the effect does not exist or is `confirmed`
     */
    markEffectFailed(input: MarkEffectFailedInput): Promise<EffectRecord>;
    /**
     * Lists effects, oldest first (e.g. the `pending` and `sent` ones to resolve after a restart).
     * @param input - filters
     * @returns the entries
     */
    listEffects(input?: ListEffectsInput): Promise<EffectRecord[]>;
}
