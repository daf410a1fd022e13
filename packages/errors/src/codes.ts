/**
 * Every error code used by the `@raffle/*` packages.
 *
 * Codes are grouped in ranges, one per domain, and are **append-only**: a code is never
 * renumbered or reused, so a code logged today means the same thing in every later version.
 *
 * | range | domain |
 * |---|---|
 * | 1000-1999 | permit: message codec, signing, verification, signers; the permit server (1100+) |
 * | 2000-2999 | client: input validation, accounts, events, transactions |
 * | 3000-3999 | program: the on-chain program seen from TypeScript (custom errors 6000+n) |
 * | 4000-4999 | worker-kit: storage, ingestion, handlers |
 * | 5000-5999 | localnet: the local cluster |
 * | 6000-6999 | program tooling: the SBF linker and code generators |
 * | 9000-9999 | general |
 *
 * @packageDocumentation
 */

// Permit: 1000-1999
/** The permit message does not have the fixed v1 length. */
export const RAFFLE_ERROR__PERMIT__MESSAGE_LENGTH_INVALID = 1000;
/** The permit message does not start with `RWA_RAFFLE_PERMIT_V1`. */
export const RAFFLE_ERROR__PERMIT__MESSAGE_MAGIC_INVALID = 1001;
/** A permit field holds a value the protocol does not allow. */
export const RAFFLE_ERROR__PERMIT__FIELD_INVALID = 1002;
/** The permit's ed25519 signature does not verify against its message and signer. */
export const RAFFLE_ERROR__PERMIT__SIGNATURE_INVALID = 1003;
/** The permit's `expiresAt` is in the past. */
export const RAFFLE_ERROR__PERMIT__EXPIRED = 1004;
/** The permit was signed by a key that is not one of the trusted permit signers. */
export const RAFFLE_ERROR__PERMIT__SIGNER_UNTRUSTED = 1005;
/** A serialized permit object is malformed (missing field, wrong type, bad encoding). */
export const RAFFLE_ERROR__PERMIT__MALFORMED = 1006;
/** Key material given to a permit signer is malformed. */
export const RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID = 1007;
/** A 64-byte keypair whose public half does not belong to its secret half. */
export const RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH = 1008;
/** A permit signer failed to produce a signature. */
export const RAFFLE_ERROR__PERMIT__SIGNER_FAILED = 1009;
/** An environment variable that should hold a permit signer key is missing or empty. */
export const RAFFLE_ERROR__PERMIT__SIGNER_ENV_MISSING = 1010;
/** The TTL requested for a permit is not a positive whole number of seconds. */
export const RAFFLE_ERROR__PERMIT__TTL_INVALID = 1011;
/** An option of the permit server (issuer, handler, listener or store) is invalid. */
export const RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID = 1100;
/** A limit of the permit policy (a tier's limits, requirePrizeCollection) is invalid. */
export const RAFFLE_ERROR__PERMIT__POLICY_INVALID = 1101;
/** The permit server's signers are not one or two distinct permit signers. */
export const RAFFLE_ERROR__PERMIT__SIGNER_SET_INVALID = 1102;
/** An organizer or organizer patch has an invalid field. */
export const RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID = 1103;
/** An API key, its scopes or its label is invalid. */
export const RAFFLE_ERROR__PERMIT__API_KEY_INVALID = 1104;
/** The permit store's schema has a migration newer than this version knows. */
export const RAFFLE_ERROR__PERMIT__STORE_SCHEMA_NEWER = 1105;
/** An operation was called on a permit store after close(). */
export const RAFFLE_ERROR__PERMIT__STORE_CLOSED = 1106;
/** A pagination cursor is not one a previous page returned. */
export const RAFFLE_ERROR__PERMIT__STORE_CURSOR_INVALID = 1107;
/** A permit store table holds a value its migrations never write. */
export const RAFFLE_ERROR__PERMIT__STORE_ROW_INVALID = 1108;

