/**
 * The whole flow against the real program: an organizer signs in with its wallet, gets a
 * permit from the permit server over HTTP (embedded PGlite store, prize collection checked
 * from the Metaplex metadata account of a fixture prize NFT, read over real JSON-RPC), builds
 * `createRaffleWithPermitTx` (@raffle/client) and the committed `rwa_raffle.so` accepts it on
 * `@raffle/localnet`. The same permit cannot be used twice; the next permit gets the next
 * raffle id.
 *
 * Uses the client team's cluster of a test file (test support, through the workspace aliases).
 */
import { PGlite } from '@electric-sql/pglite';
import { type Address, type KeyPairSigner, getAddressDecoder, signBytes } from '@solana/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
    RAFFLE_DISCRIMINATOR,
    RWA_RAFFLE_ERROR__RAFFLE_ID_ALREADY_USED,
    RWA_RAFFLE_PROGRAM_ADDRESS,
    RaffleStatus,
    RefundMode,
    getRaffleEncoder,
    getRaffleSize,
    createRaffleWithPermitTx,
    fetchRaffle,
    findAssociatedTokenAddress,
    findRaffleAddresses,
    isRaffleProgramError,
} from '@raffle/client';
import { useRaffleCluster } from '../../../../client/src/__tests__/support/localnet';
import type { Permit } from '../../permit';
import { registerApiKey } from '../../server/api-keys';
import { createPermitHandler } from '../../server/handler';
import { createPrizeCollectionResolver, createRpcAccountReader } from '../../server/metaplex';
import { RAFFLE_ACCOUNT_SIZE, RAFFLE_ORGANIZER_OFFSET, RAFFLE_STATUS_OFFSET, createOpenRaffleCounter } from '../../server/open-raffles';
import { createPglitePermitStore } from '../../server/store/pglite';
import type { PermitServerStore } from '../../server/store/types';
import { ENTERPRISE_ID, randomAddress } from './support/fixtures';
import { type TestServer, serveHandler } from './support/http';

const ADMIN_KEY = 'e2e-admin-key-0123456789abcdefghijklmnopqrstuvwxyz';
const DOMAIN = 'permits.e2e.test';
const DAY = 86_400n;

const cluster = useRaffleCluster();
let store: PermitServerStore;
let server: TestServer;
let organizer: KeyPairSigner;
/** The fixture prize collection (its NFTs' metadata are verified members). */
let collection: Address;
let paymentMint: Address;

