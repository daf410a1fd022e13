/**
 * Transaction errors as the Solana RPC serializes them (serde's externally tagged enums) and
 * as the runtime displays them, converted from LiteSVM's error objects.
 */

/**
 * An `InstructionError` payload: a unit variant name, `{ Custom: n }` or `{ BorshIoError: msg }`.
 *
 * @example
 * ```ts
 * const custom: InstructionErrorJson = { Custom: 6000 };
 * ```
 */
export type InstructionErrorJson = string | { Custom: number } | { BorshIoError: string };

/**
 * A `TransactionError` exactly as the JSON-RPC API serializes it, e.g. `"BlockhashNotFound"` or
 * `{ "InstructionError": [0, { "Custom": 6000 }] }`.
 *
 * @example
 * ```ts
 * const err: TransactionErrorJson = { InstructionError: [0, { Custom: 6000 }] };
 * ```
 */
export type TransactionErrorJson =
    | string
    | { InstructionError: [number, InstructionErrorJson] }
    | { DuplicateInstruction: number }
    | { InsufficientFundsForRent: { account_index: number } }
    | { ProgramExecutionTemporarilyRestricted: { account_index: number } };

// In the order of LiteSVM's `TransactionErrorFieldless` (the runtime's enum without payloads).
const TRANSACTION_ERRORS = [
    'AccountInUse',
    'AccountLoadedTwice',
    'AccountNotFound',
    'ProgramAccountNotFound',
    'InsufficientFundsForFee',
    'InvalidAccountForFee',
    'AlreadyProcessed',
    'BlockhashNotFound',
    'CallChainTooDeep',
    'MissingSignatureForFee',
    'InvalidAccountIndex',
    'SignatureFailure',
    'InvalidProgramForExecution',
    'SanitizeFailure',
    'ClusterMaintenance',
    'AccountBorrowOutstanding',
    'WouldExceedMaxBlockCostLimit',
    'UnsupportedVersion',
    'InvalidWritableAccount',
    'WouldExceedMaxAccountCostLimit',
    'WouldExceedAccountDataBlockLimit',
    'TooManyAccountLocks',
    'AddressLookupTableNotFound',
    'InvalidAddressLookupTableOwner',
    'InvalidAddressLookupTableData',
    'InvalidAddressLookupTableIndex',
    'InvalidRentPayingAccount',
    'WouldExceedMaxVoteCostLimit',
    'WouldExceedAccountDataTotalLimit',
    'MaxLoadedAccountsDataSizeExceeded',
    'ResanitizationNeeded',
    'InvalidLoadedAccountsDataSizeLimit',
    'UnbalancedTransaction',
    'ProgramCacheHitMaxLimit',
    'CommitCancelled',
] as const;

// In the order of LiteSVM's `InstructionErrorFieldless`.
const INSTRUCTION_ERRORS = [
    'GenericError',
    'InvalidArgument',
    'InvalidInstructionData',
    'InvalidAccountData',
    'AccountDataTooSmall',
    'InsufficientFunds',
    'IncorrectProgramId',
    'MissingRequiredSignature',
    'AccountAlreadyInitialized',
    'UninitializedAccount',
    'UnbalancedInstruction',
    'ModifiedProgramId',
    'ExternalAccountLamportSpend',
    'ExternalAccountDataModified',
    'ReadonlyLamportChange',
    'ReadonlyDataModified',
    'DuplicateAccountIndex',
    'ExecutableModified',
    'RentEpochModified',
    'NotEnoughAccountKeys',
    'AccountDataSizeChanged',
    'AccountNotExecutable',
    'AccountBorrowFailed',
    'AccountBorrowOutstanding',
    'DuplicateAccountOutOfSync',
    'InvalidError',
    'ExecutableDataModified',
    'ExecutableLamportChange',
    'ExecutableAccountNotRentExempt',
    'UnsupportedProgramId',
    'CallDepth',
    'MissingAccount',
    'ReentrancyNotAllowed',
    'MaxSeedLengthExceeded',
    'InvalidSeeds',
    'InvalidRealloc',
    'ComputationalBudgetExceeded',
    'PrivilegeEscalation',
    'ProgramEnvironmentSetupFailure',
    'ProgramFailedToComplete',
    'ProgramFailedToCompile',
    'Immutable',
    'IncorrectAuthority',
    'AccountNotRentExempt',
    'InvalidAccountOwner',
    'ArithmeticOverflow',
    'UnsupportedSysvar',
    'IllegalOwner',
    'MaxAccountsDataAllocationsExceeded',
    'MaxAccountsExceeded',
    'MaxInstructionTraceLengthExceeded',
    'BuiltinProgramsMustConsumeComputeUnits',
    'BorshIoError',
] as const;

