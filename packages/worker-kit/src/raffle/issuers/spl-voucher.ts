/**
 * The SPL voucher issuer: refund tickets as tokens of `config.mrft_mint` (decimals 0), minted to
 * the buyer's associated token account, exactly what `join_with_ticket` burns. Per entry: create
 * the account if needed (paid by the cranker), mint `tickets` vouchers, and the issuance memo that
 * proves it later; several entries share a transaction (`entriesPerTransaction`).
 *
 * @packageDocumentation
 */
import { findAssociatedTokenAddress } from '@raffle/client';
import { getCreateAssociatedTokenIdempotentInstruction, getMintToInstruction } from '@solana-program/token';
import { type Address, isAddress, type TransactionSigner } from '@solana/kit';

import { workerConfigInvalid } from '../../core/errors';
import type { AutomationRpc } from '../context';
import { findMemoIssuances, getMrftMemoInstruction } from './memo';
import type { MrftIssuer } from './types';

/**
 * Options of {@link createSplVoucherIssuer}.
 *
 * @example
 * ```ts
 * const options: SplVoucherIssuerOptions = { rpc, mint: config.data.mrftMint, mintAuthority };
 * ```
 */
export interface SplVoucherIssuerOptions {
    /** An RPC with `getSignaturesForAddress` and `getTransaction` (the proof from history). */
    readonly rpc: Pick<AutomationRpc, 'getSignaturesForAddress' | 'getTransaction'>;
    /** The voucher mint (`config.mrft_mint`, decimals 0). */
    readonly mint: Address;
    /** The mint's mint authority: signs every issuance. */
    readonly mintAuthority: TransactionSigner;
    /** Entries whose vouchers one transaction mints at most (default 8; fewer when the size limit says so). */
    readonly entriesPerTransaction?: number;
}

/**
 * Creates the SPL voucher issuer.
 *
 * @param options - rpc, voucher mint, mint authority
 * @returns the issuer
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` for a bad option
 * @example
 * ```ts
 * const issuer = createSplVoucherIssuer({ rpc, mint: fixtures.mints.MRFT.address, mintAuthority: fixtures.mrftMintAuthority.signer });
 * ```
 */
export function createSplVoucherIssuer(options: SplVoucherIssuerOptions): MrftIssuer {
    if (!options || typeof options !== 'object') throw workerConfigInvalid('options', 'pass { rpc, mint, mintAuthority }');
    if (!options.rpc) throw workerConfigInvalid('rpc', 'is required');
    if (typeof options.mint !== 'string' || !isAddress(options.mint)) throw workerConfigInvalid('mint', 'must be a base58 address');
    if (!options.mintAuthority || typeof options.mintAuthority.address !== 'string') throw workerConfigInvalid('mintAuthority', 'must be a transaction signer');
    if (options.entriesPerTransaction !== undefined && (!Number.isInteger(options.entriesPerTransaction) || options.entriesPerTransaction < 1 || options.entriesPerTransaction > 32)) {
        throw workerConfigInvalid('entriesPerTransaction', 'must be an integer from 1 to 32');
    }
    const { rpc, mint, mintAuthority } = options;
    // A buyer with many entries has one voucher account: derive it once (bounded cache).
    const atas = new Map<Address, Promise<Address>>();
    const ataOf = (buyer: Address): Promise<Address> => {
        let ata = atas.get(buyer);
        if (ata === undefined) {
            if (atas.size >= 10_000) atas.delete(atas.keys().next().value!);
            atas.set(buyer, (ata = findAssociatedTokenAddress({ owner: buyer, mint })));
        }
        return ata;
    };
    return {
        name: 'spl-voucher',
        slotsPerTransaction: Number.MAX_SAFE_INTEGER,
        chunksPerTransaction: options.entriesPerTransaction ?? 8,
        authority: mintAuthority.address,
        historyAddress: claim => ataOf(claim.buyer),
        async buildIssue(claim, range, { payer }) {
            const ata = await ataOf(claim.buyer);
            return {
                instructions: [
                    getCreateAssociatedTokenIdempotentInstruction({ payer, ata, owner: claim.buyer, mint }),
                    getMintToInstruction({ mint, token: ata, mintAuthority, amount: BigInt(range.to - range.from) }),
                    getMrftMemoInstruction(claim, range),
                ],
                details: { mint, tokenAccount: ata, amount: range.to - range.from },
            };
        },
        async findIssued(claim, findOptions) {
            return findMemoIssuances({
                rpc: rpc as AutomationRpc,
                historyAddress: await ataOf(claim.buyer),
                claim,
                trustedSigner: mintAuthority.address,
                ...(findOptions?.signal ? { signal: findOptions.signal } : {}),
            });
        },
    };
}
