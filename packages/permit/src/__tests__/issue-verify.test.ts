import { createPublicKey, verify as nodeVerify } from 'node:crypto';

import {
    RAFFLE_ERROR__INVALID_ARGUMENT,
    RAFFLE_ERROR__PERMIT__EXPIRED,
    RAFFLE_ERROR__PERMIT__FIELD_INVALID,
    RAFFLE_ERROR__PERMIT__MALFORMED,
    RAFFLE_ERROR__PERMIT__MESSAGE_MAGIC_INVALID,
    RAFFLE_ERROR__PERMIT__SIGNATURE_INVALID,
    RAFFLE_ERROR__PERMIT__SIGNER_FAILED,
    RAFFLE_ERROR__PERMIT__SIGNER_UNTRUSTED,
    RAFFLE_ERROR__PERMIT__TTL_INVALID,
    isRaffleError,
} from '@raffle/errors';
import { type Address, getAddressEncoder } from '@solana/kit';
import { describe, expect, it, vi } from 'vitest';

import { createNodeCryptoSigner } from '../entries/node';
import {
    DEFAULT_PERMIT_TTL_SECONDS,
    type Permit,
    type PermitSigner,
    createNobleSigner,
    decodePermit,
    encodePermitMessage,
    issuePermit,
    verifyPermit,
} from '../index';
import { detectEd25519Backend, verifyEd25519 } from '../internal/ed25519-verify';
import { hex } from './fixtures/hex';
import { FIELDS, NOW, PROGRAM_ID, REQUEST, randomAddress } from './fixtures/permit-fields';
import { RFC8032_VECTORS } from './fixtures/rfc8032';

const SEED = hex(RFC8032_VECTORS[2]!.secretKey);
const OTHER_SEED = hex(RFC8032_VECTORS[3]!.secretKey);
const signer = createNodeCryptoSigner(SEED);
const otherSigner = createNodeCryptoSigner(OTHER_SEED);

async function issue(overrides: Partial<Parameters<typeof issuePermit>[1]> = {}): Promise<Permit> {
    return issuePermit(REQUEST, { signer, now: NOW, ...overrides });
}

/** The permit as a client would receive it: through JSON. */
function overTheWire(permit: Permit): Record<string, unknown> {
    return JSON.parse(JSON.stringify(permit)) as Record<string, unknown>;
}

async function expectRejects(promise: Promise<unknown>, code: number, context?: Record<string, unknown>): Promise<void> {
    try {
        await promise;
    } catch (e) {
        expect(isRaffleError(e), String(e)).toBe(true);
        expect((e as { code: number }).code, (e as Error).message).toBe(code);
        if (context) expect((e as { context: unknown }).context).toMatchObject(context);
        return;
    }
    expect.unreachable('expected a RaffleError');
}

