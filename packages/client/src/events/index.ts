/**
 * Events: typed decoding of the program's `Program data:` log lines.
 *
 * @packageDocumentation
 */
export * from './parseRaffleEvents';
