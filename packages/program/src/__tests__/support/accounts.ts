/**
 * Account builders and readers over a LiteSVM: mints and token accounts written straight into the
 * SVM (no transactions), funded wallets, and decoded reads of existing accounts.
 */
import { type Address, type Decoder, type KeyPairSigner, generateKeyPairSigner, lamports } from '@solana/kit';
import { AccountState, getMintDecoder, getMintEncoder, getTokenDecoder, getTokenEncoder } from '@solana-program/token';
import type { LiteSVM } from 'litesvm';

import { TOKEN_PROGRAM } from './constants';

/**
 * Writes an initialized SPL Token mint (no freeze authority) at `mint`.
 *
 * @param svm - The SVM to write into.
 * @param mint - Where the mint account goes.
 * @param decimals - The mint's decimals.
 * @param mintAuthority - The mint authority.
 * @param supply - The mint's supply.
 */
export function writeMint(svm: LiteSVM, mint: Address, decimals: number, mintAuthority: Address, supply: bigint): void {
    const data = new Uint8Array(getMintEncoder().encode({ mintAuthority, supply, decimals, isInitialized: true, freezeAuthority: null }));
    svm.setAccount({ address: mint, data, executable: false, lamports: lamports(svm.minimumBalanceForRentExemption(82n)), programAddress: TOKEN_PROGRAM, space: 82n });
}

/**
 * Writes a token account of `mint` owned by `owner` holding `amount`, at a fresh address (or `at`).
 * The mint's supply grows by `amount`, as if it had been minted.
 *
 * @param svm - The SVM to write into.
 * @param owner - The token account's owner.
 * @param mint - The token account's mint.
 * @param amount - The balance.
 * @param at - The address to use instead of a fresh one.
 * @returns The token account's address.
 */
export async function writeTokenAccount(svm: LiteSVM, owner: Address, mint: Address, amount = 0n, at?: Address): Promise<Address> {
    const addr = at ?? (await generateKeyPairSigner()).address;
    const data = new Uint8Array(
        getTokenEncoder().encode({ mint, owner, amount, delegate: null, state: AccountState.Initialized, isNative: null, delegatedAmount: 0n, closeAuthority: null }),
    );
    svm.setAccount({ address: addr, data, executable: false, lamports: lamports(svm.minimumBalanceForRentExemption(165n)), programAddress: TOKEN_PROGRAM, space: 165n });
    const mintAccount = svm.getAccount(mint);
    if (amount > 0n && mintAccount.exists && mintAccount.programAddress === TOKEN_PROGRAM && mintAccount.data.length === 82) {
        const state = getMintDecoder().decode(mintAccount.data);
        svm.setAccount({ ...mintAccount, data: new Uint8Array(getMintEncoder().encode({ ...state, supply: state.supply + amount })) });
    }
    return addr;
}

/**
 * A fresh key pair airdropped `sol` SOL.
 *
 * @param svm - The SVM to fund it on.
 * @param sol - Whole SOL to airdrop.
 * @returns The funded signer.
 */
export async function createFundedWallet(svm: LiteSVM, sol: bigint): Promise<KeyPairSigner> {
    const w = await generateKeyPairSigner();
    svm.airdrop(w.address, lamports(sol * 1_000_000_000n));
    return w;
}

/**
 * Decodes an existing account.
 *
 * @param svm - The SVM to read.
 * @param address - The account's address.
 * @param decoder - The decoder of its data.
 * @param missing - The error message when the account does not exist.
 * @returns The decoded data.
 * @throws An `Error` with `missing` when there is no account at `address`.
 */
export function readAccount<T>(svm: LiteSVM, address: Address, decoder: Decoder<T>, missing: string): T {
    const account = svm.getAccount(address);
    if (!account.exists) throw new Error(missing);
    return decoder.decode(account.data);
}

/**
 * The amount held by a token account.
 *
 * @param svm - The SVM to read.
 * @param tokenAccount - The token account's address.
 * @returns Its balance.
 */
export function readTokenBalance(svm: LiteSVM, tokenAccount: Address): bigint {
    return readAccount(svm, tokenAccount, getTokenDecoder(), `no account ${tokenAccount}`).amount;
}
