/**
 * The connection side of the Redis store, shared by its concerns: the owned or given client,
 * `ready()` / `close()`, and running the Lua commands (`commands/*.lua`, embedded as
 * `REDIS_COMMANDS`) by SHA, one at a time or pipelined.
 *
 * Every decision is one command (atomic on the server). KEYS[1] is always the record the
 * command decides about (it routes the call); the commands derive other keys from the prefix
 * (ARGV[1]). On Redis Cluster, use a prefix with a hash tag (e.g. `{raffle-worker}:`) so that
 * every key lives in one slot. When an operation gets no `now`, a command reads the Redis
 * server's clock (`TIME`), so every replica compares expiries against the same clock.
 *
 * @internal
 */
import { createHash } from 'node:crypto';

import { Redis, type RedisOptions } from 'ioredis';

import { backendFailed, storeClosed } from '../errors';
import { type StoreBackoff, checkNow, resolveStoreBackoff } from '../internal';
import type { WorkerStoreOptions } from '../types';
import { REDIS_COMMANDS } from './commands.generated';

/** The name of one command (`commands/<name>.lua` in camelCase). */
export type RedisCommandName = keyof typeof REDIS_COMMANDS;

/** Options of {@link createRedisWorkerStore}. */
export interface RedisWorkerStoreOptions extends WorkerStoreOptions {
    /** A `redis://` URL; the store creates and owns a client for it (closed by `close()`). Ignored when `client` is given. */
    url?: string;
    /** Extra options for the owned client (`lazyConnect` is always set; connect happens in `ready()`). */
    redisOptions?: RedisOptions;
    /** An existing client; the store uses it and never closes it. */
    client?: Redis;
    /** Prefix of every key (default `raffle:worker:`). Use a hash tag such as `{raffle-worker}:` on Redis Cluster. */
    keyPrefix?: string;
    /** Connection errors of the owned client (it reconnects by itself); ignored when omitted. */
    onError?: (error: Error) => void;
}

/** The SHA1 of every command, computed on first use. */
const SHAS = new Map<RedisCommandName, string>();

function shaOf(name: RedisCommandName): string {
    let sha = SHAS.get(name);
    if (!sha) {
        sha = createHash('sha1').update(REDIS_COMMANDS[name]).digest('hex');
        SHAS.set(name, sha);
    }
    return sha;
}

/** One command call: the key it decides about and its arguments after the prefix. */
export interface RedisCall {
    readonly key: string;
    readonly args: readonly (string | number)[];
}

/** A store's client, key prefix and clock. */
export class RedisConnection {
    readonly kind = 'redis';
    /** The prefix of every key. */
    readonly keyPrefix: string;
    /** The backoff of `failJob` without a delay. */
    readonly backoff: StoreBackoff;
    readonly #options: RedisWorkerStoreOptions;
    #client: Redis | null = null;
    #owned = false;
    #ready: Promise<void> | null = null;
    #closed = false;
    #closing: Promise<void> | null = null;

    constructor(options: RedisWorkerStoreOptions) {
        this.#options = options;
        this.keyPrefix = options.keyPrefix ?? 'raffle:worker:';
        if (this.keyPrefix.length === 0 || this.keyPrefix.length > 200) {
            throw backendFailed('redis', 'keyPrefix must be 1 to 200 characters');
        }
        this.backoff = resolveStoreBackoff(options.backoff);
    }

    /** Connects (an owned client) and checks the server answers; idempotent, retryable after a failure. */
    ready(): Promise<void> {
        if (this.#closed) return Promise.reject(storeClosed(this.kind));
        this.#ready ??= (async () => {
            const client =
                this.#options.client ??
                new Redis(this.#options.url ?? 'redis://127.0.0.1:6379', {
                    maxRetriesPerRequest: 3,
                    ...this.#options.redisOptions,
                    lazyConnect: true,
                });
            const owned = !this.#options.client;
            if (owned) client.on('error', (error: Error) => this.#options.onError?.(error));
            try {
                if (owned) await client.connect();
                await client.ping();
                this.#client = client;
                this.#owned = owned;
            } catch (e) {
                this.#ready = null;
                if (owned) client.disconnect();
                throw backendFailed(this.kind, `cannot connect: ${e instanceof Error ? e.message : String(e)}`, e);
            }
        })();
        return this.#ready;
    }

    /** Closes an owned client (a given one stays open); idempotent and final. */
    close(): Promise<void> {
        this.#closed = true;
        this.#closing ??= (async () => {
            await this.#ready?.catch(() => undefined);
            const client = this.#client;
            this.#client = null;
            if (client && this.#owned) {
                try {
                    await client.quit();
                } catch {
                    client.disconnect();
                }
            }
        })();
        return this.#closing;
    }

    /** The client, connecting first when nobody called `ready()`. */
    async client(): Promise<Redis> {
        if (this.#closed) throw storeClosed(this.kind);
        if (!this.#client) await this.ready();
        if (!this.#client) throw storeClosed(this.kind);
        return this.#client;
    }

    /** Runs a command by its SHA, loading it when the server does not know it (first use, restart). */
    async run(name: RedisCommandName, key: string, args: readonly (string | number)[]): Promise<unknown> {
        const client = await this.client();
        try {
            return await client.evalsha(shaOf(name), 1, key, this.keyPrefix, ...args);
        } catch (e) {
            if (e instanceof Error && e.message.startsWith('NOSCRIPT')) return client.eval(REDIS_COMMANDS[name], 1, key, this.keyPrefix, ...args);
            throw e;
        }
    }

    /**
     * Runs one command for many keys in one round trip (a pipeline; each call is atomic on its
     * own). Calls the server did not run for want of the script (NOSCRIPT) run again once it is
     * loaded; every command here is safe to repeat.
     */
    async runMany(name: RedisCommandName, calls: readonly RedisCall[]): Promise<unknown[]> {
        if (calls.length === 0) return [];
        if (calls.length === 1) return [await this.run(name, calls[0]!.key, calls[0]!.args)]; // no pipeline for one call
        const client = await this.client();
        const sha = shaOf(name);
        const pipeline = client.pipeline();
        for (const c of calls) pipeline.evalsha(sha, 1, c.key, this.keyPrefix, ...c.args);
        const replies = (await pipeline.exec()) ?? [];
        const out: unknown[] = [];
        for (let i = 0; i < calls.length; i++) {
            const [error, value] = replies[i] ?? [new Error('no reply'), null];
            if (error?.message.startsWith('NOSCRIPT')) out.push(await this.run(name, calls[i]!.key, calls[i]!.args));
            else if (error) throw backendFailed(this.kind, error.message, error);
            else out.push(value);
        }
        return out;
    }

    /** A key under the prefix. */
    key(suffix: string): string {
        return `${this.keyPrefix}${suffix}`;
    }

    /** The `now` argument: the caller's, the configured clock's, or '' (the server's clock). */
    now(now: number | undefined): string {
        const n = checkNow(now) ?? (this.#options.clock ? this.#options.clock() : null);
        return n === null ? '' : String(n);
    }
}
