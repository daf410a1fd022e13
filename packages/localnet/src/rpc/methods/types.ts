import type { RpcContext } from '../context';
import type { Params } from '../params';

/**
 * What the requests of one HTTP body share (a batch is one body): budgets that bound the work a
 * single body may ask for, whatever its number of requests.
 */
export interface RequestScope {
    /** Units spent so far, by budget name. */
    readonly spent: Map<string, number>;
}

/** One JSON-RPC method implementation. */
export type RpcMethod = (params: Params, ctx: RpcContext, scope: RequestScope) => unknown;

/** A group of methods by name. */
export type RpcMethodTable = Readonly<Record<string, RpcMethod>>;
