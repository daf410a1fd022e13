import type { RpcContext } from '../context';
import type { Params } from '../params';

/** One JSON-RPC method implementation. */
export type RpcMethod = (params: Params, ctx: RpcContext) => unknown;

/** A group of methods by name. */
export type RpcMethodTable = Readonly<Record<string, RpcMethod>>;