describe('issuePermit', () => {
    it('returns a JSON-safe v1 permit over the encoded message', async () => {
        const permit = await issue();
        expect(overTheWire(permit)).toEqual(permit);
        expect(permit).toEqual({
            version: 1,
            message: Buffer.from(encodePermitMessage(FIELDS)).toString('base64'),
            signature: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/),
            signer: signer.address,
            expiresAt: String(NOW + DEFAULT_PERMIT_TTL_SECONDS),
            fields: {
                programId: REQUEST.programId,
                config: REQUEST.config,
                organizer: REQUEST.organizer,
                raffleId: '42',
                tier: 2,
                enterpriseId: '0102030405060708090a0b0c0d0e0f10',
                prizeMint: REQUEST.prizeMint,
                prizeAmount: '1',
                paymentMint: REQUEST.paymentMint,
                ticketPrice: '5000000',
                maxTickets: 500,
                deadline: '1900000000',
                refundMode: 'vouchers',
                expiresAt: String(NOW + 300),
            },
        });
        // An independent check of the signature: OpenSSL over the decoded base64.
        const spki = Buffer.concat([
            Buffer.from('302a300506032b6570032100', 'hex'),
            Uint8Array.from(getAddressEncoder().encode(permit.signer)),
        ]);
        const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
        expect(nodeVerify(null, Buffer.from(permit.message, 'base64'), key, Buffer.from(permit.signature, 'base64'))).toBe(true);
    });

    it('is deterministic across signer implementations (ed25519 is)', async () => {
        const noble = await issuePermit(REQUEST, { signer: createNobleSigner(SEED), now: NOW });
        expect(noble).toEqual(await issue());
    });

    it('sets expiresAt = now + ttl, with now as seconds, bigint, Date or a clock function', async () => {
        for (const now of [NOW, BigInt(NOW), new Date(NOW * 1000 + 999), () => NOW, NOW + 0.7]) {
            expect((await issuePermit(REQUEST, { signer, now, ttlSeconds: 60 })).expiresAt).toBe(String(NOW + 60));
        }
        expect((await issue({ ttlSeconds: 3600n })).expiresAt).toBe(String(NOW + 3600));
        const before = Math.floor(Date.now() / 1000);
        const permit = await issuePermit(REQUEST, { signer });
        expect(Number(permit.expiresAt) - before).toBeGreaterThanOrEqual(300);
        expect(Number(permit.expiresAt) - before).toBeLessThanOrEqual(301);
    });

    it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 0n, -5n, '300', null])(
        'rejects ttlSeconds = %s with TTL_INVALID',
        async ttlSeconds => {
            await expectRejects(issue({ ttlSeconds: ttlSeconds as number }), RAFFLE_ERROR__PERMIT__TTL_INVALID);
        },
    );

    it('rejects a clock in milliseconds, negative or invalid (INVALID_ARGUMENT)', async () => {
        for (const now of [Date.now(), -1, new Date(Number.NaN), Number.NaN, 'now']) {
            await expectRejects(issue({ now: now as number }), RAFFLE_ERROR__INVALID_ARGUMENT, { name: 'now' });
        }
    });

    it('rejects an invalid field before calling the signer', async () => {
        const sign = vi.fn(signer.sign);
        await expectRejects(
            issuePermit({ ...REQUEST, maxTickets: 0 }, { signer: { address: signer.address, sign }, now: NOW }),
            RAFFLE_ERROR__PERMIT__FIELD_INVALID,
            { field: 'maxTickets' },
        );
        // expiresAt past i64 through the TTL
        await expectRejects(issue({ ttlSeconds: 2n ** 63n }), RAFFLE_ERROR__PERMIT__FIELD_INVALID, { field: 'expiresAt' });
        expect(sign).not.toHaveBeenCalled();
    });

    it('rejects a missing signer or request (INVALID_ARGUMENT)', async () => {
        await expectRejects(issuePermit(REQUEST, {} as never), RAFFLE_ERROR__INVALID_ARGUMENT, { name: 'signer' });
        await expectRejects(issuePermit(null as never, { signer }), RAFFLE_ERROR__INVALID_ARGUMENT, { name: 'request' });
    });

    it('drops properties that are not permit fields', async () => {
        const permit = await issuePermit({ ...REQUEST, secretNote: 'x' } as never, { signer, now: NOW });
        expect(Object.keys(permit.fields)).not.toContain('secretNote');
    });

    it('wraps a custom signer failure in SIGNER_FAILED without its details, and reports them to onSignerError', async () => {
        const leaky = new Error('KMS said: key material 5ecret5ecret5ecret');
        const failing: PermitSigner = { address: signer.address, sign: () => Promise.reject(leaky) };
        const onSignerError = vi.fn();
        try {
            await issuePermit(REQUEST, { signer: failing, now: NOW, onSignerError });
            expect.unreachable();
        } catch (e) {
            expect(isRaffleError(e, RAFFLE_ERROR__PERMIT__SIGNER_FAILED)).toBe(true);
            expect((e as Error).message).toContain(signer.address);
            expect((e as Error).message).toContain('Error');
            expect((e as Error).message).not.toContain('5ecret');
            expect(JSON.stringify(e)).not.toContain('5ecret');
            expect((e as Error).cause).toBeUndefined();
        }
        expect(onSignerError).toHaveBeenCalledWith(leaky);
        // A synchronous throw, and a throw of a non-Error with a hostile name.
        const weird = Object.assign(new Error('x'), { name: 'name with 5ecret inside' });
        for (const sign of [
            () => {
                throw new TypeError('boom 5ecret');
            },
            () => Promise.reject(weird),
            () => Promise.reject('5ecret string'),
        ]) {
            await expect(issuePermit(REQUEST, { signer: { address: signer.address, sign }, now: NOW })).rejects.toSatisfy(
                (e: unknown) => isRaffleError(e, RAFFLE_ERROR__PERMIT__SIGNER_FAILED) && !(e as Error).message.includes('5ecret'),
            );
        }
    });

    it('rejects a signer that returns something other than 64 bytes (SIGNER_FAILED)', async () => {
        for (const result of [new Uint8Array(63), new Uint8Array(65), 'sig', Array.from(new Uint8Array(64)), undefined]) {
            const bad: PermitSigner = { address: signer.address, sign: async () => result as Uint8Array };
            await expectRejects(issuePermit(REQUEST, { signer: bad, now: NOW }), RAFFLE_ERROR__PERMIT__SIGNER_FAILED);
        }
    });

    it('serializes the message before signing: a signer that mutates its input cannot alter the permit', async () => {
        const mutating: PermitSigner = {
            address: signer.address,
            async sign(message) {
                const signature = await signer.sign(message);
                message.fill(0);
                return signature;
            },
        };
        const permit = await issuePermit(REQUEST, { signer: mutating, now: NOW });
        expect(permit).toEqual(await issue());
    });
});

