/**
 * Notifications: what the automations did, told to the outside (a webhook, a chat bot). A
 * {@link Notifier} delivers one notification; the worker runs deliveries as durable tasks (see
 * `registerRaffleNotifications`), so a failed delivery is retried and, after its attempts, a dead
 * letter an operator can redrive. The signed webhook notifier and its receiver-side check live here.
 *
 * @packageDocumentation
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import { workerConfigInvalid } from '../core/errors';
import type { JsonValue } from '../store/types';
import { redactSecrets } from './logger';

/**
 * What a notification is about.
 *
 * @example
 * ```ts
 * const wanted: NotificationType[] = ['winner-drawn', 'prize-delivered'];
 * ```
 */
export type NotificationType = 'winner-drawn' | 'prize-delivered' | 'refund-paid' | 'tickets-issued' | 'automation-failed' | 'spend-held';

/**
 * Every {@link NotificationType}.
 *
 * @example
 * ```ts
 * if (!NOTIFICATION_TYPES.includes(type)) throw new Error('unknown type');
 * ```
 */
export const NOTIFICATION_TYPES: readonly NotificationType[] = Object.freeze(['winner-drawn', 'prize-delivered', 'refund-paid', 'tickets-issued', 'automation-failed', 'spend-held']);

/**
 * One notification: the JSON body a webhook receives.
 *
 * @example
 * ```ts
 * const n: Notification = { id: 'winner-drawn:5x…:0:0', type: 'winner-drawn', raffle: '9x…', at: Date.now(), data: { winnerTicket: 3 } };
 * ```
 */
export interface Notification {
    /** Stable id: a receiver that already saw it ignores it (deliveries are at least once). */
    readonly id: string;
    /** What it is about. */
    readonly type: NotificationType;
    /** The raffle account, when there is one. */
    readonly raffle: string | null;
    /** When the worker made it (unix ms). */
    readonly at: number;
    /** The details (JSON; bigints as decimal strings). */
    readonly data: JsonValue;
}

/**
 * Delivers notifications. `notify` resolves once delivered and throws otherwise (the task retries).
 *
 * @example
 * ```ts
 * const console: Notifier = { name: 'console', notify: async n => void process.stdout.write(`${n.type} ${n.raffle}\n`) };
 * ```
 */
export interface Notifier {
    /** A name for logs. */
    readonly name: string;
    /** Delivers one notification; throw to have it retried. Stop when `signal` aborts. */
    notify(notification: Notification, options: { readonly signal: AbortSignal }): Promise<void>;
}

/**
 * Options of {@link createWebhookNotifier}.
 *
 * @example
 * ```ts
 * const options: WebhookNotifierOptions = { url: 'https://hooks.example.com/raffle', secret: process.env.NOTIFY_SECRET! };
 * ```
 */
