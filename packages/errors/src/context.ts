import type {
    RAFFLE_ERROR__WORKER__HANDLER_DUPLICATE,
    RAFFLE_ERROR__WORKER__EVENT_UNKNOWN,
    RAFFLE_ERROR__WORKER__EVENT_UNDECODABLE,
    RAFFLE_ERROR__WORKER__TRANSACTION_UNAVAILABLE,
    RAFFLE_ERROR__WORKER__BACKFILL_TOO_LARGE,
    RAFFLE_ERROR__WORKER__EVENT_RETRACTED,
    RAFFLE_ERROR__WORKER__EFFECT_IN_DOUBT,
    RAFFLE_ERROR__WORKER__EFFECT_FAILED,
    RAFFLE_ERROR__WORKER__STATE_INVALID,
    RAFFLE_ERROR__WORKER__STORE_CLOSED,
    RAFFLE_ERROR__WORKER__STORE_MIGRATION_FAILED,
    RAFFLE_ERROR__WORKER__EFFECT_NOT_FOUND,
    RAFFLE_ERROR__WORKER__EFFECT_TRANSITION_INVALID,
    RAFFLE_ERROR__WORKER__STORE_BACKEND_FAILED,
    RAFFLE_ERROR__WORKER__EFFECT_SEND_CONFLICT,
    RAFFLE_ERROR__WORKER__STORE_FULL,
    RAFFLE_ERROR__WORKER__STORE_LOCKED,
    RAFFLE_ERROR__WORKER__STORE_CONTENDED,
    RAFFLE_ERROR__CLIENT__RAFFLE_STATE_INVALID,
    RAFFLE_ERROR__CLIENT__ACCOUNT_NOT_FOUND,
    RAFFLE_ERROR__CLIENT__WINNING_ENTRY_NOT_FOUND,
    RAFFLE_ERROR__CLIENT__LOGS_TRUNCATED,
    RAFFLE_ERROR__CLIENT__LOGS_UNAVAILABLE,
    RAFFLE_ERROR__CLIENT__EVENT_MALFORMED,
    RAFFLE_ERROR__CLIENT__TRANSACTION_TOO_LARGE,
    RAFFLE_ERROR__CLIENT__TRANSACTION_EXPIRED,
    RAFFLE_ERROR__CLIENT__TRANSACTION_FAILED,
    RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR,
    RAFFLE_ERROR__CLIENT__PERMIT_API_UNREACHABLE,
    RAFFLE_ERROR__CLIENT__PERMIT_API_RESPONSE_INVALID,
    RAFFLE_ERROR__CLIENT__MESSAGE_SIGNING_FAILED,
    RAFFLE_ERROR__INVALID_ARGUMENT,
    RAFFLE_ERROR__INVARIANT_VIOLATION,
    RAFFLE_ERROR__PERMIT__EXPIRED,
    RAFFLE_ERROR__PERMIT__FIELD_INVALID,
    RAFFLE_ERROR__PERMIT__MALFORMED,
    RAFFLE_ERROR__PERMIT__MESSAGE_LENGTH_INVALID,
    RAFFLE_ERROR__PERMIT__MESSAGE_MAGIC_INVALID,
    RAFFLE_ERROR__PERMIT__SIGNATURE_INVALID,
    RAFFLE_ERROR__PERMIT__SIGNER_ENV_MISSING,
    RAFFLE_ERROR__PERMIT__SIGNER_FAILED,
    RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID,
    RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH,
    RAFFLE_ERROR__PERMIT__SIGNER_UNTRUSTED,
    RAFFLE_ERROR__PERMIT__TTL_INVALID,
    RAFFLE_ERROR__PROGRAM__CUSTOM_ERROR,
    RAFFLE_ERROR__TOOLING__IDL_UNSUPPORTED,
    RAFFLE_ERROR__TOOLING__OBJECT_INVALID,
    RAFFLE_ERROR__TOOLING__RELOCATION_UNSUPPORTED,
    RAFFLE_ERROR__TOOLING__SYMBOL_UNDEFINED,
    RAFFLE_ERROR__TOOLING__UNKNOWN_SYSCALL,
    RAFFLE_ERROR__TOOLING__WRITABLE_DATA,
    RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID,
    RAFFLE_ERROR__PERMIT__POLICY_INVALID,
    RAFFLE_ERROR__PERMIT__SIGNER_SET_INVALID,
    RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID,
    RAFFLE_ERROR__PERMIT__API_KEY_INVALID,
    RAFFLE_ERROR__PERMIT__STORE_SCHEMA_NEWER,
    RAFFLE_ERROR__PERMIT__STORE_CLOSED,
    RAFFLE_ERROR__PERMIT__STORE_CURSOR_INVALID,
    RAFFLE_ERROR__PERMIT__STORE_ROW_INVALID,
    RAFFLE_ERROR__LOCALNET__OPTION_INVALID,
    RAFFLE_ERROR__LOCALNET__TRANSACTION_NOT_FOUND,
    RAFFLE_ERROR__LOCALNET__TRANSACTION_FINALIZED,
    RAFFLE_ERROR__LOCALNET__CLOCK_BACKWARDS,
    RAFFLE_ERROR__LOCALNET__SLOT_NOT_IN_FUTURE,
    RAFFLE_ERROR__LOCALNET__SNAPSHOT_NOT_FOUND,
    RAFFLE_ERROR__LOCALNET__FIXTURES_NOT_LOADED,
    RAFFLE_ERROR__LOCALNET__NOT_A_MINT,
    RAFFLE_ERROR__LOCALNET__FAULT_CONFIG_INVALID,
    RAFFLE_ERROR__LOCALNET__ACCOUNT_FIXTURE_INVALID,
    RAFFLE_ERROR__LOCALNET__FIXTURE_TRANSACTION_FAILED,
    RAFFLE_ERROR__LOCALNET__PORT_IN_USE,
    RaffleErrorCode,
} from './codes';

