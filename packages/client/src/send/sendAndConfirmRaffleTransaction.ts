/**
 * `sendAndConfirmRaffleTransactionFactory`: send, confirm, re-sign only after expiry, map
 * program errors, and report each signature before it is sent.
 *
 * @packageDocumentation
 */
import type { RaffleError } from '@raffle/errors';
import {
    type Address,
    assertIsTransactionWithinSizeLimit,
    type Blockhash,
    type Commitment,
    getSignatureFromTransaction,
    getTransactionSize,
    getTransactionSizeLimit,
    type GetEpochInfoApi,
    type GetLatestBlockhashApi,
    type GetSignatureStatusesApi,
    isSolanaError,
    type Rpc,
    type RpcSubscriptions,
    sendAndConfirmTransactionFactory,
    type SendTransactionApi,
    setTransactionMessageFeePayerSigner,
    setTransactionMessageLifetimeUsingBlockhash,
    type Signature,
    type SignatureNotificationsApi,
    signTransactionMessageWithSigners,
    type SlotNotificationsApi,
    SOLANA_ERROR__BLOCK_HEIGHT_EXCEEDED,
    SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE,
    SOLANA_ERROR__TRANSACTION_ERROR__BLOCKHASH_NOT_FOUND,
    type Transaction,
    type TransactionMessageWithFeePayer,
    type TransactionSigner,
    type TransactionWithLifetime,
} from '@solana/kit';

import type { RaffleTransactionMessage } from '../actions/shared';
import { inputInvalid, transactionExpired, transactionFailed, transactionTooLarge } from '../errors/client-errors';
import { getRaffleProgramError } from '../errors/program-errors';
import { RWA_RAFFLE_ERROR__ENTRY_INDEX_MISMATCH } from '../generated/errors/rwaRaffle';
import { RWA_RAFFLE_PROGRAM_ADDRESS } from '../generated/programs';
import { assertInteger, assertObject, assertSigner } from '../internal/validate';

/**
 * What the sender sends: a built message (with a fee payer, or given `feePayer`), or a
 * function that builds it. A function is called again before every attempt, so each
 * re-signed version is built from fresh chain state; that is also what lets the sender
 * rebuild a join that lost its entry index to another buyer (`EntryIndexMismatch`).
 *
 * @example
 * ```ts
 * const source: RaffleTransactionSource = () => joinWithTokenTx({ rpc, buyer, raffle, ticketCount: 1 });
 * ```
 */
export type RaffleTransactionSource =
    | RaffleTransactionMessage
    | (RaffleTransactionMessage & TransactionMessageWithFeePayer)
    | (() => Promise<RaffleTransactionMessage> | RaffleTransactionMessage);

/**
 * Reported for every signed version, before it is sent.
 *
 * @example
 * ```ts
 * const onSigned = async ({ signature, attempt }: RaffleTransactionSignedInfo) => db.saveIntent(id, signature, attempt);
 * ```
 */
export interface RaffleTransactionSignedInfo {
    /** The transaction signature (its id on chain). */
    readonly signature: Signature;
    /** 1 for the first version, 2 after the first expired or was rebuilt, ... */
    readonly attempt: number;
    /** The blockhash it was signed with. */
    readonly blockhash: Blockhash;
    /** The last block height at which it can land; after that, it never will. */
    readonly lastValidBlockHeight: bigint;
}

/**
 * Options of one send.
 *
 * @example
 * ```ts
 * const options: SendAndConfirmRaffleTransactionConfig = {
 *     feePayer: wallet,
 *     commitment: 'confirmed',
 *     onSigned: ({ signature }) => localStorage.setItem('pending', signature),
 * };
 * ```
 */
