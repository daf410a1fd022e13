/**
 * `@raffle/permit/server`: what a backend team deploys to issue permits. An organizer
 * registry with tiers and allowed prize collections, an issuing policy, storage adapters
 * (memory, embedded PGlite, PostgreSQL) and a fetch-API HTTP handler with wallet sign-in,
 * idempotency keys, rate limits, admin API keys and an audit log.
 *
 * The handler uses only Web APIs (Request, Response, Web Crypto), so it runs on Node, Bun,
 * Deno and edge runtimes. Keypair files and the node:crypto signer come from
 * `@raffle/permit/node`. `pg` and `@electric-sql/pglite` are not dependencies: install the
 * one your store uses and pass its client in.
 *
 * @example
 * ```ts
 * import { createPermitHandler, createPglitePermitStore } from '@raffle/permit/server';
 * import { signerFromKeypairFile } from '@raffle/permit/node';
 * import { PGlite } from '@electric-sql/pglite';
 *
 * const store = createPglitePermitStore({ dataDir: './data/permit-server', PGlite });
 * const handler = createPermitHandler({
 *     store,
 *     signers: [await signerFromKeypairFile('./permit-signer.json')],
 *     programId,
 *     domain: 'permits.example.com',
 *     prizeCollections: createPrizeCollectionResolver({ reader: createRpcAccountReader(createSolanaRpc(rpcUrl)) }),
 * });
 * ```
 *
 * @packageDocumentation
 */
export { API_KEY_SCOPES, type CreatedApiKey, apiKeyHasScope, createApiKey, registerApiKey } from '../server/api-keys';
export { PERMIT_REFUSAL_REASONS, type PermitRefusalReason, type PermitServerErrorCode } from '../server/errors';
export {
    type PermitHandler,
    type PermitHandlerContext,
    type PermitHandlerOptions,
    type PermitRateLimits,
    type RateLimitRule,
    createPermitHandler,
} from '../server/handler';
export {
    type IssueOrganizerPermitResult,
    type PermitIssuer,
    type PermitIssuerOptions,
    createPermitIssuer,
} from '../server/issuer';
export {
    type AccountReader,
    type MetadataCollectionInfo,
    type PrizeCollection,
    type PrizeCollectionResolver,
    type PrizeCollectionResolverOptions,
    TOKEN_METADATA_PROGRAM_ADDRESS,
    createPrizeCollectionResolver,
    createRpcAccountReader,
    decodeMetadataCollection,
    getMetadataAddress,
} from '../server/metaplex';
export {
    type OpenRaffleCounterOptions,
    RAFFLE_ACCOUNT_SIZE,
    RAFFLE_ORGANIZER_OFFSET,
    RAFFLE_STATUS_OFFSET,
    createOpenRaffleCounter,
} from '../server/open-raffles';
export {
    type NodeRequestLike,
    type NodeRequestListenerOptions,
    type NodeResponseLike,
    createNodeRequestListener,
} from '../server/node-listener';
export {
    MAX_ALLOWED_COLLECTIONS,
    MAX_NEXT_RAFFLE_ID,
    type NewOrganizer,
    ORGANIZER_TIERS,
    type Organizer,
    type OrganizerPatch,
    type OrganizerTier,
    checkNewOrganizer,
    checkOrganizerPatch,
    getOrganizerTierNumber,
    normalizeEnterpriseId,
} from '../server/organizer';
export {
    DEFAULT_TIER_POLICIES,
    type OrganizerPermitRequest,
    type PermitPolicy,
    type PermitPolicyInput,
    type PolicyRefusal,
    type TierPolicy,
    checkPrizeCollection,
    checkRequestAgainstTier,
    createPermitPolicy,
} from '../server/policy';
export {
    MAX_SIGN_IN_MESSAGE_LENGTH,
    type SignInMessageFields,
    createSignInMessageText,
    parseSignInMessageText,
} from '../server/sign-in';
export { checkPermitSigners } from '../server/signers';
export { createMemoryPermitStore } from '../server/store/memory';
export { type PglitePermitStoreOptions, createPglitePermitStore } from '../server/store/pglite';
export { type PostgresConnectionError, type PostgresPermitStoreOptions, createPostgresPermitStore } from '../server/store/postgres';
export type { PgPoolClientLike, PgPoolLike, PgliteLike, SqlQueryable } from '../server/store/sql-client';
export type { SqlStoreOptions } from '../server/store/sql-store';
export type {
    ApiKeyRecord,
    ApiKeyScope,
    ApiKeyStore,
    AuditAction,
    AuditEntry,
    AuditJson,
    AuditStore,
    IdempotencyBegin,
    IdempotencyStore,
    NewAuditEntry,
    OrganizerStore,
    PermitLedger,
    PermitRecord,
    PermitRecordStatus,
    PermitServerStore,
    PruneOptions,
    PruneResult,
    RateLimitStore,
    ReservePermitResult,
    SessionRecord,
    SessionStore,
} from '../server/store/types';
export { type ClientAddressResolver, type TrustProxy, createClientAddressResolver } from '../server/trust-proxy';
export { DEFAULT_AUDIT_RETENTION_MS, DEFAULT_PERMIT_RETENTION_MS } from '../server/store/retention';
