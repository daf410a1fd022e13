/**
 * Building blocks of the worker's HTTP handler: JSON responses and errors with the common
 * headers, bounded body reading, constant-time secret comparison.
 *
 * @packageDocumentation
 * @internal
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import { toJsonValue } from '../core/identity';
import type { JsonValue } from '../store/types';

/** Headers every response carries. @internal */
export const COMMON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
});

/** The content type of every JSON response. @internal */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * An error answered as `{ error: { code, message } }` with its status.
 *
 * @internal
 */
export class HttpError extends Error {
    override readonly name = 'HttpError';
    /**
     * @param status - the HTTP status
     * @param code - the UPPER_SNAKE code
     * @param message - the text (never a secret or a presented credential)
     * @param headers - extra headers (e.g. `allow`, `www-authenticate`)
     */
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly headers: Readonly<Record<string, string>> = {},
    ) {
        super(message);
    }
}

/**
 * Converts a value to JSON: bigints as decimal strings, byte arrays as arrays of numbers,
 * `undefined` fields dropped (the handler's one conversion).
 *
 * @internal
 */
export function toJson(value: unknown): JsonValue {
    return toJsonValue(value);
}

/** Merges headers (later wins). @internal */
export function headersOf(...parts: readonly (Readonly<Record<string, string>> | undefined)[]): Headers {
    const headers = new Headers();
    for (const part of parts) if (part) for (const [k, v] of Object.entries(part)) headers.set(k, v);
    return headers;
}

/** A JSON response with the common headers. @internal */
export function jsonResponse(status: number, body: unknown, extra?: Readonly<Record<string, string>>): Response {
    return new Response(JSON.stringify(toJson(body)), { status, headers: headersOf(COMMON_HEADERS, { 'content-type': JSON_CONTENT_TYPE }, extra) });
}

/** An error response `{ error: { code, message } }`. @internal */
export function errorResponse(error: HttpError, extra?: Readonly<Record<string, string>>): Response {
    return jsonResponse(error.status, { error: { code: error.code, message: error.message } }, { ...error.headers, ...extra });
}

/** A text response (metrics, the operator page) with the common headers. @internal */
export function textResponse(status: number, body: string, contentType: string, extra?: Readonly<Record<string, string>>): Response {
    return new Response(body, { status, headers: headersOf(COMMON_HEADERS, { 'content-type': contentType }, extra) });
}

/**
 * Compares a presented secret with the expected one in constant time (both hashed first, so the
 * comparison does not reveal the length either).
 *
 * @internal
 */
export function secretMatches(presented: string | null, expected: string): boolean {
    if (presented === null) return false;
    const a = createHash('sha256').update(presented, 'utf8').digest();
    const b = createHash('sha256').update(expected, 'utf8').digest();
    return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or null. @internal */
export function bearerToken(request: Request): string | null {
    const header = request.headers.get('authorization');
    if (header === null) return null;
    const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
    return match ? match[1]! : null;
}

/** 413; the connection is closed after it, since the rest of the body is not read. */
function tooLarge(limit: number): HttpError {
    return new HttpError(413, 'PAYLOAD_TOO_LARGE', `the body exceeds ${limit} bytes`, { connection: 'close' });
}

/**
 * Reads a request body of at most `limit` bytes as UTF-8 text: 413 beyond (as announced by
 * `content-length` or as read), 400 when it is not UTF-8.
 *
 * @internal
 */
export async function readBodyText(request: Request, limit: number): Promise<string> {
    const declared = request.headers.get('content-length');
    if (declared !== null && (!/^\d{1,15}$/.test(declared.trim()) || Number(declared) > limit)) throw tooLarge(limit);
    if (request.body === null) return '';
    const reader = request.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > limit) {
            await reader.cancel().catch(() => undefined);
            throw tooLarge(limit);
        }
        chunks.push(value);
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.byteLength;
    }
    try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
        throw new HttpError(400, 'BAD_REQUEST', 'the body is not UTF-8 text');
    }
}

/**
 * Reads a JSON body of at most `limit` bytes; an empty body reads as `emptyAs`.
 *
 * @internal
 */
export async function readJsonBody(request: Request, limit: number, emptyAs: unknown = null): Promise<unknown> {
    const text = await readBodyText(request, limit);
    if (text.trim() === '') return emptyAs;
    try {
        return JSON.parse(text) as unknown;
    } catch {
        throw new HttpError(400, 'BAD_JSON', 'the body is not valid JSON');
    }
}