export interface SendAndConfirmRaffleTransactionConfig {
    /** Sets this signer as fee payer (required when the message has none). */
    readonly feePayer?: TransactionSigner;
    /** Commitment to confirm at; default `confirmed`. */
    readonly commitment?: Commitment;
    /** Cancels waiting (the transaction may still land: check its signature). */
    readonly abortSignal?: AbortSignal;
    /**
     * Called with each signature before that version is sent, and awaited: persist it here
     * so that after a crash you can look it up instead of sending again.
     */
    readonly onSigned?: (info: RaffleTransactionSignedInfo) => Promise<void> | void;
    /** Versions to sign at most (a new one only after the previous expired or failed with `EntryIndexMismatch`); default 3. */
    readonly maxAttempts?: number;
    /** Skip the preflight simulation (program errors then surface at confirmation). */
    readonly skipPreflight?: boolean;
    /** The program deployment, to recognise its errors; default the canonical address. */
    readonly programAddress?: Address;
}

/**
 * What a send returns once the transaction reached the commitment.
 *
 * @example
 * ```ts
 * const { signature, attempts }: SendAndConfirmRaffleTransactionReturnType = await sendAndConfirm(message, { feePayer });
 * ```
 */
export interface SendAndConfirmRaffleTransactionReturnType {
    /** The signature of the version that landed. */
    readonly signature: Signature;
    /** How many versions were signed. */
    readonly attempts: number;
    /** Every signature signed, in order (all but the last expired or failed without effect). */
    readonly signatures: readonly Signature[];
}

/**
 * Errors a send throws: `RAFFLE_ERROR__PROGRAM__CUSTOM_ERROR` for a program error (test with
 * `isRaffleProgramError`), `RAFFLE_ERROR__INVALID_ARGUMENT` named `transaction` for a
 * failure that is not the program's (cause attached) or after every attempt expired, kit's
 * errors for transport failures.
 *
 * @example
 * ```ts
 * const onError = (e: SendAndConfirmRaffleTransactionErrorType) => console.error(e.message);
 * ```
 */
export type SendAndConfirmRaffleTransactionErrorType = RaffleError | Error;

/**
 * The function `sendAndConfirmRaffleTransactionFactory` returns.
 *
 * @example
 * ```ts
 * const sendAndConfirm: SendAndConfirmRaffleTransactionFunction = sendAndConfirmRaffleTransactionFactory({ rpc, rpcSubscriptions });
 * ```
 */
export type SendAndConfirmRaffleTransactionFunction = (
    source: RaffleTransactionSource,
    config?: SendAndConfirmRaffleTransactionConfig,
) => Promise<SendAndConfirmRaffleTransactionReturnType>;

/**
 * The RPC clients the sender needs.
 *
 * @example
 * ```ts
 * const clients: SendAndConfirmRaffleTransactionFactoryConfig = {
 *     rpc: createSolanaRpc('http://127.0.0.1:8899'),
 *     rpcSubscriptions: createSolanaRpcSubscriptions('ws://127.0.0.1:8900'),
 * };
 * ```
 */
export interface SendAndConfirmRaffleTransactionFactoryConfig {
    /** HTTP RPC: blockhash, send, epoch info and signature statuses. */
    readonly rpc: Rpc<GetEpochInfoApi & GetLatestBlockhashApi & GetSignatureStatusesApi & SendTransactionApi>;
    /** Websocket RPC: signature and slot notifications. */
    readonly rpcSubscriptions: RpcSubscriptions<SignatureNotificationsApi & SlotNotificationsApi>;
}

/** @internal What the policy needs from a cluster; the factory wires it to kit. */
export interface RaffleSenderDependencies {
    getLatestBlockhash(abortSignal?: AbortSignal): Promise<{ blockhash: Blockhash; lastValidBlockHeight: bigint }>;
    /** Sends and waits for `commitment`; throws kit's errors (block height exceeded, preflight, transaction errors). */
    sendAndConfirm(
        transaction: Transaction & TransactionWithLifetime,
        config: { commitment: Commitment; abortSignal?: AbortSignal; skipPreflight?: boolean },
    ): Promise<void>;
    /** The status of a signature, searching history; null when unknown to the cluster. */
    getSignatureStatus(signature: Signature): Promise<{ err: unknown; confirmationStatus: Commitment | null } | null>;
    /** Waits a little between status polls. */
    sleep(ms: number, abortSignal?: AbortSignal): Promise<void>;
}

const COMMITMENT_RANK: Record<Commitment, number> = { processed: 0, confirmed: 1, finalized: 2 };

