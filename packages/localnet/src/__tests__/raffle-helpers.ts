/** Test helpers: a raffle created with a permit and joined, through @raffle/client over the wire. */
import {
    createRaffleWithPermitTx,
    findRaffleAddresses,
    joinWithTokenTx,
    sendAndConfirmRaffleTransactionFactory,
} from '@raffle/client';
import { createKeypairSigner, issuePermit } from '@raffle/permit';
import { type Address, createSolanaRpc, createSolanaRpcSubscriptions, type Signature } from '@solana/kit';

import type { Localnet } from '../index';

/** What {@link createAndJoinRaffle} made. */
export interface RaffleTransactions {
    readonly raffle: Address;
    /** `[Ed25519SigVerify, initialize_raffle_with_permit]`: CPIs to System and SPL Token. */
    readonly create: Signature;
    /** `join_with_token`: CPIs to SPL Token and System. */
    readonly join: Signature;
}

/**
 * The organizer creates raffle `raffleId` (prize NFT `prize`, MOGA tickets) and wallet 0 joins
 * with two tickets, both confirmed.
 */
export async function createAndJoinRaffle(net: Localnet, raffleId: bigint, prize = 0): Promise<RaffleTransactions> {
    const f = net.fixtures!;
    const rpc = createSolanaRpc(net.rpcUrl);
    const sendAndConfirm = sendAndConfirmRaffleTransactionFactory({ rpc, rpcSubscriptions: createSolanaRpcSubscriptions(net.wsUrl) });
    const organizer = f.organizer.keypair.signer;
    const now = net.control.status().unixTimestamp;
    const permit = await issuePermit(
        {
            programId: f.programAddress,
            config: f.configAddress,
            organizer: organizer.address,
            raffleId,
            tier: 1,
            enterpriseId: new TextEncoder().encode('test-enterprise!'),
            prizeMint: f.prizeNfts[prize]!.mint,
            prizeAmount: 1n,
            paymentMint: f.mints.MOGA.address,
            ticketPrice: 5_000_000n,
            maxTickets: 10,
            deadline: now + 3_600n,
            refundMode: 'tokens',
        },
        { signer: createKeypairSigner(f.permitSigner.secretKey), now: Number(now), ttlSeconds: 300 },
    );
    const create = await sendAndConfirm(() => createRaffleWithPermitTx({ organizer, permit }), { feePayer: organizer });
    const { raffle } = await findRaffleAddresses({ organizer: organizer.address, raffleId });
    const buyer = f.wallets[0]!.keypair.signer;
    const join = await sendAndConfirm(() => joinWithTokenTx({ rpc, buyer, raffle, ticketCount: 2 }), { feePayer: buyer });
    return { raffle, create: create.signature, join: join.signature };
}
