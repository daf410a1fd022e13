/**
 * A read-only kit `Rpc` over a LiteSVM instance, for the reads the builders make in tests
 * (`getAccountInfo`, `getMultipleAccounts`, `getProgramAccounts` with filters). Everything it
 * returns comes from the real runtime's accounts; only the transport is in-process. To be
 * replaced by `@raffle/localnet`'s server once it exists.
 */
import {
    type Address,
    createSolanaRpcFromTransport,
    getBase58Encoder,
    getBase64Decoder,
    getBase64Encoder,
    getSignatureFromTransaction,
    getTransactionDecoder,
    type RpcTransport,
    type Signature,
} from '@solana/kit';
import { FailedTransactionMetadata, type LiteSVM } from 'litesvm';

import { toRpcTransactionError } from './svm-sender';

type EncodedAccountLike = { address: Address; data: Uint8Array; executable: boolean; lamports: bigint; programAddress: Address; space: bigint };

function encode(account: EncodedAccountLike): unknown {
    return {
        data: [getBase64Decoder().decode(account.data), 'base64'],
        executable: account.executable,
        lamports: account.lamports,
        owner: account.programAddress,
        rentEpoch: 0n,
        space: BigInt(account.data.length),
    };
}

function matches(account: EncodedAccountLike, filters: readonly Record<string, unknown>[]): boolean {
    for (const filter of filters) {
        if ('dataSize' in filter && BigInt(filter.dataSize as number | bigint) !== BigInt(account.data.length)) return false;
        if ('memcmp' in filter) {
            const { offset, bytes, encoding } = filter.memcmp as { offset: number | bigint; bytes: string; encoding?: string };
            const wanted = encoding === 'base64' ? getBase64Encoder().encode(bytes) : getBase58Encoder().encode(bytes);
            const at = Number(offset);
            if (at + wanted.length > account.data.length) return false;
            for (let i = 0; i < wanted.length; i++) if (account.data[at + i] !== wanted[i]) return false;
        }
    }
    return true;
}

export function createSvmRpc(svm: LiteSVM, onRequest?: (method: string, params: unknown[]) => void) {
    const slot = () => svm.getClock().slot;
    const get = (address: Address): unknown => {
        const account = svm.getAccount(address);
        return account.exists ? encode(account as unknown as EncodedAccountLike) : null;
    };
    const transport = (async ({ payload }: { payload: unknown }) => {
        const { id, method, params } = payload as { id: unknown; method: string; params: unknown[] };
        onRequest?.(method, params);
        let result: unknown;
        switch (method) {
            case 'getAccountInfo':
                result = { context: { slot: slot() }, value: get(params[0] as Address) };
                break;
            case 'getMultipleAccounts':
                result = { context: { slot: slot() }, value: (params[0] as Address[]).map(get) };
                break;
            case 'getProgramAccounts': {
                const config = (params[1] ?? {}) as { filters?: Record<string, unknown>[] };
                result = svm
                    .getProgramAccounts(params[0] as Address)
                    .filter(account => matches(account as unknown as EncodedAccountLike, config.filters ?? []))
                    .map(account => ({ pubkey: account.address, account: encode(account as unknown as EncodedAccountLike) }));
                break;
            }
            case 'getLatestBlockhash':
                result = { context: { slot: slot() }, value: { blockhash: svm.latestBlockhash(), lastValidBlockHeight: slot() + 150n } };
                break;
            case 'sendTransaction': {
                const transaction = getTransactionDecoder().decode(getBase64Encoder().encode(params[0] as string));
                const sent = svm.sendTransaction(transaction as Parameters<LiteSVM['sendTransaction']>[0]);
                if (sent instanceof FailedTransactionMetadata) {
                    return { jsonrpc: '2.0', id, error: { code: -32002, message: 'Transaction simulation failed', data: { err: toRpcTransactionError(sent.err()), logs: sent.meta().logs(), accounts: null, unitsConsumed: 0 } } };
                }
                result = getSignatureFromTransaction(transaction);
                break;
            }
            case 'getTransaction': {
                const found = svm.getTransaction(params[0] as Signature);
                if (found === null) {
                    result = null;
                    break;
                }
                const meta = found instanceof FailedTransactionMetadata ? found.meta() : found;
                result = {
                    slot: slot(),
                    blockTime: null,
                    meta: { err: found instanceof FailedTransactionMetadata ? toRpcTransactionError(found.err()) : null, logMessages: meta.logs(), fee: 5000n },
                    transaction: { signatures: [params[0]] },
                };
                break;
            }
            default:
                return { jsonrpc: '2.0', id, error: { code: -32601, message: `Method not found: ${method}` } };
        }
        return { jsonrpc: '2.0', id, result };
    }) as RpcTransport;
    return createSolanaRpcFromTransport(transport);
}
