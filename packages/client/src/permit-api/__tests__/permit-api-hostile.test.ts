/**
 * The permit server client against broken and hostile servers on 127.0.0.1: garbage bodies,
 * wrong shapes, forged or mismatched permits, echoed secrets, huge bodies, servers that never
 * answer, refused connections. Every failure must be a typed RaffleError.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
    isRaffleError,
    RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR,
    RAFFLE_ERROR__CLIENT__PERMIT_API_RESPONSE_INVALID,
    RAFFLE_ERROR__CLIENT__PERMIT_API_UNREACHABLE,
    RaffleError,
} from '@raffle/errors';
import { createNobleSigner, issuePermit, type Permit } from '@raffle/permit';
import { type Address, generateKeyPairSigner, type KeyPairSigner } from '@solana/kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { RWA_RAFFLE_PROGRAM_ADDRESS } from '../../index';
import { createPermitApiClient, type PermitApiClient, type PermitApiRequest, walletFromMessageSigner } from '../index';

const TOKEN = 'rps_hostile-test-token-0123456789abcdefghijk';
const permitKey = createNobleSigner(new Uint8Array(32).fill(9));
const MINT_A = 'So11111111111111111111111111111111111111112' as Address;
const MINT_B = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v' as Address;

type Route = (request: IncomingMessage, response: ServerResponse, body: string) => void;

/** A scripted server: `routes[path]` answers; by default a well-behaved sign-in. */
let routes: Record<string, Route> = {};
let server: Server;
let url: string;
let organizer: KeyPairSigner;
let wellFormedPermit: Permit;

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    response.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req-1', ...headers });
    response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function signInMessage(address: string): string {
    const now = new Date();
    return [
        `permits.test wants you to sign in with your Solana account:`,
        address,
        '',
        'Sign in to request raffle permits.',
        '',
        'Version: 1',
        'Nonce: abcdefghijklmnop12345678',
        `Issued At: ${now.toISOString()}`,
        `Expiration Time: ${new Date(now.getTime() + 300_000).toISOString()}`,
    ].join('\n');
}

const wellBehaved: Record<string, Route> = {
    '/auth/nonce': (_req, res, body) => send(res, 200, { message: signInMessage((JSON.parse(body) as { address: string }).address) }),
    '/auth/sign-in': (_req, res) =>
        send(res, 200, { token: TOKEN, tokenType: 'Bearer', expiresAt: new Date(Date.now() + 900_000).toISOString(), organizer: organizer.address, active: true }),
};

const request: PermitApiRequest = {
    prizeMint: MINT_A,
    prizeAmount: 1n,
    paymentMint: MINT_B,
    ticketPrice: 1_000n,
    maxTickets: 10,
    deadline: 2_000_000_000n,
    refundMode: 'tokens',
};

async function permitFor(overrides: { raffleId?: bigint; maxTickets?: number } = {}): Promise<Permit> {
    return issuePermit(
        {
            programId: RWA_RAFFLE_PROGRAM_ADDRESS,
            config: MINT_A,
            organizer: organizer.address,
            raffleId: overrides.raffleId ?? 5n,
            tier: 1,
            enterpriseId: new Uint8Array(16),
            prizeMint: request.prizeMint,
            prizeAmount: request.prizeAmount,
            paymentMint: request.paymentMint,
            ticketPrice: request.ticketPrice,
            maxTickets: overrides.maxTickets ?? request.maxTickets,
            deadline: request.deadline,
            refundMode: request.refundMode,
        },
        { signer: permitKey },
    );
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

async function signedIn(config: { timeoutMs?: number; trustedSigners?: Address[] } = {}): Promise<PermitApiClient> {
    const permits = createPermitApiClient({ baseUrl: url, ...config });
    await permits.signIn(walletFromMessageSigner(organizer));
    return permits;
}

beforeAll(async () => {
    organizer = await generateKeyPairSigner();
    wellFormedPermit = await permitFor();
    server = createServer((req, res) => {
        let body = '';
        let size = 0;
        req.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= 65_536) body += chunk.toString('utf8');
        });
        req.on('end', () => {
            const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
            if (route === undefined) send(res, 404, { error: { code: 'NOT_FOUND', message: 'no such route' }, requestId: 'req-404' });
            else route(req, res, body);
        });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
});
beforeEach(() => {
    routes = { ...wellBehaved };
});