describe('verifyPermit', () => {
    it('returns the signed fields of a valid permit, with or without a trusted list', async () => {
        const permit = overTheWire(await issue());
        const expected = { ...FIELDS, enterpriseId: FIELDS.enterpriseId };
        expect(await verifyPermit(permit, { now: NOW })).toEqual(expected);
        expect(await verifyPermit(permit, { now: NOW, trustedSigners: [otherSigner.address, signer.address] })).toEqual(expected);
        expect(await verifyPermit(permit, { now: NOW, programId: PROGRAM_ID })).toEqual(expected);
        // With the system clock, on a permit issued with the system clock.
        const fresh = await issuePermit(REQUEST, { signer });
        await expect(verifyPermit(fresh)).resolves.toMatchObject({ organizer: REQUEST.organizer });
    });

    it('accepts the last second and rejects the next one (EXPIRED), as on-chain: now > expiresAt', async () => {
        const permit = await issue();
        const expiresAt = NOW + 300;
        await expect(verifyPermit(permit, { now: expiresAt })).resolves.toBeDefined();
        await expectRejects(verifyPermit(permit, { now: expiresAt + 1 }), RAFFLE_ERROR__PERMIT__EXPIRED, {
            expiresAt: BigInt(expiresAt),
            now: BigInt(expiresAt + 1),
        });
        await expectRejects(verifyPermit(permit, { now: new Date((expiresAt + 60) * 1000) }), RAFFLE_ERROR__PERMIT__EXPIRED);
    });

    it('rejects a signer outside the trusted list (SIGNER_UNTRUSTED)', async () => {
        await expectRejects(
            verifyPermit(await issue(), { now: NOW, trustedSigners: [otherSigner.address] }),
            RAFFLE_ERROR__PERMIT__SIGNER_UNTRUSTED,
            { signer: signer.address },
        );
        await expectRejects(verifyPermit(await issue(), { now: NOW, trustedSigners: [] }), RAFFLE_ERROR__PERMIT__SIGNER_UNTRUSTED);
    });

    it('rejects a permit for another program (FIELD_INVALID)', async () => {
        await expectRejects(
            verifyPermit(await issue(), { now: NOW, programId: randomAddress() }),
            RAFFLE_ERROR__PERMIT__FIELD_INVALID,
            { field: 'programId' },
        );
    });

    it('rejects a tampered message: every byte position (SIGNATURE_INVALID)', async () => {
        const permit = await issue();
        const message = Buffer.from(permit.message, 'base64');
        for (let i = 0; i < message.length; i += 7) {
            const tampered = Buffer.from(message);
            tampered[i] = tampered[i]! ^ 1;
            await expectRejects(
                verifyPermit({ ...permit, message: tampered.toString('base64') }, { now: NOW }),
                RAFFLE_ERROR__PERMIT__SIGNATURE_INVALID,
            );
        }
    });

    it('rejects a tampered signature (SIGNATURE_INVALID)', async () => {
        const permit = await issue();
        for (const i of [0, 31, 32, 63]) {
            const signature = Buffer.from(permit.signature, 'base64');
            signature[i] = signature[i]! ^ 0x80;
            await expectRejects(
                verifyPermit({ ...permit, signature: signature.toString('base64') }, { now: NOW }),
                RAFFLE_ERROR__PERMIT__SIGNATURE_INVALID,
            );
        }
        const zero = Buffer.alloc(64).toString('base64');
        await expectRejects(verifyPermit({ ...permit, signature: zero }, { now: NOW }), RAFFLE_ERROR__PERMIT__SIGNATURE_INVALID);
    });

    it('rejects a swapped signer (SIGNATURE_INVALID, or SIGNER_UNTRUSTED against a list)', async () => {
        const permit = await issue();
        const swapped = { ...permit, signer: otherSigner.address };
        await expectRejects(verifyPermit(swapped, { now: NOW }), RAFFLE_ERROR__PERMIT__SIGNATURE_INVALID, {
            signer: otherSigner.address,
        });
        await expectRejects(
            verifyPermit(swapped, { now: NOW, trustedSigners: [signer.address, otherSigner.address] }),
            RAFFLE_ERROR__PERMIT__SIGNATURE_INVALID,
        );
        await expectRejects(
            verifyPermit(swapped, { now: NOW, trustedSigners: [signer.address] }),
            RAFFLE_ERROR__PERMIT__SIGNER_UNTRUSTED,
        );
        // A signer that is not a valid curve point.
        const offCurve = { ...permit, signer: '11111111111111111111111111111112' as Address };
        await expectRejects(verifyPermit(offCurve, { now: NOW }), RAFFLE_ERROR__PERMIT__SIGNATURE_INVALID);
    });

    it('rejects readable copies that disagree with the signed message (MALFORMED)', async () => {
        const permit = await issue();
        const cases: [string, Record<string, unknown>][] = [
            ['fields.ticketPrice', { fields: { ...permit.fields, ticketPrice: '1' } }],
            ['fields.organizer', { fields: { ...permit.fields, organizer: randomAddress() } }],
            ['fields.refundMode', { fields: { ...permit.fields, refundMode: 'tokens' } }],
            ['fields.maxTickets', { fields: { ...permit.fields, maxTickets: 501 } }],
            ['fields.enterpriseId', { fields: { ...permit.fields, enterpriseId: permit.fields.enterpriseId.toUpperCase() } }],
            ['fields.raffleId', { fields: { ...permit.fields, raffleId: '042' } }],
            ['fields.expiresAt', { fields: { ...permit.fields, expiresAt: String(NOW + 10_000) } }],
            ['expiresAt', { expiresAt: String(NOW + 10_000) }],
        ];
        for (const [field, patch] of cases) {
            await expectRejects(verifyPermit({ ...permit, ...patch }, { now: NOW }), RAFFLE_ERROR__PERMIT__MALFORMED, { field });
        }
    });

    it('rejects malformed shapes with MALFORMED naming the field', async () => {
        const p = overTheWire(await issue());
        const fields = p.fields as Record<string, unknown>;
        const without = (o: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
        const cases: [string, unknown][] = [
            ['permit', null],
            ['permit', 'a permit'],
            ['permit', []],
            ['permit', 42],
            ['version', without(p, 'version')],
            ['version', { ...p, version: 2 }],
            ['version', { ...p, version: '1' }],
            ['message', without(p, 'message')],
            ['message', { ...p, message: 42 }],
            ['message', { ...p, message: '@@@@' }],
            ['message', { ...p, message: ` ${p.message as string}` }],
            ['message', { ...p, message: (p.message as string).replace(/=+$/, '') }],
            ['message', { ...p, message: (p.message as string).replace(/\+/g, '-').replace(/\//g, '_') + '_' }],
            ['message', { ...p, message: Buffer.alloc(241).toString('base64') }],
            ['message', { ...p, message: Buffer.alloc(243).toString('base64') }],
            ['signature', { ...p, signature: Buffer.alloc(63).toString('base64') }],
            ['signature', { ...p, signature: null }],
            ['signer', { ...p, signer: 'not-an-address' }],
            ['signer', { ...p, signer: 7 }],
            ['expiresAt', { ...p, expiresAt: NOW + 300 }],
            ['expiresAt', { ...p, expiresAt: '-1' }],
            ['expiresAt', { ...p, expiresAt: '1e9' }],
            ['extra', { ...p, extra: true }],
            ['__proto__', JSON.parse(`{"__proto__": {}, ${JSON.stringify(p).slice(1)}`)],
            ['fields', { ...p, fields: null }],
            ['fields', { ...p, fields: [] }],
            ['fields.tier', { ...p, fields: without(fields, 'tier') }],
            ['fields.bonus', { ...p, fields: { ...fields, bonus: 1 } }],
            ['fields.raffleId', { ...p, fields: { ...fields, raffleId: 42 } }],
            ['fields.tier', { ...p, fields: { ...fields, tier: '2' } }],
            ['fields.prizeAmount', { ...p, fields: { ...fields, prizeAmount: 1n } }],
        ];
        for (const [field, value] of cases) {
            await expectRejects(verifyPermit(value, { now: NOW }), RAFFLE_ERROR__PERMIT__MALFORMED, { field });
        }
    });

    it('rejects objects that cannot be read as plain data (MALFORMED)', async () => {
        const hostile = new Proxy(
            {},
            {
                ownKeys() {
                    throw new Error('trap');
                },
            },
        );
        await expectRejects(verifyPermit(hostile, { now: NOW }), RAFFLE_ERROR__PERMIT__MALFORMED, { field: 'permit' });
    });

    it('reports a signed but invalid message after the signature check (MAGIC / FIELD_INVALID)', async () => {
        const message = encodePermitMessage(FIELDS);
        const signed = async (bytes: Uint8Array) => ({
            ...(await issue()),
            message: Buffer.from(bytes).toString('base64'),
            signature: Buffer.from(await signer.sign(bytes)).toString('base64'),
        });
        const badMode = message.slice();
        badMode[233] = 2;
        await expectRejects(verifyPermit(await signed(badMode), { now: NOW }), RAFFLE_ERROR__PERMIT__FIELD_INVALID, {
            field: 'refundMode',
        });
        const badMagic = message.slice();
        badMagic[0] = 0;
        await expectRejects(verifyPermit(await signed(badMagic), { now: NOW }), RAFFLE_ERROR__PERMIT__MESSAGE_MAGIC_INVALID);
    });
});

describe('decodePermit', () => {
    it('decodes fields, signer and bytes synchronously, without checking the signature or expiry', async () => {
        const permit = await issue();
        const decoded = decodePermit(permit);
        expect(decoded.fields).toEqual(FIELDS);
        expect(decoded.signer).toBe(signer.address);
        expect(Buffer.from(decoded.message).toString('base64')).toBe(permit.message);
        expect(Buffer.from(decoded.signature).toString('base64')).toBe(permit.signature);
        // A forged signature still decodes: decoding is not verifying.
        expect(decodePermit({ ...permit, signature: Buffer.alloc(64).toString('base64') }).fields).toEqual(FIELDS);
    });

    it('still rejects malformed permits and disagreeing copies (MALFORMED)', async () => {
        const permit = await issue();
        expect(() => decodePermit({ ...permit, fields: { ...permit.fields, tier: 0 } })).toThrow(
            expect.objectContaining({ code: RAFFLE_ERROR__PERMIT__MALFORMED, context: expect.objectContaining({ field: 'fields.tier' }) }),
        );
        expect(() => decodePermit({ ...permit, version: 2 } as never)).toThrow(
            expect.objectContaining({ code: RAFFLE_ERROR__PERMIT__MALFORMED }),
        );
    });
});

describe('ed25519 verification backends', () => {
    it('uses WebCrypto on Node 20', async () => {
        expect(await detectEd25519Backend()).toBe('webcrypto');
    });

    for (const backend of ['webcrypto', 'noble'] as const) {
        it(`${backend}: accepts every RFC 8032 vector and rejects any altered one`, async () => {
            for (const v of RFC8032_VECTORS) {
                const [publicKey, message, signature] = [hex(v.publicKey), hex(v.message), hex(v.signature)];
                expect(await verifyEd25519(publicKey, message, signature, backend)).toBe(true);
                const altered = signature.slice();
                altered[10] = altered[10]! ^ 1;
                expect(await verifyEd25519(publicKey, message, altered, backend)).toBe(false);
                expect(await verifyEd25519(hex(RFC8032_VECTORS[0]!.publicKey), hex('ff'), signature, backend)).toBe(false);
                expect(await verifyEd25519(new Uint8Array(32).fill(0xff), message, signature, backend)).toBe(false);
                expect(await verifyEd25519(publicKey.subarray(1), message, signature, backend)).toBe(false);
            }
        });
    }
});
