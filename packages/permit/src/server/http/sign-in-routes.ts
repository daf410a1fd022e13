/**
 * `POST /auth/nonce`, `POST /auth/sign-in` and `POST /auth/sign-out`: Sign In With Solana
 * messages, verified against a one-time nonce, exchanged for a session token.
 *
 * @internal
 * @packageDocumentation
 */
import { decodeBase58, writeAddressBytes } from '../../internal/base58';
import { verifyEd25519 } from '../../internal/ed25519-verify';
import { fromBase64 } from '../../internal/encoding';
import { createSignInMessageText, parseSignInMessageText } from '../sign-in';
import { randomAlphanumeric, randomToken, sha256Hex } from '../tokens';
import { readJsonObject } from './body';
import { SESSION_PREFIX, bearer } from './credentials';
import { HttpError, type IncomingRequest } from './respond';
import type { RouteContext } from './route-context';
import { addressField, invalid, onlyKeys } from './validate';
import { iso } from './views';

const CLOCK_SKEW_MS = 60_000;

/** Decodes a wallet signature: padded base64 (88 characters) or base58. */
function decodeSignature(value: string): Uint8Array | undefined {
    if (value.length === 88 && value.endsWith('==')) return fromBase64(value);
    if (value.length < 64 || value.length > 90) return undefined;
    return decodeBase58(value);
}

/** The `/auth/*` routes; each answers `[status, body]`. */
export interface SignInRoutes {
    /** `POST /auth/nonce`: a nonce, and given `{ address }` the message to sign. */
    readonly nonce: (request: IncomingRequest, ip: string | undefined) => Promise<[number, unknown]>;
    /** `POST /auth/sign-in`: `{ message, signature }` to a session token. */
    readonly signIn: (request: IncomingRequest, ip: string | undefined) => Promise<[number, unknown]>;
    /** `POST /auth/sign-out`: ends the session. */
    readonly signOut: (request: IncomingRequest) => Promise<[number, unknown]>;
}

/**
 * Creates the sign-in routes.
 *
 * @param ctx - the shared route context
 * @returns the routes
 */
export function createSignInRoutes(ctx: RouteContext): SignInRoutes {
    const { options, store, rateLimit, audit, requireSession } = ctx;
    const { domains, statement, signInTtlMs, sessionTtlMs, maxBodyBytes, limits, now, auditSignIns } = ctx.config;

    const nonce = async (request: IncomingRequest, ip: string | undefined): Promise<[number, unknown]> => {
        if (ip !== undefined) await rateLimit(`sign-in:${ip}`, limits.signInPerIp);
        const body = await readJsonObject(request, maxBodyBytes, true);
        onlyKeys(body, ['address']);
        const address = body.address === undefined ? undefined : addressField(body, 'address');
        const t = now();
        const value = randomAlphanumeric(24);
        await store.createSignInNonce(value, t + signInTtlMs);
        const fields = {
            domain: domains[0]!,
            statement,
            version: '1',
            ...(options.chainId !== undefined && { chainId: options.chainId }),
            nonce: value,
            issuedAt: iso(t),
            expirationTime: iso(t + signInTtlMs),
        };
        return [200, { ...fields, ...(address !== undefined && { message: createSignInMessageText({ ...fields, address }) }) }];
    };

    const signIn = async (request: IncomingRequest, ip: string | undefined): Promise<[number, unknown]> => {
        if (ip !== undefined) await rateLimit(`sign-in:${ip}`, limits.signInPerIp);
        const body = await readJsonObject(request, maxBodyBytes);
        onlyKeys(body, ['message', 'signature']);
        const message = body.message;
        const signature = body.signature;
        if (typeof message !== 'string') throw invalid('message', 'must be the signed sign-in message text');
        if (typeof signature !== 'string') throw invalid('signature', 'must be the 64-byte signature in base64 or base58');
        const fail = (reason: string): HttpError => new HttpError(401, 'SIGN_IN_INVALID', reason);
        const fields = parseSignInMessageText(message);
        if (fields === undefined) throw fail('the message is not a well-formed sign-in message (see POST /auth/nonce)');
        if (!domains.includes(fields.domain)) throw fail(`the message is for domain ${fields.domain}, not this server`);
        if (options.chainId !== undefined && fields.chainId !== options.chainId) throw fail(`the message must carry Chain ID ${options.chainId}`);
        if (fields.nonce === undefined || fields.issuedAt === undefined || fields.expirationTime === undefined) {
            throw fail('the message must carry Nonce, Issued At and Expiration Time');
        }
        const t = now();
        const issuedAt = Date.parse(fields.issuedAt);
        const expiresAt = Date.parse(fields.expirationTime);
        if (issuedAt > t + CLOCK_SKEW_MS) throw fail('the message is issued in the future');
        if (expiresAt <= t) throw fail('the message has expired; request a new nonce');
        if (expiresAt - issuedAt > signInTtlMs + CLOCK_SKEW_MS || t - issuedAt > signInTtlMs + CLOCK_SKEW_MS) {
            throw fail(`the message must expire within ${signInTtlMs / 1000} s of being issued`);
        }
        if (fields.notBefore !== undefined && Date.parse(fields.notBefore) > t + CLOCK_SKEW_MS) throw fail('the message is not valid yet');
        const signatureBytes = decodeSignature(signature);
        const publicKey = new Uint8Array(32);
        if (signatureBytes === undefined || signatureBytes.length !== 64 || !writeAddressBytes(fields.address, publicKey, 0)) {
            throw fail('the signature is not 64 bytes of base64 or base58');
        }
        if (!(await verifyEd25519(publicKey, new TextEncoder().encode(message), signatureBytes))) {
            throw fail('the signature does not verify for the address in the message');
        }
        if (!(await store.consumeSignInNonce(fields.nonce, t))) throw fail('the nonce is unknown, expired or already used; request a new one');
        const organizer = await store.getOrganizer(fields.address);
        if (organizer === undefined) throw new HttpError(403, 'ORGANIZER_UNKNOWN', 'this wallet is not a registered organizer');
        const token = `${SESSION_PREFIX}${randomToken(32)}`;
        const sessionExpiresAt = t + sessionTtlMs;
        await store.createSession({ tokenHash: sha256Hex(token), organizer: organizer.address, createdAt: t, expiresAt: sessionExpiresAt });
        if (auditSignIns) await audit('organizer.signed-in', organizer.address, organizer.address, ip === undefined ? {} : { ip });
        return [200, { token, tokenType: 'Bearer', expiresAt: iso(sessionExpiresAt), organizer: organizer.address, active: organizer.active }];
    };

    const signOut = async (request: IncomingRequest): Promise<[number, unknown]> => {
        await requireSession(request);
        const token = bearer(request, SESSION_PREFIX)!;
        await store.deleteSession(sha256Hex(token));
        return [204, null];
    };

    return { nonce, signIn, signOut };
}
