/**
 * What the worker checks on chain before it starts: the program's config account exists, the
 * configured authorities are the ones it names, and which MRFT mint the SPL issuer mints (the
 * config's `mrft_mint` unless `MRFT_MINT` says otherwise). A mismatch is reported like a bad
 * variable: a transaction the program would refuse is better refused at start.
 */
import { fetchMaybeConfigFromSeeds } from '@raffle/client';
import { type Address, fetchEncodedAccount, getAddressDecoder, type GetAccountInfoApi, type GetBalanceApi, type Rpc } from '@solana/kit';

import type { ConfigProblem, WorkerConfig } from './config';
import type { WorkerKeys } from './keys';

/** The system program's address: a zero pubkey in the config means "not set". */
const UNSET = '11111111111111111111111111111111';
/** The SPL Token and Token-2022 programs (a mint account's owner). */
const TOKEN_PROGRAMS = new Set(['TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb']);

/**
 * What the chain said.
 *
 * @example
 * ```ts
 * const { facts } = await checkChain(rpc, config, keys);
 * if (facts.mrftMint === null) console.warn(facts.mrftOff);
 * ```
 */
export interface ChainFacts {
    /** The MRFT mint the SPL issuer mints (null: issuance off, a warning says why). */
    readonly mrftMint: Address | null;
    /** Why issuance is off, when it is. */
    readonly mrftOff: string | null;
    /** The worker key's balance (lamports). */
    readonly workerLamports: bigint;
}

/**
 * Reads the program's config and checks the configuration against it.
 *
 * @param rpc - the cluster's JSON-RPC client
 * @param config - from `loadConfig`
 * @param keys - from `loadKeys`
 * @returns the facts, and the problems found (each names the variable to fix)
 * @example
 * ```ts
 * const { facts, problems } = await checkChain(createSolanaRpc(config.rpcUrl), config, keys);
 * if (problems.length > 0) throw new ConfigError(problems);
 * ```
 */
export async function checkChain(rpc: Rpc<GetAccountInfoApi & GetBalanceApi>, config: WorkerConfig, keys: WorkerKeys): Promise<{ facts: ChainFacts; problems: ConfigProblem[] }> {
    const problems: ConfigProblem[] = [];
    const account = await fetchMaybeConfigFromSeeds(rpc, { programAddress: config.programAddress, commitment: 'confirmed' });
    const { value: workerLamports } = await rpc.getBalance(keys.worker.address, { commitment: 'confirmed' }).send();
    if (!account.exists) {
        problems.push({ variable: 'RWA_RAFFLE_PROGRAM_ID', reason: `has no config account on this cluster (${account.address}): wrong program id or cluster, or the config is not initialized` });
        return { facts: { mrftMint: null, mrftOff: null, workerLamports }, problems };
    }
    const onChain = account.data;
    if (keys.drawAuthority && keys.drawAuthority.address !== onChain.drawAuthority) {
        problems.push({ variable: 'DRAW_AUTHORITY_KEYPAIR_PATH', reason: `holds ${keys.drawAuthority.address}, but the program's config names ${onChain.drawAuthority} as the draw authority` });
    }
    if (keys.settleAuthority && keys.settleAuthority.address !== onChain.settleAuthority) {
        const named = onChain.settleAuthority === UNSET ? 'no settle authority (settle_draw is disabled)' : `${onChain.settleAuthority} as the settle authority`;
        problems.push({ variable: 'SETTLE_AUTHORITY_KEYPAIR_PATH', reason: `holds ${keys.settleAuthority.address}, but the program's config names ${named}` });
    }

    let mrftMint: Address | null = null;
    let mrftOff: string | null = null;
    if (config.issuer.kind === 'spl') {
        const configured = config.issuer.mint;
        const named = onChain.mrftMint === UNSET ? null : onChain.mrftMint;
        if (configured !== null && configured !== named) {
            problems.push({ variable: 'MRFT_MINT', reason: `is ${configured}, but the program's config names ${named ?? 'no MRFT mint'}: join_with_ticket would refuse these vouchers` });
        } else if (named === null) {
            mrftOff = "the program's config names no MRFT mint (vouchers are disabled)";
        } else {
            mrftMint = named;
            const mint = await fetchEncodedAccount(rpc, named, { commitment: 'confirmed' });
            // SPL mint layout: mint_authority is COption<Pubkey> at offset 0 (u32 tag, 32 bytes).
            const authority = mint.exists && TOKEN_PROGRAMS.has(mint.programAddress) && mint.data.length >= 36 && mint.data[0] === 1 ? getAddressDecoder().decode(mint.data, 4) : null;
            if (authority === null) {
                problems.push({ variable: 'MRFT_ISSUER', reason: `is spl, but the MRFT mint ${named} does not exist or has no mint authority` });
            } else if (authority !== keys.mrftAuthority.address) {
                const holder = config.mrftMintAuthorityKeypairPath === config.workerKeypairPath ? `is unset, so the worker key ${keys.mrftAuthority.address} would mint` : `holds ${keys.mrftAuthority.address}`;
                problems.push({ variable: 'MRFT_MINT_AUTHORITY_KEYPAIR_PATH', reason: `${holder}, but the MRFT mint's authority is ${authority}` });
            }
        }
    }
    return { facts: { mrftMint, mrftOff, workerLamports }, problems };
}
