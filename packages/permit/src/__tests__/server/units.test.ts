/** Unit tests of the server's pure parts: sign-in text, policy, API keys, signers, options. */
import {
    isRaffleError,
    RAFFLE_ERROR__PERMIT__API_KEY_INVALID,
    RAFFLE_ERROR__PERMIT__POLICY_INVALID,
    RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID,
    RAFFLE_ERROR__PERMIT__SIGNER_SET_INVALID,
} from '@raffle/errors';
import { describe, expect, it } from 'vitest';

import { apiKeyHasScope, createApiKey, registerApiKey } from '../../server/api-keys';
import { createPermitHandler } from '../../server/handler';
import { createPermitIssuer } from '../../server/issuer';
import { normalizeEnterpriseId } from '../../server/organizer';
import { DEFAULT_TIER_POLICIES, createPermitPolicy } from '../../server/policy';
import { createSignInMessageText, parseSignInMessageText } from '../../server/sign-in';
import { checkPermitSigners } from '../../server/signers';
import { createMemoryPermitStore } from '../../server/store/memory';
import { sha256Hex } from '../../server/tokens';
import { PROGRAM_ID, createTestSigner, randomAddress } from './support/fixtures';

describe('sign-in messages', () => {
    const address = randomAddress();
    const full = {
        domain: 'permits.example.com:8443',
        address,
        statement: 'Sign in to request raffle permits.',
        uri: 'https://permits.example.com:8443/login',
        version: '1',
        chainId: 'devnet',
        nonce: 'abcDEF123456',
        issuedAt: '2030-01-01T00:00:00.000Z',
        expirationTime: '2030-01-01T00:05:00Z',
        notBefore: '2030-01-01T00:00:00+02:00',
        requestId: 'req-1',
        resources: ['https://example.com/a', 'ipfs://b'],
    };

    it('round-trips the wallet-standard text format', () => {
        const text = createSignInMessageText(full);
        expect(text).toBe(
            `permits.example.com:8443 wants you to sign in with your Solana account:\n${address}\n\nSign in to request raffle permits.\n\n` +
                'URI: https://permits.example.com:8443/login\nVersion: 1\nChain ID: devnet\nNonce: abcDEF123456\n' +
                'Issued At: 2030-01-01T00:00:00.000Z\nExpiration Time: 2030-01-01T00:05:00Z\nNot Before: 2030-01-01T00:00:00+02:00\n' +
                'Request ID: req-1\nResources:\n- https://example.com/a\n- ipfs://b',
        );
        expect(parseSignInMessageText(text)).toEqual(full);
        const minimal = { domain: 'localhost', address };
        expect(parseSignInMessageText(createSignInMessageText(minimal))).toEqual(minimal);
        const noStatement = { domain: 'localhost', address, nonce: 'abcdefgh1' };
        expect(parseSignInMessageText(createSignInMessageText(noStatement))).toEqual(noStatement);
    });

    it('rejects anything off the format', () => {
        const text = createSignInMessageText(full);
        const bad = [
            text.replace('wants you', 'wants u'),
            text.replace(address, 'not-an-address'),
            text.replace('Version: 1', 'Version: 2'),
            text.replace('Nonce: abcDEF123456', 'Nonce: short'),
            text.replace('Nonce: abcDEF123456', 'Nonce: has spaces 123'),
            text.replace('2030-01-01T00:05:00Z', 'tomorrow'),
            text.replace('URI: ', 'URL: '),
            text.replace('Version: 1\nChain ID: devnet', 'Chain ID: devnet\nVersion: 1'), // out of order
            `${text}\nExtra: field`,
            text.replace('\n\nSign in', '\nSign in'),
            text.replace('permits.example.com:8443 wants', 'evil.com/path wants'),
            `${text}\r`,
            'x'.repeat(5000),
            '',
        ];
        for (const b of bad) expect(parseSignInMessageText(b)).toBeUndefined();
        expect(parseSignInMessageText(42 as unknown as string)).toBeUndefined();
    });
});

