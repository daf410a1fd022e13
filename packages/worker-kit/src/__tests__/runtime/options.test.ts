import { isRaffleError, RAFFLE_ERROR__INVALID_ARGUMENT } from '@raffle/errors';
import { createSolanaRpc, createSolanaRpcSubscriptions } from '@solana/kit';
import { RWA_RAFFLE_EVENTS, RWA_RAFFLE_PROGRAM_ADDRESS } from '@raffle/client';
import { describe, expect, it } from 'vitest';

import { createMemoryWorkerStore } from '../../store/memory/index';
import { createWorker } from '../../worker';

// Clients are never called: createWorker only checks its options.
const base = {
    rpc: createSolanaRpc('http://127.0.0.1:1'),
    rpcSubscriptions: createSolanaRpcSubscriptions('ws://127.0.0.1:1'),
    store: createMemoryWorkerStore(),
    programAddress: RWA_RAFFLE_PROGRAM_ADDRESS,
    decoder: RWA_RAFFLE_EVENTS,
};

function rejection(extra: Record<string, unknown>): { name: unknown; reason: unknown } | null {
    try {
        createWorker({ ...base, ...extra } as Parameters<typeof createWorker>[0]);
        return null;
    } catch (e) {
        if (!isRaffleError(e, RAFFLE_ERROR__INVALID_ARGUMENT)) throw e;
        return { name: e.context.name, reason: e.context.reason };
    }
}

describe('createWorker options', () => {
    it('accepts valid options, with undefined meaning absent', () => {
        expect(rejection({ concurrency: 8, leader: { leaseMs: 2_000, renewMs: 500 }, ingestion: { startFrom: 'genesis', pageSize: undefined }, retry: { backoff: { minMs: 10, maxMs: 100 } } })).toBeNull();
    });

    it('still reads the deprecated leader.ttlMs as the lease length', () => {
        expect(rejection({ leader: { ttlMs: 2_000, renewMs: 500 } })).toBeNull();
        expect(rejection({ leader: { ttlMs: 1_000, renewMs: 1_000 } })?.name).toBe('leader.renewMs');
    });

    it.each([
        [{ concurrency: 0 }, 'concurrency'],
        [{ concurrency: '4' }, 'concurrency'],
        [{ concurency: 4 }, 'concurency'],
        [{ programAddress: 'not-an-address' }, 'programAddress'],
        [{ jobLeaseMs: 1.5 }, 'jobLeaseMs'],
        [{ role: 'leader' }, 'role'],
        [{ owner: '' }, 'owner'],
        [{ storeDecodedFields: 'yes' }, 'storeDecodedFields'],
        [{ leader: { leaseMs: 1_000, renewMs: 1_000 } }, 'leader.renewMs'],
        [{ leader: { ttl: 1_000 } }, 'leader.ttl'],
        [{ ingestion: { pageSize: 5_000 } }, 'ingestion.pageSize'],
        [{ ingestion: { startFrom: 'now' } }, 'ingestion.startFrom'],
        [{ retry: { maxAttempts: -1 } }, 'retry.maxAttempts'],
        [{ retry: { backoff: { minMs: 100, maxMs: 10 } } }, 'retry.backoff.maxMs'],
        [{ retry: { backoff: { minMs: 100 } } }, 'retry.backoff'],
        [{ ingestion: [] }, 'ingestion'],
    ])('refuses %j naming %s', (extra, name) => {
        expect(rejection(extra)?.name).toBe(name);
    });
});
