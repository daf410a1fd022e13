/**
 * The push source: transactions another system delivers (a webhook such as Helius', a Geyser
 * relay, an archive), handed in with {@link PushSource.push}. Every replica accepts them,
 * leader or not; the worker's own backfill later finds the same transactions and records
 * nothing more, and the leader's finality tracker finalizes or retracts their events.
 *
 * @packageDocumentation
 */
import { workerConfigInvalid, workerStateInvalid } from '../../core/errors';
import type { EventSink, EventSource, ObservedTransaction } from './types';

/**
 * The push source: records what is pushed through the sink it runs with.
 *
 * @example
 * ```ts
 * const push = createPushSource();
 * void push.run(sink, lifetime);
 * await push.push(parseHeliusRawWebhook(body));
 * ```
 */
export interface PushSource extends EventSource {
    /**
     * Checks pushed transactions (hostile input: a webhook body) and records them with one batch
     * of store calls per commitment.
     *
     * @throws a RaffleError (INVALID_ARGUMENT) on a malformed transaction, nothing recorded then;
     * (WORKER__STATE_INVALID) when the source is not running
     */
    push(transactions: readonly ObservedTransaction[]): Promise<{ events: number; truncated: number }>;
}

/**
 * Creates a push source. It accepts pushes while it runs: from `run(sink, signal)` until
 * `signal` aborts.
 *
 * @returns the source
 * @example
 * ```ts
 * const push = createPushSource();
 * void push.run(sink, stopController.signal);
 * ```
 */
export function createPushSource(): PushSource {
    let attached: EventSink | null = null;
    return {
        name: 'push',
        run(sink, signal) {
            attached = sink;
            return new Promise<void>(resolve => {
                const detach = () => {
                    if (attached === sink) attached = null;
                    resolve();
                };
                if (signal.aborted) detach();
                else signal.addEventListener('abort', detach, { once: true });
            });
        },
        async push(transactions) {
            if (!Array.isArray(transactions)) throw workerConfigInvalid('transactions', 'expected an array');
            transactions.forEach(assertObservedTransaction);
            if (attached === null) throw workerStateInvalid('push transactions', 'not running');
            const { events, truncated } = await attached.record(transactions);
            return { events, truncated };
        },
    };
}

/** Checks one pushed transaction. */
function assertObservedTransaction(tx: ObservedTransaction, index: number): void {
    const at = `transactions[${index}]`;
    if (!tx || typeof tx !== 'object') throw workerConfigInvalid(at, 'expected { signature, slot, logs, err }');
    if (typeof tx.signature !== 'string' || !/^[1-9A-HJ-NP-Za-km-z]{64,88}$/.test(tx.signature)) throw workerConfigInvalid(`${at}.signature`, 'expected a base58 transaction signature');
    if (typeof tx.slot !== 'bigint' || tx.slot < 0n) throw workerConfigInvalid(`${at}.slot`, 'expected a non-negative bigint');
    if (!Array.isArray(tx.logs) || !tx.logs.every(line => typeof line === 'string')) throw workerConfigInvalid(`${at}.logs`, 'expected an array of strings');
    if (!('err' in tx)) throw workerConfigInvalid(`${at}.err`, 'is required: null for a successful transaction, the error otherwise');
    if (tx.commitment !== undefined && tx.commitment !== 'confirmed' && tx.commitment !== 'finalized') throw workerConfigInvalid(`${at}.commitment`, 'expected confirmed or finalized');
}
