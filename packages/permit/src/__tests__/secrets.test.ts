import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';

import { getBase58Decoder } from '@solana/kit';
import { afterAll, describe, expect, it } from 'vitest';

import * as core from '../index';
import * as node from '../entries/node';
import { hex } from './fixtures/hex';
import { RFC8032_VECTORS } from './fixtures/rfc8032';

const base58 = getBase58Decoder();
const SEED = hex(RFC8032_VECTORS[1]!.secretKey);
const PUBLIC = hex(RFC8032_VECTORS[1]!.publicKey);
const KEYPAIR = Uint8Array.from([...SEED, ...PUBLIC]);
const WRONG_PUBLIC = hex(RFC8032_VECTORS[0]!.publicKey);
const FORGED = Uint8Array.from([...SEED, ...WRONG_PUBLIC]);
const dir = mkdtempSync(join(tmpdir(), 'permit-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every encoding of the secret seed (and of keypairs holding it) that could leak. */
function secretEncodings(): string[] {
    const out: string[] = [];
    for (const bytes of [SEED, KEYPAIR, FORGED, SEED.subarray(0, 16), SEED.subarray(16)]) {
        const buffer = Buffer.from(bytes);
        out.push(
            buffer.toString('hex'),
            buffer.toString('hex').toUpperCase(),
            buffer.toString('base64'),
            buffer.toString('base64url'),
            base58.decode(bytes),
            JSON.stringify(Array.from(bytes)),
            Array.from(bytes).join(', '),
            Array.from(bytes).join(' '),
        );
    }
    // Shorter windows of the main encodings, to catch truncated echoes.
    const seedHex = Buffer.from(SEED).toString('hex');
    const seed58 = base58.decode(SEED);
    const keypair58 = base58.decode(KEYPAIR);
    for (let i = 0; i + 12 <= seedHex.length; i += 6) out.push(seedHex.slice(i, i + 12));
    for (let i = 0; i + 10 <= seed58.length; i += 5) out.push(seed58.slice(i, i + 10));
    for (let i = 0; i + 10 <= keypair58.length; i += 5) out.push(keypair58.slice(i, i + 10));
    out.push(Array.from(SEED.subarray(0, 8)).join(','));
    return out;
}
const ENCODINGS = secretEncodings();

function expectNoSecret(text: string, label: string): void {
    for (const encoding of ENCODINGS) {
        expect(text.includes(encoding), `${label} contains ${encoding}`).toBe(false);
    }
}

/** Every printable view of a value. */
function views(value: unknown): string[] {
    const list = [
        String(value),
        `${value as string}`,
        JSON.stringify(value) ?? '',
        inspect(value),
        inspect(value, { depth: 10, showHidden: true }),
        inspect(value, { depth: 10, showHidden: true, customInspect: false, getters: true }),
    ];
    if (value instanceof Error) {
        list.push(value.message, value.stack ?? '', JSON.stringify(value.cause ?? null), inspect(value.cause));
    }
    return list;
}

it('the leak detector detects leaks (self-check)', () => {
    expect(() => expectNoSecret(`key: ${Buffer.from(SEED).toString('hex')}`, 'hex')).toThrow();
    expect(() => expectNoSecret(`key: ${base58.decode(KEYPAIR).slice(7, 30)}`, 'base58 window')).toThrow();
    expect(() => expectNoSecret(`key: [${Array.from(SEED).join(',')}]`, 'JSON')).toThrow();
    expect(() => expectNoSecret('nothing here', 'clean')).not.toThrow();
});

describe('signers never show their secret', () => {
    const signers = {
        noble: core.createNobleSigner(SEED),
        'noble from keypair': core.createNobleSigner(KEYPAIR),
        'node:crypto': node.createNodeCryptoSigner(KEYPAIR),
        'core signerFromEnv': core.signerFromEnv('K', { K: base58.decode(KEYPAIR) }),
        'node signerFromEnv': node.signerFromEnv('K', { K: JSON.stringify(Array.from(KEYPAIR)) }),
        'core signerFromKeypairJson': core.signerFromKeypairJson(JSON.stringify(Array.from(KEYPAIR))),
        'node signerFromBase58': node.signerFromBase58(base58.decode(SEED)),
        'node createKeypairSigner': node.createKeypairSigner(KEYPAIR),
    };
    for (const [name, signer] of Object.entries(signers)) {
        it(`${name}: JSON.stringify, String, util.inspect, console.log show only the address`, () => {
            expect(JSON.parse(JSON.stringify(signer))).toEqual({ address: signer.address });
            expect(String(signer)).toMatch(new RegExp(`^PermitSigner\\((noble|node:crypto), ${signer.address}\\)$`));
            expect(inspect(signer)).toBe(String(signer));
            for (const [i, text] of views(signer).entries()) expectNoSecret(text, `view ${i}`);
            // Not even in a structure holding it.
            expectNoSecret(inspect({ config: { signer } }, { depth: 10 }), 'nested inspect');
            expectNoSecret(JSON.stringify({ signer }), 'nested JSON');
            expect(Object.isFrozen(signer)).toBe(true);
        });
    }
});

describe('key loading errors never contain the secret', () => {
    const file = (name: string, content: string): string => {
        const path = join(dir, name);
        writeFileSync(path, content, { mode: 0o600 });
        return path;
    };
    const seedJson = JSON.stringify(Array.from(SEED));
    const keypairJson = JSON.stringify(Array.from(KEYPAIR));
    const attempts: [string, () => unknown][] = [
        ['mismatched keypair, noble', () => core.createNobleSigner(FORGED)],
        ['mismatched keypair, node:crypto', () => node.createNodeCryptoSigner(FORGED)],
        ['mismatched keypair, createKeypairSigner', () => core.createKeypairSigner(FORGED)],
        ['mismatched keypair in base58', () => core.signerFromBase58(base58.decode(FORGED))],
        ['mismatched keypair in JSON', () => node.signerFromKeypairJson(JSON.stringify(Array.from(FORGED)))],
        ['mismatched keypair in env', () => node.signerFromEnv('K', { K: base58.decode(FORGED) })],
        ['truncated keypair (63 bytes)', () => core.createNobleSigner(KEYPAIR.subarray(0, 63))],
        ['truncated keypair, node', () => node.createNodeCryptoSigner(KEYPAIR.subarray(0, 48))],
        ['seed passed as a keypair', () => core.createKeypairSigner(SEED)],
        ['base58 keypair with a bad character', () => core.signerFromBase58(`${base58.decode(KEYPAIR)}0`)],
        ['base58 keypair with an extra byte', () => core.signerFromBase58(base58.decode(Uint8Array.from([...KEYPAIR, 1])))],
        ['base58 with whitespace inside', () => core.signerFromBase58(`${base58.decode(SEED).slice(0, 20)} ${base58.decode(SEED).slice(20)}`)],
        ['JSON keypair with a trailing comma', () => core.signerFromKeypairJson(`${keypairJson.slice(0, -1)},]`)],
        ['JSON keypair with a value above 255', () => core.signerFromKeypairJson(`${keypairJson.slice(0, -1)},300]`)],
        ['JSON keypair of 65 bytes', () => core.signerFromKeypairJson(`${keypairJson.slice(0, -1)},1]`)],
        ['JSON seed with a stray character', () => core.signerFromKeypairJson(`${seedJson.slice(0, 30)}x${seedJson.slice(30)}`)],
        ['JSON keypair with quotes', () => core.signerFromKeypairJson(keypairJson.replace(/(\d+)/g, '"$1"'))],
        ['env with broken JSON', () => core.signerFromEnv('K', { K: `${keypairJson.slice(0, -1)}` })],
        ['env with base58 of 48 bytes', () => node.signerFromEnv('K', { K: base58.decode(KEYPAIR.subarray(0, 48)) })],
        ['env with hex (unsupported)', () => core.signerFromEnv('K', { K: Buffer.from(SEED).toString('hex') })],
        ['env with base64 (unsupported)', () => core.signerFromEnv('K', { K: Buffer.from(KEYPAIR).toString('base64') })],
    ];
    for (const [name, attempt] of attempts) {
        it(`${name}: message, JSON, inspect and stack are clean`, () => {
            let error: unknown;
            try {
                attempt();
            } catch (e) {
                error = e;
            }
            expect(error, 'expected an error').toBeInstanceOf(Error);
            expect((error as { code?: number }).code).toBeGreaterThanOrEqual(1007);
            for (const [i, text] of views(error).entries()) expectNoSecret(text, `view ${i}`);
        });
    }

    for (const [name, content] of [
        ['mismatched', JSON.stringify(Array.from(FORGED))],
        ['broken', `${keypairJson.slice(0, 100)}`],
        ['base58 instead of JSON', base58.decode(KEYPAIR)],
    ] as const) {
        it(`keypair file, ${name}: errors are clean`, async () => {
            const error = await node.signerFromKeypairFile(file(`${name.replace(/\W/g, '_')}.json`, content)).catch((e: unknown) => e);
            expect(error).toBeInstanceOf(Error);
            for (const [i, text] of views(error).entries()) expectNoSecret(text, `view ${i}`);
        });
    }
});