// Client: 2000-2999
/** The raffle is not in a state that allows the action. */
export const RAFFLE_ERROR__CLIENT__RAFFLE_STATE_INVALID = 2000;
/** An account the action needs does not exist. */
export const RAFFLE_ERROR__CLIENT__ACCOUNT_NOT_FOUND = 2001;
/** No entry of a completed raffle holds the winning ticket. */
export const RAFFLE_ERROR__CLIENT__WINNING_ENTRY_NOT_FOUND = 2002;
/** A transaction's logs were cut by the runtime's log limit. */
export const RAFFLE_ERROR__CLIENT__LOGS_TRUNCATED = 2003;
/** A transaction result has no log messages to parse. */
export const RAFFLE_ERROR__CLIENT__LOGS_UNAVAILABLE = 2004;
/** A program event in the logs does not decode. */
export const RAFFLE_ERROR__CLIENT__EVENT_MALFORMED = 2005;
/** A built transaction is above the transaction size limit. */
export const RAFFLE_ERROR__CLIENT__TRANSACTION_TOO_LARGE = 2006;
/** Every signed version of a transaction expired without landing. */
export const RAFFLE_ERROR__CLIENT__TRANSACTION_EXPIRED = 2007;
/** A landed transaction failed with an error that is not the raffle program's. */
export const RAFFLE_ERROR__CLIENT__TRANSACTION_FAILED = 2008;
/** The permit server answered a request with an HTTP error (its `error.code` is in the context). */
export const RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR = 2009;
/** The permit server could not be reached or did not answer in time. */
export const RAFFLE_ERROR__CLIENT__PERMIT_API_UNREACHABLE = 2010;
/** The permit server answered with a body the client cannot accept (not JSON, wrong shape, a bad permit). */
export const RAFFLE_ERROR__CLIENT__PERMIT_API_RESPONSE_INVALID = 2011;
/** A wallet refused or failed to sign a message (e.g. the permit server's sign-in message). */
export const RAFFLE_ERROR__CLIENT__MESSAGE_SIGNING_FAILED = 2012;

// Program: 3000-3999
/** The on-chain program returned one of its named custom errors. */
export const RAFFLE_ERROR__PROGRAM__CUSTOM_ERROR = 3000;

// Worker-kit: 4000-4999
/** An operation was called on a worker store after close(). */
export const RAFFLE_ERROR__WORKER__STORE_CLOSED = 4000;
/** The worker store's schema migrations could not be applied. */
export const RAFFLE_ERROR__WORKER__STORE_MIGRATION_FAILED = 4001;
/** An effect ledger record does not exist. */
export const RAFFLE_ERROR__WORKER__EFFECT_NOT_FOUND = 4002;
/** An effect ledger record cannot move to the requested state. */
export const RAFFLE_ERROR__WORKER__EFFECT_TRANSITION_INVALID = 4003;
/** The worker store's backend failed or returned something impossible. */
export const RAFFLE_ERROR__WORKER__STORE_BACKEND_FAILED = 4004;
/** Another runner recorded a send for an effect after this runner read it (compare-and-set on the send count). */
export const RAFFLE_ERROR__WORKER__EFFECT_SEND_CONFLICT = 4005;
/** The worker store cannot write: its disk (or its database's size limit) is full. */
export const RAFFLE_ERROR__WORKER__STORE_FULL = 4006;
/** The worker store's database is held by another process (one process owns an embedded store). */
export const RAFFLE_ERROR__WORKER__STORE_LOCKED = 4007;
/** An atomic inbox step kept conflicting with concurrent steps (optimistic concurrency) and was given up; nothing of it was written. */
export const RAFFLE_ERROR__WORKER__STORE_CONTENDED = 4008;
/** A handler name is registered twice for one event. */
export const RAFFLE_ERROR__WORKER__HANDLER_DUPLICATE = 4100;
/** An event name is not in the worker's decoder table. */
export const RAFFLE_ERROR__WORKER__EVENT_UNKNOWN = 4101;
/** An event payload in the logs does not decode. */
export const RAFFLE_ERROR__WORKER__EVENT_UNDECODABLE = 4102;
/** A transaction the ingestion needs cannot be fetched. */
export const RAFFLE_ERROR__WORKER__TRANSACTION_UNAVAILABLE = 4103;
/** The history gap since the cursor is larger than the configured bound. */
export const RAFFLE_ERROR__WORKER__BACKFILL_TOO_LARGE = 4104;
/** An effect was attempted for an event a fork retracted. */
export const RAFFLE_ERROR__WORKER__EVENT_RETRACTED = 4105;
/** An effect's transaction was sent and may still land. */
export const RAFFLE_ERROR__WORKER__EFFECT_IN_DOUBT = 4106;
/** An effect's transaction failed on chain. */
export const RAFFLE_ERROR__WORKER__EFFECT_FAILED = 4107;
/** A worker method was called in a state that does not allow it. */
export const RAFFLE_ERROR__WORKER__STATE_INVALID = 4108;

