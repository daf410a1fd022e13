/**
 * Test fixtures of the HTTP handler tests: a worker on the memory store with a stubbed RPC, a
 * real HTTP server on 127.0.0.1 (port 0), an SSE reader, raffle event logs and Helius raw
 * webhook bodies.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

import { serve } from '@hono/node-server';
import { getThresholdReachedEventEncoder, RWA_RAFFLE_EVENTS, RWA_RAFFLE_PROGRAM_ADDRESS } from '@raffle/client';
import { address, getBase58Decoder } from '@solana/kit';

import type { IngestionRpcSubscriptions } from '../../ingestion/ingestor';
import { createMemoryWorkerStore } from '../../store/memory/index';
import type { WorkerStore } from '../../store/types';
import { createWorker, type WorkerRpc } from '../../worker';
import { createWorkerHttpHandler, type WorkerHttpHandler } from '../http';
import type { WorkerHttpHandlerOptions } from '../http-options';

export const PROGRAM = RWA_RAFFLE_PROGRAM_ADDRESS;
export const RAFFLE = address('So11111111111111111111111111111111111111112');
export const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
export const WEBHOOK_SECRET = 'webhook-secret-0123456789abcdef';

/** A random base58 transaction signature. */
export function randomSignature(): string {
    return getBase58Decoder().decode(randomBytes(64));
}

/** Program logs of one transaction emitting a `ThresholdReached` event for `raffle`. */
export function thresholdLogs(raffle = RAFFLE, ticketsSold = 10): string[] {
    const bytes = getThresholdReachedEventEncoder().encode({ raffle, ticketsSold, drawSeed: new Uint8Array(32).fill(7), slot: 1_750_000_000n });
    return [
        'Program ComputeBudget111111111111111111111111111111 invoke [1]',
        'Program ComputeBudget111111111111111111111111111111 success',
        `Program ${PROGRAM} invoke [1]`,
        'Program log: Instruction: JoinWithToken',
        `Program data: ${Buffer.from(bytes).toString('base64')}`,
        `Program ${PROGRAM} consumed 41234 of 200000 compute units`,
        `Program ${PROGRAM} success`,
    ];
}

/** A transaction as a Helius raw webhook delivers it (the `getTransaction` JSON shape). */
export function heliusRawTransaction(input: { signature: string; slot: number; logs: string[] | null; err?: unknown }): Record<string, unknown> {
    return {
        blockTime: 1_767_225_600,
        indexWithinBlock: 12,
        meta: {
            err: input.err ?? null,
            fee: 5000,
            innerInstructions: [],
            loadedAddresses: { readonly: [], writable: [] },
            logMessages: input.logs,
            postBalances: [499_995_000, 1_000_000, 1],
            postTokenBalances: [],
            preBalances: [500_000_000, 1_000_000, 1],
            preTokenBalances: [],
            rewards: [],
            computeUnitsConsumed: 41_384,
        },
        slot: input.slot,
        transaction: {
            message: {
                accountKeys: ['CKs1E69a2e9TmH4mKKLrXFF8kD3ZnwKjoEuXa6sz9WqX', RAFFLE, PROGRAM],
                addressTableLookups: null,
                header: { numReadonlySignedAccounts: 0, numReadonlyUnsignedAccounts: 1, numRequiredSignatures: 1 },
                instructions: [{ accounts: [0, 1], data: '3Bxs3zs3x6pg4XWo', programIdIndex: 2 }],
                recentBlockhash: '3NRncb7FJuDruQjMDxnHvJBQkvkHa7KSUBqBsxG21roZ',
            },
            signatures: [input.signature],
        },
        version: 'legacy',
    };
}

/** A worker on a memory store whose RPC answers `getSlot` with `chainSlot.value` (or fails when null). */
export function createTestWorker(store: WorkerStore = createMemoryWorkerStore(), chainSlot: { value: bigint | null } = { value: 1_000n }) {
    const rpc = {
        getSlot: () => ({
            send: async () => {
                if (chainSlot.value === null) throw new Error('rpc down');
                return chainSlot.value;
            },
        }),
    } as unknown as WorkerRpc;
    const worker = createWorker({
        rpc,
        rpcSubscriptions: {} as IngestionRpcSubscriptions,
        store,
        programAddress: PROGRAM,
        decoder: RWA_RAFFLE_EVENTS,
        role: 'jobs-only',
        pollMs: 10,
        retry: { maxAttempts: 1 },
    });
    return { worker, store, chainSlot };
}

/** The cursor name of the test worker. */
export const CURSOR = `ingest:${PROGRAM}`;

/** A handler served on 127.0.0.1:0; `stop()` ends streams and the server. */
export interface Served {
    readonly url: string;
    readonly handler: WorkerHttpHandler;
    stop(): Promise<void>;
}

/** Serves a handler made from `options` on 127.0.0.1, port 0. */
export async function serveHandler(options: WorkerHttpHandlerOptions): Promise<Served> {
    const handler = createWorkerHttpHandler(options);
    const server = await new Promise<ReturnType<typeof serve>>(resolve => {
        const s = serve({ fetch: handler, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        handler,
        async stop() {
            handler.close();
            const http = server as unknown as { closeAllConnections?: () => void };
            http.closeAllConnections?.();
            await new Promise<void>(resolve => server.close(() => resolve()));
        },
    };
}

/** One parsed SSE event. */
export interface SseEvent {
    readonly id: string | null;
    readonly event: string | null;
    readonly data: string;
}

/** Reads an SSE response: events (blocks with data) and comments, until told to stop. */
export function readSse(response: Response) {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const events: SseEvent[] = [];
    const comments: string[] = [];
    let buffer = '';
    let lastId: string | null = null;
    let ended = false;
    const done = (async () => {
        try {
            for (;;) {
                const { done: finished, value } = await reader.read();
                if (finished) break;
                buffer += decoder.decode(value, { stream: true });
                let cut: number;
                while ((cut = buffer.indexOf('\n\n')) >= 0) {
                    const block = buffer.slice(0, cut);
                    buffer = buffer.slice(cut + 2);
                    let id: string | null = null;
                    let event: string | null = null;
                    const data: string[] = [];
                    for (const line of block.split('\n')) {
                        if (line.startsWith(':')) comments.push(line.slice(1).trim());
                        else if (line.startsWith('id: ')) id = line.slice(4);
                        else if (line.startsWith('event: ')) event = line.slice(7);
                        else if (line.startsWith('data: ')) data.push(line.slice(6));
                    }
                    if (id !== null) lastId = id;
                    if (data.length > 0) events.push({ id, event, data: data.join('\n') });
                }
            }
        } catch {
            // Cancelled.
        } finally {
            ended = true;
        }
    })();
    return {
        events,
        comments,
        get lastId() {
            return lastId;
        },
        get ended() {
            return ended;
        },
        done,
        async cancel() {
            await reader.cancel().catch(() => undefined);
            await done;
        },
    };
}
