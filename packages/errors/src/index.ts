/**
 * The one error scheme of the `@raffle/*` packages: {@link RaffleError}, numeric codes per
 * domain, typed context and {@link isRaffleError}.
 *
 * @packageDocumentation
 */
export * from './codes';
export type { RaffleErrorContext, RaffleErrorContextMap } from './context';
export { RaffleError, type RaffleErrorOptions, formatRaffleErrorMessage, isRaffleError } from './error';
export { RaffleErrorMessages } from './messages';
