/**
 * Our Sign-In With Solana parser (../sign-in.ts) against `@solana/wallet-standard-util`'s
 * (`parseSignInMessageText`, `createSignInMessageText`, `verifySignIn`), on valid and hostile
 * messages, and the server's sign-in against `verifySignIn` on the checks beyond parsing.
 *
 * Decisions where the two disagree, by the SIWS text format (the wallet-standard `solana:signIn`
 * feature, Phantom's SIWS spec) and EIP-4361, which it follows:
 *
 * - Fixed in ours (ours was wrong):
 *   - Impossible dates and times (`2025-02-30`, hour 24, minute 60, offset `+24:00`) passed
 *     ours because V8's `Date.parse` rolls them over; RFC 3339 §5.7 forbids them. Ours now
 *     checks the calendar (theirs checks nothing).
 *   - A bracketed IPv6 literal domain (`[::1]:8787`) is a valid RFC 3986 authority; ours
 *     refused it, now accepts it (theirs accepts any text).
 *   - Both accepted Unicode line and paragraph separators (U+2028/2029), NEL and other C1
 *     controls, bidirectional overrides and zero-width characters in the statement and values.
 *     EIP-4361's statement is ASCII; wallets may render these as line breaks or reorder the
 *     text, so a statement can show a forged `URI:` line. Ours now rejects them on every line
 *     (and `createPermitHandler` refuses such a `statement` option). Other non-ASCII statements
 *     stay accepted (a localized statement is legitimate; the signature covers the bytes).
 *   - `createSignInMessageText` now writes what theirs writes: empty optional fields are left
 *     out and `Resources:` is written for an empty list (checked by a property test below).
 * - Kept, ours stricter (theirs departs from the spec; its own `verifySignIn` re-creates the
 *   text and compares bytes, which catches some but not all of these):
 *   - Trailing line breaks (no LF ends the EIP-4361 message); multi-line statements, which let
 *     fields be swallowed into the statement ("statement MUST NOT contain `\n`"); CR anywhere.
 *   - Domain: an ASCII host (IDNs in punycode, as `location.host` gives) or `[IPv6]`, optional
 *     port; no scheme, userinfo, path, look-alike letters or zero-width characters.
 *   - Address: a base58 32-byte key (theirs takes any text). Version: exactly `1`. Nonce: 8 to 128
 *     letters and digits (EIP-4361: at least 8 alphanumerics). Times: RFC 3339 with upper-case
 *     `T` and `Z` only (RFC 3339 also allows lower case; no wallet writes it). Fields in order,
 *     each once, no unknown field, no empty value. At most 4,096 characters.
 *   - A statement that reads as a field (`URI: fake` followed by the real fields) is valid
 *     EIP-4361 grammar, but misleading: ours rejects it (theirs takes it as the statement).
 * - Beyond parsing, `verifySignIn` checks only that the message equals the expected input and
 *   that the signature verifies for `output.account.publicKey`. It never checks that this key
 *   is the message's address (even with `input.address` set): a message naming the organizer,
 *   signed by any other key, verifies. Our server verifies the signature against the address
 *   in the message, so we keep our own verification rather than adopt `verifySignIn`. Expiry,
 *   not-before, issued-in-the-future and single-use nonces are also left to the caller; ours
 *   checks them (the handler table below).
 */
import { type SolanaSignInInputWithRequiredFields, createSignInMessageText as theirCreate, parseSignInMessageText as theirParse, verifySignIn } from '@solana/wallet-standard-util';
import { type Address, getAddressEncoder } from '@solana/kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { PROGRAM_ID, type TestWallet, createTestSigner, createWallet } from '../../__tests__/server/support/fixtures';
import { createPermitHandler } from '../handler';
import { type SignInMessageFields, createSignInMessageText, isSignInStatement, parseSignInMessageText } from '../sign-in';
import { createMemoryPermitStore } from '../store/memory';

