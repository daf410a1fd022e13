/**
 * Randomness providers: who answers a draw request. The automations send `request_draw_arcium`
 * when a raffle sells out, then hand the pending draw to the provider; a provider that answers
 * itself (the reference hash-chain draw authority, the settle fallback) returns the transaction
 * to send, and one whose answer comes from elsewhere (Arcium's MXE callback, a Switchboard
 * oracle) returns null and the automations only watch for expiry: a request not answered within
 * the provider's timeout is requested again (the program allows it after `DRAW_TIMEOUT_SLOTS`),
 * or answered by the fallback provider when one is configured.
 *
 * @packageDocumentation
 */
import type { Config, Raffle, RaffleTransactionMessage } from '@raffle/client';
import type { Account } from '@solana/kit';

import { workerConfigInvalid } from '../../core/errors';
import type { ChainTime } from '../../scheduler/chain-scheduler';
import type { JsonValue } from '../../store/types';

/**
 * A draw waiting for an answer: the raffle (DrawRequested, or timed out), the config and the clock.
 *
 * @example
 * ```ts
 * const pending: PendingDraw = { raffle, config, now };
 * ```
 */
export interface PendingDraw {
    /** The raffle, as read at `confirmed`. */
    readonly raffle: Account<Raffle>;
    /** The program's config (draw authority, commitment, settle authority). */
    readonly config: Account<Config>;
    /** The chain's clock. */
    readonly now: ChainTime;
}

/**
 * A provider's answer: the transaction that settles the draw.
 *
 * @example
 * ```ts
 * const answer: DrawAnswer = { key: `hash-chain:${hex(commitment)}`, build: () => drawCallbackTx({ drawAuthority, raffle, reveal }) };
 * ```
 */
export interface DrawAnswer {
    /**
     * What makes this answer unique for the raffle's current request (with the raffle and the
     * request slot it forms the effect's idempotency key), e.g. the commitment it answers.
     */
    readonly key: string;
    /** Builds the transaction (called for every signed version). */
    build(): Promise<RaffleTransactionMessage>;
    /** What to record in the audit log (no secrets: never the reveal before it is on chain). */
    readonly details?: JsonValue;
}

/**
 * A randomness provider.
 *
 * @example
 * ```ts
 * const provider: RandomnessProvider = createHashChainDrawProvider({ drawAuthority, seed, length: 1024 });
 * ```
 */
export interface RandomnessProvider {
    /** A short name for logs and the audit log. */
    readonly name: string;
    /**
     * Answers a pending draw, or returns null when the answer comes from outside the worker (the
     * automations then wait for `WinnerDrawn` or the timeout).
     */
    answer(draw: PendingDraw): Promise<DrawAnswer | null>;
}

/**
 * Options of {@link createExternalDrawProvider}.
 *
 * @example
 * ```ts
 * const options: ExternalDrawProviderOptions = { name: 'arcium' };
 * ```
 */
export interface ExternalDrawProviderOptions {
    /** The provider's name (`arcium`, `switchboard`). */
    readonly name: string;
}

/**
 * A provider whose answers come from outside the worker: an Arcium MXE computation calls back
 * `draw_callback` itself, a Switchboard oracle fulfils its request. The automations send the
 * request and re-request it when it expires (see docs/automations.md for each provider's
 * expiry and callback-signer rule); nothing else.
 *
 * @param options - the provider's name
 * @returns the provider
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` for a bad name
 * @example
 * ```ts
 * const arcium = createExternalDrawProvider({ name: 'arcium' });
 * ```
 */
export function createExternalDrawProvider(options: ExternalDrawProviderOptions): RandomnessProvider {
    if (!options || typeof options.name !== 'string' || !/^[a-z0-9_-]{1,32}$/.test(options.name)) {
        throw workerConfigInvalid('name', 'must be 1-32 characters of a-z, 0-9, _ and -');
    }
    return { name: options.name, answer: () => Promise.resolve(null) };
}