function instructionErrorToJson(inner: unknown): InstructionErrorJson {
    if (typeof inner === 'number') return INSTRUCTION_ERRORS[inner] ?? 'GenericError';
    if (typeof inner === 'object' && inner !== null) {
        if ('code' in inner && typeof inner.code === 'number') return { Custom: inner.code };
        if ('msg' in inner && typeof inner.msg === 'string') return { BorshIoError: inner.msg };
    }
    return 'GenericError';
}

/**
 * Converts the `err()` of a LiteSVM `FailedTransactionMetadata` into the JSON-RPC shape.
 *
 * @param err - the LiteSVM error value (a number for fieldless variants, else an object)
 * @returns the error as the RPC serializes it
 *
 * @example
 * ```ts
 * if (result instanceof FailedTransactionMetadata) console.log(toTransactionErrorJson(result.err()));
 * ```
 */
export function toTransactionErrorJson(err: unknown): TransactionErrorJson {
    if (typeof err === 'number') return TRANSACTION_ERRORS[err] ?? 'SanitizeFailure';
    if (typeof err === 'object' && err !== null) {
        const text = typeof (err as { toString?: unknown }).toString === 'function' ? String(err) : '';
        if ('index' in err && typeof err.index === 'number') {
            if ('err' in err && typeof err.err === 'function') {
                return { InstructionError: [err.index, instructionErrorToJson((err.err as () => unknown).call(err))] };
            }
            return { DuplicateInstruction: err.index };
        }
        if ('accountIndex' in err && typeof err.accountIndex === 'number') {
            return text.includes('Restricted')
                ? { ProgramExecutionTemporarilyRestricted: { account_index: err.accountIndex } }
                : { InsufficientFundsForRent: { account_index: err.accountIndex } };
        }
    }
    return 'SanitizeFailure';
}

const TRANSACTION_ERROR_TEXT: Record<string, string> = {
    AccountInUse: 'Account in use',
    AccountLoadedTwice: 'Account loaded twice',
    AccountNotFound: 'Attempt to debit an account but found no record of a prior credit.',
    ProgramAccountNotFound: 'Attempt to load a program that does not exist',
    InsufficientFundsForFee: 'Insufficient funds for fee',
    InvalidAccountForFee: 'This account may not be used to pay transaction fees',
    AlreadyProcessed: 'This transaction has already been processed',
    BlockhashNotFound: 'Blockhash not found',
    CallChainTooDeep: 'Loader call chain is too deep',
    MissingSignatureForFee: 'Transaction requires a fee but has no signature present',
    InvalidAccountIndex: 'Transaction contains an invalid account reference',
    SignatureFailure: 'Transaction did not pass signature verification',
    InvalidProgramForExecution: 'This program may not be used for executing instructions',
    SanitizeFailure: 'Transaction failed to sanitize accounts offsets correctly',
    UnsupportedVersion: 'Transaction version is unsupported',
    InvalidWritableAccount: 'Transaction loads a writable account that cannot be written',
    TooManyAccountLocks: 'Transaction locked too many accounts',
    AddressLookupTableNotFound: 'Transaction loads an address table account that doesn\'t exist',
    InvalidRentPayingAccount: 'Transaction leaves an account with a lower balance than rent-exempt minimum',
};

