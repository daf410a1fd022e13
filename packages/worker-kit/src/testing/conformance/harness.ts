/**
 * What every part of the conformance suite shares: the fixture a factory returns, the per-test
 * setup (a fresh store, `ready()`, then `close()` and cleanup), peers for the race tests, and
 * small assertion helpers.
 */
import { RAFFLE_ERROR__INVALID_ARGUMENT, isRaffleError } from '@raffle/errors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { EventKey, StoreLifecycle } from '../../store/types';

/** What a conformance suite's factory returns for each test. */
export interface StoreFixture<S extends StoreLifecycle> {
    /** A fresh, empty store (the suite calls `ready()` and `close()` itself). */
    store: S;
    /** Removes what the store left behind (schema, keys, directory); runs after `close()`. */
    cleanup: () => Promise<void>;
    /**
     * Opens another store over the same data with its own connection, to race against `store`
     * (PostgreSQL, Redis). The suite closes what it opens. When omitted, races run on `store`.
     */
    connectPeer?: () => Promise<S>;
}

/** Options of the conformance suites. */
export interface StoreConformanceOptions {
    /** Skip the whole suite (e.g. the backend is not reachable); a string says why. */
    skip?: boolean | string;
    /** How many concurrent actors the race tests use (default 6). */
    concurrency?: number;
}

/** The current test's store and its peers, for the cases of one concern. */
export interface ConformanceContext<S extends StoreLifecycle> {
    /** The current test's store (ready). */
    readonly store: S;
    /** How many concurrent actors the race tests use. */
    readonly concurrency: number;
    /** `n` stores over the same data: the store plus peers when the adapter has them. */
    actors(n: number): Promise<S[]>;
}

/**
 * Registers the per-test setup in the current `describe` block and returns the context the
 * cases read (its `store` changes with every test).
 */
export function useFixture<S extends StoreLifecycle>(factory: () => Promise<StoreFixture<S>>, options: StoreConformanceOptions): ConformanceContext<S> {
    let fixture: StoreFixture<S>;
    let current: S;
    let opened: S[] = [];
    beforeEach(async () => {
        fixture = await factory();
        current = fixture.store;
        opened = [];
        await current.ready();
    });
    afterEach(async () => {
        for (const peer of opened) await peer.close();
        await current.close();
        await fixture.cleanup();
    });
    return {
        get store() {
            return current;
        },
        concurrency: options.concurrency ?? 6,
        async actors(n) {
            const out: S[] = [current];
            for (let i = 1; i < n; i++) {
                if (fixture.connectPeer) {
                    const peer = await fixture.connectPeer();
                    opened.push(peer);
                    await peer.ready();
                    out.push(peer);
                } else out.push(current);
            }
            return out;
        },
    };
}

/**
 * Declares one concern's suite on its own: a `describe` block with the per-test setup and the
 * concern's cases.
 */
export function describeConcern<S extends StoreLifecycle>(
    title: string,
    factory: () => Promise<StoreFixture<S>>,
    options: StoreConformanceOptions,
    cases: (ctx: ConformanceContext<S>) => void,
): void {
    describe.skipIf(Boolean(options.skip))(title, () => {
        const ctx = useFixture(factory, options);
        cases(ctx);
    });
}

/**
 * The lifecycle case every concern's suite has: `ready()` is idempotent, `close()` is idempotent
 * and final (`probe`, an operation of the concern, rejects afterwards).
 */
export function lifecycleCase<S extends StoreLifecycle>(ctx: ConformanceContext<S>, probe: (store: S) => Promise<unknown>): void {
    it('ready() is idempotent, close() is idempotent and final', async () => {
        const { store } = ctx;
        await store.ready();
        await Promise.all([store.ready(), store.ready()]);
        await store.close();
        await store.close();
        await expectRaffleError(probe(store));
        await expectRaffleError(store.ready());
    });
}

/** A fixed epoch for tests that pass `now` explicitly. */
export const T0 = 1_700_000_000_000;
/** Upper bound of any polling loop in the suite. */
export const LOOP_DEADLINE_MS = 20_000;

/** Expects the promise to reject with a `RaffleError` (any code). */
export async function expectRaffleError(promise: Promise<unknown>): Promise<void> {
    let error: unknown;
    try {
        await promise;
    } catch (e) {
        error = e;
    }
    expect(isRaffleError(error), `expected a RaffleError, got ${String(error)}`).toBe(true);
}

/** Expects the promise to reject with `RAFFLE_ERROR__INVALID_ARGUMENT`. */
export async function expectInvalidArgument(promise: Promise<unknown>): Promise<void> {
    let error: unknown;
    try {
        await promise;
    } catch (e) {
        error = e;
    }
    expect(isRaffleError(error, RAFFLE_ERROR__INVALID_ARGUMENT), `expected RAFFLE_ERROR__INVALID_ARGUMENT, got ${String(error)}`).toBe(true);
}

/** An event key. */
export function key(signature: string, instructionIndex = 0, eventIndex = 0): EventKey {
    return { signature, instructionIndex, eventIndex };
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
    return new Promise(resolve => setTimeout(resolve, ms));
}
