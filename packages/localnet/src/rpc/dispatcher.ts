/**
 * JSON-RPC 2.0 dispatch: single requests and batches, notifications (no `id`, no response),
 * and the standard error codes for malformed input. Never throws: every failure becomes a
 * response object.
 */
import { RPC_ERROR_CODES, RpcError } from './errors';
import type { RpcContext } from './context';
import type { RequestScope, RpcMethod } from './methods/types';
import { Params } from './params';

/** A JSON-RPC request id. */
export type RpcId = string | number | null;

/** A parsed request body. */
export type ParsedBody =
    | { readonly kind: 'invalid'; readonly response: unknown }
    | { readonly kind: 'ok'; readonly batch: boolean; readonly items: readonly unknown[] };

/** The maximum number of requests in one batch. */
export const MAX_BATCH_SIZE = 1000;

/**
 * Parses a request body (already size-limited by the transport).
 *
 * @param text - the body
 * @returns the requests, or a ready error response
 */
export function parseRequestBody(text: string): ParsedBody {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        return { kind: 'invalid', response: errorResponse(null, new RpcError(RPC_ERROR_CODES.PARSE_ERROR, 'Parse error')) };
    }
    if (Array.isArray(value)) {
        if (value.length === 0) return { kind: 'invalid', response: errorResponse(null, new RpcError(RPC_ERROR_CODES.INVALID_REQUEST, 'Invalid request')) };
        if (value.length > MAX_BATCH_SIZE) {
            return { kind: 'invalid', response: errorResponse(null, new RpcError(RPC_ERROR_CODES.INVALID_REQUEST, `Invalid request: batch larger than ${MAX_BATCH_SIZE}`)) };
        }
        return { kind: 'ok', batch: true, items: value };
    }
    return { kind: 'ok', batch: false, items: [value] };
}

/**
 * The method names of a parsed body (for fault injection and logs).
 *
 * @param body - from {@link parseRequestBody}
 * @returns the names (invalid items are skipped)
 */
export function methodNames(body: ParsedBody): string[] {
    if (body.kind !== 'ok') return [];
    return body.items.flatMap((item) => (isObject(item) && typeof item['method'] === 'string' ? [item['method']] : []));
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function errorResponse(id: RpcId, error: RpcError): Record<string, unknown> {
    return { jsonrpc: '2.0', error: error.toJSON(), id };
}

/** Dispatches requests to a method table. */
export class JsonRpcDispatcher {
    private readonly methods: Map<string, RpcMethod>;

    /**
     * @param methods - method implementations by name
     * @param ctx - what the methods use
     * @param onInternalError - called with unexpected exceptions (they become `-32603`)
     */
    constructor(
        methods: Readonly<Record<string, RpcMethod>>,
        private readonly ctx: RpcContext,
        private readonly onInternalError: (method: string, error: unknown) => void = () => {},
    ) {
        this.methods = new Map(Object.entries(methods));
    }

    /** Whether a method exists. */
    has(method: string): boolean {
        return this.methods.has(method);
    }

    /**
     * Executes a parsed body.
     *
     * @param body - from {@link parseRequestBody}
     * @returns the response (object or array), or `undefined` when nothing must be sent back
     */
    async execute(body: ParsedBody): Promise<unknown> {
        if (body.kind === 'invalid') return body.response;
        const responses: unknown[] = [];
        const scope: RequestScope = { spent: new Map() };
        for (const item of body.items) {
            const response = await this.executeOne(item, scope);
            if (response !== undefined) responses.push(response);
        }
        if (body.batch) return responses.length > 0 ? responses : undefined;
        return responses[0];
    }

    /**
     * Executes one request object.
     *
     * @param item - the decoded request
     * @param scope - what the requests of the same body share (a fresh one when alone)
     * @returns the response, or `undefined` for a notification
     */
    async executeOne(item: unknown, scope: RequestScope = { spent: new Map() }): Promise<unknown> {
        if (!isObject(item)) return errorResponse(null, new RpcError(RPC_ERROR_CODES.INVALID_REQUEST, 'Invalid request'));
        const rawId = item['id'];
        const validId = rawId === undefined || rawId === null || typeof rawId === 'string' || (typeof rawId === 'number' && Number.isFinite(rawId));
        const id: RpcId = validId && rawId !== undefined ? (rawId as RpcId) : null;
        if (item['jsonrpc'] !== '2.0' || typeof item['method'] !== 'string' || !validId) {
            return errorResponse(id, new RpcError(RPC_ERROR_CODES.INVALID_REQUEST, 'Invalid request'));
        }
        const notification = !('id' in item);
        const method = item['method'];
        const impl = this.methods.get(method);
        if (!impl) return notification ? undefined : errorResponse(id, new RpcError(RPC_ERROR_CODES.METHOD_NOT_FOUND, 'Method not found'));
        try {
            const result = await impl(new Params(method, item['params']), this.ctx, scope);
            return notification ? undefined : { jsonrpc: '2.0', result: result === undefined ? null : result, id };
        } catch (e) {
            if (notification) return undefined;
            if (e instanceof RpcError) return errorResponse(id, e);
            this.onInternalError(method, e);
            return errorResponse(id, new RpcError(RPC_ERROR_CODES.INTERNAL_ERROR, 'Internal error'));
        }
    }
}
