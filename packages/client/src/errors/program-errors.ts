/**
 * Program errors: the rwa_raffle program's `Custom(6000 + n)` errors, from a failed send or
 * simulation, as typed `RaffleError`s carrying the program's name and message.
 *
 * @packageDocumentation
 */
import { RAFFLE_ERROR__PROGRAM__CUSTOM_ERROR, RaffleError, isRaffleError } from '@raffle/errors';
import {
    type Address,
    getSolanaErrorFromTransactionError,
    isSolanaError,
    SOLANA_ERROR__INSTRUCTION_ERROR__CUSTOM,
    SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE,
} from '@solana/kit';

import type { RwaRaffleError } from '../generated/errors/rwaRaffle';
import { RWA_RAFFLE_PROGRAM_ERRORS } from '../generated/programErrors';
import { RWA_RAFFLE_PROGRAM_ADDRESS } from '../generated/programs';

/**
 * A `RaffleError` for a program error: code `RAFFLE_ERROR__PROGRAM__CUSTOM_ERROR`, context
 * `{ programCode, name, programMessage }` (e.g. `6031`, `EntryIndexMismatch`, "The entry
 * account is not at raffle.entries_count: refetch the raffle and rebuild").
 *
 * @example
 * ```ts
 * const error: RaffleProgramError = getRaffleProgramErrorFromCode(6031)!;
 * ```
 */
export type RaffleProgramError<TCode extends RwaRaffleError = RwaRaffleError> = RaffleError<typeof RAFFLE_ERROR__PROGRAM__CUSTOM_ERROR> & {
    readonly context: { readonly programCode: TCode; readonly name: string; readonly programMessage: string };
};

/**
 * The IDL name of a program error code.
 *
 * @param code - a custom error code (6000 + n)
 * @returns e.g. `'SoldOut'`, or `undefined` for a code the program does not define
 * @example
 * ```ts
 * getRaffleProgramErrorName(RWA_RAFFLE_ERROR__SOLD_OUT); // 'SoldOut'
 * ```
 */
export function getRaffleProgramErrorName(code: number): string | undefined {
    return RWA_RAFFLE_PROGRAM_ERRORS[code]?.name;
}

/**
 * Builds the typed error of a program error code.
 *
 * @param code - a custom error code (6000 + n)
 * @param cause - the original error, kept as `cause`
 * @returns the error, or `undefined` when the program defines no such code
 * @example
 * ```ts
 * const error = getRaffleProgramErrorFromCode(RWA_RAFFLE_ERROR__PERMIT_EXPIRED);
 * console.log(error?.message); // "... PermitExpired (custom error 6021): The permit has expired"
 * ```
 */
export function getRaffleProgramErrorFromCode(code: number, cause?: unknown): RaffleProgramError | undefined {
    const known = RWA_RAFFLE_PROGRAM_ERRORS[code];
    if (known === undefined) return undefined;
    const { name, message: programMessage } = known;
    return new RaffleError(
        RAFFLE_ERROR__PROGRAM__CUSTOM_ERROR,
        { programCode: code, name, programMessage },
        cause === undefined ? {} : { cause },
    ) as RaffleProgramError;
}

/**
 * Options of {@link getRaffleProgramError}.
 *
 * @example
 * ```ts
 * const options: GetRaffleProgramErrorConfig = { transactionMessage: message };
 * ```
 */
export interface GetRaffleProgramErrorConfig {
    /** The program deployment; default the canonical address. */
    readonly programAddress?: Address;
    /**
     * The transaction (message) that failed. With it, the failing instruction must be one of
     * the program's; without it, any custom code the program defines is taken as its own.
     */
    readonly transactionMessage?: { readonly instructions: readonly { readonly programAddress: Address }[] };
}

function customErrorOf(error: unknown, depth = 0): { code: number; index: number } | undefined {
    if (depth > 8 || typeof error !== 'object' || error === null) return undefined;
    if (isSolanaError(error, SOLANA_ERROR__INSTRUCTION_ERROR__CUSTOM)) return { code: error.context.code, index: error.context.index };
    if (isSolanaError(error)) return customErrorOf(error.cause, depth + 1);
    // An RPC TransactionError: `{ InstructionError: [index, { Custom: code }] }`.
    if ('InstructionError' in error) {
        try {
            return customErrorOf(getSolanaErrorFromTransactionError(error as Parameters<typeof getSolanaErrorFromTransactionError>[0]), depth + 1);
        } catch {
            return undefined;
        }
    }
    // A simulation result (`{ err, logs }`) or a transaction meta (`{ err }`).
    if ('err' in error) return customErrorOf((error as { err: unknown }).err, depth + 1);
    if (error instanceof Error && 'cause' in error) return customErrorOf(error.cause, depth + 1);
    return undefined;
}

/**
 * Maps whatever a failed send or simulation produced to the program's typed error: a kit
 * `SolanaError` (preflight failure, `InstructionError` `Custom(n)`, with any `cause` chain), a
 * simulation result `{ err, logs }` (`rpc.simulateTransaction(...).value`), a raw RPC
 * `TransactionError` (`{ InstructionError: [1, { Custom: 6031 }] }`), or a `RaffleError`
 * already mapped.
 *
 * @param error - what was thrown or returned
 * @param config - the failed transaction message (to check the failing instruction is the program's), program address
 * @returns the typed program error, or `undefined` when it is not one of the program's errors
 * @example
 * ```ts
 * const { value } = await rpc.simulateTransaction(wire, { encoding: 'base64' }).send();
 * const programError = getRaffleProgramError(value, { transactionMessage: message });
 * if (programError) console.log(programError.context.name, programError.context.programMessage);
 * ```
 */
export function getRaffleProgramError(error: unknown, config: GetRaffleProgramErrorConfig = {}): RaffleProgramError | undefined {
    if (isRaffleError(error, RAFFLE_ERROR__PROGRAM__CUSTOM_ERROR)) return error as RaffleProgramError;
    const custom = customErrorOf(error);
    if (custom === undefined) return undefined;
    const programAddress = config.programAddress ?? RWA_RAFFLE_PROGRAM_ADDRESS;
    if (config.transactionMessage !== undefined) {
        const instruction = config.transactionMessage.instructions[custom.index];
        if (instruction?.programAddress !== programAddress) return undefined;
    }
    return getRaffleProgramErrorFromCode(custom.code, error);
}

/**
 * Tells whether `e` is a program error of rwa_raffle (as thrown by
 * `sendAndConfirmRaffleTransactionFactory`, or mapped by {@link getRaffleProgramError}),
 * optionally a given one. Narrows `e.context` to `{ programCode, name, programMessage }`.
 *
 * @param e - anything caught
 * @param code - the generated constant of the error (`RWA_RAFFLE_ERROR__SOLD_OUT`, ...); any when omitted
 * @returns whether it is that program error
 * @example
 * ```ts
 * try {
 *     await sendAndConfirm(message, { feePayer: buyer });
 * } catch (e) {
 *     if (isRaffleProgramError(e, RWA_RAFFLE_ERROR__SOLD_OUT)) showSoldOut();
 *     else throw e;
 * }
 * ```
 */
export function isRaffleProgramError<TCode extends RwaRaffleError>(e: unknown, code?: TCode): e is RaffleProgramError<TCode> {
    if (!isRaffleError(e, RAFFLE_ERROR__PROGRAM__CUSTOM_ERROR)) return false;
    return code === undefined || e.context.programCode === code;
}
