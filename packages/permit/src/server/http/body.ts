/**
 * Reading untrusted request bodies: size limit (declared and actual), media type, strict
 * UTF-8, JSON that must be an object.
 *
 * @internal
 * @packageDocumentation
 */
import { HttpError, type IncomingRequest } from './respond';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * @param request - the request
 * @param maxBytes - largest body accepted
 * @returns the body text ('' when there is none)
 */
export async function readBodyText(request: IncomingRequest, maxBytes: number): Promise<string> {
    const declared = request.headers.get('content-length');
    if (declared !== null) {
        if (!/^[0-9]{1,15}$/.test(declared)) throw new HttpError(400, 'INVALID_REQUEST', 'the Content-Length header is not a number');
        if (Number(declared) > maxBytes) throw tooLarge(maxBytes);
    }
    if (request.prereadBody !== undefined) {
        if (request.prereadBody.byteLength > maxBytes) throw tooLarge(maxBytes);
        return decode(request.prereadBody);
    }
    const body = request.body;
    if (body === null) return '';
    if (body.locked || (request as { bodyUsed?: unknown }).bodyUsed === true) {
        // A setup error, not bad input: answered 500 INTERNAL, and `onError` says why.
        throw new Error('the request body was already read by a framework body parser or middleware: mount the permit handler before it');
    }
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
        let read: ReadableStreamReadResult<Uint8Array>;
        try {
            read = await reader.read();
        } catch {
            throw new HttpError(400, 'INVALID_REQUEST', 'the request body could not be read');
        }
        if (read.done) break;
        const chunk = read.value;
        if (!(chunk instanceof Uint8Array)) throw new HttpError(400, 'INVALID_REQUEST', 'the request body could not be read');
        total += chunk.byteLength;
        if (total > maxBytes) {
            reader.cancel().catch(() => undefined);
            throw tooLarge(maxBytes);
        }
        chunks.push(chunk);
    }
    let bytes: Uint8Array;
    if (chunks.length === 1) bytes = chunks[0]!;
    else {
        bytes = new Uint8Array(total);
        let at = 0;
        for (const c of chunks) {
            bytes.set(c, at);
            at += c.byteLength;
        }
    }
    return decode(bytes);
}

function decode(bytes: Uint8Array): string {
    try {
        return decoder.decode(bytes);
    } catch {
        throw new HttpError(400, 'INVALID_JSON', 'the request body is not valid UTF-8');
    }
}

function tooLarge(maxBytes: number): HttpError {
    return new HttpError(413, 'BODY_TOO_LARGE', `the request body exceeds ${maxBytes} bytes`, { maxBytes });
}

/**
 * Reads a JSON object body.
 *
 * @param request - the request
 * @param maxBytes - largest body accepted
 * @param optional - an absent or empty body yields `{}` instead of an error
 * @returns the parsed object (own properties only are ever read from it)
 */
export async function readJsonObject(request: IncomingRequest, maxBytes: number, optional = false): Promise<Record<string, unknown>> {
    const type = request.headers.get('content-type');
    const text = await readBodyText(request, maxBytes);
    if (text === '' && optional) return {};
    if (type === null || !/^application\/json\s*(?:;|$)/i.test(type)) {
        throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
    }
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        throw new HttpError(400, 'INVALID_JSON', 'the request body is not valid JSON');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new HttpError(400, 'INVALID_REQUEST', 'the request body must be a JSON object', { field: '(body)' });
    }
    return value as Record<string, unknown>;
}
