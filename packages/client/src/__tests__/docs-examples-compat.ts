/**
 * The wallet-adapter sample of docs/client.md (see docs-examples.ts).
 */
// #region wallet-adapter
import { joinWithTokenTx } from '@raffle/client';
import { fromWalletTransaction, toVersionedTransaction } from '@raffle/client/compat';
import {
    type Address,
    createNoopSigner,
    getBase64EncodedWireTransaction,
    pipe,
    type Rpc,
    setTransactionMessageFeePayer,
    setTransactionMessageLifetimeUsingBlockhash,
    type Signature,
    type SolanaRpcApi,
} from '@solana/kit';
import type { VersionedTransaction } from '@solana/web3.js';

/** The part of a web3.js 1.x wallet adapter (e.g. `useWallet()`) this needs. */
export interface LegacyWallet {
    publicKey: { toBase58(): string } | null;
    signTransaction<T extends VersionedTransaction>(transaction: T): Promise<T>;
}

export async function joinWithWalletAdapter(rpc: Rpc<SolanaRpcApi>, wallet: LegacyWallet, raffle: Address, ticketCount: number): Promise<Signature> {
    if (!wallet.publicKey) throw new Error('connect a wallet first');
    const owner = wallet.publicKey.toBase58() as Address;
    const { value: latestBlockhash } = await rpc.getLatestBlockhash({ commitment: 'confirmed' }).send();
    const message = pipe(
        // The wallet signs later: a no-op signer stands in for it while building.
        await joinWithTokenTx({ rpc, buyer: createNoopSigner(owner), raffle, ticketCount }),
        m => setTransactionMessageFeePayer(owner, m),
        m => setTransactionMessageLifetimeUsingBlockhash(latestBlockhash, m),
    );
    const signed = await wallet.signTransaction(toVersionedTransaction(message));
    const wire = getBase64EncodedWireTransaction(fromWalletTransaction(signed));
    return await rpc.sendTransaction(wire, { encoding: 'base64', preflightCommitment: 'confirmed' }).send();
}
// #endregion wallet-adapter
