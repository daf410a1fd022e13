/**
 * Reading the worker's activity stream (`GET /events`, Server-Sent Events) with `fetch`: what
 * another backend does to follow the worker. Each message is one entry of the worker's audit log.
 */

/** One entry of the stream. */
export interface ActivityEntry {
    readonly seq: number;
    readonly at: number;
    readonly actor: string;
    readonly action: string;
    readonly subject: string | null;
    readonly data: unknown;
}

/**
 * Follows the stream from its start (`?after=0`) until `signal` aborts, calling `onEntry` for
 * each entry in order (awaited: entries are handled one at a time). Reconnects with
 * `Last-Event-ID` after a dropped connection, so nothing is missed or repeated.
 */
export async function followActivity(url: string, onEntry: (entry: ActivityEntry) => Promise<void> | void, signal: AbortSignal): Promise<void> {
    let last = 0;
    while (!signal.aborted) {
        try {
            const response = await fetch(`${url}/events?after=0`, { headers: { accept: 'text/event-stream', 'last-event-id': String(last) }, signal });
            if (!response.ok || response.body === null) throw new Error(`GET /events: ${response.status}`);
            const decoder = new TextDecoder();
            let buffer = '';
            for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
                buffer += decoder.decode(chunk, { stream: true });
                for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
                    const message = buffer.slice(0, end);
                    buffer = buffer.slice(end + 2);
                    const data = message
                        .split('\n')
                        .filter(line => line.startsWith('data: '))
                        .map(line => line.slice(6))
                        .join('\n');
                    if (data === '') continue; // a heartbeat comment
                    const entry = JSON.parse(data) as ActivityEntry;
                    last = entry.seq;
                    await onEntry(entry);
                }
            }
        } catch (error) {
            if (signal.aborted) return;
            await new Promise(resolve => setTimeout(resolve, 200));
        }
    }
}
