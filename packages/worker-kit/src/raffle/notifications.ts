/**
 * `registerRaffleNotifications(worker, options)`: notifications of what happened to raffles
 * (winner drawn, prize delivered, refunds paid, refund tickets issued, automations failing,
 * spending held), delivered by a {@link Notifier} as durable tasks of the worker's queue.
 *
 * @packageDocumentation
 */
import { asError, emitSafely } from '../core/events';
import { UnrecoverableError, workerConfigInvalid } from '../core/errors';
import type { JsonValue } from '../store/types';
import type { Worker } from '../worker';
import { redactSecrets } from '../ops/logger';
import { assertNotification, type Notification, NOTIFICATION_TYPES, type NotificationType, type Notifier } from '../ops/notify';
import type { RaffleAutomations, RaffleEvents } from './automations';
import type { RaffleAutomationEvents } from './context';

/** The task (and handler) name of notification deliveries. */
const TASK = 'raffle.notify';
const HOUR_MS = 3_600_000;

/**
 * Options of {@link registerRaffleNotifications}.
 *
 * @example
 * ```ts
 * const options: RaffleNotificationsOptions = { automations, notifier: createWebhookNotifier({ url, secret }), types: ['winner-drawn', 'refund-paid'] };
 * ```
 */
export interface RaffleNotificationsOptions {
    /** The automations registered on the same worker (their events give tickets-issued, automation-failed, spend-held). */
    readonly automations: Pick<RaffleAutomations, 'events'>;
    /** Who delivers. */
    readonly notifier: Notifier;
    /** Only these types (default all). */
    readonly types?: readonly NotificationType[];
    /** Delivery attempts before a notification becomes a dead letter (default 12). */
    readonly maxAttempts?: number;
    /** Commitment of the chain events notified (default `confirmed`; `finalized` never notifies an event a fork retracts). */
    readonly commitment?: 'confirmed' | 'finalized';
}

/**
 * What {@link registerRaffleNotifications} returns.
 *
 * @example
 * ```ts
 * const notifications = registerRaffleNotifications(worker, { automations, notifier });
 * await worker.deadLetters.list(); // failed deliveries are dead letters of the `task:raffle.notify` job
 * notifications.close();
 * ```
 */
export interface RaffleNotifications {
    /** The durable task's name (`raffle.notify`); its jobs are `task:raffle.notify`. */
    readonly task: string;
    /** Enqueues a notification (idempotent by `notification.id`); `created` is false when it was already enqueued. */
    enqueue(notification: Notification): Promise<{ readonly created: boolean }>;
    /** Stops listening to the automations' events (the handlers stay registered). */
    close(): void;
}

type Listener = (payload: never) => void;
type LooseEmitter = { on(name: string, fn: Listener): unknown; off(name: string, fn: Listener): unknown };

/**
 * Registers notifications on `worker` (before `worker.start()`, on every replica): a durable task
 * `raffle.notify` whose function calls `notifier.notify`, and what enqueues it.
 *
 * - `winner-drawn` (`WinnerDrawn`), `prize-delivered` (`PrizeClaimed`) and `refund-paid`
 *   (`EntryRefunded`, one per entry) come from handlers named `raffle.notify`: they are durable
 *   (handler jobs), enqueue with the id `<type>:<event id>`, and a replayed event enqueues
 *   nothing new.
 * - `tickets-issued:<effect key>` (`automation:done` of `issue-tickets` that sent a transaction),
 *   `automation-failed:<action>:<raffle>:<hour>` (at most one per action, raffle and hour) and
 *   `spend-held:<hold id>` (when the automations emit `spend:held`) come from the automations'
 *   in-process events: a crash between the event and the enqueue loses that one notification
 *   (the audit log still has what happened).
 *
 * Deliveries are at least once: receivers dedupe by the notification id. A delivery that keeps
 * failing becomes a dead letter after `maxAttempts` (redrive it with `worker.deadLetters.redrive`).
 *
 * @param worker - a worker of the raffle program, not started
 * @param options - the automations, the notifier, and optionally the types, attempts and commitment
 * @returns the task name, `enqueue` for other notifications, and `close()`
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` naming the bad option
 * @example
 * ```ts
 * const automations = registerRaffleAutomations(worker, automationOptions);
 * registerRaffleNotifications(worker, { automations, notifier: createWebhookNotifier({ url, secret }) });
 * await worker.start();
 * ```
 */
