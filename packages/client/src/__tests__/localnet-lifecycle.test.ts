/**
 * Every builder executed against the committed program (`packages/program/bin/rwa_raffle.so`)
 * on `@raffle/localnet` (one cluster for the file, reset between tests), read over real JSON-RPC
 * and sent with the client's own sender (`sendAndConfirmRaffleTransactionFactory`). The
 * localnet's fixtures deploy the program with a real ProgramData account and provide the keys,
 * the mints and prize NFTs.
 */
import { EventParser, type Idl } from '@coral-xyz/anchor';
import { createNobleSigner, issuePermit, type Permit } from '@raffle/permit';
import { rwaRaffleIdl } from '@raffle/program';
import { type Address, type KeyPairSigner, type Signature } from '@solana/kit';
import { PublicKey } from '@solana/web3.js';
import { beforeAll, describe, expect, it } from 'vitest';

import {
    cancelRaffleTx,
    claimPrizeTx,
    claimProceedsTx,
    createRaffleWithPermitTx,
    drawCallbackTx,
    fetchConfigFromSeeds,
    fetchEntries,
    fetchRaffle,
    fetchRaffleView,
    findAssociatedTokenAddress,
    findRaffleAddresses,
    findWinningEntry,
    initializeConfigTx,
    isRaffleProgramError,
    joinWithTicketTx,
    joinWithTokenTx,
    PaymentKind,
    RaffleStatus,
    type RaffleTransactionMessage,
    refundBatchTx,
    RefundMode,
    requestDrawTx,
    RWA_RAFFLE_ERROR__ENTRY_INDEX_MISMATCH,
    RWA_RAFFLE_ERROR__UNAUTHORIZED,
    RWA_RAFFLE_PROGRAM_ADDRESS,
    type RwaRaffleEvent,
    settleDrawTx,
    updateConfigTx,
} from '../index';
import { type RaffleCluster, useRaffleCluster } from './support/localnet';

const DAY = 86_400n;
const PERMIT_SEED = new Uint8Array(32).fill(11);
const permitSigner = createNobleSigner(PERMIT_SEED);
const cluster = useRaffleCluster();

/** The fixture keys and mints, and the cluster's out-of-band helpers. */
interface Chain {
    readonly admin: KeyPairSigner;
    readonly drawAuthority: KeyPairSigner;
    readonly settleAuthority: KeyPairSigner;
    readonly treasury: KeyPairSigner;
    /** The fixture permit key (first of config.permit_signers). */
    readonly permitSigner: { readonly address: Address };
    readonly paymentMint: Address;
    readonly mrftMint: Address;
    readonly drawCommitment: Uint8Array;
    nextRaffleId: bigint;
    now(): bigint;
    setTime(unixTimestamp: bigint): void;
    wallet: RaffleCluster['wallet'];
    tokenAccount: RaffleCluster['tokenAccount'];
    balance: RaffleCluster['balance'];
    prizeNft: RaffleCluster['prizeNft'];
    nextReveal(): Uint8Array;
}

interface World {
    h: Chain;
    rpc: RaffleCluster['rpc'];
    /** Logs, compute units and events of a sent transaction. */
    tx: RaffleCluster['transaction'];
    /** Sends and returns the signature and the decoded events. */
    send(message: RaffleTransactionMessage | (() => Promise<RaffleTransactionMessage>), feePayer: KeyPairSigner): Promise<{ signature: Signature; events: RwaRaffleEvent[]; attempts: number }>;
}

