/**
 * A local Solana cluster over LiteSVM that speaks JSON-RPC over HTTP and PubSub over
 * websocket, with the rwa_raffle program loaded. Under construction (issue 6): today it
 * exports the cluster's default ports.
 *
 * @packageDocumentation
 */

/**
 * Default ports, the same as `solana-test-validator`: JSON-RPC over HTTP on `rpc`, PubSub
 * websocket on `ws` (the next port). Pass port 0 in tests to get free ports.
 *
 * @example
 * ```ts
 * const url = `http://127.0.0.1:${LOCALNET_DEFAULT_PORTS.rpc}`;
 * ```
 */
export const LOCALNET_DEFAULT_PORTS = Object.freeze({ rpc: 8899, ws: 8900 });