describe('policy', () => {
    it('merges overrides over the defaults per tier', () => {
        const usdc = randomAddress();
        const policy = createPermitPolicy({ all: { allowedPaymentMints: [usdc] }, tiers: { free: { maxTickets: 50 } } });
        expect(policy.tiers.free).toMatchObject({ maxTickets: 50, allowedPaymentMints: [usdc], maxActivePermits: DEFAULT_TIER_POLICIES.free.maxActivePermits });
        expect(policy.tiers.pro.allowedPaymentMints).toEqual([usdc]);
        expect(policy.requirePrizeCollection).toBe(true);
        expect(Object.isFrozen(policy.tiers.free)).toBe(true);
    });

    it('rejects inconsistent limits', () => {
        for (const input of [
            { all: { maxTickets: 0 } },
            { all: { maxTickets: 1_000_001 } },
            { tiers: { pro: { minDeadlineSeconds: 10, permitTtlSeconds: 300 } } },
            { tiers: { pro: { maxDeadlineSeconds: 1 } } },
            { all: { allowedPaymentMints: ['nope'] } },
            { all: { allowedRefundModes: ['cash'] } },
            { all: { maxActivePermits: -1 } },
            { all: { maxPrizeAmount: 0n } },
        ] as never[]) {
            const error = (() => {
                try {
                    createPermitPolicy(input);
                } catch (e) {
                    return e;
                }
            })();
            expect(isRaffleError(error, RAFFLE_ERROR__PERMIT__POLICY_INVALID) && error.context.field.startsWith('policy.tiers.')).toBe(true);
        }
        expect(() => createPermitPolicy({ requirePrizeCollection: 'yes' as never })).toThrow(
            expect.objectContaining({ code: RAFFLE_ERROR__PERMIT__POLICY_INVALID, context: { field: 'policy.requirePrizeCollection', reason: 'must be a boolean' } }),
        );
    });
});

describe('API keys', () => {
    it('implies read from write and everything from admin', () => {
        expect(apiKeyHasScope(['read'], 'read')).toBe(true);
        expect(apiKeyHasScope(['read'], 'write')).toBe(false);
        expect(apiKeyHasScope(['write'], 'read')).toBe(true);
        expect(apiKeyHasScope(['admin'], 'write')).toBe(true);
        expect(apiKeyHasScope([], 'read')).toBe(false);
    });

    it('stores only hashes; registering is idempotent; errors never show the key', async () => {
        const store = createMemoryPermitStore();
        const { key, record } = await createApiKey(store, { scopes: ['read'], label: 'x' });
        expect(record.keyHash).toBe(sha256Hex(key));
        expect(JSON.stringify(await store.listApiKeys())).not.toContain(key);
        const secret = 'a-long-enough-operator-chosen-secret-value';
        const a = await registerApiKey(store, { key: secret, scopes: ['admin'] });
        const b = await registerApiKey(store, { key: secret, scopes: ['read'] });
        expect(b).toEqual(a);
        expect(a.id).not.toContain(a.keyHash.slice(0, 12));
        const short = 'short-secret';
        const error = await registerApiKey(store, { key: short, scopes: ['admin'] }).catch((e: unknown) => e);
        expect(isRaffleError(error, RAFFLE_ERROR__PERMIT__API_KEY_INVALID) && error.context.field).toBe('key');
        expect(String((error as Error).message)).not.toContain(short);
        expect(JSON.stringify(error)).not.toContain(short);
        await expect(createApiKey(store, { scopes: ['root' as never] })).rejects.toThrow(
            expect.objectContaining({ code: RAFFLE_ERROR__PERMIT__API_KEY_INVALID, context: expect.objectContaining({ field: 'scopes' }) }),
        );
    });
});

describe('options', () => {
    const store = createMemoryPermitStore();
    const signer = createTestSigner();

    it('requires one or two distinct signers', () => {
        expect(() => checkPermitSigners([])).toThrow(/one or two/);
        expect(() => checkPermitSigners([signer, createTestSigner(), createTestSigner()])).toThrow(/one or two/);
        expect(() => checkPermitSigners([signer, signer])).toThrow(/twice/);
        expect(() => checkPermitSigners([{ address: 'x' } as never])).toThrow(/PermitSigner/);
        expect(() => checkPermitSigners([])).toThrow(expect.objectContaining({ code: RAFFLE_ERROR__PERMIT__SIGNER_SET_INVALID, context: { reason: 'got 0 signers' } }));
        expect(checkPermitSigners([signer])).toEqual([signer]);
    });

    it('requires a collection resolver unless the requirement is off', () => {
        expect(() => createPermitIssuer({ store, signers: [signer], programId: PROGRAM_ID })).toThrow(/prizeCollections/);
        expect(() => createPermitIssuer({ store, signers: [signer], programId: PROGRAM_ID, policy: { requirePrizeCollection: false } })).not.toThrow();
        expect(() => createPermitIssuer({ store, signers: [signer], programId: 'nope' as never, policy: { requirePrizeCollection: false } })).toThrow(
            expect.objectContaining({ code: RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID, context: expect.objectContaining({ option: 'programId' }) }),
        );
    });

    it('checks the HTTP options', () => {
        const base = { store, signers: [signer], programId: PROGRAM_ID, policy: { requirePrizeCollection: false }, domain: 'x.test' };
        expect(() => createPermitHandler({ ...base, domain: '' })).toThrow(/domain/);
        expect(() => createPermitHandler({ ...base, domain: 'https://x.test/' })).toThrow(/domain/);
        expect(() => createPermitHandler({ ...base, maxBodyBytes: 0 })).toThrow(/maxBodyBytes/);
        expect(() => createPermitHandler({ ...base, rateLimits: { perIp: { limit: 0, windowSeconds: 1 } } })).toThrow(/perIp/);
        expect(() => createPermitHandler({ ...base, basePath: 'api' })).toThrow(
            expect.objectContaining({ code: RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID, context: expect.objectContaining({ option: 'basePath' }) }),
        );
        expect(() => createPermitHandler(base)).not.toThrow();
    });

    it('serves under a base path', async () => {
        const handler = createPermitHandler({ store, signers: [signer], programId: PROGRAM_ID, policy: { requirePrizeCollection: false }, domain: 'x.test', basePath: '/api/' });
        expect((await handler(new Request('http://x.test/api/health'))).status).toBe(200);
        expect((await handler(new Request('http://x.test/health'))).status).toBe(404);
    });
});

