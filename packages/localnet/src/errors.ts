/**
 * Error helpers of the library layer: every error thrown by `@raffle/localnet` outside the
 * JSON-RPC wire is a {@link RaffleError}. The dedicated 5000-5999 codes are proposed in
 * `errors-proposal.md`; until they exist, the general codes carry the details.
 */
import { RAFFLE_ERROR__INVALID_ARGUMENT, RAFFLE_ERROR__INVARIANT_VIOLATION, RaffleError } from '@raffle/errors';

/** A caller passed a value the local cluster cannot use. */
export function invalidArgument(name: string, reason: string): RaffleError<typeof RAFFLE_ERROR__INVALID_ARGUMENT> {
    return new RaffleError(RAFFLE_ERROR__INVALID_ARGUMENT, { name, reason });
}

/** Something that cannot happen happened. */
export function invariant(detail: string, cause?: unknown): RaffleError<typeof RAFFLE_ERROR__INVARIANT_VIOLATION> {
    return new RaffleError(RAFFLE_ERROR__INVARIANT_VIOLATION, { detail }, { cause });
}
