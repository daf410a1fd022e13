/**
 * Verifying permits: what a frontend or a backend does before it builds the creating
 * transaction, and what the permit server's tests do with every permit it issues.
 *
 * @packageDocumentation
 */
import {
    RAFFLE_ERROR__PERMIT__EXPIRED,
    RAFFLE_ERROR__PERMIT__FIELD_INVALID,
    RAFFLE_ERROR__PERMIT__SIGNATURE_INVALID,
    RAFFLE_ERROR__PERMIT__SIGNER_UNTRUSTED,
    RaffleError,
} from '@raffle/errors';
import type { Address } from '@solana/kit';

import { type PermitClock, resolvePermitClock } from './clock';
import { verifyEd25519 } from './internal/ed25519-verify';
import type { PermitFields } from './message';
import { decodeParsedPermit, parsePermit } from './permit';

/**
 * Options of {@link verifyPermit}.
 *
 * @example
 * ```ts
 * const options: VerifyPermitConfig = { trustedSigners: [permitKeyA, permitKeyB] };
 * ```
 */
export interface VerifyPermitConfig {
    /**
     * The accepted signers, e.g. the program's `config.permit_signers` (non-zero ones).
     * When omitted, any signer is accepted: the signature then only proves the permit is
     * intact, not that your backend issued it.
     */
    readonly trustedSigners?: readonly Address[];
    /** The program the permit must be for; unchecked when omitted. */
    readonly programId?: Address;
    /** The current time; default the system clock. */
    readonly now?: PermitClock;
}

/**
 * Verifies an untrusted permit object and returns its signed fields. In order: the structure
 * (types, base64, lengths), the signer against `trustedSigners`, the ed25519 signature, the
 * message content, the agreement of the readable copies with the message, the program, the
 * expiry (`now > expiresAt` is expired, as on-chain).
 *
 * Uses WebCrypto Ed25519 where available and `@noble/ed25519` otherwise, so it runs in
 * browsers, edge runtimes and Node alike. The program's own check is authoritative; this one
 * lets you fail early.
 *
 * @param permit - anything, e.g. a parsed HTTP body
 * @param config - trusted signers, expected program, clock
 * @returns the fields decoded from the signed message (never from the readable copy)
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__MALFORMED`, `..._SIGNER_UNTRUSTED`,
 * `..._SIGNATURE_INVALID`, `..._MESSAGE_MAGIC_INVALID`, `..._FIELD_INVALID`, `..._EXPIRED`
 * @example
 * ```ts
 * try {
 *     const fields = await verifyPermit(await response.json(), { trustedSigners });
 *     console.log(`may create raffle ${fields.raffleId} until ${fields.expiresAt}`);
 * } catch (e) {
 *     if (isRaffleError(e, RAFFLE_ERROR__PERMIT__EXPIRED)) return requestNewPermit();
 *     throw e;
 * }
 * ```
 */
export async function verifyPermit(permit: unknown, config: VerifyPermitConfig = {}): Promise<PermitFields> {
    const parsed = parsePermit(permit);
    if (config.trustedSigners !== undefined && !config.trustedSigners.includes(parsed.signer)) {
        throw new RaffleError(RAFFLE_ERROR__PERMIT__SIGNER_UNTRUSTED, { signer: parsed.signer });
    }
    if (!(await verifyEd25519(parsed.publicKey, parsed.message, parsed.signature))) {
        throw new RaffleError(RAFFLE_ERROR__PERMIT__SIGNATURE_INVALID, { signer: parsed.signer });
    }
    const { fields } = decodeParsedPermit(parsed);
    if (config.programId !== undefined && fields.programId !== config.programId) {
        throw new RaffleError(RAFFLE_ERROR__PERMIT__FIELD_INVALID, {
            field: 'programId',
            reason: `the permit is for program ${fields.programId}, expected ${config.programId}`,
        });
    }
    const now = resolvePermitClock(config.now);
    if (now > fields.expiresAt) {
        throw new RaffleError(RAFFLE_ERROR__PERMIT__EXPIRED, { expiresAt: fields.expiresAt, now });
    }
    return fields;
}
