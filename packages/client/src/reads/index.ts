/**
 * Reads: fetchers by seeds, all entries of a raffle, the winning entry, and the raffle view.
 *
 * @packageDocumentation
 */
export * from './fetchEntries';
export * from './fetchFromSeeds';
export * from './findWinningEntry';
export * from './raffleView';