export function registerRaffleNotifications(worker: Worker<RaffleEvents>, options: RaffleNotificationsOptions): RaffleNotifications {
    if (!worker || typeof worker.task !== 'function' || typeof worker.handle !== 'function') throw workerConfigInvalid('worker', 'expected a worker made by createWorker');
    if (!options || typeof options !== 'object') throw workerConfigInvalid('options', 'pass { automations, notifier }');
    if (typeof options.automations?.events?.on !== 'function') throw workerConfigInvalid('automations', 'expected the object registerRaffleAutomations returned');
    const { notifier } = options;
    if (!notifier || typeof notifier.notify !== 'function' || typeof notifier.name !== 'string') throw workerConfigInvalid('notifier', 'expected { name, notify(notification, { signal }) }');
    const types = options.types ?? NOTIFICATION_TYPES;
    if (!Array.isArray(types) || types.some(t => !NOTIFICATION_TYPES.includes(t))) throw workerConfigInvalid('types', `must be an array of ${NOTIFICATION_TYPES.join(', ')}`);
    const maxAttempts = options.maxAttempts ?? 12;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 1_000) throw workerConfigInvalid('maxAttempts', 'must be an integer from 1 to 1000');
    const commitment = options.commitment ?? 'confirmed';
    if (commitment !== 'confirmed' && commitment !== 'finalized') throw workerConfigInvalid('commitment', 'must be confirmed or finalized');
    const wanted = new Set<NotificationType>(types);

    worker.task<JsonValue>(
        TASK,
        async ({ payload, signal }) => {
            const notification = payload as unknown as Notification;
            try {
                assertNotification(notification);
            } catch (e) {
                throw new UnrecoverableError(`not a notification: ${asError(e).message}`);
            }
            await notifier.notify(notification, { signal });
        },
        { maxAttempts },
    );

    async function enqueue(notification: Notification): Promise<{ created: boolean }> {
        assertNotification(notification);
        const { created } = await worker.enqueueTask(TASK, { id: notification.id, payload: notification as unknown as JsonValue });
        return { created };
    }
    /** From an in-process event: a failure to enqueue is reported as a worker error (nothing retries it). */
    function enqueueSoon(type: NotificationType, id: string, raffle: string | null, data: JsonValue): void {
        if (!wanted.has(type)) return;
        enqueue({ id: `${type}:${id}`, type, raffle, at: Date.now(), data }).catch(e => emitSafely(worker.events, 'worker:error', { scope: `service:${TASK}`, error: asError(e) }));
    }

    const source = (event: { id: string; signature: string; slot: bigint }) => ({ eventId: event.id, signature: event.signature, slot: event.slot.toString() });
    const handlerOptions = { commitment };
    if (wanted.has('winner-drawn')) {
        worker.handle('WinnerDrawn', TASK, async ({ event }) => {
            const d = event.data;
            await enqueue({ id: `winner-drawn:${event.id}`, type: 'winner-drawn', raffle: d.raffle, at: Date.now(), data: { ...source(event), winnerTicket: d.winnerTicket, settled: d.settled } });
        }, handlerOptions);
    }
    if (wanted.has('prize-delivered')) {
        worker.handle('PrizeClaimed', TASK, async ({ event }) => {
            const d = event.data;
            await enqueue({
                id: `prize-delivered:${event.id}`,
                type: 'prize-delivered',
                raffle: d.raffle,
                at: Date.now(),
                data: { ...source(event), recipient: d.recipient, amount: d.amount.toString(), toWinner: d.toWinner },
            });
        }, handlerOptions);
    }
    if (wanted.has('refund-paid')) {
        worker.handle('EntryRefunded', TASK, async ({ event }) => {
            const d = event.data;
            await enqueue({
                id: `refund-paid:${event.id}`,
                type: 'refund-paid',
                raffle: d.raffle,
                at: Date.now(),
                data: { ...source(event), entry: d.entry, buyer: d.buyer, amount: d.amount.toString() },
            });
        }, handlerOptions);
    }

    const events = options.automations.events as unknown as LooseEmitter;
    const added: (readonly [string, Listener])[] = [];
    function on<T>(name: string, fn: (payload: T) => void): void {
        const listener = ((payload: T) => {
            try {
                fn(payload);
            } catch (e) {
                emitSafely(worker.events, 'worker:error', { scope: `service:${TASK}`, error: asError(e) });
            }
        }) as Listener;
        events.on(name, listener);
        added.push([name, listener]);
    }
    on<RaffleAutomationEvents['automation:done']>('automation:done', p => {
        if (p.action !== 'issue-tickets' || p.alreadyDone) return;
        enqueueSoon('tickets-issued', p.key, p.raffle, { key: p.key, signature: p.signature });
    });
    on<RaffleAutomationEvents['automation:failed']>('automation:failed', p => {
        const action = String(p.action).slice(0, 64);
        const hour = Math.floor(Date.now() / HOUR_MS);
        const error = redactSecrets(p.error instanceof Error ? p.error.message : String(p.error)).slice(0, 500);
        enqueueSoon('automation-failed', `${action}:${p.raffle ?? 'none'}:${hour}`, p.raffle, { action, willRetry: p.willRetry, error, hour: new Date(hour * HOUR_MS).toISOString() });
    });
    // `spend:held` comes with the spend guard; typed loosely so this compiles with or without it.
    on<{ hold?: Record<string, unknown> } | undefined>('spend:held', p => {
        const hold = p?.hold;
        if (!hold || typeof hold.id !== 'string' || hold.id === '' || hold.id.length > 200) return;
        const raffle = typeof hold.raffle === 'string' ? hold.raffle : null;
        enqueueSoon('spend-held', hold.id, raffle, {
            holdId: hold.id,
            action: typeof hold.action === 'string' ? hold.action.slice(0, 64) : null,
            reason: typeof hold.reason === 'string' ? redactSecrets(hold.reason).slice(0, 500) : null,
            lamports: typeof hold.lamports === 'string' || typeof hold.lamports === 'number' ? String(hold.lamports) : null,
            tickets: typeof hold.tickets === 'number' && Number.isFinite(hold.tickets) ? hold.tickets : null,
            heldAt: typeof hold.heldAt === 'number' && Number.isFinite(hold.heldAt) ? hold.heldAt : null,
        });
    });

    return {
        task: TASK,
        enqueue,
        close() {
            for (const [name, listener] of added.splice(0)) events.off(name, listener);
        },
    };
}
