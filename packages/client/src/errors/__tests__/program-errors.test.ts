import { isRaffleError, RAFFLE_ERROR__PROGRAM__CUSTOM_ERROR, RaffleError } from '@raffle/errors';
import { rwaRaffleIdl } from '@raffle/program';
import { getSolanaErrorFromJsonRpcError, getSolanaErrorFromTransactionError } from '@solana/kit';
import { describe, expect, it } from 'vitest';

import {
    getRaffleProgramError,
    getRaffleProgramErrorFromCode,
    getRaffleProgramErrorName,
    isRaffleProgramError,
    RWA_RAFFLE_ERROR__ENTRY_INDEX_MISMATCH,
    RWA_RAFFLE_ERROR__SOLD_OUT,
    RWA_RAFFLE_PROGRAM_ADDRESS,
} from '../../index';

const TOKEN = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';

/** What an RPC node answers to `sendTransaction` when preflight simulation fails. */
function preflightFailure(index: number, code: number) {
    return getSolanaErrorFromJsonRpcError({
        code: -32002,
        message: `Transaction simulation failed: Error processing Instruction ${index}: custom program error: 0x${code.toString(16)}`,
        data: {
            accounts: null,
            err: { InstructionError: [index, { Custom: code }] },
            innerInstructions: null,
            loadedAccountsDataSize: 1000,
            logs: [`Program ${RWA_RAFFLE_PROGRAM_ADDRESS} invoke [1]`, `Program ${RWA_RAFFLE_PROGRAM_ADDRESS} failed: custom program error: 0x${code.toString(16)}`],
            replacementBlockhash: null,
            returnData: null,
            unitsConsumed: 5000,
        },
    });
}

describe('program errors', () => {
    it('names and messages of every IDL error', () => {
        for (const { code, name, msg } of rwaRaffleIdl.errors) {
            expect(getRaffleProgramErrorName(code)).toBe(name);
            const error = getRaffleProgramErrorFromCode(code)!;
            expect(error.context).toEqual({ programCode: code, name, programMessage: msg });
            expect(error.message).toContain(name);
            expect(error.message).toContain(msg);
        }
        expect(getRaffleProgramErrorFromCode(1)).toBeUndefined();
        expect(getRaffleProgramErrorFromCode(7000)).toBeUndefined();
    });

    it('maps a failed send (preflight) to the typed error, keeping the cause', () => {
        const failure = preflightFailure(1, 6031);
        const error = getRaffleProgramError(failure)!;
        expect(isRaffleProgramError(error, RWA_RAFFLE_ERROR__ENTRY_INDEX_MISMATCH)).toBe(true);
        expect(error.context.name).toBe('EntryIndexMismatch');
        expect(error.context.programMessage).toMatch(/refetch the raffle and rebuild/);
        expect(error.cause).toBe(failure);
    });

    it('maps a simulation result, an on-chain error and a raw TransactionError', () => {
        const simulation = { err: { InstructionError: [0, { Custom: 6030 }] }, logs: [] };
        expect(getRaffleProgramError(simulation)?.context.name).toBe('SoldOut');
        const onChain = getSolanaErrorFromTransactionError({ InstructionError: [2, { Custom: 6030 }] });
        expect(isRaffleProgramError(getRaffleProgramError(onChain), RWA_RAFFLE_ERROR__SOLD_OUT)).toBe(true);
        expect(getRaffleProgramError({ InstructionError: [0, { Custom: 6044 }] })?.context.name).toBe('AlreadyClaimed');
        const wrapped = new Error('send failed', { cause: onChain });
        expect(getRaffleProgramError(wrapped)?.context.name).toBe('SoldOut');
    });

    it('uses the transaction message to reject custom codes of other programs', () => {
        const message = { instructions: [{ programAddress: TOKEN as never }, { programAddress: RWA_RAFFLE_PROGRAM_ADDRESS }] };
        expect(getRaffleProgramError(preflightFailure(1, 6031), { transactionMessage: message })?.context.name).toBe('EntryIndexMismatch');
        expect(getRaffleProgramError(preflightFailure(0, 6031), { transactionMessage: message })).toBeUndefined();
        // A token program error (InsufficientFunds = 1) is not ours.
        expect(getRaffleProgramError(preflightFailure(0, 1))).toBeUndefined();
    });

    it('returns undefined for anything else and passes mapped errors through', () => {
        for (const value of [undefined, null, 'x', 42, new Error('boom'), { err: null }, { InstructionError: [0, 'GenericError'] }]) {
            expect(getRaffleProgramError(value)).toBeUndefined();
        }
        const mapped = getRaffleProgramErrorFromCode(6000)!;
        expect(getRaffleProgramError(mapped)).toBe(mapped);
        expect(isRaffleError(mapped, RAFFLE_ERROR__PROGRAM__CUSTOM_ERROR)).toBe(true);
        expect(isRaffleProgramError(mapped)).toBe(true);
        expect(isRaffleProgramError(mapped, RWA_RAFFLE_ERROR__SOLD_OUT)).toBe(false);
        expect(isRaffleProgramError(new RaffleError(9000 as never, { name: 'x', reason: 'y' } as never))).toBe(false);
    });
});