export interface WebhookNotifierOptions {
    /** Where to POST (http or https). */
    readonly url: string;
    /** The HMAC-SHA256 key the receiver shares (at least 16 characters). */
    readonly secret: string;
    /** The fetch to use (default `globalThis.fetch`). */
    readonly fetch?: typeof fetch;
    /** Give up on one delivery after this long (default 10,000 ms); it is retried later. */
    readonly timeoutMs?: number;
    /** Extra headers (the content type, id and signature headers always win). */
    readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A webhook delivery failed: the receiver answered non-2xx (`status`), or did not answer
 * (`status` null). The message names the notification and the receiver's origin, never the
 * secret, the signature or the URL's credentials.
 *
 * @example
 * ```ts
 * try { await notifier.notify(n, { signal }); } catch (e) { if (e instanceof WebhookDeliveryError) console.warn(e.status); }
 * ```
 */
export class WebhookDeliveryError extends Error {
    override readonly name = 'WebhookDeliveryError';
    /** The HTTP status, null when no answer arrived. */
    readonly status: number | null;
    /**
     * @param message - what failed (no secrets)
     * @param status - the HTTP status, or null
     */
    constructor(message: string, status: number | null) {
        super(message);
        this.status = status;
    }
}

/** The signature header's value for `body` signed at unix second `t`. @internal */
export function signatureHeader(secret: string, t: number, body: string): string {
    return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex')}`;
}

/**
 * A notifier that POSTs each notification as JSON `{ id, type, raffle, at, data }` with the
 * headers `x-raffle-notification-id: <id>` and `x-raffle-signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256(secret, "<t>.<raw body>")>` (check it with {@link verifyWebhookSignature}). A 2xx
 * answer is a delivery; anything else (another status, a redirect, a timeout, a network error)
 * throws a {@link WebhookDeliveryError}, so the task retries it until its attempts run out and it
 * becomes a dead letter. Deliveries are at least once: receivers dedupe by the id.
 *
 * @param options - url, secret, and optionally fetch, timeout and extra headers
 * @returns the notifier
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` naming the bad option
 * @example
 * ```ts
 * const notifier = createWebhookNotifier({ url: 'https://hooks.example.com/raffle', secret: process.env.NOTIFY_SECRET! });
 * registerRaffleNotifications(worker, { automations, notifier });
 * ```
 */
export function createWebhookNotifier(options: WebhookNotifierOptions): Notifier {
    if (!options || typeof options !== 'object') throw workerConfigInvalid('options', 'pass { url, secret }');
    let url: URL;
    try {
        url = new URL(String(options.url));
    } catch {
        throw workerConfigInvalid('url', 'must be an absolute http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw workerConfigInvalid('url', 'must be an http(s) URL');
    if (typeof options.secret !== 'string' || options.secret.length < 16 || options.secret.length > 1_024) throw workerConfigInvalid('secret', 'must be a string of 16 to 1024 characters');
    const doFetch = options.fetch ?? globalThis.fetch;
    if (typeof doFetch !== 'function') throw workerConfigInvalid('fetch', 'must be a fetch function');
    const timeoutMs = options.timeoutMs ?? 10_000;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 300_000) throw workerConfigInvalid('timeoutMs', 'must be an integer from 1 to 300000');
    const extra = new Headers();
    if (options.headers !== undefined) {
        if (typeof options.headers !== 'object' || options.headers === null) throw workerConfigInvalid('headers', 'must be an object of strings');
        for (const [name, value] of Object.entries(options.headers)) {
            try {
                extra.set(name, String(value));
            } catch {
                throw workerConfigInvalid(`headers.${name.slice(0, 50)}`, 'is not a valid header');
            }
        }
    }
    const { secret } = options;
    const target = url.href;
    // Errors name the origin only: the path or the query may carry a token.
    const where = url.origin;
    const secrets = [secret, url.username, url.password, url.search.slice(1)].filter(s => s.length >= 4);

    return {
        name: `webhook ${where}`,
        async notify(notification, { signal }) {
            assertNotification(notification);
            const body = JSON.stringify({ id: notification.id, type: notification.type, raffle: notification.raffle, at: notification.at, data: notification.data });
            const headers = new Headers(extra);
            headers.set('content-type', 'application/json');
            headers.set('x-raffle-notification-id', notification.id);
            headers.set('x-raffle-signature', signatureHeader(secret, Math.floor(Date.now() / 1000), body));
            const what = `notification ${notification.id} to ${where}`;
            const timeout = AbortSignal.timeout(timeoutMs);
            let response: Response;
            try {
                response = await doFetch(target, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.any([signal, timeout]) });
            } catch (e) {
                const reason = timeout.aborted ? `timed out after ${timeoutMs} ms` : signal.aborted ? 'aborted' : describeNetworkError(e);
                throw new WebhookDeliveryError(redactSecrets(`${what} failed: ${reason}`, secrets), null);
            }
            // The answer's body is not needed: release the connection.
            await response.body?.cancel().catch(() => undefined);
            if (response.status < 200 || response.status > 299) throw new WebhookDeliveryError(`${what}: HTTP ${response.status}`, response.status);
        },
    };
}

function describeNetworkError(e: unknown): string {
    const error = e as { message?: unknown; cause?: { code?: unknown; message?: unknown } } | null;
    const code = typeof error?.cause?.code === 'string' ? error.cause.code : null;
    const message = typeof error?.message === 'string' ? error.message : String(e);
    return (code ? `${message} (${code})` : message).slice(0, 300);
}

/** Checks a notification's shape (it may come back from the store). @internal */
export function assertNotification(n: Notification): void {
    if (!n || typeof n !== 'object') throw workerConfigInvalid('notification', 'expected { id, type, raffle, at, data }');
    if (typeof n.id !== 'string' || n.id === '' || n.id.length > 400) throw workerConfigInvalid('notification.id', 'must be a string of 1-400 characters');
    if (!NOTIFICATION_TYPES.includes(n.type)) throw workerConfigInvalid('notification.type', `must be one of ${NOTIFICATION_TYPES.join(', ')}`);
    if (n.raffle !== null && typeof n.raffle !== 'string') throw workerConfigInvalid('notification.raffle', 'must be a string or null');
    if (!Number.isFinite(n.at)) throw workerConfigInvalid('notification.at', 'must be a time in ms');
}

/**
 * Input of {@link verifyWebhookSignature}.
 *
 * @example
 * ```ts
 * const input: VerifyWebhookSignatureInput = { secret, header: req.headers['x-raffle-signature'], body: rawBody };
 * ```
 */
export interface VerifyWebhookSignatureInput {
    /** The shared secret. */
    readonly secret: string;
    /** The `x-raffle-signature` header as received (possibly missing). */
    readonly header: string | null | undefined;
    /** The raw request body, exactly as received (before any JSON parsing). */
    readonly body: string | Uint8Array;
    /** The receiver's clock (unix ms; default `Date.now()`). */
    readonly now?: number;
    /** The accepted age (and clock skew) of a signature (default 300 s). */
    readonly toleranceSeconds?: number;
}

/**
 * Checks a webhook notification's `x-raffle-signature` on the receiving side: the HMAC of
 * `"<t>.<raw body>"` must match one `v1` value (compared in constant time) and `t` must be within
 * `toleranceSeconds` of now (a replayed old request fails). Never throws for a bad header.
 *
 * @param input - secret, header, raw body, and optionally now and the tolerance
 * @returns true when the request was signed with `secret` recently
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` when the secret or tolerance is not usable (a configuration error)
 * @example
 * ```ts
 * const raw = await request.text();
 * if (!verifyWebhookSignature({ secret, header: request.headers.get('x-raffle-signature'), body: raw })) return new Response(null, { status: 401 });
 * const notification = JSON.parse(raw) as Notification;
 * ```
 */
export function verifyWebhookSignature(input: VerifyWebhookSignatureInput): boolean {
    if (!input || typeof input !== 'object') throw workerConfigInvalid('input', 'pass { secret, header, body }');
    const { secret, header, body } = input;
    if (typeof secret !== 'string' || secret === '') throw workerConfigInvalid('secret', 'must be a non-empty string');
    const tolerance = input.toleranceSeconds ?? 300;
    if (!Number.isFinite(tolerance) || tolerance < 0) throw workerConfigInvalid('toleranceSeconds', 'must be a non-negative number');
    if (typeof header !== 'string' || header.length > 2_048) return false;
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) return false;
    let t: number | null = null;
    const candidates: string[] = [];
    for (const part of header.split(',', 20)) {
        const [key, value] = part.trim().split('=', 2) as [string, string | undefined];
        if (key === 't' && value !== undefined && /^\d{1,12}$/.test(value)) t = Number(value);
        else if (key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase());
    }
    if (t === null || candidates.length === 0) return false;
    const nowSeconds = (input.now ?? Date.now()) / 1000;
    if (!Number.isFinite(nowSeconds) || Math.abs(nowSeconds - t) > tolerance) return false;
    const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
    let ok = false;
    for (const candidate of candidates) ok = timingSafeEqual(expected, Buffer.from(candidate, 'hex')) || ok;
    return ok;
}