function expectInvalid(error: RaffleError, reason: RegExp): void {
    expect(isRaffleError(error, RAFFLE_ERROR__CLIENT__PERMIT_API_RESPONSE_INVALID), error.message).toBe(true);
    expect((error.context as { reason: string }).reason).toMatch(reason);
}

describe('bodies the client cannot accept', () => {
    it('garbage instead of JSON', async () => {
        routes['/auth/nonce'] = (_req, res) => send(res, 200, '{"message": "permits.test wants you');
        const error = await failure(createPermitApiClient({ baseUrl: url }).signIn(walletFromMessageSigner(organizer)));
        expectInvalid(error, /not JSON/);
        expect(error.context).toMatchObject({ endpoint: 'POST /auth/nonce', status: 200, requestId: 'req-1' });
    });

    it('JSON of the wrong shape', async () => {
        for (const body of [null, [], { message: 42 }, { message: 'x'.repeat(5000) }]) {
            routes['/auth/nonce'] = (_req, res) => send(res, 200, body);
            expectInvalid(await failure(createPermitApiClient({ baseUrl: url }).signIn(walletFromMessageSigner(organizer))), /message|object/);
        }
        routes = { ...wellBehaved };
        routes['/auth/sign-in'] = (_req, res) => send(res, 200, { token: TOKEN, expiresAt: 'tomorrow', organizer: organizer.address, active: true });
        expectInvalid(await failure(createPermitApiClient({ baseUrl: url }).signIn(walletFromMessageSigner(organizer))), /expiresAt/);
    });

    it('a sign-in answer for another wallet', async () => {
        const other = await generateKeyPairSigner();
        routes['/auth/sign-in'] = (_req, res) =>
            send(res, 200, { token: TOKEN, expiresAt: new Date().toISOString(), organizer: other.address, active: true });
        const permits = createPermitApiClient({ baseUrl: url });
        expectInvalid(await failure(permits.signIn(walletFromMessageSigner(organizer))), /organizer/);
        expect(permits.session).toBeUndefined();
    });

    it('never asks the wallet to sign something that is not a sign-in message for it', async () => {
        const signMessage = vi.fn(async () => new Uint8Array(64));
        const wallet = { address: organizer.address, signMessage };
        const other = await generateKeyPairSigner();
        for (const message of ['\u0001\u0000\u0002binary transaction bytes', signInMessage(other.address), `${signInMessage(organizer.address)}\u0000`]) {
            routes['/auth/nonce'] = (_req, res) => send(res, 200, { message });
            expectInvalid(await failure(createPermitApiClient({ baseUrl: url }).signIn(wallet)), /sign-in message|not for wallet/);
        }
        expect(signMessage).not.toHaveBeenCalled();
    });

    it('a body above the size bound', async () => {
        routes['/organizers/me'] = (_req, res) => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(`{"pad":"${'x'.repeat(5 * 1024 * 1024)}"}`);
        };
        expectInvalid(await failure((await signedIn()).me()), /larger than/);
    });

    it('a non-JSON error page keeps the status and Retry-After', async () => {
        routes['/permits'] = (_req, res) => {
            res.writeHead(502, { 'content-type': 'text/html', 'retry-after': '7' });
            res.end('<html>bad gateway</html>');
        };
        const error = await failure((await signedIn()).requestPermit(request));
        expect(isRaffleError(error, RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR)).toBe(true);
        expect(error.context).toMatchObject({ status: 502, serverCode: 'UNKNOWN', retryAfter: 7 });
    });
});

