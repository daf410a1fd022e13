/** request_draw_arcium, draw_callback (hash chain) and settle_draw, with their attacks. */
import {
    RaffleStatus,
    RWA_RAFFLE_ERROR__DRAW_NOT_READY,
    RWA_RAFFLE_ERROR__DRAW_NOT_REQUESTED,
    RWA_RAFFLE_ERROR__INVALID_REVEAL,
    RWA_RAFFLE_ERROR__INVALID_WINNER_TICKET,
    RWA_RAFFLE_ERROR__SETTLE_DISABLED,
    RWA_RAFFLE_ERROR__UNAUTHORIZED,
    getRequestDrawArciumInstruction,
} from '@raffle/client';
import { beforeAll, describe, expect, it } from 'vitest';

import { readU64 } from './support/bytes';
import { HASH_CHAIN_LENGTH, RaffleHarness, eventsOf, sha256 } from './support/harness';

let h: RaffleHarness;
beforeAll(async () => {
    h = await RaffleHarness.create();
});

async function soldOutRaffle(maxTickets = 6) {
    const raffle = await h.createRaffle({ maxTickets });
    const b1 = await h.buyer();
    if (maxTickets > 2) await h.joinWithToken(raffle.address, b1.signer, b1.payment, 2);
    await h.sellOut(raffle.address);
    return raffle;
}

describe('request_draw_arcium', () => {
    it('moves Drawing to DrawRequested, records the slot and emits DrawRequested', async () => {
        const raffle = await soldOutRaffle();
        const requester = await h.wallet();
        const result = await h.requestDraw(raffle.address, requester);
        const slot = h.svm.getClock().slot;
        expect(h.raffle(raffle.address)).toMatchObject({ status: RaffleStatus.DrawRequested, drawRequestedSlot: slot });
        expect(eventsOf(result)).toEqual([{ name: 'DrawRequested', data: { raffle: raffle.address, requester: requester.address, slot } }]);
    });

    it('rejects an Open raffle and a pending request before DRAW_TIMEOUT_SLOTS; allows it after', async () => {
        const open = await h.createRaffle();
        const w = await h.wallet();
        await h.expectError([getRequestDrawArciumInstruction({ requester: w, raffle: open.address })], [w], RWA_RAFFLE_ERROR__DRAW_NOT_READY);
        const raffle = await soldOutRaffle();
        await h.requestDraw(raffle.address);
        const first = h.raffle(raffle.address).drawRequestedSlot;
        h.warpSlots(149n);
        await h.expectError([getRequestDrawArciumInstruction({ requester: w, raffle: raffle.address })], [w], RWA_RAFFLE_ERROR__DRAW_NOT_READY);
        h.warpSlots(1n);
        await h.requestDraw(raffle.address);
        expect(h.raffle(raffle.address).drawRequestedSlot).toBe(first + 150n);
    });
});

