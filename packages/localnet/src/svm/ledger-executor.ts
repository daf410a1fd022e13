/**
 * The ledger's executor: sends and simulates wire transactions on LiteSVM with what a node
 * checks around them (sanitization, duplicates, the blockhash window, preflight).
 *
 * A sent transaction runs in the next slot. Its execution doubles as the preflight simulation:
 * a transaction that fails preflight is undone from the pre-images of its writable accounts and
 * the clock is rewound, so it leaves no trace. A landed one opens a new block and is recorded
 * with its balances, token balances, logs, inner instructions and pre-images.
 */
import { type Transaction } from '@solana/kit';
import { FailedTransactionMetadata, type TransactionMetadata } from 'litesvm';

import { emptySimulation, innerInstructionsOf, replaceBlockhash, returnDataOf, toKitTransaction } from './execution-results';
import { computeFee } from './fees';
import type { LedgerClock } from './ledger-clock';
import { deletedAccount, emitLedgerEvent, type LedgerCore } from './ledger-core';
import type { LedgerHistory } from './ledger-history';
import type { SendOutcome, SimulationResult, TransactionRecord } from './ledger-types';
import { captureAccounts, capturePost, resolveAccountKeys } from './transaction-accounts';
import { isCommittedError, toTransactionErrorJson, type TransactionErrorJson } from './transaction-error';
import { type ParsedWireTransaction, parseWireTransaction, sanitizeTransaction, WireFormatError } from './wire';

/**
 * Sends and simulates transactions.
 *
 * @example
 * ```ts
 * const executor = new LedgerExecutor(core, clock, history);
 * const outcome = executor.sendTransaction(wireBytes, { skipPreflight: true });
 * ```
 */
export class LedgerExecutor {
    /**
     * @param core - the shared ledger state
     * @param clock - slots, blocks, time and frontiers
     * @param history - where landed transactions are recorded
     */
    constructor(
        private readonly core: LedgerCore,
        private readonly clock: LedgerClock,
        private readonly history: LedgerHistory,
    ) {}

    /**
     * Sends a wire transaction: sanitize, duplicate and blockhash checks, optional preflight
     * simulation, then execution in a new slot.
     *
     * @param bytes - the serialized transaction
     * @param options - `skipPreflight` as on the RPC; `replay` (forks) bypasses age checks
     * @returns what happened
     */
    sendTransaction(bytes: Uint8Array, options: { skipPreflight?: boolean; replay?: boolean } = {}): SendOutcome {
        let parsed: ParsedWireTransaction;
        try {
            parsed = parseWireTransaction(bytes);
        } catch (e) {
            return { kind: 'malformed', stage: 'decode', reason: e instanceof WireFormatError ? e.message : String(e) };
        }
        const insane = sanitizeTransaction(parsed);
        if (insane) return { kind: 'malformed', stage: 'sanitize', reason: insane };
        const { core, clock } = this;
        const signature = parsed.signatures[0]!;
        const tx = toKitTransaction(parsed);
        const preflight = !options.skipPreflight;
        const keys = resolveAccountKeys(core.access, parsed);
        if (!options.replay) {
            const ageError = this.checkAge(parsed);
            if (ageError) {
                return preflight
                    ? { kind: 'preflight-failed', signature, simulation: emptySimulation(ageError, computeFee(parsed), keys.accountKeys) }
                    : { kind: 'dropped', signature, err: ageError };
            }
        }
        const s0 = core.state;
        const tip = s0.blocks[s0.blocks.length - 1]!;
        const previousClock = core.svm.getClock();
        const savedTime = { lastUnix: s0.lastUnix, epochStartTimestamp: s0.epochStartTimestamp };
        const slot = tip.slot + 1n;
        const unix = clock.nextUnix();
        clock.applyClock(slot, unix);
        const rewindClock = () => {
            core.svm.setClock(previousClock);
            core.slotHashes.update(previousClock.slot, s0.blocks);
            s0.lastUnix = savedTime.lastUnix;
            s0.epochStartTimestamp = savedTime.epochStartTimestamp;
        };
        const pre = captureAccounts(core.access, keys.accountKeys, keys.writable, parsed);
        let result: TransactionMetadata | FailedTransactionMetadata;
        try {
            core.slotHashes.flushFor(core.access, keys.accountKeys, parsed.instructions);
            result = core.access.send(parsed.bytes, parsed.version, () => tx);
        } catch {
            rewindClock();
            return preflight ? { kind: 'signature-failed', signature } : { kind: 'dropped', signature, err: 'SignatureFailure' };
        }
        let err: TransactionErrorJson | null = null;
        let meta: TransactionMetadata;
        if (result instanceof FailedTransactionMetadata) {
            err = toTransactionErrorJson(result.err());
            meta = result.meta();
            const committed = isCommittedError(err);
            if (preflight || !committed) {
                if (committed) {
                    for (const [address, image] of pre.images) core.svm.setAccount(image ?? deletedAccount(address));
                }
                rewindClock();
                if (!preflight) return { kind: 'dropped', signature, err };
                if (err === 'SignatureFailure') return { kind: 'signature-failed', signature };
                return {
                    kind: 'preflight-failed',
                    signature,
                    simulation: {
                        err,
                        logs: meta.logs(),
                        unitsConsumed: meta.computeUnitsConsumed(),
                        returnData: returnDataOf(meta),
                        innerInstructions: innerInstructionsOf(meta),
                        postAccounts: new Map(),
                        fee: computeFee(parsed),
                        accountKeys: keys.accountKeys,
                    },
                };
            }
        } else {
            meta = result;
        }
        const block = clock.produceBlock(slot, unix);
        const post = capturePost(core.access, keys.accountKeys, keys.writable, pre);
        const record: TransactionRecord = {
            signature,
            seq: core.state.seq++,
            slot: block.slot,
            blockHeight: block.height,
            blockTime: block.blockTime,
            transaction: parsed,
            accountKeys: keys.accountKeys,
            writable: keys.writable,
            loadedAddresses: keys.loaded,
            err,
            fee: computeFee(parsed),
            logs: meta.logs(),
            preBalances: pre.balances,
            postBalances: post.balances,
            preTokenBalances: pre.tokenBalances,
            postTokenBalances: post.tokenBalances,
            innerInstructions: innerInstructionsOf(meta),
            computeUnitsConsumed: meta.computeUnitsConsumed(),
            returnData: returnDataOf(meta),
            preImages: pre.images,
        };
        this.history.add(record);
        emitLedgerEvent(core.events, 'transaction', record);
        // With a zero lag the transaction is confirmed (or finalized) as it lands.
        if (clock.commitmentLags.confirmation === 0) clock.advanceFrontiers();
        return { kind: 'landed', signature, record };
    }