describe('permits the client refuses', () => {
    async function refused(permit: unknown, raffleId = '5', config: { trustedSigners?: Address[] } = {}): Promise<RaffleError> {
        routes['/permits'] = (_req, res) => send(res, 201, { raffleId, permit });
        return failure((await signedIn(config)).requestPermit(request));
    }

    it('accepts a good one', async () => {
        const permit = await permitFor();
        routes['/permits'] = (_req, res) => send(res, 201, { raffleId: '5', permit });
        const result = await (await signedIn({ trustedSigners: [permitKey.address] })).requestPermit(request);
        expect(result).toEqual({ raffleId: 5n, permit, replayed: false });
    });

    it('a malformed, forged, mismatched or untrusted permit', async () => {
        const good = await permitFor();
        expectInvalid(await refused({ ...good, signature: good.signature.replace(/^./, c => (c === 'A' ? 'B' : 'A')) }), /signature/);
        expectInvalid(await refused({ ...good, fields: { ...good.fields, maxTickets: 11 } }), /maxTickets/);
        expectInvalid(await refused({ ...good, extra: true }), /malformed/);
        expectInvalid(await refused('permit'), /malformed/);
        expectInvalid(await refused(good, '6'), /raffleId is 5, expected 6/);
        expectInvalid(await refused(good, '-1'), /raffleId/);
        expectInvalid(await refused(await permitFor({ maxTickets: 11 })), /maxTickets is 11, expected 10/);
        expectInvalid(await refused(good, '5', { trustedSigners: [MINT_A] }), /trusted/);
    });
});

describe('secrets never reach errors', () => {
    it('a server that echoes the token and the signature gets them redacted', async () => {
        let signature = '';
        routes['/auth/sign-in'] = (_req, res, body) => {
            signature = (JSON.parse(body) as { signature: string }).signature;
            send(res, 401, { error: { code: 'SIGN_IN_INVALID', message: `bad signature ${signature}`, details: { echo: signature } }, requestId: 'r' });
        };
        const failed = await failure(createPermitApiClient({ baseUrl: url }).signIn(walletFromMessageSigner(organizer)));
        expect(signature).toHaveLength(88);
        expect(JSON.stringify(failed) + failed.message).not.toContain(signature);
        expect(failed.message).toContain('[redacted]');

        routes = { ...wellBehaved };
        routes['/organizers/me'] = (req, res) =>
            send(res, 400, { error: { code: 'INVALID_REQUEST', message: `you sent ${req.headers.authorization}\u0000\n` } });
        routes['/permits'] = (req, res) => send(res, 201, { raffleId: '5', permit: { ...wellFormedPermit, signer: req.headers.authorization?.slice(7) } });
        const permits = await signedIn();
        const echoed = await failure(permits.me());
        const quoted = await failure(permits.requestPermit(request));
        for (const error of [echoed, quoted]) {
            expect(JSON.stringify(error) + error.message + String(error.cause)).not.toContain(TOKEN);
        }
        expect(echoed.message).toMatch(/you sent Bearer \[redacted\]$/);
    });
});

describe('unreachable servers', () => {
    it('a server that never answers times out', async () => {
        routes['/organizers/me'] = () => undefined; // holds the request open
        const error = await failure((await signedIn({ timeoutMs: 300 })).me());
        expect(isRaffleError(error, RAFFLE_ERROR__CLIENT__PERMIT_API_UNREACHABLE)).toBe(true);
        expect(error.context).toMatchObject({ kind: 'timeout', endpoint: 'GET /organizers/me' });
    });

    it('a body that stalls half way times out', async () => {
        routes['/organizers/me'] = (_req, res) => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.write('{"organizer":');
        };
        const error = await failure((await signedIn({ timeoutMs: 300 })).me());
        expect(error.context).toMatchObject({ kind: 'timeout' });
    });

    it('a fetch that ignores its signal is still bounded', async () => {
        const permits = createPermitApiClient({ baseUrl: url, timeoutMs: 100, fetch: () => new Promise<Response>(() => undefined) });
        expect((await failure(permits.me())).context).toMatchObject({ kind: 'timeout' });
    });

    it('the caller can abort', async () => {
        routes['/organizers/me'] = () => undefined;
        const permits = await signedIn();
        const controller = new AbortController();
        const pending = failure(permits.me({ signal: controller.signal }));
        controller.abort();
        expect((await pending).context).toMatchObject({ kind: 'aborted' });
        expect((await failure(permits.me({ signal: controller.signal }))).context).toMatchObject({ kind: 'aborted' });
    });

    it('a refused connection is a network error', async () => {
        const closed = createServer();
        await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
        const port = (closed.address() as AddressInfo).port;
        await new Promise(resolve => closed.close(resolve));
        const error = await failure(createPermitApiClient({ baseUrl: `http://127.0.0.1:${port}` }).me());
        expect(error.context).toMatchObject({ kind: 'network', endpoint: 'GET /organizers/me' });
        expect(error.cause).toBeDefined();
    });
});
