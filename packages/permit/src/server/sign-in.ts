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
/** An ASCII host name or a bracketed IPv6 literal, and an optional port (no scheme, userinfo or path). */
const DOMAIN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/;
/** RFC 3339 `date-time`, upper-case `T` and `Z` as `Date#toISOString` writes them. */
const ISO = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{1,9})?(?:Z|[+-]([0-9]{2}):([0-9]{2}))$/;
const NONCE = /^[A-Za-z0-9]{8,128}$/;
/**
 * Characters no line may hold: C0 and C1 controls (CR, LF, NEL among them), Unicode line and
 * paragraph separators, bidirectional and zero-width format characters, and lone surrogates.
 * Wallets may show them as line breaks or reorder the text around them, making a statement
 * look like other fields.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|[\ud800-\udfff]/u;
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
 * @param fields - the fields; optional ones are left out when undefined or empty (as
 *   `@solana/wallet-standard-util` does, so both write the same text)
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
        if (typeof value === 'string' && value !== '') lines.push(`${label}: ${value}`);
    }
    if (fields.resources) {
        lines.push('Resources:');
        for (const resource of fields.resources) lines.push(`- ${resource}`);
    }
    if (lines.length > 0) message += `\n\n${lines.join('\n')}`;
    return message;
}

/**
 * Parses a sign-in message strictly: the exact layout of {@link createSignInMessageText},
 * fields in order, no unknown lines, a host (or `[IPv6]`) and optional port as domain, a valid
 * address, a one-line statement, version 1, RFC 3339 times that name real instants, an
 * alphanumeric nonce, and no control, line-separator, bidirectional or zero-width characters.
 * Stricter than `@solana/wallet-standard-util`'s parser where that one departs from EIP-4361
 * (see `src/server/__tests__/sign-in-siws.test.ts`).
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
    if (!isFieldLine(lines[i])) {
        // A statement: one line, then a blank line before the fields (or the end).
        const statement = lines[i];
        if (statement === undefined || statement === '' || !isSafeSignInLine(statement)) return undefined;
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
                if (!r.startsWith('- ') || !isSafeSignInLine(r) || r.length < 3) return undefined;
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
                if (value === '' || !isSafeSignInLine(value)) return undefined;
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
        if (value !== undefined && !isDateTime(value)) return undefined;
    }
    return out;
}

/**
 * Whether text may stand on one line of a sign-in message (see `UNSAFE`).
 *
 * @internal
 */
export function isSafeSignInLine(text: string): boolean {
    return !UNSAFE.test(text);
}

/**
 * Whether text can be the statement of a message {@link parseSignInMessageText} accepts: one
 * safe line that does not read as a field.
 *
 * @internal
 */
export function isSignInStatement(text: string): boolean {
    return text !== '' && isSafeSignInLine(text) && !isFieldLine(text);
}

function isFieldLine(line: string | undefined): boolean {
    return line !== undefined && (FIELDS.some(([, label]) => line.startsWith(`${label}: `)) || line === 'Resources:');
}

/** A real instant: months 1-12, days of that month, hours 0-23, no leap seconds (which `Date` cannot hold). */
function isDateTime(value: string): boolean {
    const match = ISO.exec(value);
    if (match === null) return false;
    const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
    if (days === undefined || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return false;
    if (match[7] !== undefined && (Number(match[7]) > 23 || Number(match[8]) > 59)) return false;
    return Number.isFinite(Date.parse(value));
}
