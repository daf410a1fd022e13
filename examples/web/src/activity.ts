/**
 * What the worker does, live: its activity stream (`GET /events`, Server-Sent Events) read
 * with the browser's EventSource, which reconnects by itself and resumes from the last event id.
 * Only confirmed worker transactions (`effect:confirmed`) are shown.
 */
import { h, short } from './dom';

/** What the worker's actions mean to a user. */
const ACTIONS: Record<string, string> = {
    'request-draw': 'requested the draw',
    'answer-draw': 'drew the winner',
    'claim-prize': 'sent the prize (to the winner, or back to the organizer)',
    'claim-proceeds': 'paid the proceeds',
    refund: 'refunded entries',
    'issue-tickets': 'issued refund tickets',
};

/** Shows the worker's confirmed transactions in `list` (newest first, at most 20) until `signal` aborts. */
export function showWorkerActivity(workerUrl: string, list: HTMLElement, signal: AbortSignal): void {
    const events = new EventSource(`${workerUrl}/events?actions=effect:confirmed`);
    signal.addEventListener('abort', () => events.close(), { once: true });
    events.addEventListener('effect:confirmed', message => {
        const entry = JSON.parse((message as MessageEvent<string>).data) as { at: number; data: { action?: string; raffle?: string; signature?: string } | null };
        const { action = '?', raffle, signature } = entry.data ?? {};
        list.prepend(
            h(
                'li',
                {},
                `${new Date(entry.at).toLocaleTimeString()} worker ${ACTIONS[action] ?? action}`,
                raffle ? ' for raffle ' : '',
                raffle ? short(raffle) : '',
                signature ? ' · tx ' : '',
                signature ? short(signature) : '',
            ),
        );
        while (list.children.length > 20) list.lastElementChild?.remove();
    });
}
