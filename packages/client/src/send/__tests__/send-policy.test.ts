/**
 * The send policy in isolation, over scripted cluster answers: when it signs a new version
 * (only after the previous one can no longer land), that it reports each signature before
 * sending, and how it maps failures. The executed path is covered against `@raffle/localnet`'s
 * real JSON-RPC (localnet-lifecycle.test.ts, sendAndConfirmRaffleTransaction.rpc.test.ts).
 */
import {
    isRaffleError,
    RAFFLE_ERROR__CLIENT__TRANSACTION_EXPIRED,
    RAFFLE_ERROR__CLIENT__TRANSACTION_FAILED,
    RAFFLE_ERROR__INVALID_ARGUMENT,
} from '@raffle/errors';
import { type Blockhash, getSolanaErrorFromTransactionError, getSolanaErrorFromJsonRpcError, type Signature, SolanaError, SOLANA_ERROR__BLOCK_HEIGHT_EXCEEDED } from '@solana/kit';
import { describe, expect, it } from 'vitest';

import { isRaffleProgramError, requestDrawTx, RWA_RAFFLE_ERROR__ENTRY_INDEX_MISMATCH, RWA_RAFFLE_ERROR__SOLD_OUT } from '../../index';
import { createRaffleTransactionSender, type RaffleSenderDependencies } from '../sendAndConfirmRaffleTransaction';
import { testAddress, testSigner } from '../../__tests__/support/fixtures';

type Step = 'ok' | 'expire' | { throw: unknown };

function script(steps: Step[], statuses: ({ err: unknown; confirmationStatus: 'processed' | 'confirmed' | 'finalized' | null } | null)[] = []) {
    const trace: string[] = [];
    let blockhashes = 0;
    const deps: RaffleSenderDependencies = {
        async getLatestBlockhash() {
            blockhashes++;
            trace.push(`blockhash ${blockhashes}`);
            return { blockhash: testAddress(900 + blockhashes) as string as Blockhash, lastValidBlockHeight: BigInt(100 * blockhashes) };
        },
        async sendAndConfirm() {
            const step = steps.shift() ?? 'ok';
            trace.push(`send -> ${typeof step === 'string' ? step : 'throw'}`);
            if (step === 'expire') throw new SolanaError(SOLANA_ERROR__BLOCK_HEIGHT_EXCEEDED, { currentBlockHeight: 1n, lastValidBlockHeight: 0n });
            if (typeof step === 'object') throw step.throw;
        },
        async getSignatureStatus() {
            const status = statuses.length ? statuses.shift()! : null;
            trace.push(`status -> ${status === null ? 'unknown' : (status.confirmationStatus ?? 'pending')}`);
            return status;
        },
        async sleep() {
            trace.push('sleep');
        },
    };
    return { deps, trace };
}

async function message() {
    const requester = await testSigner(1);
    return { requester, message: await requestDrawTx({ requester, raffle: testAddress(1) }) };
}