// Localnet: 5000-5999
/** An option of the local cluster (startLocalnet, createRaffleSvm, the ledger, the slot timer) is invalid. */
export const RAFFLE_ERROR__LOCALNET__OPTION_INVALID = 5000;
/** No landed transaction has this signature in the local cluster's history. */
export const RAFFLE_ERROR__LOCALNET__TRANSACTION_NOT_FOUND = 5001;
/** The transaction is finalized and cannot be forked away. */
export const RAFFLE_ERROR__LOCALNET__TRANSACTION_FINALIZED = 5002;
/** A clock warp asked for a time before the cluster's current time. */
export const RAFFLE_ERROR__LOCALNET__CLOCK_BACKWARDS = 5003;
/** A slot warp asked for a slot that is not after the current one. */
export const RAFFLE_ERROR__LOCALNET__SLOT_NOT_IN_FUTURE = 5004;
/** No snapshot has this id. */
export const RAFFLE_ERROR__LOCALNET__SNAPSHOT_NOT_FOUND = 5005;
/** The local cluster was started without the raffle fixtures. */
export const RAFFLE_ERROR__LOCALNET__FIXTURES_NOT_LOADED = 5006;
/** The account is not an initialized SPL Token mint. */
export const RAFFLE_ERROR__LOCALNET__NOT_A_MINT = 5007;
/** A fault injection setting is invalid. */
export const RAFFLE_ERROR__LOCALNET__FAULT_CONFIG_INVALID = 5008;
/** An account fixture (solana account JSON) is invalid. */
export const RAFFLE_ERROR__LOCALNET__ACCOUNT_FIXTURE_INVALID = 5009;
/** A transaction that sets up the raffle fixtures failed. */
export const RAFFLE_ERROR__LOCALNET__FIXTURE_TRANSACTION_FAILED = 5010;
/** The local cluster cannot listen: the port is in use. */
export const RAFFLE_ERROR__LOCALNET__PORT_IN_USE = 5011;

// Program tooling: 6000-6999
/** An input to the SBF linker is not a relocatable ELF64 BPF object it can read. */
export const RAFFLE_ERROR__TOOLING__OBJECT_INVALID = 6000;
/** An object defines writable data (`.data` / `.bss`), which the SBFv0 loader rejects. */
export const RAFFLE_ERROR__TOOLING__WRITABLE_DATA = 6001;
/** An object calls a syscall that the Solana runtime does not know. */
export const RAFFLE_ERROR__TOOLING__UNKNOWN_SYSCALL = 6002;
/** An object uses a relocation type or symbol the linker does not support. */
export const RAFFLE_ERROR__TOOLING__RELOCATION_UNSUPPORTED = 6003;
/** A symbol is referenced but defined in no object. */
export const RAFFLE_ERROR__TOOLING__SYMBOL_UNDEFINED = 6004;
/** The IDL cannot be turned into code (unsupported type, missing definition). */
export const RAFFLE_ERROR__TOOLING__IDL_UNSUPPORTED = 6005;

// General: 9000-9999
/** An argument given to a public function is invalid. */
export const RAFFLE_ERROR__INVALID_ARGUMENT = 9000;
/** An internal invariant was broken: a bug in `@raffle/*`, please report it. */
export const RAFFLE_ERROR__INVARIANT_VIOLATION = 9001;

