/**
 * Program errors as typed `RaffleError`s.
 *
 * @packageDocumentation
 */
export * from './program-errors';