/**
 * The typed context each error code carries. Context values are plain data (strings,
 * numbers, bigints, booleans, arrays of those) and never contain key material.
 */
export interface RaffleErrorContextMap {
    [RAFFLE_ERROR__PERMIT__MESSAGE_LENGTH_INVALID]: { expected: number; actual: number };
    [RAFFLE_ERROR__PERMIT__MESSAGE_MAGIC_INVALID]: Record<string, never>;
    [RAFFLE_ERROR__PERMIT__FIELD_INVALID]: { field: string; reason: string };
    [RAFFLE_ERROR__PERMIT__SIGNATURE_INVALID]: { signer: string };
    [RAFFLE_ERROR__PERMIT__EXPIRED]: { expiresAt: bigint; now: bigint };
    [RAFFLE_ERROR__PERMIT__SIGNER_UNTRUSTED]: { signer: string };
    [RAFFLE_ERROR__PERMIT__MALFORMED]: { field: string; reason: string };
    [RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID]: { source: string; reason: string };
    [RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH]: { source: string };
    [RAFFLE_ERROR__PERMIT__SIGNER_FAILED]: { signer: string; reason: string };
    [RAFFLE_ERROR__PERMIT__SIGNER_ENV_MISSING]: { variable: string };
    [RAFFLE_ERROR__PERMIT__TTL_INVALID]: { ttlSeconds: string };
    [RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID]: { option: string; reason: string };
    [RAFFLE_ERROR__PERMIT__POLICY_INVALID]: { field: string; reason: string };
    [RAFFLE_ERROR__PERMIT__SIGNER_SET_INVALID]: { reason: string };
    [RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID]: { field: string; reason: string };
    [RAFFLE_ERROR__PERMIT__API_KEY_INVALID]: { field: 'key' | 'scopes' | 'label'; reason: string };
    [RAFFLE_ERROR__PERMIT__STORE_SCHEMA_NEWER]: { schema: string; applied: number; known: number };
    [RAFFLE_ERROR__PERMIT__STORE_CLOSED]: { store: string };
    [RAFFLE_ERROR__PERMIT__STORE_CURSOR_INVALID]: { name: string };
    [RAFFLE_ERROR__PERMIT__STORE_ROW_INVALID]: { table: string; column: string };
    [RAFFLE_ERROR__PROGRAM__CUSTOM_ERROR]: { programCode: number; name: string; programMessage: string };
    [RAFFLE_ERROR__LOCALNET__OPTION_INVALID]: { option: string; reason: string };
    [RAFFLE_ERROR__LOCALNET__TRANSACTION_NOT_FOUND]: { signature: string };
    [RAFFLE_ERROR__LOCALNET__TRANSACTION_FINALIZED]: { signature: string; slot: bigint; finalizedSlot: bigint };
    [RAFFLE_ERROR__LOCALNET__CLOCK_BACKWARDS]: { requested: bigint; current: bigint };
    [RAFFLE_ERROR__LOCALNET__SLOT_NOT_IN_FUTURE]: { requested: bigint; current: bigint };
    [RAFFLE_ERROR__LOCALNET__SNAPSHOT_NOT_FOUND]: { id: string };
    [RAFFLE_ERROR__LOCALNET__FIXTURES_NOT_LOADED]: Record<string, never>;
    [RAFFLE_ERROR__LOCALNET__NOT_A_MINT]: { mint: string };
    [RAFFLE_ERROR__LOCALNET__FAULT_CONFIG_INVALID]: { field: string; reason: string };
    [RAFFLE_ERROR__LOCALNET__ACCOUNT_FIXTURE_INVALID]: { index: number; reason: string };
    [RAFFLE_ERROR__LOCALNET__FIXTURE_TRANSACTION_FAILED]: { step: string; error: string; logs: string };
    [RAFFLE_ERROR__LOCALNET__PORT_IN_USE]: { host: string; port: number };
    [RAFFLE_ERROR__TOOLING__OBJECT_INVALID]: { object: string; reason: string };
    [RAFFLE_ERROR__TOOLING__WRITABLE_DATA]: { object: string; section: string; symbols: string };
    [RAFFLE_ERROR__TOOLING__UNKNOWN_SYSCALL]: { names: string };
    [RAFFLE_ERROR__TOOLING__RELOCATION_UNSUPPORTED]: { object: string; section: string; detail: string };
    [RAFFLE_ERROR__TOOLING__SYMBOL_UNDEFINED]: { symbol: string };
    [RAFFLE_ERROR__TOOLING__IDL_UNSUPPORTED]: { path: string; reason: string };
    [RAFFLE_ERROR__CLIENT__RAFFLE_STATE_INVALID]: { raffle: string; reason: string };
    [RAFFLE_ERROR__CLIENT__ACCOUNT_NOT_FOUND]: { account: string; address: string };
    [RAFFLE_ERROR__CLIENT__WINNING_ENTRY_NOT_FOUND]: { raffle: string; winnerTicket: number };
    [RAFFLE_ERROR__CLIENT__LOGS_TRUNCATED]: { signature: string };
    [RAFFLE_ERROR__CLIENT__LOGS_UNAVAILABLE]: { signature: string };
    [RAFFLE_ERROR__CLIENT__EVENT_MALFORMED]: { event: string; reason: string };
    [RAFFLE_ERROR__CLIENT__TRANSACTION_TOO_LARGE]: { size: number; limit: number };
    [RAFFLE_ERROR__CLIENT__TRANSACTION_EXPIRED]: { attempts: number; signatures: string };
    [RAFFLE_ERROR__CLIENT__TRANSACTION_FAILED]: { signature: string; reason: string };
    [RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR]: {
        endpoint: string;
        status: number;
        serverCode: string;
        serverMessage: string;
        requestId?: string;
        retryAfter?: number;
        details?: Readonly<Record<string, string | number | boolean | null>>;
    };
    [RAFFLE_ERROR__CLIENT__PERMIT_API_UNREACHABLE]: { endpoint: string; kind: 'timeout' | 'network' | 'aborted'; reason: string };
    [RAFFLE_ERROR__CLIENT__PERMIT_API_RESPONSE_INVALID]: { endpoint: string; status: number; requestId?: string; reason: string };
    [RAFFLE_ERROR__CLIENT__MESSAGE_SIGNING_FAILED]: { address: string; reason: string };
    [RAFFLE_ERROR__WORKER__STORE_CLOSED]: { store: string };
    [RAFFLE_ERROR__WORKER__STORE_MIGRATION_FAILED]: { schema: string; reason: string };
    [RAFFLE_ERROR__WORKER__EFFECT_NOT_FOUND]: { key: string };
    [RAFFLE_ERROR__WORKER__EFFECT_TRANSITION_INVALID]: { key: string; from: string; to: string };
    [RAFFLE_ERROR__WORKER__STORE_BACKEND_FAILED]: { store: string; detail: string };
    [RAFFLE_ERROR__WORKER__EFFECT_SEND_CONFLICT]: { key: string; expected: number; actual: number };
    [RAFFLE_ERROR__WORKER__STORE_FULL]: { store: string; detail: string };
    [RAFFLE_ERROR__WORKER__STORE_LOCKED]: { store: string; path: string; waitedMs: number };
    [RAFFLE_ERROR__WORKER__STORE_CONTENDED]: { store: string; attempts: number };
    [RAFFLE_ERROR__WORKER__HANDLER_DUPLICATE]: { eventName: string; handlerName: string };
    [RAFFLE_ERROR__WORKER__EVENT_UNKNOWN]: { eventName: string; known: string };
    [RAFFLE_ERROR__WORKER__EVENT_UNDECODABLE]: { signature: string; reason: string };
    [RAFFLE_ERROR__WORKER__TRANSACTION_UNAVAILABLE]: { signature: string; reason: string };
    [RAFFLE_ERROR__WORKER__BACKFILL_TOO_LARGE]: { limit: number };
    [RAFFLE_ERROR__WORKER__EVENT_RETRACTED]: { eventId: string };
    [RAFFLE_ERROR__WORKER__EFFECT_IN_DOUBT]: { key: string; signature: string };
    [RAFFLE_ERROR__WORKER__EFFECT_FAILED]: { key: string; signature: string; detail: string };
    [RAFFLE_ERROR__WORKER__STATE_INVALID]: { action: string; state: string };
    [RAFFLE_ERROR__INVALID_ARGUMENT]: { name: string; reason: string };
    [RAFFLE_ERROR__INVARIANT_VIOLATION]: { detail: string };
}

/** The context type of one error code. */
export type RaffleErrorContext<TCode extends RaffleErrorCode> = RaffleErrorContextMap[TCode];