function defaultSleep(ms: number, abortSignal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
        if (abortSignal?.aborted) return reject(abortSignal.reason);
        const timer = setTimeout(resolve, ms);
        abortSignal?.addEventListener(
            'abort',
            () => {
                clearTimeout(timer);
                reject(abortSignal.reason);
            },
            { once: true },
        );
    });
}

function isPreflightBlockhashNotFound(e: unknown): boolean {
    return (
        isSolanaError(e, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE) &&
        isSolanaError(e.cause, SOLANA_ERROR__TRANSACTION_ERROR__BLOCKHASH_NOT_FOUND)
    );
}

/** Instruction errors (4615xxx) and transaction errors (7050xxx), as opposed to transport errors. */
function isTransactionOutcomeError(e: unknown): boolean {
    if (isSolanaError(e, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE)) return true;
    if (!isSolanaError(e)) return false;
    const code = e.context.__code;
    return (code >= 4615000 && code < 4616000) || (code >= 7050000 && code < 7051000);
}

/** @internal The send policy over injectable cluster access (tested on LiteSVM and on a real RPC). */
export function createRaffleTransactionSender(deps: RaffleSenderDependencies): SendAndConfirmRaffleTransactionFunction {
    return async function sendAndConfirmRaffleTransaction(source, config = {}) {
        if (typeof source !== 'function') assertObject('transaction', source);
        assertObject('config', config);
        if (config.feePayer !== undefined) assertSigner('feePayer', config.feePayer);
        const maxAttempts = config.maxAttempts ?? 3;
        assertInteger('maxAttempts', maxAttempts, 1, 100);
        const commitment = config.commitment ?? 'confirmed';
        if (!(commitment in COMMITMENT_RANK)) throw inputInvalid('commitment', 'must be processed, confirmed or finalized');
        const programAddress = config.programAddress ?? RWA_RAFFLE_PROGRAM_ADDRESS;
        const rebuildable = typeof source === 'function';
        const signatures: Signature[] = [];
        let lastExpiry: unknown;

        for (let attempt = 1; attempt <= maxAttempts; attempt++) {
            const built = typeof source === 'function' ? await source() : source;
            assertObject('transaction', built);
            let message: RaffleTransactionMessage & TransactionMessageWithFeePayer;
            if (config.feePayer !== undefined) message = setTransactionMessageFeePayerSigner(config.feePayer, built);
            else if ('feePayer' in built && built.feePayer !== undefined) message = built as RaffleTransactionMessage & TransactionMessageWithFeePayer;
            else throw inputInvalid('feePayer', 'is required: the transaction message has no fee payer');

            const lifetime = await deps.getLatestBlockhash(config.abortSignal);
            const withLifetime = setTransactionMessageLifetimeUsingBlockhash(lifetime, message);
            const transaction = await signTransactionMessageWithSigners(
                withLifetime,
                config.abortSignal === undefined ? undefined : { abortSignal: config.abortSignal },
            );
            try {
                assertIsTransactionWithinSizeLimit(transaction);
            } catch {
                throw transactionTooLarge(getTransactionSize(transaction), getTransactionSizeLimit(transaction));
            }
            const signature = getSignatureFromTransaction(transaction);
            signatures.push(signature);
            const mapFailure = (err: unknown): Error =>
                getRaffleProgramError(err, { programAddress, transactionMessage: withLifetime }) ?? transactionFailed(signature, err);
            await config.onSigned?.({ signature, attempt, blockhash: lifetime.blockhash, lastValidBlockHeight: lifetime.lastValidBlockHeight });

            try {
                await deps.sendAndConfirm(transaction, {
                    commitment,
                    ...(config.abortSignal === undefined ? {} : { abortSignal: config.abortSignal }),
                    ...(config.skipPreflight === undefined ? {} : { skipPreflight: config.skipPreflight }),
                });
                return { signature, attempts: attempt, signatures };
            } catch (e) {
                if (isSolanaError(e, SOLANA_ERROR__BLOCK_HEIGHT_EXCEEDED)) {
                    // The blockhash expired: this version can no longer land. It may have landed before expiring.
                    const status = await deps.getSignatureStatus(signature);
                    if (status !== null) {
                        if (status.err !== null && status.err !== undefined) throw mapFailure(status.err);
                        await waitForCommitment(deps, signature, status.confirmationStatus, commitment, config.abortSignal);
                        return { signature, attempts: attempt, signatures };
                    }
                    lastExpiry = e;
                    continue;
                }
                // Rejected by preflight before being forwarded: no live copy exists, a new version is safe.
                if (isPreflightBlockhashNotFound(e)) {
                    lastExpiry = e;
                    continue;
                }
                const programError = getRaffleProgramError(e, { programAddress, transactionMessage: withLifetime });
                if (programError !== undefined) {
                    // A failed join does not consume its intent: rebuild it against the fresh entry index.
                    if (rebuildable && programError.context.programCode === RWA_RAFFLE_ERROR__ENTRY_INDEX_MISMATCH && attempt < maxAttempts) {
                        continue;
                    }
                    throw programError;
                }
                if (isTransactionOutcomeError(e)) throw transactionFailed(signature, e);
                throw e;
            }
        }
        throw transactionExpired(signatures.length, signatures, lastExpiry);
    };
}