const A = '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin';
const HEADER = ' wants you to sign in with your Solana account:';
const FIELDS = [
    'URI: https://permits.example.com/login',
    'Version: 1',
    'Chain ID: devnet',
    'Nonce: abcDEF123456',
    'Issued At: 2030-01-01T00:00:00.000Z',
    'Expiration Time: 2030-01-01T00:05:00Z',
    'Not Before: 2030-01-01T00:00:00+02:00',
    'Request ID: req-1',
    'Resources:',
    '- https://example.com/a',
    '- ipfs://b',
].join('\n');
const FULL = `permits.example.com${HEADER}\n${A}\n\nSign in to request raffle permits.\n\n${FIELDS}`;
const swap = (text: string, from: string, to: string): string => {
    expect(text, `case text holds ${JSON.stringify(from)}`).toContain(from);
    return text.replace(from, to);
};

type Verdict = 'accept' | 'reject';
/** [case, message text, ours, theirs]; the decisions are in the header. */
const CASES: [string, string, Verdict, Verdict][] = [
    // Valid: both accept and read the same fields.
    ['full message', FULL, 'accept', 'accept'],
    ['domain and address only', `localhost${HEADER}\n${A}`, 'accept', 'accept'],
    ['no statement', `localhost:8787${HEADER}\n${A}\n\nNonce: abcdefgh1`, 'accept', 'accept'],
    ['statement only', `localhost${HEADER}\n${A}\n\nHello.`, 'accept', 'accept'],
    ['IPv6 literal domain with port', swap(FULL, 'permits.example.com wants', '[::1]:8787 wants'), 'accept', 'accept'],
    ['localized statement', swap(FULL, 'Sign in to request raffle permits.', 'Connectez-vous à l’API — 署名して'), 'accept', 'accept'],
    ['statement with a colon, not a field', swap(FULL, 'Sign in to', 'Note: sign in to'), 'accept', 'accept'],
    ['empty Resources list', `localhost${HEADER}\n${A}\n\nNonce: abcdefgh1\nResources:`, 'accept', 'accept'],
    ['unknown label before the fields is a statement', `localhost${HEADER}\n${A}\n\nExtra: x\n\nNonce: abcdefgh1`, 'accept', 'accept'],
    // Both reject.
    ['CRLF line endings', FULL.replaceAll('\n', '\r\n'), 'reject', 'reject'],
    ['look-alike header (Cyrillic а in Solana)', swap(FULL, 'Solana', 'Sol\u0430na'), 'reject', 'reject'],
    ['Ethereum header', swap(FULL, 'Solana account', 'Ethereum account'), 'reject', 'reject'],
    ['no blank line after the address', swap(FULL, `${A}\n\n`, `${A}\n`), 'reject', 'reject'],
    ['fields without the blank line after the statement', swap(FULL, 'permits.\n\nURI', 'permits.\nURI'), 'reject', 'accept'],
    ['empty string', '', 'reject', 'reject'],
    ['header only', `localhost${HEADER}`, 'reject', 'reject'],
    // Ours rejects, theirs accepts (ours right, see the header).
    ['trailing LF', `${FULL}\n`, 'reject', 'accept'],
    ['trailing LF LF', `${FULL}\n\n`, 'reject', 'accept'],
    ['multi-line statement hiding a forged URI', swap(FULL, 'raffle permits.', 'raffle permits.\nURI: https://evil.example'), 'reject', 'accept'],
    ['fields out of order', swap(FULL, 'Version: 1\nChain ID: devnet', 'Chain ID: devnet\nVersion: 1'), 'reject', 'accept'],
    ['duplicate Nonce', swap(FULL, 'Nonce: abcDEF123456', 'Nonce: abcDEF123456\nNonce: zzzzzzzz9999'), 'reject', 'accept'],
    ['unknown field after the fields', `${FULL.slice(0, FULL.indexOf('\nResources:'))}\nExtra: x`, 'reject', 'accept'],
    ['field after Resources', `${FULL}\nRequest ID: late`, 'reject', 'accept'],
    ['statement reading as a field, then the fields', swap(FULL, 'Sign in to request raffle permits.', 'URI: https://evil.example'), 'reject', 'accept'],
    ['U+2028 in the statement', swap(FULL, 'raffle permits.', 'raffle permits.\u2028URI: https://evil.example'), 'reject', 'accept'],
    ['NEL (U+0085) in the statement', swap(FULL, 'raffle permits.', 'raffle permits.\u0085URI: https://evil.example'), 'reject', 'accept'],
    ['RLO bidi override in the statement', swap(FULL, 'Sign in', '\u202eSign in'), 'reject', 'accept'],
    ['lone surrogate in the statement', swap(FULL, 'Sign in', '\ud800Sign in'), 'reject', 'accept'],
    ['zero-width space in the domain', swap(FULL, 'permits.example', 'permits\u200b.example'), 'reject', 'accept'],
    ['look-alike domain (Cyrillic р, е)', swap(FULL, 'permits.example', '\u0440\u0435rmits.example'), 'reject', 'accept'],
    ['domain with a scheme', swap(FULL, 'permits.example.com wants', 'https://permits.example.com wants'), 'reject', 'accept'],
    ['domain with userinfo', swap(FULL, 'permits.example.com wants', 'permits.example.com@evil.example wants'), 'reject', 'accept'],
    ['domain with a path', swap(FULL, 'permits.example.com wants', 'permits.example.com/login wants'), 'reject', 'accept'],
    ['header repeated inside the domain', swap(FULL, 'permits.example.com wants', `evil.example${HEADER} wants`), 'reject', 'accept'],
    ['address not base58 (look-alike О)', swap(FULL, A, `${A.slice(0, -1)}\u041e`), 'reject', 'accept'],
    ['address too short', swap(FULL, A, A.slice(0, 20)), 'reject', 'accept'],
    ['Version 2', swap(FULL, 'Version: 1', 'Version: 2'), 'reject', 'accept'],
    ['nonce of 7 characters', swap(FULL, 'abcDEF123456', 'abcDEF1'), 'reject', 'accept'],
    ['nonce with a symbol', swap(FULL, 'abcDEF123456', 'abcDEF-123456'), 'reject', 'accept'],
    ['nonce of 200 characters', swap(FULL, 'abcDEF123456', 'a'.repeat(200)), 'reject', 'accept'],
    ['statement of 5,000 characters', swap(FULL, 'Sign in to request raffle permits.', 'x'.repeat(5000)), 'reject', 'accept'],
    ['Issued At not a time', swap(FULL, '2030-01-01T00:00:00.000Z', 'yesterday'), 'reject', 'accept'],
    ['Issued At on February 30', swap(FULL, '2030-01-01T00:00:00.000Z', '2030-02-30T00:00:00.000Z'), 'reject', 'accept'],
    ['Expiration Time at hour 24', swap(FULL, '2030-01-01T00:05:00Z', '2030-01-01T24:05:00Z'), 'reject', 'accept'],
    ['Not Before with offset +24:00', swap(FULL, '+02:00', '+24:00'), 'reject', 'accept'],
    ['lower-case t and z', swap(FULL, '2030-01-01T00:00:00.000Z', '2030-01-01t00:00:00.000z'), 'reject', 'accept'],
    ['empty URI value', swap(FULL, 'URI: https://permits.example.com/login', 'URI: '), 'reject', 'accept'],
    ['CR inside the Nonce line', swap(FULL, 'abcDEF123456', 'abcDEF123456\r'), 'reject', 'accept'],
    ['NUL in the Request ID', swap(FULL, 'req-1', 'req\u00001'), 'reject', 'accept'],
    ['resource without "- "', swap(FULL, '- ipfs://b', 'ipfs://b'), 'reject', 'accept'],
    ['empty statement line', `localhost${HEADER}\n${A}\n\n\n\nNonce: abcdefgh1`, 'reject', 'accept'],
    ['lower-case label after the fields', `localhost${HEADER}\n${A}\n\nNonce: abcdefgh1\nnonce: abcdefgh2`, 'reject', 'accept'],
];

