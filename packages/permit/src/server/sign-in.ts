/**
 * Sign-In With Solana messages: the text an organizer's wallet signs to prove it holds the
 * organizer key. The format is the one of the wallet-standard `solana:signIn` feature (and
 * EIP-4361), so wallets that implement it produce messages this server accepts.
 *
 * ```text
 * ${domain} wants you to sign in with your Solana account:
 * ${address}
 *
 * ${statement}
 *
 * URI: ${uri}
 * Version: 1
 * Chain ID: ${chainId}
 * Nonce: ${nonce}
 * Issued At: ${issuedAt}
 * Expiration Time: ${expirationTime}
 * ```
 *
 * @packageDocumentation
 */
import { type Address, isAddress } from '@solana/kit';

/**
 * The fields of a sign-in message.
 *
 * @example
 * ```ts
 * const fields: SignInMessageFields = {
 *     domain: 'permits.example.com', address: wallet, statement: 'Sign in to request raffle permits.',
 *     nonce, issuedAt: new Date().toISOString(), expirationTime: new Date(Date.now() + 300_000).toISOString(),
 * };
 * ```
 */
export interface SignInMessageFields {
    /** The host (and port) of the server, e.g. `permits.example.com`. */
    readonly domain: string;
    /** The wallet signing in. */
    readonly address: Address;
    /** A human-readable line; no line breaks. */
    readonly statement?: string;
    /** The URI of the sign-in origin. */
    readonly uri?: string;
    /** Always `1`. */
    readonly version?: string;
    /** `mainnet`, `devnet`, `testnet`, `localnet` or any cluster name. */
    readonly chainId?: string;
    /** The server-issued nonce (at least 8 letters and digits). */
    readonly nonce?: string;
    /** ISO 8601. */
    readonly issuedAt?: string;
    /** ISO 8601. */
    readonly expirationTime?: string;
    /** ISO 8601. */
    readonly notBefore?: string;
    /** Free text. */
    readonly requestId?: string;
    /** URIs. */
    readonly resources?: readonly string[];
}

/**
 * Longest sign-in message accepted, in characters.
 *
 * @example
 * ```ts
 * if (text.length > MAX_SIGN_IN_MESSAGE_LENGTH) return badRequest();
 * ```
 */
export const MAX_SIGN_IN_MESSAGE_LENGTH = 4096;

const HEADER_SUFFIX = ' wants you to sign in with your Solana account:';
const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::[0-9]{1,5})?$/;
const ISO = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:[0-9]{2})$/;
const NONCE = /^[A-Za-z0-9]{8,128}$/;
const SAFE_LINE = /^[^\r\n\u0000-\u001f\u007f]*$/;
const FIELDS: readonly [keyof SignInMessageFields, string][] = [
    ['uri', 'URI'],
    ['version', 'Version'],
    ['chainId', 'Chain ID'],
    ['nonce', 'Nonce'],
    ['issuedAt', 'Issued At'],
    ['expirationTime', 'Expiration Time'],
    ['notBefore', 'Not Before'],
    ['requestId', 'Request ID'],
];

/**
 * Writes a sign-in message (the wallet-standard `solana:signIn` text format).
 *
 * @param fields - the fields; optional ones are left out when undefined
 * @returns the text to sign (UTF-8)
 * @example
 * ```ts
 * const text = createSignInMessageText({ domain: 'localhost:8787', address: wallet, nonce, issuedAt, expirationTime });
 * const signature = await wallet.signMessage(new TextEncoder().encode(text));
 * ```
 */
export function createSignInMessageText(fields: SignInMessageFields): string {
    let message = `${fields.domain}${HEADER_SUFFIX}\n${fields.address}`;
    if (fields.statement) message += `\n\n${fields.statement}`;
    const lines: string[] = [];
    for (const [key, label] of FIELDS) {
        const value = fields[key];
        if (typeof value === 'string') lines.push(`${label}: ${value}`);
    }
    if (fields.resources && fields.resources.length > 0) {
        lines.push('Resources:');
        for (const resource of fields.resources) lines.push(`- ${resource}`);
    }
    if (lines.length > 0) message += `\n\n${lines.join('\n')}`;
    return message;
}

/**
 * Parses a sign-in message strictly: the exact layout of {@link createSignInMessageText},
 * fields in order, no unknown lines, valid address, ISO 8601 times, alphanumeric nonce.
 *
 * @param text - the signed text
 * @returns the fields, or `undefined` when the text is not a well-formed sign-in message
 * @example
 * ```ts
 * const fields = parseSignInMessageText(text);
 * if (!fields) return badRequest();
 * ```
 */
export function parseSignInMessageText(text: string): SignInMessageFields | undefined {
    if (typeof text !== 'string' || text.length > MAX_SIGN_IN_MESSAGE_LENGTH) return undefined;
    const lines = text.split('\n');
    const header = lines[0]!;
    if (!header.endsWith(HEADER_SUFFIX)) return undefined;
    const domain = header.slice(0, -HEADER_SUFFIX.length);
    if (!DOMAIN.test(domain)) return undefined;
    const address = lines[1];
    if (address === undefined || !isAddress(address)) return undefined;
    const out: { -readonly [K in keyof SignInMessageFields]: SignInMessageFields[K] } = { domain, address };
    let i = 2;
    if (i === lines.length) return out;
    if (lines[i] !== '') return undefined;
    i++;
    const isField = (line: string | undefined): boolean =>
        line !== undefined && (FIELDS.some(([, label]) => line.startsWith(`${label}: `)) || line === 'Resources:');
    if (!isField(lines[i])) {
        // A statement: one line, then a blank line before the fields (or the end).
        const statement = lines[i];
        if (statement === undefined || statement === '' || !SAFE_LINE.test(statement)) return undefined;
        out.statement = statement;
        i++;
        if (i === lines.length) return out;
        if (lines[i] !== '') return undefined;
        i++;
    }
    let next = 0;
    for (; i < lines.length; i++) {
        const line = lines[i]!;
        if (line === 'Resources:') {
            const resources: string[] = [];
            for (i++; i < lines.length; i++) {
                const r = lines[i]!;
                if (!r.startsWith('- ') || !SAFE_LINE.test(r) || r.length < 3) return undefined;
                resources.push(r.slice(2));
            }
            out.resources = resources;
            break;
        }
        let matched = false;
        for (; next < FIELDS.length; next++) {
            const [key, label] = FIELDS[next]!;
            if (line.startsWith(`${label}: `)) {
                const value = line.slice(label.length + 2);
                if (value === '' || !SAFE_LINE.test(value)) return undefined;
                (out as Record<string, unknown>)[key] = value;
                next++;
                matched = true;
                break;
            }
        }
        if (!matched) return undefined;
    }
    if (out.version !== undefined && out.version !== '1') return undefined;
    if (out.nonce !== undefined && !NONCE.test(out.nonce)) return undefined;
    for (const key of ['issuedAt', 'expirationTime', 'notBefore'] as const) {
        const value = out[key];
        if (value !== undefined && (!ISO.test(value) || !Number.isFinite(Date.parse(value)))) return undefined;
    }
    return out;
}