async function json<T>(response: Response): Promise<T> {
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${response.status}: ${text}`);
    return JSON.parse(text) as T;
}

function post(path: string, body: unknown, token: string): Promise<Response> {
    return fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
}

beforeAll(async () => {
    collection = cluster.fixtures.collection.mint;
    paymentMint = cluster.fixtures.mints.USDC.address;
    store = createPglitePermitStore({ dataDir: 'memory://', PGlite });
    await store.ready();
    await registerApiKey(store, { key: ADMIN_KEY, scopes: ['admin'] });
    const handler = createPermitHandler({
        store,
        signers: [cluster.permitSigner], // the fixture permit key, in config.permit_signers
        programId: RWA_RAFFLE_PROGRAM_ADDRESS,
        domain: DOMAIN,
        chainId: 'localnet',
        now: () => Number(cluster.now()) * 1000, // the chain's clock
        prizeCollections: createPrizeCollectionResolver({ reader: createRpcAccountReader(cluster.rpc as never) }),
        policy: { all: { allowedPaymentMints: [paymentMint] }, tiers: { free: { maxOpenRaffles: 1 } } },
        openRaffles: createOpenRaffleCounter({ rpc: cluster.rpc as never, programId: RWA_RAFFLE_PROGRAM_ADDRESS }),
    });
    server = await serveHandler(handler);
    organizer = await cluster.wallet();
}, 60_000);

afterAll(async () => {
    await server?.close();
    await store?.close();
});

async function signIn(wallet: KeyPairSigner): Promise<string> {
    const { message } = await json<{ message: string }>(
        await fetch(`${server.url}/auth/nonce`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address: wallet.address }) }),
    );
    const signature = await signBytes(wallet.keyPair.privateKey, new TextEncoder().encode(message));
    const { token } = await json<{ token: string }>(
        await fetch(`${server.url}/auth/sign-in`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ message, signature: Buffer.from(signature).toString('base64') }),
        }),
    );
    return token;
}

describe('wallet sign-in -> permit -> createRaffleWithPermitTx -> rwa_raffle', () => {
    it('the program accepts the permit the server issued, once', async () => {
        await json(
            await fetch(`${server.url}/admin/organizers`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
                body: JSON.stringify({ address: organizer.address, enterpriseId: ENTERPRISE_ID, tier: 'pro', allowedCollections: [collection] }),
            }),
        );
        const token = await signIn(organizer);
        // The organizer holds a prize NFT of the collection in its associated token account.
        const prizeMint = await cluster.prizeNft(organizer.address);
        const request = {
            prizeMint,
            prizeAmount: '1',
            paymentMint,
            ticketPrice: '1000000',
            maxTickets: 5,
            deadline: String(cluster.now() + DAY),
            refundMode: 'tokens',
        };
        const { raffleId, permit } = await json<{ raffleId: string; permit: Permit }>(await post('/permits', request, token));
        expect(raffleId).toBe('0');

        const message = await createRaffleWithPermitTx({ organizer, permit, computeUnitLimit: 200_000 });
        const { signature } = await cluster.sendAndConfirm(message, { feePayer: organizer });
        const { events } = await cluster.transaction(signature);
        const { raffle, prizeVault } = await findRaffleAddresses({ organizer: organizer.address, raffleId: 0n });
        expect(events.find(e => e.name === 'RaffleCreated')?.data).toMatchObject({ raffle, organizer: organizer.address, permitSigner: cluster.permitSigner.address, maxTickets: 5 });
        const account = await fetchRaffle(cluster.rpc, raffle);
        expect(account.data).toMatchObject({ status: RaffleStatus.Open, raffleId: 0n, tier: 1, maxTickets: 5, ticketPrice: 1_000_000n });
        expect(await cluster.balance(prizeVault)).toBe(1n);

        // The same permit again (the organizer holding the prize again): the raffle PDA exists, the program refuses it.
        await cluster.tokenAccount(organizer.address, prizeMint, 1n, await findAssociatedTokenAddress({ owner: organizer.address, mint: prizeMint }));
        const replay = await cluster
            .sendAndConfirm(await createRaffleWithPermitTx({ organizer, permit, computeUnitLimit: 200_000 }), { feePayer: organizer })
            .catch((e: unknown) => e);
        expect(isRaffleProgramError(replay, RWA_RAFFLE_ERROR__RAFFLE_ID_ALREADY_USED)).toBe(true);

        // The next permit carries the next id and creates the next raffle.
        const next = await json<{ raffleId: string; permit: Permit }>(await post('/permits', request, token));
        expect(next.raffleId).toBe('1');
        await cluster.sendAndConfirm(await createRaffleWithPermitTx({ organizer, permit: next.permit, computeUnitLimit: 200_000 }), { feePayer: organizer });
        const second = await findRaffleAddresses({ organizer: organizer.address, raffleId: 1n });
        expect((await fetchRaffle(cluster.rpc, second.raffle)).data.raffleId).toBe(1n);
    });

    it('refuses a prize outside the allowed collections before anything reaches the chain', async () => {
        const stranger = await cluster.wallet();
        const prizeMint = await cluster.prizeNft(stranger.address);
        await json(
            await fetch(`${server.url}/admin/organizers`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
                body: JSON.stringify({ address: stranger.address, enterpriseId: ENTERPRISE_ID, tier: 'pro', allowedCollections: [randomAddress() as Address] }),
            }),
        );
        const token = await signIn(stranger);
        const response = await post(
            '/permits',
            { prizeMint, prizeAmount: '1', paymentMint, ticketPrice: '1000000', maxTickets: 5, deadline: String(cluster.now() + DAY), refundMode: 'tokens' },
            token,
        );
        expect(response.status).toBe(422);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('PRIZE_COLLECTION_NOT_ALLOWED');
    });

    it('enforces maxOpenRaffles from the raffles the program holds', async () => {
        const small = await cluster.wallet();
        const prizeMint = await cluster.prizeNft(small.address);
        await json(
            await fetch(`${server.url}/admin/organizers`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
                body: JSON.stringify({ address: small.address, enterpriseId: ENTERPRISE_ID, tier: 'free', allowedCollections: [collection] }),
            }),
        );
        const token = await signIn(small);
        const request = { prizeMint, prizeAmount: '1', paymentMint, ticketPrice: '1000000', maxTickets: 5, deadline: String(cluster.now() + DAY), refundMode: 'tokens' };
        const { permit } = await json<{ permit: Permit }>(await post('/permits', request, token));
        // A second permit is fine while the first raffle is not created yet (1 active permit < 3).
        expect((await post('/permits', request, token)).status).toBe(201);
        await cluster.sendAndConfirm(await createRaffleWithPermitTx({ organizer: small, permit, computeUnitLimit: 200_000 }), { feePayer: small });
        const refused = await post('/permits', request, token);
        expect(refused.status).toBe(422);
        expect(((await refused.json()) as { error: { code: string; details: { open: number } } }).error).toMatchObject({ code: 'OPEN_RAFFLE_LIMIT', details: { open: 1 } });
    });
});

describe('the Raffle layout the open-raffle counter filters on', () => {
    it('matches the codec generated from the IDL', () => {
        const organizer = randomAddress();
        const bytes = getRaffleEncoder().encode({
            organizer,
            raffleId: 1n,
            tier: 0,
            enterpriseId: new Uint8Array(16),
            prizeMint: randomAddress(),
            prizeAmount: 1n,
            paymentMint: randomAddress(),
            ticketPrice: 1n,
            maxTickets: 1,
            ticketsSold: 0,
            entriesCount: 0,
            entriesRefunded: 0,
            deadline: 0n,
            refundMode: RefundMode.Vouchers,
            status: RaffleStatus.Cancelled,
            drawSeed: new Uint8Array(32),
            randomness: new Uint8Array(32),
            winnerTicket: 0,
            prizeClaimed: false,
            proceedsClaimed: false,
            createdAt: 0n,
            drawRequestedSlot: 0n,
            bump: 0,
            prizeVaultBump: 0,
            paymentVaultBump: 0,
        });
        expect(getRaffleSize()).toBe(RAFFLE_ACCOUNT_SIZE);
        expect([...bytes.subarray(0, 8)]).toEqual([...RAFFLE_DISCRIMINATOR]);
        expect(getAddressDecoder().decode(bytes.subarray(RAFFLE_ORGANIZER_OFFSET, RAFFLE_ORGANIZER_OFFSET + 32))).toBe(organizer);
        expect(bytes[RAFFLE_STATUS_OFFSET]).toBe(RaffleStatus.Cancelled);
        expect(RaffleStatus.Open).toBe(0);
    });
});
