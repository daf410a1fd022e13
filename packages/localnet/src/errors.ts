/**
 * Error helpers of the library layer: every error thrown by `@raffle/localnet` outside the
 * JSON-RPC wire is a {@link RaffleError}, with a localnet code (5000-5999) when one fits and the
 * general codes otherwise. Over JSON-RPC the control methods answer any of them with `-32602`
 * and the error's message.
 */
import {
    RAFFLE_ERROR__INVALID_ARGUMENT,
    RAFFLE_ERROR__INVARIANT_VIOLATION,
    RAFFLE_ERROR__LOCALNET__ACCOUNT_FIXTURE_INVALID,
    RAFFLE_ERROR__LOCALNET__CLOCK_BACKWARDS,
    RAFFLE_ERROR__LOCALNET__FAULT_CONFIG_INVALID,
    RAFFLE_ERROR__LOCALNET__FIXTURE_TRANSACTION_FAILED,
    RAFFLE_ERROR__LOCALNET__FIXTURES_NOT_LOADED,
    RAFFLE_ERROR__LOCALNET__NOT_A_MINT,
    RAFFLE_ERROR__LOCALNET__OPTION_INVALID,
    RAFFLE_ERROR__LOCALNET__PORT_IN_USE,
    RAFFLE_ERROR__LOCALNET__SLOT_NOT_IN_FUTURE,
    RAFFLE_ERROR__LOCALNET__SNAPSHOT_NOT_FOUND,
    RAFFLE_ERROR__LOCALNET__TRANSACTION_FINALIZED,
    RAFFLE_ERROR__LOCALNET__TRANSACTION_NOT_FOUND,
    RaffleError,
} from '@raffle/errors';

/**
 * A caller passed a value the local cluster cannot use (and no localnet code is more precise).
 *
 * @param name - the argument
 * @param reason - what is wrong
 * @returns the error to throw
 */
export function invalidArgument(name: string, reason: string): RaffleError<typeof RAFFLE_ERROR__INVALID_ARGUMENT> {
    return new RaffleError(RAFFLE_ERROR__INVALID_ARGUMENT, { name, reason });
}

/**
 * Something that cannot happen happened.
 *
 * @param detail - what happened
 * @param cause - the underlying error, if any
 * @returns the error to throw
 */
export function invariant(detail: string, cause?: unknown): RaffleError<typeof RAFFLE_ERROR__INVARIANT_VIOLATION> {
    return new RaffleError(RAFFLE_ERROR__INVARIANT_VIOLATION, { detail }, { cause });
}

/**
 * An option of the cluster, the fixtures, the ledger or the slot timer is out of range.
 *
 * @param option - the option (or count) name
 * @param reason - the accepted range
 * @returns the error to throw
 */
export function optionInvalid(option: string, reason: string): RaffleError<typeof RAFFLE_ERROR__LOCALNET__OPTION_INVALID> {
    return new RaffleError(RAFFLE_ERROR__LOCALNET__OPTION_INVALID, { option, reason });
}

/**
 * `fork` was given a signature that is not in history.
 *
 * @param signature - the base58 signature
 * @returns the error to throw
 */
export function transactionNotFound(signature: string): RaffleError<typeof RAFFLE_ERROR__LOCALNET__TRANSACTION_NOT_FOUND> {
    return new RaffleError(RAFFLE_ERROR__LOCALNET__TRANSACTION_NOT_FOUND, { signature });
}

/**
 * `fork` was given a finalized transaction.
 *
 * @param signature - the base58 signature
 * @param slot - its slot
 * @param finalizedSlot - the finalized frontier
 * @returns the error to throw
 */
export function transactionFinalized(
    signature: string,
    slot: bigint,
    finalizedSlot: bigint,
): RaffleError<typeof RAFFLE_ERROR__LOCALNET__TRANSACTION_FINALIZED> {
    return new RaffleError(RAFFLE_ERROR__LOCALNET__TRANSACTION_FINALIZED, { signature, slot, finalizedSlot });
}

/**
 * `warpClock` was asked to go back in time.
 *
 * @param requested - the unix time asked for
 * @param current - the cluster time now
 * @returns the error to throw
 */