describe('enterprise ids', () => {
    it('accepts 32 hex characters or a UUID', () => {
        expect(normalizeEnterpriseId('7F1C0D2E52A14C3B9A550E0B8C7D6F10')).toBe('7f1c0d2e52a14c3b9a550e0b8c7d6f10');
        expect(normalizeEnterpriseId('7f1c0d2e-52a1-4c3b-9a55-0e0b8c7d6f10')).toBe('7f1c0d2e52a14c3b9a550e0b8c7d6f10');
        for (const bad of ['', '7f1c', 'g'.repeat(32), 42, null, '7f1c0d2e-52a1-4c3b-9a55-0e0b8c7d6f1', `${'a'.repeat(32)} `]) {
            expect(normalizeEnterpriseId(bad)).toBeUndefined();
        }
    });
});

describe('fetch-API path (no adapter)', () => {
    it('reads streamed bodies with the size limit and answers as Response objects', async () => {
        const { registerApiKey: register } = await import('../../server/api-keys');
        const store = createMemoryPermitStore();
        const key = 'fetch-path-admin-key-0123456789abcdefghijkl';
        await register(store, { key, scopes: ['admin'] });
        const handler = createPermitHandler({
            store,
            signers: [createTestSigner()],
            programId: PROGRAM_ID,
            policy: { requirePrizeCollection: false },
            domain: 'x.test',
            maxBodyBytes: 1024,
        });
        const stream = (text: string, chunk = 100) =>
            new ReadableStream<Uint8Array>({
                start(controller) {
                    const bytes = new TextEncoder().encode(text);
                    for (let i = 0; i < bytes.length; i += chunk) controller.enqueue(bytes.subarray(i, i + chunk));
                    controller.close();
                },
            });
        const post = (body: ReadableStream<Uint8Array>) =>
            handler(
                new Request('http://x.test/admin/organizers', {
                    method: 'POST',
                    headers: { 'content-type': 'application/json', 'x-api-key': key },
                    body,
                    duplex: 'half',
                } as RequestInit),
            );
        const address = randomAddress();
        const ok = await post(stream(JSON.stringify({ address, enterpriseId: 'a'.repeat(32), tier: 'free' })));
        expect(ok).toBeInstanceOf(Response);
        expect(ok.status).toBe(201);
        expect(ok.headers.get('content-type')).toContain('application/json');
        const big = await post(stream(`{"pad":"${'x'.repeat(5000)}"}`));
        expect(big.status).toBe(413);
        const badUtf8 = await handler(
            new Request('http://x.test/admin/organizers', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: new Uint8Array([0x7b, 0xff, 0x7d]) }),
        );
        expect(((await badUtf8.json()) as { error: { code: string } }).error.code).toBe('INVALID_JSON');
    });

    it('serves any fetch handler through createNodeRequestListener', async () => {
        const { serveHandler } = await import('./support/http');
        const seen: { method: string; body: string; ip: string | undefined }[] = [];
        const server = await serveHandler(async (request, context) => {
            seen.push({ method: request.method, body: await request.text(), ip: context?.clientAddress });
            return new Response('{"ok":true}', { status: 202, headers: { 'x-custom': 'yes' } });
        });
        try {
            const response = await fetch(`${server.url}/anything?q=1`, { method: 'POST', body: 'hello' });
            expect(response.status).toBe(202);
            expect(response.headers.get('x-custom')).toBe('yes');
            expect(await response.json()).toEqual({ ok: true });
            expect(seen).toEqual([{ method: 'POST', body: 'hello', ip: '127.0.0.1' }]);
        } finally {
            await server.close();
        }
    });
});