describe('send policy', () => {
    it('signs a new version only after the previous one expired and is unknown to the cluster', async () => {
        const { deps, trace } = script(['expire', 'ok']);
        const { requester, message: m } = await message();
        const signed: { signature: Signature; attempt: number; blockhash: string }[] = [];
        const result = await createRaffleTransactionSender(deps)(m, {
            feePayer: requester,
            onSigned: info => {
                trace.push(`signed ${info.attempt}`);
                signed.push(info);
            },
        });
        expect(trace).toEqual(['blockhash 1', 'signed 1', 'send -> expire', 'status -> unknown', 'blockhash 2', 'signed 2', 'send -> ok']);
        expect(result.attempts).toBe(2);
        expect(result.signatures).toEqual(signed.map(s => s.signature));
        expect(result.signature).toBe(signed[1]!.signature);
        expect(signed[0]!.signature).not.toBe(signed[1]!.signature);
        expect(signed[0]!.blockhash).not.toBe(signed[1]!.blockhash);
    });

    it('returns the expired version when it had landed, waiting for the commitment, without re-signing', async () => {
        const { deps, trace } = script(['expire'], [{ err: null, confirmationStatus: 'processed' }, { err: null, confirmationStatus: 'confirmed' }]);
        const { requester, message: m } = await message();
        const result = await createRaffleTransactionSender(deps)(m, { feePayer: requester });
        expect(result.attempts).toBe(1);
        expect(trace).toEqual(['blockhash 1', 'send -> expire', 'status -> processed', 'sleep', 'status -> confirmed']);
    });

    it('maps a landed-then-failed expired version to the program error', async () => {
        const { deps } = script(['expire'], [{ err: { InstructionError: [0, { Custom: 6030 }] }, confirmationStatus: 'confirmed' }]);
        const { requester, message: m } = await message();
        const error = await createRaffleTransactionSender(deps)(m, { feePayer: requester }).catch((e: unknown) => e);
        expect(isRaffleProgramError(error, RWA_RAFFLE_ERROR__SOLD_OUT)).toBe(true);
    });

    it('gives up after maxAttempts expiries with a typed error listing every signature', async () => {
        const { deps } = script(['expire', 'expire']);
        const { requester, message: m } = await message();
        const error = await createRaffleTransactionSender(deps)(m, { feePayer: requester, maxAttempts: 2 }).catch((e: unknown) => e);
        expect(isRaffleError(error, RAFFLE_ERROR__CLIENT__TRANSACTION_EXPIRED)).toBe(true);
        expect((error as Error).message).toMatch(/expired 2 time/);
        expect((error as Error).cause).toBeInstanceOf(SolanaError);
    });

    it('re-signs after a preflight "blockhash not found" (never forwarded), not after other preflight failures', async () => {
        const notFound = getSolanaErrorFromJsonRpcError({ code: -32002, message: 'Transaction simulation failed: Blockhash not found', data: { err: 'BlockhashNotFound', logs: [], accounts: null, unitsConsumed: 0 } });
        const { deps, trace } = script([{ throw: notFound }, 'ok']);
        const { requester, message: m } = await message();
        expect((await createRaffleTransactionSender(deps)(m, { feePayer: requester })).attempts).toBe(2);
        expect(trace.filter(t => t.startsWith('blockhash'))).toHaveLength(2);

        const insufficient = getSolanaErrorFromJsonRpcError({ code: -32002, message: 'Transaction simulation failed', data: { err: 'InsufficientFundsForFee', logs: [], accounts: null, unitsConsumed: 0 } });
        const failing = script([{ throw: insufficient }]);
        const error = await createRaffleTransactionSender(failing.deps)(m, { feePayer: requester }).catch((e: unknown) => e);
        expect(isRaffleError(error, RAFFLE_ERROR__CLIENT__TRANSACTION_FAILED)).toBe(true);
        expect((error as Error).cause).toBe(insufficient);
        expect(failing.trace.filter(t => t.startsWith('blockhash'))).toHaveLength(1);
    });

    it('rebuilds after EntryIndexMismatch only when given a builder function', async () => {
        const mismatch = getSolanaErrorFromTransactionError({ InstructionError: [0, { Custom: RWA_RAFFLE_ERROR__ENTRY_INDEX_MISMATCH }] });
        const { requester, message: m } = await message();
        const once = script([{ throw: mismatch }]);
        const error = await createRaffleTransactionSender(once.deps)(m, { feePayer: requester }).catch((e: unknown) => e);
        expect(isRaffleProgramError(error, RWA_RAFFLE_ERROR__ENTRY_INDEX_MISMATCH)).toBe(true);

        const twice = script([{ throw: mismatch }, 'ok']);
        let builds = 0;
        const result = await createRaffleTransactionSender(twice.deps)(
            async () => {
                builds++;
                return m;
            },
            { feePayer: requester },
        );
        expect(builds).toBe(2);
        expect(result.attempts).toBe(2);
    });

    it('passes transport errors through untouched and requires a fee payer', async () => {
        const boom = new Error('socket hang up');
        const { deps } = script([{ throw: boom }]);
        const { requester, message: m } = await message();
        await expect(createRaffleTransactionSender(deps)(m, { feePayer: requester })).rejects.toBe(boom);
        const error = await createRaffleTransactionSender(script([]).deps)(m).catch((e: unknown) => e);
        expect(isRaffleError(error, RAFFLE_ERROR__INVALID_ARGUMENT) && error.context.name).toBe('feePayer');
        expect(await createRaffleTransactionSender(script([]).deps)(m, { feePayer: requester, maxAttempts: 0 }).catch((e: unknown) => (e as Error).message)).toMatch(/maxAttempts/);
    });
});
