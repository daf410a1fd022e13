/**
 * Responses as plain data, the request shape the handler reads, and the error type that
 * short-circuits a request. The fetch-API handler turns a {@link RawResponse} into a
 * `Response`; the node:http listener writes it directly (no Request/Response objects on its
 * hot path).
 *
 * @internal
 * @packageDocumentation
 */
import type { PermitServerErrorCode } from '../errors';

/** Details of an error body: JSON scalars only. */
export type ErrorDetails = { readonly [key: string]: string | number | boolean | null };

/** What the handler reads of a request: a fetch `Request` fits, so does the node listener's view. */
export interface IncomingRequest {
    readonly method: string;
    /** Absolute URL. */
    readonly url: string;
    readonly headers: { get(name: string): string | null };
    /** The body stream (fetch requests). */
    readonly body: ReadableStream<Uint8Array> | null;
    /** The body, already read by an adapter (takes precedence over `body`). */
    readonly prereadBody?: Uint8Array;
    /** A fetch `Request` for user callbacks; built on demand by adapters. */
    readonly original?: Request;
}

/** A response as data. */
export interface RawResponse {
    readonly status: number;
    readonly headers: Record<string, string>;
    /** JSON text, or null (204). */
    readonly body: string | null;
}

/** The handler's request-to-data entry point, found on the handler under this symbol. */
export const RAW_HANDLER: unique symbol = Symbol.for('@raffle/permit/server:raw-handler') as never;

/** Thrown inside the handler to answer with a JSON error. */
export class HttpError extends Error {
    constructor(
        readonly status: number,
        readonly code: PermitServerErrorCode,
        message: string,
        readonly details?: ErrorDetails,
        readonly headers?: Readonly<Record<string, string>>,
    ) {
        super(message);
    }
}

/**
 * @param status - HTTP status
 * @param body - JSON-safe body (no bigint)
 * @param headers - headers (the content type is added)
 * @returns the response
 */
export function json(status: number, body: unknown, headers: Record<string, string>): RawResponse {
    headers['content-type'] = 'application/json; charset=utf-8';
    return { status, headers, body: JSON.stringify(body) };
}
