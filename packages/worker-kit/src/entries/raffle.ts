/**
 * `@raffle/worker-kit/raffle`: the raffle automations a worker runs so that every raffle reaches
 * its end without anyone pressing a button: the draw (randomness providers: the reference
 * hash-chain draw authority, the settle fallback, external oracles), deadline refunds on chain
 * time, refund tickets (MRFT: the SPL voucher issuer, the Bubblegum issuer) exactly once even
 * when the store is lost, the claims, and the reconciliation sweep. See docs/automations.md.
 *
 * @packageDocumentation
 */
export { registerRaffleAutomations, type RaffleAutomations, type RaffleAutomationState, type RaffleAutomationsOptions, type RaffleEvents } from '../raffle/automations';
export type { AutomationRpc, RaffleAutomationEmitter, RaffleAutomationEvents } from '../raffle/context';
export type { ReconcileReport } from '../raffle/reconcile';
export type { AdvanceResult } from '../raffle/advance';
export { planRaffle, type PlanOptions, type RaffleAction, type RafflePlan } from '../raffle/plan';
export { createExternalDrawProvider, type DrawAnswer, type ExternalDrawProviderOptions, type PendingDraw, type RandomnessProvider } from '../raffle/draw/provider';
export { createHashChainDrawProvider, type HashChainDrawProviderOptions } from '../raffle/draw/hash-chain';
export { createSettleDrawProvider, settleWinnerTicket, type SettleDrawProviderOptions } from '../raffle/draw/settle';
export type { MrftIssuer, MrftIssueTransaction, RefundTicketClaim, TicketSlotRange } from '../raffle/issuers/types';
export { createSpendGuard } from '../raffle/spend/guard';
export {
    isSpendHeldError,
    SpendHeldError,
    type SpendGuard,
    type SpendGuardEvents,
    type SpendGuardOptions,
    type SpendHold,
    type SpendIssuanceChunk,
    type SpendLimit,
    type SpendRequest,
    type SpendReservation,
    type SpendUsage,
} from '../raffle/spend/types';
export { createSplVoucherIssuer, type SplVoucherIssuerOptions } from '../raffle/issuers/spl-voucher';
export {
    findMemoIssuances,
    formatMrftMemo,
    getMrftMemoInstruction,
    mergeRanges,
    MEMO_PROGRAM_ADDRESS,
    parseMrftMemos,
    type FindMemoIssuancesInput,
} from '../raffle/issuers/memo';
export {
    BUBBLEGUM_PROGRAM_ADDRESS,
    createBubblegumIssuer,
    DEFAULT_BUBBLEGUM_SLOTS_PER_TRANSACTION,
    parseMintedAssetIds,
    SPL_NOOP_PROGRAM_ADDRESS,
    type BubblegumIssuerOptions,
    type MintTransactionJson,
} from '../raffle/issuers/bubblegum';
export {
    createBubblegumUmiContext,
    createMrftMetadataUri,
    MRFT_MAX_URI_BYTES,
    MRFT_NAME,
    MRFT_SYMBOL,
    mrftAttributes,
    mrftMetadataJson,
    type MrftAttribute,
    type MrftCreator,
    type MrftMetadataJson,
} from '../raffle/issuers/bubblegum-metadata';
export { registerRaffleNotifications, type RaffleNotifications, type RaffleNotificationsOptions } from '../raffle/notifications';
