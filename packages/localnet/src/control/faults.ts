/**
 * Fault injection, configurable at run time: HTTP failures (429/503) for a fraction of calls,
 * response delays, an unhealthy node, refused or lossy websockets. Randomness is seeded, so a
 * chaos test replays the same faults.
 */
import { faultConfigInvalid } from '../errors';

/**
 * The faults in effect.
 *
 * @example
 * ```ts
 * const faults: Partial<FaultConfig> = { failureRate: 0.2, failureStatus: 503, delayMs: 100 };
 * net.control.setFaults(faults);
 * ```
 */
export interface FaultConfig {
    /** Fraction in [0, 1] of JSON-RPC HTTP requests answered with an HTTP error, not executed. */
    readonly failureRate: number;
    /** The HTTP status of those failures: 429 (rate limited) or 503 (unavailable). */
    readonly failureStatus: 429 | 503;
    /** Delay added before every JSON-RPC HTTP response, in milliseconds. */
    readonly delayMs: number;
    /** Uniform random extra delay in [0, jitterMs). */
    readonly jitterMs: number;
    /** Limit failures and delays to these methods (empty: every non-control method). */
    readonly methods: readonly string[];
    /** `getHealth` answers `-32005 Node is unhealthy`. */
    readonly unhealthy: boolean;
    /** New websocket connections are refused (HTTP 503 on upgrade). */
    readonly refuseWebsockets: boolean;
    /** Fraction in [0, 1] of PubSub notifications silently dropped. */
    readonly notificationDropRate: number;
}

/**
 * The default: no faults.
 *
 * @example
 * ```ts
 * expect(net.control.status().faults).toEqual(NO_FAULTS);
 * ```
 */
export const NO_FAULTS: FaultConfig = Object.freeze({
    failureRate: 0,
    failureStatus: 429,
    delayMs: 0,
    jitterMs: 0,
    methods: Object.freeze([]) as readonly string[],
    unhealthy: false,
    refuseWebsockets: false,
    notificationDropRate: 0,
});

/**
 * Counters of injected faults.
 *
 * @example
 * ```ts
 * const stats: FaultStats = net.control.status().faultStats;
 * console.log(stats.failedRequests);
 * ```
 */
export interface FaultStats {
    failedRequests: number;
    delayedRequests: number;
    droppedNotifications: number;
    droppedConnections: number;
}

/**
 * Holds the fault configuration and decides, request by request, what to inject.
 *
 * @example
 * ```ts
 * const faults = new FaultInjector(42);
 * faults.set({ failureRate: 0.3, failureStatus: 503 });
 * if (faults.shouldFail(['getSlot'])) respondWith(503);
 * ```
 */
export class FaultInjector {
    private current: FaultConfig = NO_FAULTS;
    private state: number;
    /** Counters since start. */
    readonly stats: FaultStats = { failedRequests: 0, delayedRequests: 0, droppedNotifications: 0, droppedConnections: 0 };

    /** @param seed - seed of the fault randomness */
    constructor(seed = 0x5eed) {
        this.state = seed >>> 0 || 1;
    }

    /** The faults in effect. */
    get config(): FaultConfig {
        return this.current;
    }

    /**
     * Changes some faults (the others stay).
     *
     * @param patch - the fields to change
     * @returns the new configuration
     */
    set(patch: Partial<FaultConfig>): FaultConfig {
        const next = { ...this.current, ...patch };
        fraction('failureRate', next.failureRate);
        fraction('notificationDropRate', next.notificationDropRate);
        if (next.failureStatus !== 429 && next.failureStatus !== 503) throw faultConfigInvalid('failureStatus', 'must be 429 or 503');
        millis('delayMs', next.delayMs);
        millis('jitterMs', next.jitterMs);
        if (!Array.isArray(next.methods) || !next.methods.every((m) => typeof m === 'string' && m.length < 100)) {
            throw faultConfigInvalid('methods', 'must be an array of method names');
        }
        for (const flag of ['unhealthy', 'refuseWebsockets'] as const) {
            if (typeof next[flag] !== 'boolean') throw faultConfigInvalid(flag, 'must be a boolean');
        }
        this.current = Object.freeze({ ...next, methods: Object.freeze([...next.methods]) });
        return this.current;
    }

    /** Removes every fault. */
    clear(): void {
        this.current = NO_FAULTS;
    }

    /**
     * Re-seeds the randomness.
     *
     * @param seed - any 32-bit integer
     */
    reseed(seed: number): void {
        this.state = seed >>> 0 || 1;
    }

    private applies(methods: readonly string[]): boolean {
        const only = this.current.methods;
        return only.length === 0 || methods.some((m) => only.includes(m));
    }

    /** A uniform number in [0, 1) (mulberry32). */
    random(): number {
        this.state = (this.state + 0x6d2b79f5) >>> 0;
        let t = this.state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }

    /**
     * Whether to fail a request carrying these methods.
     *
     * @param methods - the methods of the HTTP request
     * @returns the HTTP status to answer with, or `undefined` to execute it
     */
    failure(methods: readonly string[]): 429 | 503 | undefined {
        if (this.current.failureRate <= 0 || !this.applies(methods)) return undefined;
        if (this.random() >= this.current.failureRate) return undefined;
        this.stats.failedRequests++;
        return this.current.failureStatus;
    }

    /**
     * The delay to add to a request carrying these methods.
     *
     * @param methods - the methods of the HTTP request
     * @returns milliseconds (0: none)
     */
    delay(methods: readonly string[]): number {
        const { delayMs, jitterMs } = this.current;
        if ((delayMs <= 0 && jitterMs <= 0) || !this.applies(methods)) return 0;
        this.stats.delayedRequests++;
        return delayMs + (jitterMs > 0 ? Math.floor(this.random() * jitterMs) : 0);
    }

    /** Whether to drop the next PubSub notification. */
    dropNotification(): boolean {
        if (this.current.notificationDropRate <= 0 || this.random() >= this.current.notificationDropRate) return false;
        this.stats.droppedNotifications++;
        return true;
    }
}

function fraction(name: string, value: unknown): void {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw faultConfigInvalid(name, 'must be a number in [0, 1]');
}

function millis(name: string, value: unknown): void {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 600_000) throw faultConfigInvalid(name, 'must be an integer number of milliseconds in [0, 600000]');
}
