/**
 * The permit server client: wallet sign-in and typed, checked permits from
 * `@raffle/permit/server`'s HTTP API.
 *
 * @packageDocumentation
 */
export { createPermitApiClient, DEFAULT_PERMIT_API_TIMEOUT_MS, type PermitApiClient } from './client';
export type { PermitApiError } from './errors';
export type {
    ListPermitsOptions,
    PermitApiCallOptions,
    PermitApiClientConfig,
    PermitApiOrganizer,
    PermitApiPermitPage,
    PermitApiProfile,
    PermitApiRecord,
    PermitApiRequest,
    PermitApiSession,
    PermitApiTierLimits,
    PermitApiWallet,
    RequestPermitOptions,
    RequestPermitResult,
} from './types';
export { walletFromMessageSigner } from './wallet';
