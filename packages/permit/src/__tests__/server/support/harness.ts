/** A permit server on loopback with a memory store, an admin key and a controllable clock. */
import type { Address } from '@solana/kit';

import type { PermitSigner } from '../../../signer';
import { registerApiKey } from '../../../server/api-keys';
import { type PermitHandler, type PermitHandlerOptions, createPermitHandler } from '../../../server/handler';
import type { PrizeCollection } from '../../../server/metaplex';
import { createMemoryPermitStore } from '../../../server/store/memory';
import type { PermitServerStore } from '../../../server/store/types';
import { ENTERPRISE_ID, PROGRAM_ID, type TestWallet, createTestSigner, createWallet, randomAddress } from './fixtures';
import { type TestServer, serveHandler } from './http';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdefghijklmnopqrstuvwxyz';
export const DOMAIN = 'permits.test';

export interface Harness {
    url: string;
    store: PermitServerStore;
    handler: PermitHandler;
    signers: PermitSigner[];
    /** Unix ms the server sees; starts at the real time. */
    clock: { now: number };
    /** Collections by prize mint; unknown mints have no metadata. */
    prizes: Map<Address, PrizeCollection>;
    /** Makes the collection resolver throw. */
    chainDown: { value: boolean };
    close(): Promise<void>;
    /** Registers an organizer through the admin API and returns its wallet. */
    organizer(input?: { tier?: 'free' | 'pro' | 'enterprise'; active?: boolean; collections?: Address[] }): Promise<TestWallet>;
    /** A prize mint in a verified collection. */
    prize(collection: Address): Address;
    admin(path: string, init?: { method?: string; body?: unknown; key?: string }): Promise<Response>;
}

export async function startHarness(overrides: Partial<PermitHandlerOptions> & { store?: PermitServerStore } = {}): Promise<Harness> {
    const store = overrides.store ?? createMemoryPermitStore();
    await store.ready();
    await registerApiKey(store, { key: ADMIN_KEY, scopes: ['admin'], label: 'tests' });
    const clock = { now: Date.now() };
    const prizes = new Map<Address, PrizeCollection>();
    const chainDown = { value: false };
    const signers = [createTestSigner(), createTestSigner()];
    const handler = createPermitHandler({
        signers,
        programId: PROGRAM_ID,
        domain: DOMAIN,
        now: () => clock.now,
        prizeCollections: async mint => {
            if (chainDown.value) throw new Error('RPC down');
            return prizes.get(mint) ?? { status: 'metadata-missing' };
        },
        rateLimits: { perIp: false, perOrganizer: false, signInPerIp: false },
        ...overrides,
        store,
    });
    const server: TestServer = await serveHandler(handler);
    const admin = (path: string, init: { method?: string; body?: unknown; key?: string } = {}): Promise<Response> =>
        fetch(`${server.url}${path}`, {
            method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
            headers: { authorization: `Bearer ${init.key ?? ADMIN_KEY}`, ...(init.body !== undefined && { 'content-type': 'application/json' }) },
            ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
        });
    return {
        url: server.url,
        store,
        handler,
        signers,
        clock,
        prizes,
        chainDown,
        close: async () => {
            await server.close();
            await store.close();
        },
        async organizer(input = {}) {
            const wallet = createWallet();
            const response = await admin('/admin/organizers', {
                body: {
                    address: wallet.address,
                    enterpriseId: ENTERPRISE_ID,
                    tier: input.tier ?? 'pro',
                    allowedCollections: input.collections ?? [],
                    active: input.active ?? true,
                },
            });
            if (response.status !== 201) throw new Error(`create organizer: ${response.status} ${await response.text()}`);
            return wallet;
        },
        prize(collection) {
            const mint = randomAddress();
            prizes.set(mint, { status: 'verified', collection });
            return mint;
        },
        admin,
    };
}

/** POSTs a JSON body with a bearer token. */
export function postJson(url: string, body: unknown, token?: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token !== undefined && { authorization: `Bearer ${token}` }), ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
    });
}