const INSTRUCTION_ERROR_TEXT: Record<string, string> = {
    GenericError: 'generic instruction error',
    InvalidArgument: 'invalid program argument',
    InvalidInstructionData: 'invalid instruction data',
    InvalidAccountData: 'invalid account data for instruction',
    AccountDataTooSmall: 'account data too small for instruction',
    InsufficientFunds: 'insufficient funds for instruction',
    IncorrectProgramId: 'incorrect program id for instruction',
    MissingRequiredSignature: 'missing required signature for instruction',
    AccountAlreadyInitialized: 'instruction requires an uninitialized account',
    UninitializedAccount: 'instruction requires an initialized account',
    UnbalancedInstruction: 'sum of account balances before and after instruction do not match',
    ModifiedProgramId: 'instruction illegally modified the program id of an account',
    ExternalAccountLamportSpend: 'instruction spent from the balance of an account it does not own',
    ExternalAccountDataModified: 'instruction modified data of an account it does not own',
    ReadonlyLamportChange: 'instruction changed the balance of a read-only account',
    ReadonlyDataModified: 'instruction modified data of a read-only account',
    NotEnoughAccountKeys: 'insufficient account keys for instruction',
    AccountNotExecutable: 'instruction expected an executable account',
    MissingAccount: 'An account required by the instruction is missing',
    InvalidSeeds: 'Provided seeds do not result in a valid address',
    ComputationalBudgetExceeded: 'Computational budget exceeded',
    PrivilegeEscalation: 'Cross-program invocation with unauthorized signer or writable account',
    ProgramFailedToComplete: 'Program failed to complete',
    ProgramFailedToCompile: 'Program failed to compile',
    IncorrectAuthority: 'Incorrect authority provided',
    InvalidAccountOwner: 'Invalid account owner',
    ArithmeticOverflow: 'Program arithmetic overflowed',
    IllegalOwner: 'Provided owner is not allowed',
};

/**
 * The runtime's display text of a transaction error, as used in `Transaction simulation failed: …`.
 *
 * @param err - the error in its JSON-RPC shape
 * @returns the human-readable text
 *
 * @example
 * ```ts
 * describeTransactionError({ InstructionError: [0, { Custom: 1 }] }); // 'Error processing Instruction 0: custom program error: 0x1'
 * ```
 */
export function describeTransactionError(err: TransactionErrorJson): string {
    if (typeof err === 'string') return TRANSACTION_ERROR_TEXT[err] ?? err;
    if ('InstructionError' in err) {
        const [index, inner] = err.InstructionError;
        let text: string;
        if (typeof inner === 'string') text = INSTRUCTION_ERROR_TEXT[inner] ?? inner;
        else if ('Custom' in inner) text = `custom program error: 0x${inner.Custom.toString(16)}`;
        else text = `Failed to serialize or deserialize account data: ${inner.BorshIoError}`;
        return `Error processing Instruction ${index}: ${text}`;
    }
    if ('DuplicateInstruction' in err) return `Transaction contains a duplicate instruction (${err.DuplicateInstruction}) that is not allowed`;
    if ('InsufficientFundsForRent' in err) return `Transaction results in an account (${err.InsufficientFundsForRent.account_index}) with insufficient funds for rent`;
    return `Execution of the program referenced by account at index ${err.ProgramExecutionTemporarilyRestricted.account_index} is temporarily restricted.`;
}

/**
 * Errors after which a real cluster drops the transaction instead of committing it with a fee
 * (it never lands in a block, so it has no status and no history).
 */
const NOT_COMMITTED = new Set<string>([
    'AccountInUse',
    'AccountLoadedTwice',
    'AccountNotFound',
    'InsufficientFundsForFee',
    'InvalidAccountForFee',
    'AlreadyProcessed',
    'BlockhashNotFound',
    'MissingSignatureForFee',
    'SignatureFailure',
    'SanitizeFailure',
    'UnsupportedVersion',
    'TooManyAccountLocks',
    'AddressLookupTableNotFound',
    'InvalidAddressLookupTableOwner',
    'InvalidAddressLookupTableData',
    'InvalidAddressLookupTableIndex',
    'ClusterMaintenance',
    'ResanitizationNeeded',
    'InvalidAccountIndex',
]);

/**
 * Whether a failed transaction is still committed to a block (fee charged, status recorded).
 *
 * @param err - the error in its JSON-RPC shape
 * @returns true when the transaction lands despite the error
 *
 * @example
 * ```ts
 * isCommittedError('BlockhashNotFound'); // false: the transaction never lands
 * ```
 */
export function isCommittedError(err: TransactionErrorJson): boolean {
    return typeof err !== 'string' || !NOT_COMMITTED.has(err);
}
