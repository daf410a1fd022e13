import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
    RAFFLE_ERROR__PERMIT__SIGNER_ENV_MISSING,
    RAFFLE_ERROR__PERMIT__SIGNER_FAILED,
    RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID,
    RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH,
    isRaffleError,
} from '@raffle/errors';
import { getBase58Decoder } from '@solana/kit';
import { afterAll, describe, expect, it } from 'vitest';

import * as core from '../index';
import * as node from '../entries/node';
import type { PermitSigner } from '../index';
import { hex, toHexString } from './fixtures/hex';
import { RFC8032_VECTORS, type Rfc8032Vector } from './fixtures/rfc8032';

const base58 = getBase58Decoder();
const dir = mkdtempSync(join(tmpdir(), 'permit-signers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keypairOf(v: Rfc8032Vector): Uint8Array {
    return Uint8Array.from([...hex(v.secretKey), ...hex(v.publicKey)]);
}

/** Every way of building a signer, with the implementation it must end up on. */
const CONSTRUCTORS: { name: string; kind: 'noble' | 'node:crypto'; make: (v: Rfc8032Vector) => Promise<PermitSigner> | PermitSigner }[] = [
    { name: 'createNobleSigner(seed)', kind: 'noble', make: v => core.createNobleSigner(hex(v.secretKey)) },
    { name: 'createNobleSigner(keypair)', kind: 'noble', make: v => core.createNobleSigner(keypairOf(v)) },
    { name: 'createNodeCryptoSigner(seed)', kind: 'node:crypto', make: v => node.createNodeCryptoSigner(hex(v.secretKey)) },
    { name: 'createNodeCryptoSigner(keypair)', kind: 'node:crypto', make: v => node.createNodeCryptoSigner(keypairOf(v)) },
    { name: 'core createKeypairSigner', kind: 'noble', make: v => core.createKeypairSigner(keypairOf(v)) },
    { name: 'node createKeypairSigner', kind: 'node:crypto', make: v => node.createKeypairSigner(keypairOf(v)) },
    {
        name: 'core signerFromKeypairJson',
        kind: 'noble',
        make: v => core.signerFromKeypairJson(JSON.stringify(Array.from(keypairOf(v)))),
    },
    {
        name: 'node signerFromKeypairJson (pretty-printed)',
        kind: 'node:crypto',
        make: v => node.signerFromKeypairJson(`\n${JSON.stringify(Array.from(keypairOf(v)), null, 2)}\n`),
    },
    { name: 'core signerFromBase58(keypair)', kind: 'noble', make: v => core.signerFromBase58(base58.decode(keypairOf(v))) },
    { name: 'core signerFromBase58(seed)', kind: 'noble', make: v => core.signerFromBase58(base58.decode(hex(v.secretKey))) },
    { name: 'node signerFromBase58(keypair)', kind: 'node:crypto', make: v => node.signerFromBase58(` ${base58.decode(keypairOf(v))}\n`) },
    { name: 'node signerFromBase58(seed)', kind: 'node:crypto', make: v => node.signerFromBase58(base58.decode(hex(v.secretKey))) },
    {
        name: 'core signerFromEnv(base58)',
        kind: 'noble',
        make: v => core.signerFromEnv('PERMIT_SIGNER_KEY', { PERMIT_SIGNER_KEY: base58.decode(keypairOf(v)) }),
    },
    {
        name: 'core signerFromEnv(JSON)',
        kind: 'noble',
        make: v => core.signerFromEnv('K', { K: JSON.stringify(Array.from(keypairOf(v))) }),
    },
    {
        name: 'node signerFromEnv(base58)',
        kind: 'node:crypto',
        make: v => node.signerFromEnv('PERMIT_SIGNER_KEY', { PERMIT_SIGNER_KEY: base58.decode(keypairOf(v)) }),
    },
    {
        name: 'node signerFromEnv(JSON)',
        kind: 'node:crypto',
        make: v => node.signerFromEnv(undefined, { PERMIT_SIGNER_KEY: JSON.stringify(Array.from(keypairOf(v))) }),
    },
    {
        name: 'node signerFromKeypairFile',
        kind: 'node:crypto',
        make: v => {
            const path = join(dir, `${v.name.replace(/\W/g, '_')}.json`);
            writeFileSync(path, JSON.stringify(Array.from(keypairOf(v))), { mode: 0o600 });
            return node.signerFromKeypairFile(path);
        },
    },
    {
        name: 'node signerFromBase58 with createSigner: createNobleSigner',
        kind: 'noble',
        make: v => node.signerFromBase58(base58.decode(keypairOf(v)), { createSigner: core.createNobleSigner }),
    },
];

describe('RFC 8032 section 7.1 test vectors, for every signer', () => {
    for (const constructor of CONSTRUCTORS) {
        describe(constructor.name, () => {
            for (const v of RFC8032_VECTORS) {
                it(`${v.name}: exact signature bytes`, async () => {
                    const signer = await constructor.make(v);
                    expect(signer.address).toBe(base58.decode(hex(v.publicKey)));
                    expect(String(signer)).toContain(constructor.kind);
                    const signature = await signer.sign(hex(v.message));
                    expect(signature).toBeInstanceOf(Uint8Array);
                    expect(toHexString(signature)).toBe(v.signature);
                });
            }
        });
    }
});

describe('key loading errors', () => {
    const v = RFC8032_VECTORS[0]!;

    it('rejects a keypair whose public half belongs to another seed (SIGNER_KEY_MISMATCH)', () => {
        const forged = Uint8Array.from([...hex(v.secretKey), ...hex(RFC8032_VECTORS[1]!.publicKey)]);
        for (const attempt of [
            () => core.createNobleSigner(forged),
            () => node.createNodeCryptoSigner(forged),
            () => core.createKeypairSigner(forged),
            () => node.signerFromBase58(base58.decode(forged)),
            () => core.signerFromEnv('K', { K: JSON.stringify(Array.from(forged)) }),
        ]) {
            expect(attempt).toThrow(expect.objectContaining({ code: RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH }));
        }
        try {
            node.signerFromEnv('K', { K: base58.decode(forged) });
        } catch (e) {
            expect(isRaffleError(e, RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH) && e.context.source).toBe('env K');
        }
    });

    it.each([
        ['a 31-byte secret', () => core.createNobleSigner(new Uint8Array(31))],
        ['a 33-byte secret', () => node.createNodeCryptoSigner(new Uint8Array(33))],
        ['a non-Uint8Array secret', () => core.createNobleSigner([1, 2, 3] as unknown as Uint8Array)],
        ['a 32-byte "keypair"', () => core.createKeypairSigner(hex(v.secretKey))],
        ['JSON with a value above 255', () => core.signerFromKeypairJson(`[${'256,'.repeat(63)}1]`)],
        ['JSON with a negative value', () => core.signerFromKeypairJson(`[${'-1,'.repeat(63)}1]`)],
        ['JSON that is an object', () => core.signerFromKeypairJson('{"secretKey":[1,2]}')],
        ['JSON of 10 bytes', () => core.signerFromKeypairJson('[1,2,3,4,5,6,7,8,9,10]')],
        ['an empty JSON array', () => core.signerFromKeypairJson('[]')],
        ['base58 with a 0', () => core.signerFromBase58('0OIl')],
        ['base58 of 40 bytes', () => core.signerFromBase58(base58.decode(new Uint8Array(40).fill(7)))],
        ['an env value that is neither', () => core.signerFromEnv('K', { K: 'not a key!' })],
    ])('rejects %s (SIGNER_KEY_INVALID)', (_name, attempt) => {
        expect(attempt).toThrow(expect.objectContaining({ code: RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID }));
    });

    it('reports a missing or empty variable (SIGNER_ENV_MISSING) with its name', () => {
        for (const env of [{}, { PERMIT_SIGNER_KEY: '' }, { PERMIT_SIGNER_KEY: '  \n' }]) {
            try {
                core.signerFromEnv(undefined, env);
                expect.unreachable();
            } catch (e) {
                expect(isRaffleError(e, RAFFLE_ERROR__PERMIT__SIGNER_ENV_MISSING)).toBe(true);
                expect((e as Error).message).toContain('PERMIT_SIGNER_KEY');
            }
        }
        // Inherited properties are not variables.
        expect(() => core.signerFromEnv('toString', {})).toThrow(
            expect.objectContaining({ code: RAFFLE_ERROR__PERMIT__SIGNER_ENV_MISSING }),
        );
    });

    it('reads process.env by default', () => {
        const keypair = keypairOf(v);
        process.env.PERMIT_TEST_SIGNER_DEFAULT = base58.decode(keypair);
        try {
            expect(core.signerFromEnv('PERMIT_TEST_SIGNER_DEFAULT').address).toBe(base58.decode(hex(v.publicKey)));
            expect(node.signerFromEnv('PERMIT_TEST_SIGNER_DEFAULT').address).toBe(base58.decode(hex(v.publicKey)));
        } finally {
            delete process.env.PERMIT_TEST_SIGNER_DEFAULT;
        }
    });

    it('reports an unreadable keypair file with its path and errno code only', async () => {
        const path = join(dir, 'missing.json');
        await expect(node.signerFromKeypairFile(path)).rejects.toMatchObject({
            code: RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID,
            context: { source: `file ${path}`, reason: 'the file cannot be read (ENOENT)' },
        });
    });

    it('wraps a failing sign() in SIGNER_FAILED', async () => {
        const signer = core.createNobleSigner(hex(v.secretKey));
        await expect(signer.sign('hello' as unknown as Uint8Array)).rejects.toMatchObject({
            code: RAFFLE_ERROR__PERMIT__SIGNER_FAILED,
            context: { signer: signer.address },
        });
        const nodeSigner = node.createNodeCryptoSigner(hex(v.secretKey));
        await expect(nodeSigner.sign(null as unknown as Uint8Array)).rejects.toMatchObject({
            code: RAFFLE_ERROR__PERMIT__SIGNER_FAILED,
        });
    });

    it('copies the secret: zeroing the caller buffer afterwards does not change the signer', async () => {
        const seed = hex(v.secretKey);
        const signer = core.createNobleSigner(seed);
        seed.fill(0);
        expect(toHexString(await signer.sign(hex(v.message)))).toBe(v.signature);
    });
});
