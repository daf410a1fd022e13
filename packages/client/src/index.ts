/**
 * Kit-native client for the rwa_raffle program: the generated codecs, accounts,
 * instructions, PDAs, errors and events, plus transaction builders, reads, event parsing,
 * typed program errors and a send-and-confirm helper.
 *
 * @example
 * ```ts
 * import { createRaffleWithPermitTx, joinWithTokenTx, sendAndConfirmRaffleTransactionFactory } from '@raffle/client';
 * ```
 *
 * @packageDocumentation
 */
export * from './generated';
export * from './generated/events';
export * from './generated/programErrors';
export * from './actions';
export * from './errors';
export * from './events';
export * from './pdas';
export * from './reads';
export * from './send';
export * from './permit-api';