async function waitForCommitment(
    deps: RaffleSenderDependencies,
    signature: Signature,
    current: Commitment | null,
    target: Commitment,
    abortSignal: AbortSignal | undefined,
): Promise<void> {
    let status = current;
    while (status === null || COMMITMENT_RANK[status] < COMMITMENT_RANK[target]) {
        await deps.sleep(400, abortSignal);
        const next = await deps.getSignatureStatus(signature);
        status = next?.confirmationStatus ?? null;
    }
}

/**
 * Returns a function that sends a raffle transaction and waits until it reaches the chosen
 * commitment, in kit style. For each version it signs, it reports the signature (awaiting
 * `onSigned`) before sending, so the caller can persist it. It signs a new version with a
 * fresh blockhash only once the previous one can no longer land: after its blockhash expired
 * (and a status lookup shows it did not land just before), or after a preflight rejection
 * that never left the node. Never two live copies of the same intent.
 *
 * Program errors come back as typed `RaffleError`s (`isRaffleProgramError(e, code)`). Given
 * a builder function instead of a message, it also rebuilds after `EntryIndexMismatch`
 * (another buyer took the entry index) and every version is built from fresh state.
 *
 * @param clients - `rpc` (HTTP) and `rpcSubscriptions` (websocket)
 * @returns the send function
 * @example
 * ```ts
 * const sendAndConfirm = sendAndConfirmRaffleTransactionFactory({ rpc, rpcSubscriptions });
 * const { signature } = await sendAndConfirm(() => joinWithTokenTx({ rpc, buyer, raffle, ticketCount: 2 }), {
 *     feePayer: buyer,
 *     commitment: 'confirmed',
 *     onSigned: ({ signature }) => savePending(signature),
 * });
 * ```
 */
export function sendAndConfirmRaffleTransactionFactory(clients: SendAndConfirmRaffleTransactionFactoryConfig): SendAndConfirmRaffleTransactionFunction {
    assertObject('clients', clients);
    const { rpc, rpcSubscriptions } = clients;
    const kitSendAndConfirm = sendAndConfirmTransactionFactory({ rpc, rpcSubscriptions });
    return createRaffleTransactionSender({
        async getLatestBlockhash(abortSignal) {
            const { value } = await rpc
                .getLatestBlockhash({ commitment: 'confirmed' })
                .send(abortSignal === undefined ? undefined : { abortSignal });
            return value;
        },
        async sendAndConfirm(transaction, config) {
            await kitSendAndConfirm(transaction as unknown as Parameters<typeof kitSendAndConfirm>[0], config);
        },
        async getSignatureStatus(signature) {
            const { value } = await rpc.getSignatureStatuses([signature], { searchTransactionHistory: true }).send();
            const status = value[0];
            return status === null || status === undefined ? null : { err: status.err, confirmationStatus: status.confirmationStatus };
        },
        sleep: defaultSleep,
    });
}
