/**
 * The permit server client against the real permit server of `@raffle/permit/server`
 * (memory store, an admin key, approved organizers), served over HTTP on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
    isRaffleError,
    RAFFLE_ERROR__CLIENT__MESSAGE_SIGNING_FAILED,
    RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR,
    RAFFLE_ERROR__CLIENT__PERMIT_API_RESPONSE_INVALID,
    RAFFLE_ERROR__INVALID_ARGUMENT,
    RaffleError,
} from '@raffle/errors';
import { createNobleSigner, verifyPermit } from '@raffle/permit';
import {
    createMemoryPermitStore,
    createNodeRequestListener,
    createPermitHandler,
    type PermitHandlerOptions,
    registerApiKey,
} from '@raffle/permit/server';
import { type Address, generateKeyPairSigner, getAddressDecoder, type KeyPairSigner } from '@solana/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRaffleWithPermitTx, RWA_RAFFLE_PROGRAM_ADDRESS } from '../../index';
import { createPermitApiClient, type PermitApiRequest, type PermitApiWallet, walletFromMessageSigner } from '../index';

const ADMIN_KEY = 'client-test-admin-key-0123456789abcdefghijklmnop';
const permitKey = createNobleSigner(new Uint8Array(32).fill(7));

interface RealServer {
    url: string;
    close(): Promise<void>;
    /** Registers a wallet as organizer through the admin API. */
    approve(address: Address, tier?: 'free' | 'pro' | 'enterprise'): Promise<void>;
}

async function startRealServer(overrides: Partial<PermitHandlerOptions> = {}): Promise<RealServer> {
    const store = createMemoryPermitStore();
    await store.ready();
    await registerApiKey(store, { key: ADMIN_KEY, scopes: ['admin'], label: 'client tests' });
    const handler = createPermitHandler({
        store,
        signers: [permitKey],
        programId: RWA_RAFFLE_PROGRAM_ADDRESS,
        domain: 'permits.test',
        policy: { requirePrizeCollection: false },
        rateLimits: { perIp: false, perOrganizer: false, signInPerIp: false },
        ...overrides,
    });
    const server: Server = createServer(createNodeRequestListener(handler));
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
        url,
        async close() {
            server.closeAllConnections();
            await new Promise(resolve => server.close(resolve));
            await store.close();
        },
        async approve(address, tier = 'pro') {
            const response = await fetch(`${url}/admin/organizers`, {
                method: 'POST',
                headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
                body: JSON.stringify({ address, enterpriseId: randomBytes(16).toString('hex'), tier }),
            });
            expect(response.status).toBe(201);
        },
    };
}

function randomAddress(): Address {
    return getAddressDecoder().decode(randomBytes(32));
}

function raffleRequest(overrides: Partial<PermitApiRequest> = {}): PermitApiRequest {
    return {
        prizeMint: randomAddress(),
        prizeAmount: 1n,
        paymentMint: randomAddress(),
        ticketPrice: 5_000_000n,
        maxTickets: 500,
        deadline: BigInt(Math.floor(Date.now() / 1000) + 7 * 86_400),
        refundMode: 'vouchers',
        ...overrides,
    };
}

/** Catches the rejection of `promise` as a RaffleError. */
async function failure(promise: Promise<unknown>): Promise<RaffleError> {
    const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
    );
    expect(isRaffleError(error), String(error)).toBe(true);
    return error as RaffleError;
}

/** A fetch that records the Authorization headers the client sends. */
function recordingFetch(): { fetch: (input: string, init: RequestInit) => Promise<Response>; tokens: string[]; calls: number } {
    const record = {
        tokens: [] as string[],
        calls: 0,
        fetch: (input: string, init: RequestInit) => {
            record.calls++;
            const authorization = new Headers(init.headers).get('authorization');
            if (authorization !== null) record.tokens.push(authorization.slice('Bearer '.length));
            return fetch(input, init);
        },
    };
    return record;
}