/** The file's cluster back to its start (config initialized unless asked otherwise). */
async function world(options: { initializeConfig?: boolean } = {}): Promise<World> {
    cluster.reset(options);
    const f = cluster.fixtures;
    const h: Chain = {
        admin: f.admin.signer,
        drawAuthority: f.drawAuthority.signer,
        settleAuthority: f.settleAuthority.signer,
        treasury: f.treasury.signer,
        permitSigner: f.permitSigner,
        paymentMint: f.mints.USDC.address,
        mrftMint: f.mints.MRFT.address,
        drawCommitment: f.drawHashChain.commitment,
        nextRaffleId: 1n,
        now: () => cluster.now(),
        setTime: unixTimestamp => cluster.warpClock(unixTimestamp),
        wallet: sol => cluster.wallet(sol),
        tokenAccount: (owner, mint, amount, at) => cluster.tokenAccount(owner, mint, amount, at),
        balance: account => cluster.balance(account),
        prizeNft: owner => cluster.prizeNft(owner),
        nextReveal: () => cluster.nextReveal(),
    };
    return {
        h,
        rpc: cluster.rpc,
        tx: signature => cluster.transaction(signature),
        async send(message, feePayer) {
            const { signature, attempts } = await cluster.sendAndConfirm(message, { feePayer });
            return { signature, attempts, events: (await cluster.transaction(signature)).events };
        },
    };
}

/** Lets our noble permit key sign permits (second slot of config.permit_signers). */
async function trustPermitKey(w: World): Promise<void> {
    await w.send(await updateConfigTx({ admin: w.h.admin, permitSigners: [w.h.permitSigner.address, permitSigner.address] }), w.h.admin);
}

async function fundedBuyer(w: World, amount = 1_000_000_000n): Promise<{ signer: KeyPairSigner; payment: Address }> {
    const signer = await w.h.wallet();
    const payment = await w.h.tokenAccount(signer.address, w.h.paymentMint, amount, await findAssociatedTokenAddress({ owner: signer.address, mint: w.h.paymentMint }));
    return { signer, payment };
}

async function permitFor(w: World, organizer: Address, overrides: Partial<Parameters<typeof issuePermit>[0]> = {}): Promise<Permit> {
    return await issuePermit(
        {
            programId: RWA_RAFFLE_PROGRAM_ADDRESS,
            config: cluster.fixtures.configAddress,
            organizer,
            raffleId: w.h.nextRaffleId++,
            tier: 1,
            enterpriseId: new Uint8Array(16).fill(4),
            prizeMint: await w.h.prizeNft(organizer),
            prizeAmount: 1n,
            paymentMint: w.h.paymentMint,
            ticketPrice: 1_000_000n,
            maxTickets: 5,
            deadline: w.h.now() + DAY,
            refundMode: 'tokens',
            ...overrides,
        },
        { signer: permitSigner, now: w.h.now() },
    );
}

/** Creates a raffle with the client's builder; the organizer holds a new prize NFT in their ATA. */
async function createRaffle(w: World, overrides: Partial<Parameters<typeof issuePermit>[0]> = {}) {
    const organizer = await w.h.wallet();
    const permit = await permitFor(w, organizer.address, overrides);
    const prizeMint = permit.fields.prizeMint as Address;
    const created = await w.send(await createRaffleWithPermitTx({ organizer, permit, computeUnitLimit: 200_000, computeUnitPrice: 1_000n }), organizer);
    const { raffle } = await findRaffleAddresses({ organizer: organizer.address, raffleId: BigInt(permit.fields.raffleId) });
    return { organizer, permit, raffle, created, prizeMint };
}