describe('draw_callback', () => {
    it('checks the reveal against the commitment, advances the chain and draws the winner', async () => {
        const raffle = await soldOutRaffle(6);
        await h.requestDraw(raffle.address);
        const seed = h.raffle(raffle.address).drawSeed;
        const reveal = h.nextReveal();
        expect([...sha256(reveal)]).toEqual([...h.configAccount().drawCommitment]);
        const result = await h.drawCallback(raffle.address);
        const randomness = sha256(reveal, new Uint8Array(seed));
        const winner = Number(readU64(randomness, 0) % 6n);
        const r = h.raffle(raffle.address);
        expect(r).toMatchObject({ status: RaffleStatus.Completed, winnerTicket: winner });
        expect([...r.randomness]).toEqual([...randomness]);
        expect([...h.configAccount().drawCommitment]).toEqual([...reveal]);
        expect(eventsOf(result)).toEqual([
            { name: 'WinnerDrawn', data: { raffle: raffle.address, winnerTicket: winner, randomness: expect.anything(), settled: false, slot: h.svm.getClock().slot } },
        ]);
    });

    it('walks the hash chain one reveal per draw', async () => {
        const before = h.revealsUsed;
        for (let i = 0; i < 3; i++) {
            const raffle = await soldOutRaffle(2);
            await h.requestDraw(raffle.address);
            await h.drawCallback(raffle.address);
        }
        expect(h.revealsUsed).toBe(before + 3);
        expect([...h.configAccount().drawCommitment]).toEqual([...h.hashChain[HASH_CHAIN_LENGTH - h.revealsUsed]!]);
    });

    it('rejects a wrong reveal and a reused reveal (InvalidReveal)', async () => {
        const raffle = await soldOutRaffle();
        await h.requestDraw(raffle.address);
        await h.expectError([h.drawCallbackInstruction(raffle.address, new Uint8Array(32).fill(1))], [h.drawAuthority], RWA_RAFFLE_ERROR__INVALID_REVEAL);
        // The current commitment itself (the last reveal) no longer hashes to the commitment.
        const used = new Uint8Array(h.configAccount().drawCommitment);
        await h.expectError([h.drawCallbackInstruction(raffle.address, used)], [h.drawAuthority], RWA_RAFFLE_ERROR__INVALID_REVEAL);
        // Skipping ahead in the chain fails too: only the direct preimage is accepted.
        const skip = h.hashChain[HASH_CHAIN_LENGTH - 2 - h.revealsUsed]!;
        await h.expectError([h.drawCallbackInstruction(raffle.address, skip)], [h.drawAuthority], RWA_RAFFLE_ERROR__INVALID_REVEAL);
        await h.drawCallback(raffle.address);
    });

    it('rejects a callback from another signer (Unauthorized)', async () => {
        const raffle = await soldOutRaffle();
        await h.requestDraw(raffle.address);
        const intruder = await h.wallet();
        await h.expectError([h.drawCallbackInstruction(raffle.address, h.nextReveal(), intruder)], [intruder], RWA_RAFFLE_ERROR__UNAUTHORIZED);
    });

    it('requires a pending request (DrawNotRequested), also after completion', async () => {
        const raffle = await soldOutRaffle();
        await h.expectError([h.drawCallbackInstruction(raffle.address, h.nextReveal())], [h.drawAuthority], RWA_RAFFLE_ERROR__DRAW_NOT_REQUESTED);
        await h.requestDraw(raffle.address);
        await h.drawCallback(raffle.address);
        await h.expectError([h.drawCallbackInstruction(raffle.address, h.nextReveal())], [h.drawAuthority], RWA_RAFFLE_ERROR__DRAW_NOT_REQUESTED);
        const w = await h.wallet();
        await h.expectError([getRequestDrawArciumInstruction({ requester: w, raffle: raffle.address })], [w], RWA_RAFFLE_ERROR__DRAW_NOT_READY);
    });
});

describe('settle_draw', () => {
    it('sets the winner from DrawRequested and from Drawing, emitting WinnerDrawn settled', async () => {
        const raffle = await soldOutRaffle(6);
        await h.requestDraw(raffle.address);
        const result = await h.sendOk([h.settleInstruction(raffle.address, 5)], [h.settleAuthority], 'settle_draw');
        expect(h.raffle(raffle.address)).toMatchObject({ status: RaffleStatus.Completed, winnerTicket: 5 });
        expect([...h.raffle(raffle.address).randomness]).toEqual(new Array(32).fill(0));
        expect(eventsOf(result)).toEqual([
            { name: 'WinnerDrawn', data: { raffle: raffle.address, winnerTicket: 5, randomness: expect.anything(), settled: true, slot: h.svm.getClock().slot } },
        ]);
        const drawing = await soldOutRaffle(3);
        await h.sendOk([h.settleInstruction(drawing.address, 0)], [h.settleAuthority]);
        expect(h.raffle(drawing.address).status).toBe(RaffleStatus.Completed);
    });

    it('rejects winner_ticket >= tickets_sold, another signer, other states', async () => {
        const raffle = await soldOutRaffle(6);
        await h.expectError([h.settleInstruction(raffle.address, 6)], [h.settleAuthority], RWA_RAFFLE_ERROR__INVALID_WINNER_TICKET);
        const intruder = await h.wallet();
        await h.expectError([h.settleInstruction(raffle.address, 1, intruder)], [intruder], RWA_RAFFLE_ERROR__UNAUTHORIZED);
        await h.expectError([h.settleInstruction(raffle.address, 1, h.drawAuthority)], [h.drawAuthority], RWA_RAFFLE_ERROR__UNAUTHORIZED);
        const open = await h.createRaffle();
        await h.expectError([h.settleInstruction(open.address, 0)], [h.settleAuthority], RWA_RAFFLE_ERROR__DRAW_NOT_REQUESTED);
        await h.sendOk([h.settleInstruction(raffle.address, 1)], [h.settleAuthority]);
        await h.expectError([h.settleInstruction(raffle.address, 1)], [h.settleAuthority], RWA_RAFFLE_ERROR__DRAW_NOT_REQUESTED);
    });

    it('is disabled when settle_authority is zero', async () => {
        const p = await RaffleHarness.create({ settleEnabled: false });
        const raffle = await p.createRaffle({ maxTickets: 1 });
        await p.sellOut(raffle.address);
        await p.expectError([p.settleInstruction(raffle.address, 0)], [p.settleAuthority], RWA_RAFFLE_ERROR__SETTLE_DISABLED);
    });
});
