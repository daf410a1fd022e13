/**
 * What every page gets (the chain, the connected account, its root element) and two helpers
 * they share: a status line that explains errors, and a debounced refresh.
 */
import type { Chain } from './chain';
import type { AppConfig } from './config';
import { h, show } from './dom';
import { explain } from './errors';
import type { ConnectedAccount } from './wallet';

export interface PageContext {
    readonly chain: Chain;
    /** The connected wallet account, or null before the user connects one. */
    readonly account: ConnectedAccount | null;
    readonly root: HTMLElement;
    /** Aborted when the page is left or the account changes. */
    readonly signal: AbortSignal;
}

/** A status line: what is going on, what went well, or an explained error. */
export interface Status {
    readonly element: HTMLElement;
    busy(text: string): void;
    done(...content: (Node | string)[]): void;
    fail(error: unknown): void;
}

export function createStatus(endpoints: Pick<AppConfig, 'rpcUrl' | 'wsUrl'>): Status {
    const element = h('p', { className: 'status', role: 'status' });
    const set = (kind: string, ...content: (Node | string)[]) => {
        element.dataset.kind = kind;
        show(element, ...content);
    };
    return {
        element,
        busy: text => set('busy', text),
        done: (...content) => set('ok', ...content),
        fail: error => {
            console.warn(error);
            const { title, detail } = explain(error, endpoints);
            set('error', h('strong', {}, title), ': ', detail);
        },
    };
}

/**
 * Runs `load` now and again after every `trigger()` (bursts of account notifications coalesce
 * into one reload); one load at a time. Errors go to `status`.
 */
export function createRefresher(load: () => Promise<void>, status: Status, signal: AbortSignal): { trigger(): void; now(): Promise<void> } {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running: Promise<void> | undefined;
    let again = false;
    const now = async (): Promise<void> => {
        if (running) {
            again = true;
            return running;
        }
        running = (async () => {
            do {
                again = false;
                if (signal.aborted) return;
                try {
                    await load();
                    if (status.element.dataset.kind === 'error') status.done('Up to date.');
                } catch (e) {
                    status.fail(e);
                }
            } while (again);
        })().finally(() => (running = undefined));
        return running;
    };
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    return {
        trigger: () => {
            clearTimeout(timer);
            timer = setTimeout(() => void now(), 100);
        },
        now,
    };
}