describe('builders on @raffle/localnet with the committed program', () => {
    it('initializeConfigTx creates the config; updateConfigTx changes it and rejects a non-admin', async () => {
        const w = await world({ initializeConfig: false });
        const { h } = w;
        const { events } = await w.send(
            await initializeConfigTx({
                admin: h.admin,
                permitSigners: [permitSigner.address],
                drawAuthority: h.drawAuthority.address,
                drawCommitment: h.drawCommitment,
                treasury: h.treasury.address,
                feeBps: 250,
                settleAuthority: h.settleAuthority.address,
                mrftMint: h.mrftMint,
            }),
            h.admin,
        );
        expect(events.map(e => e.name)).toEqual(['ConfigUpdated']);
        const config = await fetchConfigFromSeeds(w.rpc);
        expect(config.data).toMatchObject({ admin: h.admin.address, feeBps: 250, treasury: h.treasury.address, paused: false });
        expect(config.data.permitSigners).toEqual([permitSigner.address, '11111111111111111111111111111111']);

        await w.send(await updateConfigTx({ admin: h.admin, paused: true, feeBps: 300 }), h.admin);
        expect((await fetchConfigFromSeeds(w.rpc)).data).toMatchObject({ paused: true, feeBps: 300, treasury: h.treasury.address });

        const intruder = await h.wallet();
        const error = await w.send(await updateConfigTx({ admin: intruder, paused: false }), intruder).catch((e: unknown) => e);
        expect(isRaffleProgramError(error, RWA_RAFFLE_ERROR__UNAUTHORIZED)).toBe(true);
        expect((error as Error).message).toContain('Unauthorized');
    });

    describe('a tokens raffle from permit to payout', () => {
        let w: World;
        let raffle: Address;
        let organizer: KeyPairSigner;
        let prizeMint: Address;
        const buyers: { signer: KeyPairSigner; payment: Address }[] = [];

        beforeAll(async () => {
            w = await world();
            await trustPermitKey(w);
        });

        it('createRaffleWithPermitTx: Ed25519 + initialize_raffle_with_permit, prize in the vault', async () => {
            const r = await createRaffle(w, { maxTickets: 5 });
            raffle = r.raffle;
            organizer = r.organizer;
            prizeMint = r.prizeMint;
            const created = r.created.events.find(e => e.name === 'RaffleCreated');
            expect(created?.data).toMatchObject({ raffle, organizer: organizer.address, maxTickets: 5, permitSigner: permitSigner.address });
            const account = await fetchRaffle(w.rpc, raffle);
            expect(account.data.status).toBe(RaffleStatus.Open);
            const { prizeVault } = await findRaffleAddresses({ organizer: organizer.address, raffleId: account.data.raffleId });
            expect(await w.h.balance(prizeVault)).toBe(1n);
            // Our events decode exactly like Anchor's EventParser over the same logs.
            const anchorEvents = [...new EventParser(new PublicKey(RWA_RAFFLE_PROGRAM_ADDRESS), new (await import('@coral-xyz/anchor')).BorshCoder(rwaRaffleIdl as unknown as Idl)).parseLogs([...(await w.tx(r.created.signature)).logs])];
            expect(anchorEvents.map(e => e.name)).toEqual(r.created.events.map(e => e.name));
        });

        it('joinWithTokenTx: buyers join; the last ticket sets Drawing', async () => {
            for (const count of [2, 3]) {
                const buyer = await fundedBuyer(w);
                buyers.push(buyer);
                const { events } = await w.send(await joinWithTokenTx({ rpc: w.rpc, buyer: buyer.signer, raffle, ticketCount: count }), buyer.signer);
                expect(events[0]).toMatchObject({ name: 'TicketsPurchased', data: { buyer: buyer.signer.address, ticketCount: count } });
            }
            const account = await fetchRaffle(w.rpc, raffle);
            expect(account.data).toMatchObject({ status: RaffleStatus.Drawing, ticketsSold: 5, entriesCount: 2 });
            expect(await w.h.balance(buyers[0]!.payment)).toBe(1_000_000_000n - 2_000_000n);
            const entries = await fetchEntries(w.rpc, raffle);
            expect(entries.map(e => [e.data.index, e.data.buyer])).toEqual(buyers.map((b, i) => [i, b.signer.address]));
            expect(await fetchEntries(w.rpc, raffle, { buyer: buyers[1]!.signer.address })).toHaveLength(1);
            const view = await fetchRaffleView(w.rpc, raffle);
            expect(view).toMatchObject({ isSoldOut: true, canJoin: false, canRequestDraw: true, canDraw: false, winner: null });
        });

        it('joinWithTokenTx rejects buying more than the tickets left before sending', async () => {
            const buyer = await fundedBuyer(w);
            await expect(joinWithTokenTx({ rpc: w.rpc, buyer: buyer.signer, raffle, ticketCount: 1 })).rejects.toThrow(/Drawing/);
        });

        it('requestDrawTx then drawCallbackTx complete the draw', async () => {
            const { events } = await w.send(await requestDrawTx({ requester: buyers[0]!.signer, raffle: await fetchRaffle(w.rpc, raffle) }), buyers[0]!.signer);
            expect(events.map(e => e.name)).toEqual(['DrawRequested']);
            const config = await fetchConfigFromSeeds(w.rpc);
            await expect(drawCallbackTx({ drawAuthority: w.h.drawAuthority, raffle, reveal: new Uint8Array(32), config })).rejects.toThrow(/reveal/);
            const drawn = await w.send(await drawCallbackTx({ drawAuthority: w.h.drawAuthority, raffle, reveal: w.h.nextReveal(), config }), w.h.drawAuthority);
            expect(drawn.events.map(e => e.name)).toEqual(['WinnerDrawn']);
            expect((await fetchRaffle(w.rpc, raffle)).data.status).toBe(RaffleStatus.Completed);
        });

        it('claimPrizeTx finds the winning entry and creates the winner’s prize account', async () => {
            const winning = await findWinningEntry(w.rpc, raffle);
            const winner = winning.data.buyer;
            const view = await fetchRaffleView(w.rpc, raffle);
            expect(view.winner).toMatchObject({ entry: winning.address, buyer: winner });
            expect(view.canClaimPrize).toBe(true);
            const { events } = await w.send(await claimPrizeTx({ rpc: w.rpc, cranker: buyers[0]!.signer, raffle }), buyers[0]!.signer);
            expect(events[0]).toMatchObject({ name: 'PrizeClaimed', data: { recipient: winner, toWinner: true, amount: 1n } });
            expect(await w.h.balance(await findAssociatedTokenAddress({ owner: winner, mint: prizeMint }))).toBe(1n);
            await expect(claimPrizeTx({ rpc: w.rpc, cranker: buyers[0]!.signer, raffle })).rejects.toThrow(/already/);
        });

        it('claimProceedsTx pays organizer and treasury, creating both token accounts', async () => {
            const { events } = await w.send(await claimProceedsTx({ rpc: w.rpc, cranker: organizer, raffle }), organizer);
            expect(events[0]).toMatchObject({ name: 'ProceedsClaimed', data: { organizerAmount: 4_875_000n, treasuryAmount: 125_000n } });
            expect(await w.h.balance(await findAssociatedTokenAddress({ owner: organizer.address, mint: w.h.paymentMint }))).toBe(4_875_000n);
            expect(await w.h.balance(await findAssociatedTokenAddress({ owner: w.h.treasury.address, mint: w.h.paymentMint }))).toBe(125_000n);
            expect((await fetchRaffleView(w.rpc, raffle)).canClaimProceeds).toBe(false);
        });
    });

    it('joinWithTicketTx burns vouchers; settleDrawTx settles; the sender rebuilds a join that lost its entry index', async () => {
        const w = await world();
        await trustPermitKey(w);
        const { raffle } = await createRaffle(w, { maxTickets: 4 });

        const voucherBuyer = await w.h.wallet();
        const mrft = await w.h.tokenAccount(voucherBuyer.address, w.h.mrftMint, 5n, await findAssociatedTokenAddress({ owner: voucherBuyer.address, mint: w.h.mrftMint }));
        const joined = await w.send(await joinWithTicketTx({ rpc: w.rpc, buyer: voucherBuyer, raffle, ticketCount: 2 }), voucherBuyer);
        expect(joined.events[0]).toMatchObject({ name: 'TicketsPurchased', data: { paidWith: PaymentKind.Voucher, amountPaid: 0n } });
        expect(await w.h.balance(mrft)).toBe(3n);

        // A stale message: built at entry index 1, then another buyer takes index 1.
        const late = await fundedBuyer(w);
        const stale = await joinWithTokenTx({ rpc: w.rpc, buyer: late.signer, raffle, ticketCount: 1 });
        const early = await fundedBuyer(w);
        await w.send(await joinWithTokenTx({ rpc: w.rpc, buyer: early.signer, raffle, ticketCount: 1 }), early.signer);
        const error = await w.send(stale, late.signer).catch((e: unknown) => e);
        expect(isRaffleProgramError(error, RWA_RAFFLE_ERROR__ENTRY_INDEX_MISMATCH)).toBe(true);
        // With a builder function, the sender rebuilds from fresh state and lands it.
        let calls = 0;
        const retried = await w.send(async () => (calls++ === 0 ? stale : await joinWithTokenTx({ rpc: w.rpc, buyer: late.signer, raffle, ticketCount: 1 })), late.signer);
        expect(retried.attempts).toBe(2);
        expect((await fetchRaffle(w.rpc, raffle)).data).toMatchObject({ status: RaffleStatus.Drawing, entriesCount: 3, ticketsSold: 4 });

        const account = await fetchRaffle(w.rpc, raffle);
        await expect(settleDrawTx({ settleAuthority: w.h.settleAuthority, raffle: account, winnerTicket: 4 })).rejects.toThrow(/winnerTicket/);
        const settled = await w.send(await settleDrawTx({ settleAuthority: w.h.settleAuthority, raffle: account, winnerTicket: 1 }), w.h.settleAuthority);
        expect(settled.events[0]).toMatchObject({ name: 'WinnerDrawn', data: { winnerTicket: 1, settled: true } });
        const prize = await w.send(await claimPrizeTx({ rpc: w.rpc, cranker: early.signer, raffle }), early.signer);
        expect(prize.events[0]).toMatchObject({ name: 'PrizeClaimed', data: { recipient: voucherBuyer.address, toWinner: true } });
    });

    it('cancelRaffleTx cancels an unsold raffle; claimPrizeTx returns the prize to the organizer', async () => {
        const w = await world();
        await trustPermitKey(w);
        const { raffle, organizer, prizeMint } = await createRaffle(w);
        await w.send(await cancelRaffleTx({ authority: organizer, raffle: await fetchRaffle(w.rpc, raffle) }), organizer);
        expect((await fetchRaffle(w.rpc, raffle)).data.status).toBe(RaffleStatus.Cancelled);
        const { events } = await w.send(await claimPrizeTx({ rpc: w.rpc, cranker: organizer, raffle }), organizer);
        expect(events[0]).toMatchObject({ name: 'PrizeClaimed', data: { recipient: organizer.address, toWinner: false } });
        expect(await w.h.balance(await findAssociatedTokenAddress({ owner: organizer.address, mint: prizeMint }))).toBe(1n);
    });

    it('refundBatchTx refunds many entries in as many transactions as needed, tokens mode', async () => {
        const w = await world();
        await trustPermitKey(w);
        const { raffle, organizer } = await createRaffle(w, { maxTickets: 100, deadline: w.h.now() + 600n });
        const paid: { signer: KeyPairSigner; account: Address; ata: Address; ticketCount: number }[] = [];
        for (let i = 0; i < 24; i++) {
            const signer = await w.h.wallet();
            const ticketCount = 1 + (i % 3);
            // Half pay from a non-associated token account: the refund goes to their ATA, created by the crank.
            const ata = await findAssociatedTokenAddress({ owner: signer.address, mint: w.h.paymentMint });
            const account = i % 2 === 0 ? await w.h.tokenAccount(signer.address, w.h.paymentMint, 10_000_000n, ata) : await w.h.tokenAccount(signer.address, w.h.paymentMint, 10_000_000n);
            await w.send(await joinWithTokenTx({ rpc: w.rpc, buyer: signer, raffle, ticketCount, buyerPaymentAccount: account }), signer);
            paid.push({ signer, account, ata, ticketCount });
        }
        const voucherBuyer = await w.h.wallet();
        await w.h.tokenAccount(voucherBuyer.address, w.h.mrftMint, 2n, await findAssociatedTokenAddress({ owner: voucherBuyer.address, mint: w.h.mrftMint }));
        await w.send(await joinWithTicketTx({ rpc: w.rpc, buyer: voucherBuyer, raffle, ticketCount: 2 }), voucherBuyer);

        const cranker = await w.h.wallet();
        await expect(refundBatchTx({ rpc: w.rpc, cranker, raffle })).resolves.toBeDefined(); // builds before the deadline; the program decides
        w.h.setTime(w.h.now() + 601n);
        const messages = await refundBatchTx({ rpc: w.rpc, cranker, raffle });
        expect(messages.length).toBeGreaterThan(1);
        // Send the first batch, then rebuild: refunded entries are skipped.
        const first = await w.send(messages[0]!, cranker);
        expect(first.events[0]).toMatchObject({ name: 'RefundStarted', data: { entriesCount: 25 } });
        const rest = await refundBatchTx({ rpc: w.rpc, cranker, raffle });
        expect(rest.length).toBe(messages.length - 1);
        const events: RwaRaffleEvent[] = [...first.events];
        for (const message of rest) {
            const sent = await w.send(message, cranker);
            expect((await w.tx(sent.signature)).computeUnits).toBeLessThan(200_000n * BigInt(message.instructions.length));
            events.push(...sent.events);
        }
        expect(events.filter(e => e.name === 'EntryRefunded')).toHaveLength(24);
        expect(events.filter(e => e.name === 'RefundTicketsRequested')).toEqual([
            expect.objectContaining({ data: expect.objectContaining({ buyer: voucherBuyer.address, tickets: 2 }) }),
        ]);
        expect(events.filter(e => e.name === 'RaffleRefunded')).toHaveLength(1);
        for (const p of paid) {
            const refunded = BigInt(p.ticketCount) * 1_000_000n;
            if (p.account === p.ata) expect(await w.h.balance(p.ata)).toBe(10_000_000n);
            else {
                expect(await w.h.balance(p.account)).toBe(10_000_000n - refunded);
                expect(await w.h.balance(p.ata)).toBe(refunded);
            }
        }
        expect((await fetchRaffle(w.rpc, raffle)).data.status).toBe(RaffleStatus.Refunded);
        expect(await refundBatchTx({ rpc: w.rpc, cranker, raffle })).toEqual([]);
        const prize = await w.send(await claimPrizeTx({ rpc: w.rpc, cranker, raffle }), cranker);
        expect(prize.events[0]).toMatchObject({ name: 'PrizeClaimed', data: { recipient: organizer.address, toWinner: false } });
        await expect(claimProceedsTx({ rpc: w.rpc, cranker, raffle })).rejects.toThrow(/tokens mode/);
    });

    it('refundBatchTx in vouchers mode (one account per entry), then claimProceedsTx pays the treasury', async () => {
        const w = await world();
        await trustPermitKey(w);
        const { raffle } = await createRaffle(w, { maxTickets: 50, deadline: w.h.now() + 60n, refundMode: 'vouchers' });
        for (let i = 0; i < 3; i++) {
            const buyer = await fundedBuyer(w);
            await w.send(await joinWithTokenTx({ rpc: w.rpc, buyer: buyer.signer, raffle, ticketCount: 2 }), buyer.signer);
        }
        expect((await fetchRaffle(w.rpc, raffle)).data.refundMode).toBe(RefundMode.Vouchers);
        w.h.setTime(w.h.now() + 61n);
        const cranker = await w.h.wallet();
        const view = await fetchRaffleView(w.rpc, raffle);
        expect(view).toMatchObject({ isPastDeadline: true, canRefund: true, canJoin: false });
        const messages = await refundBatchTx({ rpc: w.rpc, cranker, raffle });
        expect(messages).toHaveLength(1);
        const { events } = await w.send(messages[0]!, cranker);
        expect(events.map(e => e.name)).toEqual(['RefundStarted', 'RefundTicketsRequested', 'RefundTicketsRequested', 'RefundTicketsRequested', 'RaffleRefunded']);
        const proceeds = await w.send(await claimProceedsTx({ rpc: w.rpc, cranker, raffle }), cranker);
        expect(proceeds.events[0]).toMatchObject({ name: 'ProceedsClaimed', data: { organizerAmount: 0n, treasuryAmount: 6_000_000n } });
    });

    it('refundBatchTx with no entry left still moves an unsold raffle to Refunded', async () => {
        const w = await world();
        await trustPermitKey(w);
        const { raffle } = await createRaffle(w, { deadline: w.h.now() + 10n });
        w.h.setTime(w.h.now() + 11n);
        const cranker = await w.h.wallet();
        const messages = await refundBatchTx({ rpc: w.rpc, cranker, raffle });
        expect(messages).toHaveLength(1);
        const { events } = await w.send(messages[0]!, cranker);
        expect(events.map(e => e.name)).toEqual(['RefundStarted', 'RaffleRefunded']);
    });
});