/** The union of every error code. */
export type RaffleErrorCode =
    | typeof RAFFLE_ERROR__PERMIT__MESSAGE_LENGTH_INVALID
    | typeof RAFFLE_ERROR__PERMIT__MESSAGE_MAGIC_INVALID
    | typeof RAFFLE_ERROR__PERMIT__FIELD_INVALID
    | typeof RAFFLE_ERROR__PERMIT__SIGNATURE_INVALID
    | typeof RAFFLE_ERROR__PERMIT__EXPIRED
    | typeof RAFFLE_ERROR__PERMIT__SIGNER_UNTRUSTED
    | typeof RAFFLE_ERROR__PERMIT__MALFORMED
    | typeof RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID
    | typeof RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH
    | typeof RAFFLE_ERROR__PERMIT__SIGNER_FAILED
    | typeof RAFFLE_ERROR__PERMIT__SIGNER_ENV_MISSING
    | typeof RAFFLE_ERROR__PERMIT__TTL_INVALID
    | typeof RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID
    | typeof RAFFLE_ERROR__PERMIT__POLICY_INVALID
    | typeof RAFFLE_ERROR__PERMIT__SIGNER_SET_INVALID
    | typeof RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID
    | typeof RAFFLE_ERROR__PERMIT__API_KEY_INVALID
    | typeof RAFFLE_ERROR__PERMIT__STORE_SCHEMA_NEWER
    | typeof RAFFLE_ERROR__PERMIT__STORE_CLOSED
    | typeof RAFFLE_ERROR__PERMIT__STORE_CURSOR_INVALID
    | typeof RAFFLE_ERROR__PERMIT__STORE_ROW_INVALID
    | typeof RAFFLE_ERROR__CLIENT__RAFFLE_STATE_INVALID
    | typeof RAFFLE_ERROR__CLIENT__ACCOUNT_NOT_FOUND
    | typeof RAFFLE_ERROR__CLIENT__WINNING_ENTRY_NOT_FOUND
    | typeof RAFFLE_ERROR__CLIENT__LOGS_TRUNCATED
    | typeof RAFFLE_ERROR__CLIENT__LOGS_UNAVAILABLE
    | typeof RAFFLE_ERROR__CLIENT__EVENT_MALFORMED
    | typeof RAFFLE_ERROR__CLIENT__TRANSACTION_TOO_LARGE
    | typeof RAFFLE_ERROR__CLIENT__TRANSACTION_EXPIRED
    | typeof RAFFLE_ERROR__CLIENT__TRANSACTION_FAILED
    | typeof RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR
    | typeof RAFFLE_ERROR__CLIENT__PERMIT_API_UNREACHABLE
    | typeof RAFFLE_ERROR__CLIENT__PERMIT_API_RESPONSE_INVALID
    | typeof RAFFLE_ERROR__CLIENT__MESSAGE_SIGNING_FAILED
    | typeof RAFFLE_ERROR__PROGRAM__CUSTOM_ERROR
    | typeof RAFFLE_ERROR__WORKER__HANDLER_DUPLICATE
    | typeof RAFFLE_ERROR__WORKER__EVENT_UNKNOWN
    | typeof RAFFLE_ERROR__WORKER__EVENT_UNDECODABLE
    | typeof RAFFLE_ERROR__WORKER__TRANSACTION_UNAVAILABLE
    | typeof RAFFLE_ERROR__WORKER__BACKFILL_TOO_LARGE
    | typeof RAFFLE_ERROR__WORKER__EVENT_RETRACTED
    | typeof RAFFLE_ERROR__WORKER__EFFECT_IN_DOUBT
    | typeof RAFFLE_ERROR__WORKER__EFFECT_FAILED
    | typeof RAFFLE_ERROR__WORKER__STATE_INVALID
    | typeof RAFFLE_ERROR__LOCALNET__OPTION_INVALID
    | typeof RAFFLE_ERROR__LOCALNET__TRANSACTION_NOT_FOUND
    | typeof RAFFLE_ERROR__LOCALNET__TRANSACTION_FINALIZED
    | typeof RAFFLE_ERROR__LOCALNET__CLOCK_BACKWARDS
    | typeof RAFFLE_ERROR__LOCALNET__SLOT_NOT_IN_FUTURE
    | typeof RAFFLE_ERROR__LOCALNET__SNAPSHOT_NOT_FOUND
    | typeof RAFFLE_ERROR__LOCALNET__FIXTURES_NOT_LOADED
    | typeof RAFFLE_ERROR__LOCALNET__NOT_A_MINT
    | typeof RAFFLE_ERROR__LOCALNET__FAULT_CONFIG_INVALID
    | typeof RAFFLE_ERROR__LOCALNET__ACCOUNT_FIXTURE_INVALID
    | typeof RAFFLE_ERROR__LOCALNET__FIXTURE_TRANSACTION_FAILED
    | typeof RAFFLE_ERROR__LOCALNET__PORT_IN_USE
    | typeof RAFFLE_ERROR__TOOLING__OBJECT_INVALID
    | typeof RAFFLE_ERROR__TOOLING__WRITABLE_DATA
    | typeof RAFFLE_ERROR__TOOLING__UNKNOWN_SYSCALL
    | typeof RAFFLE_ERROR__TOOLING__RELOCATION_UNSUPPORTED
    | typeof RAFFLE_ERROR__TOOLING__SYMBOL_UNDEFINED
    | typeof RAFFLE_ERROR__TOOLING__IDL_UNSUPPORTED
    | typeof RAFFLE_ERROR__WORKER__STORE_CLOSED
    | typeof RAFFLE_ERROR__WORKER__STORE_MIGRATION_FAILED
    | typeof RAFFLE_ERROR__WORKER__EFFECT_NOT_FOUND
    | typeof RAFFLE_ERROR__WORKER__EFFECT_TRANSITION_INVALID
    | typeof RAFFLE_ERROR__WORKER__STORE_BACKEND_FAILED
    | typeof RAFFLE_ERROR__WORKER__EFFECT_SEND_CONFLICT
    | typeof RAFFLE_ERROR__WORKER__STORE_FULL
    | typeof RAFFLE_ERROR__WORKER__STORE_LOCKED
    | typeof RAFFLE_ERROR__WORKER__STORE_CONTENDED
    | typeof RAFFLE_ERROR__INVALID_ARGUMENT
    | typeof RAFFLE_ERROR__INVARIANT_VIOLATION;
