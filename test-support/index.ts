/**
 * Test support shared by every package and example of the repository (not published):
 * import it as `@raffle/test-support` (a vitest alias and a tsconfig path), so that no
 * package needs a dependency on another one just for its tests. `waitFor` is the one bounded
 * poll; `cachedForRun` keeps what a run builds once (e.g. the program tests' raffle world).
 *
 * @packageDocumentation
 */
export { cachedForRun } from './run-cache';
export { type WaitForOptions, WaitForTimeoutError, waitFor } from './wait-for';