    /**
     * Simulates a wire transaction against the processed state.
     *
     * @param bytes - the serialized transaction
     * @param options - `sigVerify` (default false, as on the RPC) and `replaceRecentBlockhash`
     * @returns the simulation, or a malformed/signature failure outcome
     */
    simulateTransaction(
        bytes: Uint8Array,
        options: { sigVerify?: boolean; replaceRecentBlockhash?: boolean } = {},
    ): { kind: 'simulated'; simulation: SimulationResult; replacementBlockhash?: { blockhash: string; lastValidBlockHeight: bigint } } | Extract<SendOutcome, { kind: 'malformed' | 'signature-failed' }> {
        let input = bytes;
        let replacementBlockhash: { blockhash: string; lastValidBlockHeight: bigint } | undefined;
        let parsed: ParsedWireTransaction;
        try {
            parsed = parseWireTransaction(input);
            if (options.replaceRecentBlockhash) {
                replacementBlockhash = this.clock.latestBlockhash('processed');
                input = replaceBlockhash(parsed, replacementBlockhash.blockhash);
                parsed = parseWireTransaction(input);
            }
        } catch (e) {
            return { kind: 'malformed', stage: 'decode', reason: e instanceof WireFormatError ? e.message : String(e) };
        }
        const insane = sanitizeTransaction(parsed);
        if (insane) return { kind: 'malformed', stage: 'sanitize', reason: insane };
        const simulation = this.simulateParsed(parsed, toKitTransaction(parsed), { sigVerify: options.sigVerify ?? false });
        if (options.sigVerify && simulation.err === 'SignatureFailure') return { kind: 'signature-failed', signature: parsed.signatures[0]! };
        return replacementBlockhash ? { kind: 'simulated', simulation, replacementBlockhash } : { kind: 'simulated', simulation };
    }

    private simulateParsed(parsed: ParsedWireTransaction, tx: Transaction, options: { sigVerify: boolean }): SimulationResult {
        const { core } = this;
        const { accountKeys } = resolveAccountKeys(core.access, parsed);
        const fee = computeFee(parsed);
        const ageError = this.checkAge(parsed);
        const empty = { logs: [], unitsConsumed: 0n, returnData: null, innerInstructions: [], postAccounts: new Map(), fee, accountKeys };
        if (ageError) return { err: ageError, ...empty };
        const svm = core.svm;
        if (!options.sigVerify) svm.withSigverify(false);
        let result;
        try {
            core.slotHashes.flushFor(core.access, accountKeys, parsed.instructions);
            result = core.access.simulate(parsed.bytes, parsed.version, () => tx);
        } catch {
            return { err: 'SignatureFailure', ...empty };
        } finally {
            if (!options.sigVerify) svm.withSigverify(true);
        }
        if (result instanceof FailedTransactionMetadata) {
            const meta = result.meta();
            return {
                err: toTransactionErrorJson(result.err()),
                logs: meta.logs(),
                unitsConsumed: meta.computeUnitsConsumed(),
                returnData: returnDataOf(meta),
                innerInstructions: innerInstructionsOf(meta),
                postAccounts: new Map(),
                fee,
                accountKeys,
            };
        }
        const meta = result.meta;
        return {
            err: null,
            logs: meta.logs(),
            unitsConsumed: meta.computeUnitsConsumed(),
            returnData: returnDataOf(meta),
            innerInstructions: innerInstructionsOf(meta),
            postAccounts: new Map(result.postAccounts.map((a) => [a.address, a])),
            fee,
            accountKeys,
        };
    }

    private checkAge(parsed: ParsedWireTransaction): TransactionErrorJson | null {
        if (this.history.has(parsed.signatures[0]!)) return 'AlreadyProcessed';
        if (!this.clock.isBlockhashValid(parsed.recentBlockhash)) return 'BlockhashNotFound';
        return null;
    }
}