function theirFields(text: string): Record<string, unknown> | undefined {
    const parsed = theirParse(text);
    if (parsed === null) return undefined;
    return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
}

describe('sign-in parser against @solana/wallet-standard-util', () => {
    it.each(CASES)('%s', (_name, text, ours, theirs) => {
        const mine = parseSignInMessageText(text);
        const their = theirFields(text);
        expect({ ours: mine === undefined ? 'reject' : 'accept', theirs: their === undefined ? 'reject' : 'accept' }).toEqual({ ours, theirs });
        // Never looser than theirs, and when both accept, the same fields.
        if (mine !== undefined) expect({ ...mine }).toEqual(their);
    });

    it('has at least 30 cases, each named once', () => {
        expect(CASES.length).toBeGreaterThanOrEqual(30);
        expect(new Set(CASES.map(([name]) => name)).size).toBe(CASES.length);
    });

    it('writes the same text as theirs, and both read back the fields', () => {
        const line = fc.string({ minLength: 1, maxLength: 40, unit: fc.constantFrom(...'abcXYZ019 .:/-_?=&é署'.split('')) }).filter(isSignInStatement);
        const fields = fc.record(
            {
                domain: fc.constantFrom('localhost', 'permits.example.com', 'a.b-c.io:8443', '[::1]:8787'),
                address: fc.constant(A as Address),
                statement: line,
                uri: line,
                version: fc.constant('1'),
                chainId: fc.constantFrom('mainnet', 'devnet', 'solana:localnet'),
                nonce: fc.stringMatching(/^[A-Za-z0-9]{8,32}$/),
                issuedAt: fc.date({ min: new Date(0), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map(d => d.toISOString()),
                expirationTime: fc.date({ min: new Date(0), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map(d => d.toISOString()),
                notBefore: fc.constantFrom('2030-01-01T00:00:00Z', '2030-06-30T23:59:59.5-07:00'),
                requestId: line,
                resources: fc.array(line, { maxLength: 3 }),
            },
            { requiredKeys: ['domain', 'address'] },
        );
        fc.assert(
            fc.property(fields, (input: SignInMessageFields) => {
                const text = createSignInMessageText(input);
                expect(text).toBe(theirCreate(input as SolanaSignInInputWithRequiredFields));
                expect(parseSignInMessageText(text)).toEqual(input);
                expect(theirFields(text)).toEqual(input);
            }),
            { numRuns: 300 },
        );
    });
});

describe('server sign-in against verifySignIn', () => {
    const DOMAIN = 'permits.test';
    const addressBytes = (address: string): Uint8Array => new Uint8Array(getAddressEncoder().encode(address as Address));

    async function setup() {
        const store = createMemoryPermitStore();
        const clock = { now: Date.parse('2030-01-01T00:00:00Z') };
        const handler = createPermitHandler({
            store,
            signers: [createTestSigner()],
            programId: PROGRAM_ID,
            domain: DOMAIN,
            now: () => clock.now,
            policy: { requirePrizeCollection: false },
            rateLimits: { perIp: false, perOrganizer: false, signInPerIp: false },
        });
        const post = (path: string, body: unknown): Promise<Response> =>
            handler(new Request(`http://${DOMAIN}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
        const wallet = createWallet();
        await store.ready();
        await store.createOrganizer({ address: wallet.address, enterpriseId: '7f1c0d2e52a14c3b9a550e0b8c7d6f10', tier: 'pro' }, clock.now);
        /** The fields the server asks the wallet to sign (wallet-standard `SolanaSignInInput`). */
        const input = async (): Promise<SolanaSignInInputWithRequiredFields> => {
            const { domain, statement, version, nonce, issuedAt, expirationTime } = (await (await post('/auth/nonce', {})).json()) as Record<string, string>;
            return { domain: domain!, address: wallet.address, statement, version, nonce, issuedAt, expirationTime };
        };
        /** Signs `text` with `signer`; returns the server's status and theirs `verifySignIn` for `expected`. */
        const check = async (text: string, signer: TestWallet, expected: Parameters<typeof verifySignIn>[0]) => {
            const signedMessage = new TextEncoder().encode(text);
            const signature = signer.signMessage(signedMessage);
            const response = await post('/auth/sign-in', { message: text, signature: Buffer.from(signature).toString('base64') });
            const account = { address: signer.address, publicKey: addressBytes(signer.address), chains: [], features: [] };
            return { ours: response.status, theirs: verifySignIn(expected, { account, signedMessage, signature }) };
        };
        return { clock, wallet, input, check };
    }

    it('accepts a message the wallet writes with theirs createSignInMessageText', async () => {
        const { wallet, input, check } = await setup();
        const fields = await input();
        expect(await check(theirCreate(fields), wallet, fields)).toEqual({ ours: 200, theirs: true });
    });

    it('rejects what verifySignIn leaves to the server, and what it cannot see', async () => {
        const { clock, wallet, input, check } = await setup();
        const other = createWallet();
        const rows: [string, () => Promise<{ ours: number; theirs: boolean }>, { ours: number; theirs: boolean }][] = [
            // The message names the organizer, another key signs: theirs verifies the signature
            // against account.publicKey and never compares it with the message's address.
            ['wrong address, verifySignIn without input.address', async () => {
                const { address: _omit, ...fields } = await input();
                return check(theirCreate({ ...fields, address: wallet.address }), other, { ...fields });
            }, { ours: 401, theirs: true }],
            ['wrong address, verifySignIn with input.address', async () => {
                const fields = await input();
                return check(theirCreate(fields), other, fields);
            }, { ours: 401, theirs: true }],
            ['expired', async () => {
                const fields = await input();
                clock.now += 10 * 60_000;
                return check(theirCreate(fields), wallet, fields);
            }, { ours: 401, theirs: true }],
            ['not valid before a future time', async () => {
                const fields = { ...(await input()), notBefore: new Date(clock.now + 3_600_000).toISOString() };
                return check(theirCreate(fields), wallet, fields);
            }, { ours: 401, theirs: true }],
            ['issued in the future', async () => {
                const fields = { ...(await input()), issuedAt: new Date(clock.now + 3_600_000).toISOString(), expirationTime: new Date(clock.now + 3_700_000).toISOString() };
                return check(theirCreate(fields), wallet, fields);
            }, { ours: 401, theirs: true }],
            ['nonce never issued', async () => {
                const fields = { ...(await input()), nonce: 'neverIssued1234' };
                return check(theirCreate(fields), wallet, fields);
            }, { ours: 401, theirs: true }],
            ['another domain', async () => {
                const fields = { ...(await input()), domain: 'evil.example' };
                return check(theirCreate(fields), wallet, { ...fields, domain: DOMAIN });
            }, { ours: 401, theirs: false }],
            ['trailing LF after the signed fields', async () => {
                const fields = await input();
                return check(`${theirCreate(fields)}\n`, wallet, fields);
            }, { ours: 401, theirs: false }],
        ];
        for (const [name, run, expected] of rows) expect(await run(), name).toEqual(expected);
    });

    it('takes each nonce once', async () => {
        const { wallet, input, check } = await setup();
        const fields = await input();
        const text = theirCreate(fields);
        expect(await check(text, wallet, fields)).toEqual({ ours: 200, theirs: true });
        expect(await check(text, wallet, fields)).toEqual({ ours: 401, theirs: true });
    });

    it('refuses a statement option its own parser would reject', () => {
        for (const statement of ['a\u2028b', 'URI: x', 'x\u202e']) {
            expect(() => createPermitHandler({ store: createMemoryPermitStore(), signers: [createTestSigner()], programId: PROGRAM_ID, domain: DOMAIN, policy: { requirePrizeCollection: false }, statement })).toThrow(/statement/);
        }
    });
});