export function clockBackwards(requested: bigint, current: bigint): RaffleError<typeof RAFFLE_ERROR__LOCALNET__CLOCK_BACKWARDS> {
    return new RaffleError(RAFFLE_ERROR__LOCALNET__CLOCK_BACKWARDS, { requested, current });
}

/**
 * `warpToSlot` was asked for a slot that is not after the tip.
 *
 * @param requested - the slot asked for
 * @param current - the tip slot
 * @returns the error to throw
 */
export function slotNotInFuture(requested: bigint, current: bigint): RaffleError<typeof RAFFLE_ERROR__LOCALNET__SLOT_NOT_IN_FUTURE> {
    return new RaffleError(RAFFLE_ERROR__LOCALNET__SLOT_NOT_IN_FUTURE, { requested, current });
}

/**
 * `restore` was given an unknown snapshot id.
 *
 * @param id - the snapshot id
 * @returns the error to throw
 */
export function snapshotNotFound(id: string): RaffleError<typeof RAFFLE_ERROR__LOCALNET__SNAPSHOT_NOT_FOUND> {
    return new RaffleError(RAFFLE_ERROR__LOCALNET__SNAPSHOT_NOT_FOUND, { id });
}

/**
 * A method that needs the raffle fixtures was called on a cluster started without them.
 *
 * @returns the error to throw
 */
export function fixturesNotLoaded(): RaffleError<typeof RAFFLE_ERROR__LOCALNET__FIXTURES_NOT_LOADED> {
    return new RaffleError(RAFFLE_ERROR__LOCALNET__FIXTURES_NOT_LOADED, {});
}

/**
 * `airdropTokens` was given an account that is not an initialized mint.
 *
 * @param mint - the account given as mint
 * @returns the error to throw
 */
export function notAMint(mint: string): RaffleError<typeof RAFFLE_ERROR__LOCALNET__NOT_A_MINT> {
    return new RaffleError(RAFFLE_ERROR__LOCALNET__NOT_A_MINT, { mint });
}

/**
 * A fault injection setting is out of range.
 *
 * @param field - the setting
 * @param reason - the accepted values
 * @returns the error to throw
 */
export function faultConfigInvalid(field: string, reason: string): RaffleError<typeof RAFFLE_ERROR__LOCALNET__FAULT_CONFIG_INVALID> {
    return new RaffleError(RAFFLE_ERROR__LOCALNET__FAULT_CONFIG_INVALID, { field, reason });
}

/**
 * An entry of `loadAccounts` is not a valid `solana account --output json` account.
 *
 * @param index - the entry's index in the list
 * @param reason - what is wrong
 * @returns the error to throw
 */
export function accountFixtureInvalid(index: number, reason: string): RaffleError<typeof RAFFLE_ERROR__LOCALNET__ACCOUNT_FIXTURE_INVALID> {
    return new RaffleError(RAFFLE_ERROR__LOCALNET__ACCOUNT_FIXTURE_INVALID, { index, reason });
}

/**
 * A transaction that sets up the fixtures failed (a bug, or an incompatible program binary).
 *
 * @param step - the setup step (e.g. `initialize_config`)
 * @param error - the transaction error
 * @param logs - the program logs, joined
 * @returns the error to throw
 */
export function fixtureTransactionFailed(
    step: string,
    error: string,
    logs: string,
): RaffleError<typeof RAFFLE_ERROR__LOCALNET__FIXTURE_TRANSACTION_FAILED> {
    return new RaffleError(RAFFLE_ERROR__LOCALNET__FIXTURE_TRANSACTION_FAILED, { step, error, logs });
}

/**
 * The error to throw when a server cannot listen: `RAFFLE_ERROR__LOCALNET__PORT_IN_USE` for
 * `EADDRINUSE` (with the original error as its cause), the original error otherwise.
 *
 * @param error - what `listen` failed with
 * @param host - the interface
 * @param port - the port asked for
 * @returns the error to reject with
 */
export function listenError(error: unknown, host: string, port: number): unknown {
    if ((error as { code?: unknown } | null)?.code !== 'EADDRINUSE') return error;
    return new RaffleError(RAFFLE_ERROR__LOCALNET__PORT_IN_USE, { host, port }, { cause: error });
}
