import * as C from './codes';
import type { RaffleErrorCode } from './codes';

/**
 * Message templates. `$name` is replaced by the context value `name`. Each message says
 * what went wrong and what the caller can do about it.
 */
export const RaffleErrorMessages: Readonly<Record<RaffleErrorCode, string>> = {
    [C.RAFFLE_ERROR__PERMIT__MESSAGE_LENGTH_INVALID]:
        'A v1 permit message is $expected bytes long, this one is $actual. Pass the exact bytes the permit issuer signed.',
    [C.RAFFLE_ERROR__PERMIT__MESSAGE_MAGIC_INVALID]:
        'The bytes do not start with "RWA_RAFFLE_PERMIT_V1": this is not a v1 raffle permit message.',
    [C.RAFFLE_ERROR__PERMIT__FIELD_INVALID]: 'Permit field `$field` is invalid: $reason.',
    [C.RAFFLE_ERROR__PERMIT__SIGNATURE_INVALID]:
        'The permit signature does not verify for signer $signer. The permit was altered or signed by another key; request a new permit.',
    [C.RAFFLE_ERROR__PERMIT__EXPIRED]:
        'The permit expired at unix time $expiresAt (now $now). Request a new permit from the backend.',
    [C.RAFFLE_ERROR__PERMIT__SIGNER_UNTRUSTED]:
        'The permit was signed by $signer, which is not a trusted permit signer. Check the signer list (config.permit_signers on-chain).',
    [C.RAFFLE_ERROR__PERMIT__MALFORMED]: 'The permit object is malformed at `$field`: $reason.',
    [C.RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID]:
        'The permit signer key from $source is invalid: $reason. Expected a 64-byte Solana keypair (JSON array or base58) or a 32-byte seed.',
    [C.RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH]:
        'The keypair from $source is inconsistent: its public key does not belong to its secret key. The file or value is corrupted.',
    [C.RAFFLE_ERROR__PERMIT__SIGNER_FAILED]: 'Permit signer $signer failed to sign: $reason.',
    [C.RAFFLE_ERROR__PERMIT__SIGNER_ENV_MISSING]:
        'Environment variable $variable is not set. Set it to the base58 or JSON-array keypair of the permit signer.',
    [C.RAFFLE_ERROR__PERMIT__TTL_INVALID]:
        'Permit TTL $ttlSeconds is invalid: use a positive whole number of seconds.',
    [C.RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID]: 'Permit server option `$option` is invalid: $reason.',
    [C.RAFFLE_ERROR__PERMIT__POLICY_INVALID]: 'Permit policy limit `$field` is invalid: $reason.',
    [C.RAFFLE_ERROR__PERMIT__SIGNER_SET_INVALID]:
        "The permit server needs one or two distinct permit signers (the program's config.permit_signers[2]): $reason.",
    [C.RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID]: 'Organizer field `$field` is invalid: $reason.',
    [C.RAFFLE_ERROR__PERMIT__API_KEY_INVALID]: 'API key `$field` is invalid: $reason.',
    [C.RAFFLE_ERROR__PERMIT__STORE_SCHEMA_NEWER]:
        'Schema "$schema" has permit server migration $applied applied, newer than this @raffle/permit knows ($known). Upgrade @raffle/permit on every replica.',
    [C.RAFFLE_ERROR__PERMIT__STORE_CLOSED]: 'The $store permit store is closed; create a new one.',
    [C.RAFFLE_ERROR__PERMIT__STORE_CURSOR_INVALID]: 'Pagination cursor `$name` is not a cursor from a previous page.',
    [C.RAFFLE_ERROR__PERMIT__STORE_ROW_INVALID]:
        'Table $table holds an unexpected value in column $column; the schema was changed outside @raffle/permit migrations.',
    [C.RAFFLE_ERROR__PROGRAM__CUSTOM_ERROR]:
        'The raffle program failed with $name (custom error $programCode): $programMessage',
    [C.RAFFLE_ERROR__LOCALNET__OPTION_INVALID]: 'Local cluster option `$option` is invalid: $reason.',
    [C.RAFFLE_ERROR__LOCALNET__TRANSACTION_NOT_FOUND]: "No landed transaction $signature in the local cluster's history.",
    [C.RAFFLE_ERROR__LOCALNET__TRANSACTION_FINALIZED]:
        'Transaction $signature (slot $slot) is finalized (finalized slot $finalizedSlot) and cannot be forked away; fork before finality or raise finalizationLag.',
    [C.RAFFLE_ERROR__LOCALNET__CLOCK_BACKWARDS]:
        'The cluster clock only moves forward: $requested is before the current time $current.',
    [C.RAFFLE_ERROR__LOCALNET__SLOT_NOT_IN_FUTURE]:
        'Cannot warp to slot $requested: the current slot is $current; warp only forward.',
    [C.RAFFLE_ERROR__LOCALNET__SNAPSHOT_NOT_FOUND]:
        'No snapshot $id; snapshots live in memory (at most 64) and are lost on restart.',
    [C.RAFFLE_ERROR__LOCALNET__FIXTURES_NOT_LOADED]:
        'This local cluster was started without the raffle fixtures (fixtures: false); restart it with fixtures to use this method.',
    [C.RAFFLE_ERROR__LOCALNET__NOT_A_MINT]: '$mint is not an initialized SPL Token mint in the local cluster.',
    [C.RAFFLE_ERROR__LOCALNET__FAULT_CONFIG_INVALID]: 'Fault injection setting `$field` is invalid: $reason.',
    [C.RAFFLE_ERROR__LOCALNET__ACCOUNT_FIXTURE_INVALID]:
        'Account fixture #$index is invalid: $reason. Expected { pubkey, account: { lamports, data: [base64, "base64"], owner } }.',
    [C.RAFFLE_ERROR__LOCALNET__FIXTURE_TRANSACTION_FAILED]: 'Setting up the fixtures failed at $step: $error. Program logs: $logs',
    [C.RAFFLE_ERROR__LOCALNET__PORT_IN_USE]:
        'Cannot listen on $host:$port: the port is in use. Pass rpcPort: 0 (or --rpc-port 0) for a free port.',
    [C.RAFFLE_ERROR__TOOLING__OBJECT_INVALID]: 'Cannot link $object: $reason.',
    [C.RAFFLE_ERROR__TOOLING__WRITABLE_DATA]:
        'Object $object has writable data in $section ($symbols). The SBFv0 loader rejects mutable globals: make them `const` or move them to the stack.',
    [C.RAFFLE_ERROR__TOOLING__UNKNOWN_SYSCALL]:
        'Unknown syscall(s): $names. A real deploy rejects programs that call syscalls the runtime does not register.',
    [C.RAFFLE_ERROR__TOOLING__RELOCATION_UNSUPPORTED]:
        'Unsupported relocation in $object section $section: $detail.',
    [C.RAFFLE_ERROR__TOOLING__SYMBOL_UNDEFINED]: 'Symbol `$symbol` is referenced but defined in no object.',
    [C.RAFFLE_ERROR__TOOLING__IDL_UNSUPPORTED]: 'The IDL cannot be generated at $path: $reason.',
    [C.RAFFLE_ERROR__CLIENT__RAFFLE_STATE_INVALID]:
        'Raffle $raffle $reason. Refetch the raffle (fetchRaffleView tells what is possible now).',
    [C.RAFFLE_ERROR__CLIENT__ACCOUNT_NOT_FOUND]:
        'No $account account exists at $address. Check the address, the cluster (RPC URL) and the program id; the account may not be created yet.',
    [C.RAFFLE_ERROR__CLIENT__WINNING_ENTRY_NOT_FOUND]:
        'No entry of raffle $raffle holds winning ticket $winnerTicket. The RPC node may be behind: retry with commitment "confirmed" or "finalized".',
    [C.RAFFLE_ERROR__CLIENT__LOGS_TRUNCATED]:
        'The logs of transaction $signature are truncated ("Log truncated"), so events may be missing. Refetch it with getTransaction from an RPC node that keeps complete logs and parse again.',
    [C.RAFFLE_ERROR__CLIENT__LOGS_UNAVAILABLE]:
        'Transaction $signature has no log messages (not found, or fetched without meta). Refetch it with getTransaction(signature, { maxSupportedTransactionVersion: 0 }).',
    [C.RAFFLE_ERROR__CLIENT__EVENT_MALFORMED]:
        'A $event event in the logs does not decode ($reason): the program and this client disagree on its layout. Upgrade @raffle/client to the program\'s IDL version.',
    [C.RAFFLE_ERROR__CLIENT__TRANSACTION_TOO_LARGE]:
        'The transaction is $size bytes, above the $limit-byte limit. Send fewer accounts per transaction or use an address lookup table.',
    [C.RAFFLE_ERROR__CLIENT__TRANSACTION_EXPIRED]:
        'The transaction expired $attempts time(s) without landing (signatures $signatures). The network may be congested: raise the priority fee (computeUnitPrice) and send again.',
    [C.RAFFLE_ERROR__CLIENT__TRANSACTION_FAILED]:
        'Transaction $signature failed: $reason. It is not a raffle program error; see the cause (e.g. insufficient SOL for fees, a token account without funds).',
    [C.RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR]:
        'The permit server answered $endpoint with HTTP $status $serverCode: $serverMessage',
    [C.RAFFLE_ERROR__CLIENT__PERMIT_API_UNREACHABLE]:
        'The permit server did not answer $endpoint: $reason. Check the server URL and the network, then retry.',
    [C.RAFFLE_ERROR__CLIENT__PERMIT_API_RESPONSE_INVALID]:
        'The permit server answered $endpoint (HTTP $status) with a response the client cannot accept: $reason. Check that baseUrl points at a permit server of a compatible version.',
    [C.RAFFLE_ERROR__CLIENT__MESSAGE_SIGNING_FAILED]:
        'Wallet $address did not sign the message: $reason. Ask the user to approve the signature request, or use a wallet that supports signMessage.',
    [C.RAFFLE_ERROR__WORKER__STORE_CLOSED]:
        'The $store worker store is closed; create a new store (close() is final).',
    [C.RAFFLE_ERROR__WORKER__STORE_MIGRATION_FAILED]:
        'Worker store migrations in schema "$schema" failed: $reason. Nothing was applied; fix the cause and restart.',
    [C.RAFFLE_ERROR__WORKER__EFFECT_NOT_FOUND]:
        'No effect with key "$key"; call beginEffect() first.',
    [C.RAFFLE_ERROR__WORKER__EFFECT_TRANSITION_INVALID]:
        'Effect "$key" is $from and cannot become $to; a terminal effect never changes (use a new key for a new effect).',
    [C.RAFFLE_ERROR__WORKER__STORE_BACKEND_FAILED]:
        'The $store worker store failed: $detail. Check that the backend is reachable; if it is, this is a bug or a concurrent schema change: please report it.',
    [C.RAFFLE_ERROR__WORKER__EFFECT_SEND_CONFLICT]:
        'Effect "$key" was sent by another runner meanwhile (send count $actual, expected $expected): do not send; the next attempt resolves that transaction from the chain.',
    [C.RAFFLE_ERROR__WORKER__STORE_FULL]:
        'The $store worker store cannot write, its storage is full ($detail). The failed call wrote nothing; free disk space (or raise the size limit), then retry.',
    [C.RAFFLE_ERROR__WORKER__STORE_LOCKED]:
        'The $store worker store at $path is held by another process (waited $waitedMs ms). One process owns an embedded store: stop the other one or give this one its own path; run replicas on PostgreSQL.',
    [C.RAFFLE_ERROR__WORKER__STORE_CONTENDED]:
        'The $store worker store gave up an atomic step after $attempts attempts: concurrent steps kept changing what it read. Nothing of it was written; retry it, and if this repeats, have fewer replicas update the same projection keys at once.',
    [C.RAFFLE_ERROR__WORKER__HANDLER_DUPLICATE]:
        'A handler named "$handlerName" is already registered for $eventName; handler names are part of idempotency keys and must be unique per event.',
    [C.RAFFLE_ERROR__WORKER__EVENT_UNKNOWN]:
        '"$eventName" is not an event of the decoder table (known: $known).',
    [C.RAFFLE_ERROR__WORKER__EVENT_UNDECODABLE]:
        'An event of transaction $signature does not decode ($reason); it was dead-lettered with its raw data. Update the decoder table, then redrive the dead letter.',
    [C.RAFFLE_ERROR__WORKER__TRANSACTION_UNAVAILABLE]:
        'Transaction $signature is not available ($reason); the RPC node may lag or prune history: the worker retries; use a node with full history if it persists.',
    [C.RAFFLE_ERROR__WORKER__BACKFILL_TOO_LARGE]:
        'The gap since the cursor holds more than $limit signatures; raise maxBackfillSignatures or move the cursor to a later signature.',
    [C.RAFFLE_ERROR__WORKER__EVENT_RETRACTED]:
        'Event $eventId was retracted by a fork; no irreversible effect runs for it.',
    [C.RAFFLE_ERROR__WORKER__EFFECT_IN_DOUBT]:
        'Effect "$key" sent $signature, which is neither found nor expired yet; it is retried once its blockhash expired or it landed.',
    [C.RAFFLE_ERROR__WORKER__EFFECT_FAILED]:
        'Effect "$key": transaction $signature failed on chain ($detail); inspect it, then redrive with a new effect key if it should run again.',
    [C.RAFFLE_ERROR__WORKER__STATE_INVALID]:
        'Cannot $action while the worker is $state.',
    [C.RAFFLE_ERROR__INVALID_ARGUMENT]: 'Invalid argument `$name`: $reason.',
    [C.RAFFLE_ERROR__INVARIANT_VIOLATION]:
        'Internal invariant violated: $detail. This is a bug in @raffle/*; please report it with this message.',
};
