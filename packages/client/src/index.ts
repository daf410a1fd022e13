/**
 * Kit-native client for the rwa_raffle program.
 *
 * @packageDocumentation
 */
export * from './generated';
export * from './generated/events';
