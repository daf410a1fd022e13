/**
 * JSON-RPC errors with the codes and messages of the Solana RPC (`jsonrpc-core` standard codes
 * and Agave's `RpcCustomError` server codes).
 */
import { describeTransactionError, type TransactionErrorJson } from '../svm/transaction-error';

/**
 * JSON-RPC 2.0 standard codes and the Solana server codes this cluster uses.
 *
 * @example
 * ```ts
 * if (response.error?.code === RPC_ERROR_CODES.SEND_TRANSACTION_PREFLIGHT_FAILURE) console.log(response.error.data.logs);
 * ```
 */
export const RPC_ERROR_CODES = Object.freeze({
    PARSE_ERROR: -32700,
    INVALID_REQUEST: -32600,
    METHOD_NOT_FOUND: -32601,
    INVALID_PARAMS: -32602,
    INTERNAL_ERROR: -32603,
    BLOCK_CLEANED_UP: -32001,
    SEND_TRANSACTION_PREFLIGHT_FAILURE: -32002,
    TRANSACTION_SIGNATURE_VERIFICATION_FAILURE: -32003,
    BLOCK_NOT_AVAILABLE: -32004,
    NODE_UNHEALTHY: -32005,
    TRANSACTION_PRECOMPILE_VERIFICATION_FAILURE: -32006,
    SLOT_SKIPPED: -32007,
    LONG_TERM_STORAGE_SLOT_SKIPPED: -32009,
    TRANSACTION_HISTORY_NOT_AVAILABLE: -32011,
    TRANSACTION_SIGNATURE_LEN_MISMATCH: -32013,
    UNSUPPORTED_TRANSACTION_VERSION: -32015,
    MIN_CONTEXT_SLOT_NOT_REACHED: -32016,
});

/**
 * An error returned in a JSON-RPC response's `error` member.
 *
 * @example
 * ```ts
 * throw new RpcError(RPC_ERROR_CODES.INVALID_PARAMS, 'Invalid param: Invalid');
 * ```
 */
export class RpcError extends Error {
    override readonly name = 'RpcError';
    /**
     * @param code - the JSON-RPC error code
     * @param message - the message
     * @param data - optional structured data
     */
    constructor(
        readonly code: number,
        message: string,
        readonly data?: unknown,
    ) {
        super(message);
    }

    /** The `error` object of a response. */
    toJSON(): { code: number; message: string; data?: unknown } {
        return this.data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data };
    }
}

/** `-32602 Invalid params: …` (jsonrpc-core's wording). */
export function invalidParams(message: string): RpcError {
    return new RpcError(RPC_ERROR_CODES.INVALID_PARAMS, message);
}

/** `-32602 Invalid param: …` for a single bad value (Agave's wording for keys and signatures). */
export function invalidParam(detail: string): RpcError {
    return new RpcError(RPC_ERROR_CODES.INVALID_PARAMS, `Invalid param: ${detail}`);
}

/** `-32016`, with the slot the node is at. */
export function minContextSlotNotReached(contextSlot: bigint): RpcError {
    return new RpcError(RPC_ERROR_CODES.MIN_CONTEXT_SLOT_NOT_REACHED, 'Minimum context slot has not been reached', { contextSlot });
}

/** `-32003 Transaction signature verification failure`. */
export function signatureVerificationFailure(): RpcError {
    return new RpcError(RPC_ERROR_CODES.TRANSACTION_SIGNATURE_VERIFICATION_FAILURE, 'Transaction signature verification failure');
}

/**
 * `-32002 Transaction simulation failed: …` with the simulation result as `data`.
 *
 * @param err - the transaction error
 * @param data - the `RpcSimulateTransactionResult` object
 * @returns the error
 */
export function preflightFailure(err: TransactionErrorJson, data: Record<string, unknown>): RpcError {
    return new RpcError(RPC_ERROR_CODES.SEND_TRANSACTION_PREFLIGHT_FAILURE, `Transaction simulation failed: ${describeTransactionError(err)}`, data);
}

/** `-32015`, for a v0 transaction requested without `maxSupportedTransactionVersion`. */
export function unsupportedTransactionVersion(version: number): RpcError {
    return new RpcError(
        RPC_ERROR_CODES.UNSUPPORTED_TRANSACTION_VERSION,
        `Transaction version (${version}) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": ${version}`,
    );
}

/** `-32004 Block not available for slot N` (not produced yet, or not on the requested commitment). */
export function blockNotAvailable(slot: bigint): RpcError {
    return new RpcError(RPC_ERROR_CODES.BLOCK_NOT_AVAILABLE, `Block not available for slot ${slot}`);
}

/** `-32007`, for a slot between the first kept block and the root that has no block. */
export function slotSkipped(slot: bigint): RpcError {
    return new RpcError(RPC_ERROR_CODES.SLOT_SKIPPED, `Slot ${slot} was skipped, or missing due to ledger jump to recent snapshot`);
}

/** `-32001`, for a slot older than the first block the node keeps. */
export function blockCleanedUp(slot: bigint, firstAvailableBlock: bigint): RpcError {
    return new RpcError(RPC_ERROR_CODES.BLOCK_CLEANED_UP, `Block ${slot} cleaned up, does not exist on node. First available block: ${firstAvailableBlock}`);
}
