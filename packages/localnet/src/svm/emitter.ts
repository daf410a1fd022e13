/**
 * A minimal typed event emitter: listeners keyed by event name, one payload each.
 *
 * @example
 * ```ts
 * const emitter = new TypedEmitter<{ tick: number }>();
 * const off = emitter.on('tick', (n) => console.log(n));
 * emitter.emit('tick', 1);
 * off();
 * ```
 */
export class TypedEmitter<TEvents extends Record<string, unknown>> {
    private readonly listeners = new Map<keyof TEvents, Set<(payload: never) => void>>();

    /**
     * Adds a listener.
     *
     * @param event - the event name
     * @param listener - called with the payload
     * @returns a function that removes the listener
     */
    on<K extends keyof TEvents>(event: K, listener: (payload: TEvents[K]) => void): () => void {
        let set = this.listeners.get(event);
        if (!set) {
            set = new Set();
            this.listeners.set(event, set);
        }
        set.add(listener as (payload: never) => void);
        return () => set.delete(listener as (payload: never) => void);
    }

    /**
     * Calls every listener of an event. A throwing listener does not stop the others.
     *
     * @param event - the event name
     * @param payload - its payload
     */
    emit<K extends keyof TEvents>(event: K, payload: TEvents[K]): void {
        const set = this.listeners.get(event);
        if (!set) return;
        for (const listener of [...set]) {
            try {
                (listener as (p: TEvents[K]) => void)(payload);
            } catch (e) {
                // A listener's bug must not break the ledger; report it and go on.
                console.error(`[@raffle/localnet] listener of ${String(event)} threw:`, e);
            }
        }
    }
}
