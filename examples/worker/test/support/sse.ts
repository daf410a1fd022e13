/**
 * A minimal Server-Sent Events client for the tests: reads `GET /events` as a browser's
 * EventSource would (frames of `id:`, `event:`, `data:` lines), and can disconnect at any time.
 */

/** One received event. */
export interface SseEvent {
    readonly id: number;
    readonly event: string;
    readonly data: { seq: number; at: number; actor: string; action: string; subject: string | null; data: unknown };
}

/** An open stream. */
export interface SseConnection {
    readonly status: number;
    readonly events: SseEvent[];
    /** `: ping` comments seen. */
    readonly pings: number;
    /** Resolves when an event matching `match` has arrived (bounded). */
    waitFor(match: (event: SseEvent) => boolean, timeoutMs: number, what?: string): Promise<SseEvent>;
    /** Disconnects (like closing the tab). */
    close(): void;
    /** Resolves when the server ended the stream (or we closed it). */
    readonly ended: Promise<void>;
}

/**
 * Opens the activity stream.
 *
 * @param url - e.g. `http://127.0.0.1:1234/events?after=0`
 * @param lastEventId - resume after this id (the `Last-Event-ID` header)
 */
export async function openEvents(url: string, lastEventId?: number): Promise<SseConnection> {
    const controller = new AbortController();
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...(lastEventId !== undefined && { 'last-event-id': String(lastEventId) }) }, signal: controller.signal });
    const events: SseEvent[] = [];
    const waiters = new Set<() => void>();
    let pings = 0;
    let endedFlag = false;
    let buffer = '';
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const ended = (async () => {
        try {
            for (let i = 0; i < 1_000_000; i++) {
                const { value, done } = await reader.read();
                if (done) break;
                buffer += decoder.decode(value, { stream: true });
                for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
                    const frame = buffer.slice(0, end);
                    buffer = buffer.slice(end + 2);
                    const fields: Record<string, string> = {};
                    for (const line of frame.split('\n')) {
                        if (line.startsWith(':')) {
                            pings++;
                            continue;
                        }
                        const colon = line.indexOf(':');
                        if (colon <= 0) continue;
                        const key = line.slice(0, colon);
                        const value = line.slice(colon + 1).replace(/^ /, '');
                        fields[key] = key in fields ? `${fields[key]}\n${value}` : value;
                    }
                    if (fields.data !== undefined) {
                        events.push({ id: Number(fields.id), event: fields.event ?? 'message', data: JSON.parse(fields.data) as SseEvent['data'] });
                        for (const w of [...waiters]) w();
                    }
                }
            }
        } catch {
            // aborted
        } finally {
            endedFlag = true;
            for (const w of [...waiters]) w();
        }
    })();
    return {
        status: response.status,
        events,
        get pings() {
            return pings;
        },
        waitFor(match, timeoutMs, what = 'a matching event') {
            return new Promise<SseEvent>((resolve, reject) => {
                const check = () => {
                    const found = events.find(match);
                    if (found) {
                        cleanup();
                        resolve(found);
                    } else if (endedFlag) {
                        cleanup();
                        reject(new Error(`the stream ended before ${what}`));
                    }
                };
                const timer = setTimeout(() => {
                    cleanup();
                    reject(new Error(`no ${what} within ${timeoutMs} ms (${events.length} events: ${events.slice(-5).map(e => `${e.id}:${e.event}`).join(', ')})`));
                }, timeoutMs);
                function cleanup() {
                    clearTimeout(timer);
                    waiters.delete(check);
                }
                waiters.add(check);
                check();
            });
        },
        close: () => controller.abort(),
        ended,
    };
}
