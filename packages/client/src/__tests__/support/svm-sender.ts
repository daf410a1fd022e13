/**
 * The client's send policy (`createRaffleTransactionSender`) wired to a LiteSVM instance:
 * every builder test sends through the same code path as `sendAndConfirmRaffleTransactionFactory`,
 * executed by the real runtime. LiteSVM failures are turned into the errors kit throws for
 * the same RPC `TransactionError`.
 */
import { getSignatureFromTransaction, getSolanaErrorFromTransactionError, type Signature } from '@solana/kit';
import { FailedTransactionMetadata, type LiteSVM, type TransactionMetadata } from 'litesvm';

import { createRaffleTransactionSender, type RaffleSenderDependencies } from '../../send/sendAndConfirmRaffleTransaction';

/** LiteSVM's error object as the RPC's JSON `TransactionError`. */
export function toRpcTransactionError(err: ReturnType<FailedTransactionMetadata['err']>): Parameters<typeof getSolanaErrorFromTransactionError>[0] {
    // litesvm does not export its error classes: recognise them by shape.
    if (typeof err === 'object' && err !== null && 'index' in err && 'err' in err && typeof err.err === 'function') {
        const inner: unknown = err.err();
        if (typeof inner === 'object' && inner !== null && 'code' in inner && typeof inner.code === 'number') {
            return { InstructionError: [Number(err.index), { Custom: inner.code }] } as never;
        }
        return { InstructionError: [Number(err.index), 'GenericError'] } as never;
    }
    return String(err.toString()) as never;
}

export interface SvmSender {
    readonly sendAndConfirm: ReturnType<typeof createRaffleTransactionSender>;
    /** Logs of every transaction sent, by signature (failed ones included). */
    readonly logs: Map<string, string[]>;
    /** Compute units consumed, by signature. */
    readonly computeUnits: Map<string, bigint>;
}

export function createSvmSender(svm: LiteSVM, overrides: Partial<RaffleSenderDependencies> = {}): SvmSender {
    const logs = new Map<string, string[]>();
    const computeUnits = new Map<string, bigint>();
    const sendAndConfirm = createRaffleTransactionSender({
        async getLatestBlockhash() {
            svm.expireBlockhash(); // identical transactions must not be taken for duplicates
            return { blockhash: svm.latestBlockhash(), lastValidBlockHeight: svm.getClock().slot + 150n };
        },
        async sendAndConfirm(transaction) {
            const result = svm.sendTransaction(transaction as Parameters<LiteSVM['sendTransaction']>[0]);
            const meta: TransactionMetadata = result instanceof FailedTransactionMetadata ? result.meta() : result;
            const key = getSignatureFromTransaction(transaction);
            logs.set(key, meta.logs());
            computeUnits.set(key, meta.computeUnitsConsumed());
            if (result instanceof FailedTransactionMetadata) throw getSolanaErrorFromTransactionError(toRpcTransactionError(result.err()));
        },
        async getSignatureStatus(signature: Signature) {
            const result = svm.getTransaction(signature);
            if (result === null) return null;
            return { err: result instanceof FailedTransactionMetadata ? toRpcTransactionError(result.err()) : null, confirmationStatus: 'finalized' };
        },
        async sleep() {},
        ...overrides,
    });
    return { sendAndConfirm, logs, computeUnits };
}
