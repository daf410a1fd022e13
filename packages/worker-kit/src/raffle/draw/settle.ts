/**
 * The settle fallback: `settle_draw` by `config.settleAuthority`, for development and tests
 * (keep the settle authority unset on mainnet). It picks the winning ticket from the draw seed
 * fixed at sell-out, so the pick is reproducible from the chain.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';

import { settleDrawTx } from '@raffle/client';
import type { TransactionSigner } from '@solana/kit';

import { UnrecoverableError, workerConfigInvalid } from '../../core/errors';
import type { RandomnessProvider } from './provider';

/**
 * Options of {@link createSettleDrawProvider}.
 *
 * @example
 * ```ts
 * const options: SettleDrawProviderOptions = { settleAuthority };
 * ```
 */
export interface SettleDrawProviderOptions {
    /** `config.settleAuthority`: signs every `settle_draw`. */
    readonly settleAuthority: TransactionSigner;
}

/**
 * The ticket the settle fallback picks: `u64le(sha256(draw_seed || request_slot)[..8]) % tickets_sold`.
 *
 * @param drawSeed - the raffle's draw seed
 * @param requestSlot - the raffle's draw request slot
 * @param ticketsSold - tickets sold (> 0)
 * @returns the winning ticket
 * @example
 * ```ts
 * const ticket = settleWinnerTicket(raffle.drawSeed, raffle.drawRequestedSlot, raffle.ticketsSold);
 * ```
 */
export function settleWinnerTicket(drawSeed: Uint8Array | ArrayLike<number>, requestSlot: bigint, ticketsSold: number): number {
    const slot = Buffer.alloc(8);
    slot.writeBigUInt64LE(requestSlot);
    const digest = createHash('sha256').update(Uint8Array.from(drawSeed)).update(slot).digest();
    return Number(digest.readBigUInt64LE(0) % BigInt(ticketsSold));
}

/**
 * Creates the settle fallback provider.
 *
 * @param options - the settle authority
 * @returns the provider
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` for a bad option
 * @example
 * ```ts
 * const fallback = createSettleDrawProvider({ settleAuthority });
 * registerRaffleAutomations(worker, { ..., draw: { provider, fallback } });
 * ```
 */
export function createSettleDrawProvider(options: SettleDrawProviderOptions): RandomnessProvider {
    if (!options?.settleAuthority || typeof options.settleAuthority.address !== 'string') throw workerConfigInvalid('settleAuthority', 'must be a transaction signer');
    const { settleAuthority } = options;
    return {
        name: 'settle',
        async answer({ raffle, config }) {
            if (config.data.settleAuthority !== settleAuthority.address) {
                throw new UnrecoverableError(`the config's settle authority is ${config.data.settleAuthority}, not this provider's key ${settleAuthority.address}`);
            }
            const r = raffle.data;
            if (r.ticketsSold === 0) throw new UnrecoverableError(`raffle ${raffle.address} sold no ticket`);
            const winnerTicket = settleWinnerTicket(new Uint8Array(r.drawSeed), r.drawRequestedSlot, r.ticketsSold);
            return {
                key: `settle:${winnerTicket}`,
                build: () => settleDrawTx({ settleAuthority, raffle, winnerTicket, programAddress: raffle.programAddress }),
                details: { provider: 'settle', winnerTicket },
            };
        },
    };
}