describe('createPermitApiClient against the real permit server', () => {
    let server: RealServer;
    let organizer: KeyPairSigner;

    beforeAll(async () => {
        server = await startRealServer();
        organizer = await generateKeyPairSigner();
        await server.approve(organizer.address);
    });
    afterAll(async () => {
        await server.close();
    });

    it('signs in with a keypair wallet and gets a permit that verifies and builds the creating transaction', async () => {
        const permits = createPermitApiClient({ baseUrl: `${server.url}/`, trustedSigners: [permitKey.address] });
        expect(permits.session).toBeUndefined();
        const session = await permits.signIn(walletFromMessageSigner(organizer));
        expect(session).toMatchObject({ organizer: organizer.address, active: true });
        expect(session.expiresAt.getTime()).toBeGreaterThan(Date.now());
        expect(JSON.stringify(permits)).not.toContain('rps_');

        const profile = await permits.me();
        expect(profile.organizer).toMatchObject({ address: organizer.address, tier: 'pro', active: true, nextRaffleId: 0n });
        expect(profile.limits.maxTickets).toBe(100_000);
        expect(profile.activePermits).toBe(0);

        const input = raffleRequest();
        const { raffleId, permit, replayed } = await permits.requestPermit(input);
        expect(raffleId).toBe(0n);
        expect(replayed).toBe(false);
        const fields = await verifyPermit(permit, { trustedSigners: [permitKey.address], programId: RWA_RAFFLE_PROGRAM_ADDRESS });
        expect(fields).toMatchObject({ organizer: organizer.address, raffleId: 0n, maxTickets: 500, prizeMint: input.prizeMint, deadline: input.deadline });

        const message = await createRaffleWithPermitTx({ organizer, permit });
        expect(message.instructions).toHaveLength(2);
        expect((await permits.me()).activePermits).toBe(1);
    });

    it('replays the same permit for the same idempotency key, and refuses the key for another request', async () => {
        const permits = createPermitApiClient({ baseUrl: server.url });
        await permits.signIn(walletFromMessageSigner(organizer));
        const input = raffleRequest();
        const first = await permits.requestPermit(input, { idempotencyKey: 'order-42' });
        const again = await permits.requestPermit(input, { idempotencyKey: 'order-42' });
        expect(again.replayed).toBe(true);
        expect(again.raffleId).toBe(first.raffleId);
        expect(again.permit).toEqual(first.permit);
        const other = await permits.requestPermit(input, { idempotencyKey: 'order-43' });
        expect(other.raffleId).toBe(first.raffleId + 1n);

        const reused = await failure(permits.requestPermit(raffleRequest(), { idempotencyKey: 'order-42' }));
        expect(isRaffleError(reused, RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR)).toBe(true);
        expect(reused.context).toMatchObject({ status: 422, serverCode: 'IDEMPOTENCY_KEY_REUSED', endpoint: 'POST /permits' });

        const page = await permits.listPermits({ limit: 2 });
        expect(page.permits.map(p => p.raffleId)).toEqual([other.raffleId, first.raffleId]);
        expect(page.permits[0]).toMatchObject({ organizer: organizer.address, status: 'issued', signer: permitKey.address, permit: other.permit });
        expect(page.nextCursor).not.toBeNull();
        const next = await permits.listPermits({ limit: 2, before: page.nextCursor! });
        expect(next.permits.every(p => p.raffleId < first.raffleId)).toBe(true);
    });

    it('an unregistered wallet gets 403 ORGANIZER_UNKNOWN with the request id, and no session', async () => {
        const permits = createPermitApiClient({ baseUrl: server.url });
        const stranger = await generateKeyPairSigner();
        const error = await failure(permits.signIn(walletFromMessageSigner(stranger)));
        expect(isRaffleError(error, RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR)).toBe(true);
        expect(error.context).toMatchObject({ status: 403, serverCode: 'ORGANIZER_UNKNOWN', endpoint: 'POST /auth/sign-in' });
        expect((error.context as { requestId?: string }).requestId).toMatch(/^\S+$/);
        expect(error.message).toContain('ORGANIZER_UNKNOWN');
        expect(permits.session).toBeUndefined();
    });

    it('a wallet that refuses to sign, or returns garbage, gives MESSAGE_SIGNING_FAILED; a wrong key is refused by the server', async () => {
        const permits = createPermitApiClient({ baseUrl: server.url });
        const refusal = new Error('User rejected the request.');
        const refusing: PermitApiWallet = { address: organizer.address, signMessage: () => Promise.reject(refusal) };
        const refused = await failure(permits.signIn(refusing));
        expect(isRaffleError(refused, RAFFLE_ERROR__CLIENT__MESSAGE_SIGNING_FAILED)).toBe(true);
        expect(refused.context).toMatchObject({ address: organizer.address });
        expect(refused.cause).toBe(refusal);

        const short: PermitApiWallet = { address: organizer.address, signMessage: async () => new Uint8Array(10) };
        expect((await failure(permits.signIn(short))).code).toBe(RAFFLE_ERROR__CLIENT__MESSAGE_SIGNING_FAILED);

        const impostorKey = walletFromMessageSigner(await generateKeyPairSigner());
        const impostor: PermitApiWallet = { address: organizer.address, signMessage: m => impostorKey.signMessage(m) };
        const forged = await failure(permits.signIn(impostor));
        expect(forged.context).toMatchObject({ status: 401, serverCode: 'SIGN_IN_INVALID' });
        expect(permits.session).toBeUndefined();
    });

    it('sends the token only as a bearer header, forgets it on sign-out, and the server ends the session', async () => {
        const recorder = recordingFetch();
        const permits = createPermitApiClient({ baseUrl: server.url, fetch: recorder.fetch });
        const unsigned = await failure(permits.me());
        expect(unsigned.context).toMatchObject({ status: 401, serverCode: 'UNAUTHENTICATED' });

        await permits.signIn(walletFromMessageSigner(organizer));
        await permits.me();
        const token = recorder.tokens[0]!;
        expect(token).toMatch(/^rps_/);
        await permits.signOut();
        expect(permits.session).toBeUndefined();
        await permits.signOut(); // no session: nothing to do
        const replay = await fetch(`${server.url}/organizers/me`, { headers: { authorization: `Bearer ${token}` } });
        expect(replay.status).toBe(401);
        const after = await failure(permits.me());
        expect(after.context).toMatchObject({ status: 401 });
        for (const error of [unsigned, after]) expect(JSON.stringify(error) + error.message).not.toContain(token);
    });

    it('carries policy refusals with their code and details', async () => {
        const permits = createPermitApiClient({ baseUrl: server.url });
        await permits.signIn(walletFromMessageSigner(organizer));
        const error = await failure(permits.requestPermit(raffleRequest({ maxTickets: 200_000 })));
        expect(error.context).toMatchObject({ status: 422, serverCode: 'TICKETS_ABOVE_TIER_LIMIT' });
        expect(error.message).toMatch(/^\[2009\] The permit server answered POST \/permits with HTTP 422 TICKETS_ABOVE_TIER_LIMIT: /);
    });

    it('refuses a permit from a signer it does not trust', async () => {
        const permits = createPermitApiClient({ baseUrl: server.url, trustedSigners: [randomAddress()] });
        await permits.signIn(walletFromMessageSigner(organizer));
        const error = await failure(permits.requestPermit(raffleRequest()));
        expect(isRaffleError(error, RAFFLE_ERROR__CLIENT__PERMIT_API_RESPONSE_INVALID)).toBe(true);
        expect(error.message).toContain('not a trusted permit signer');
    });

    it('checks its input before sending anything', async () => {
        const recorder = recordingFetch();
        const permits = createPermitApiClient({ baseUrl: server.url, fetch: recorder.fetch });
        const cases: [() => Promise<unknown>, string][] = [
            [() => permits.requestPermit(raffleRequest({ prizeMint: 'not-an-address' as Address })), 'prizeMint'],
            [() => permits.requestPermit(raffleRequest({ prizeAmount: -1n })), 'prizeAmount'],
            [() => permits.requestPermit(raffleRequest({ ticketPrice: 1n << 64n })), 'ticketPrice'],
            [() => permits.requestPermit(raffleRequest({ maxTickets: 1.5 })), 'maxTickets'],
            [() => permits.requestPermit(raffleRequest({ refundMode: 'cash' as never })), 'refundMode'],
            [() => permits.requestPermit(raffleRequest(), { idempotencyKey: 'has space' }), 'idempotencyKey'],
            [() => permits.listPermits({ limit: 0 }), 'limit'],
            [() => permits.signIn({ address: organizer.address } as never), 'wallet'],
        ];
        for (const [call, name] of cases) {
            const error = await failure(call());
            expect(error.code, name).toBe(RAFFLE_ERROR__INVALID_ARGUMENT);
            expect(error.context, name).toMatchObject({ name });
        }
        expect(recorder.calls).toBe(0);
        for (const [config, name] of [
            [{ baseUrl: 'ftp://127.0.0.1' }, 'baseUrl'],
            [{ baseUrl: `${server.url}?x=1` }, 'baseUrl'],
            [{ baseUrl: server.url, timeoutMs: 0 }, 'timeoutMs'],
            [{ baseUrl: server.url, trustedSigners: ['nope'] }, 'trustedSigners[0]'],
        ] as const) {
            expect(() => createPermitApiClient(config as never), name).toThrow(expect.objectContaining({ code: RAFFLE_ERROR__INVALID_ARGUMENT, context: expect.objectContaining({ name }) }));
        }
        expect(() => walletFromMessageSigner({} as never)).toThrow(expect.objectContaining({ code: RAFFLE_ERROR__INVALID_ARGUMENT }));
    });
});

describe('rate limits', () => {
    let server: RealServer;
    afterAll(async () => {
        await server.close();
    });

    it('a 429 carries retryAfter in seconds', async () => {
        server = await startRealServer({ rateLimits: { perIp: false, signInPerIp: false, perOrganizer: { limit: 1, windowSeconds: 60 } } });
        const organizer = await generateKeyPairSigner();
        await server.approve(organizer.address);
        const permits = createPermitApiClient({ baseUrl: server.url });
        await permits.signIn(walletFromMessageSigner(organizer));
        await permits.me();
        const error = await failure(permits.me());
        expect(error.context).toMatchObject({ status: 429, serverCode: 'RATE_LIMITED' });
        const retryAfter = (error.context as { retryAfter?: number }).retryAfter;
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(60);
        expect(permits.session).toBeDefined(); // a 429 keeps the session
    });
});
