/**
 * The spend guard with the memory store and an injected clock: windows, limits, holds, releases,
 * the per-raffle rule, the reload from the audit log, and the two hooks (a crank through
 * `runCrank`, ticket chunks through `issueInBatches`) with a fake sender.
 */
import type { RaffleTransactionMessage, SendAndConfirmRaffleTransactionFunction } from '@raffle/client';
import { isRaffleError, RAFFLE_ERROR__INVALID_ARGUMENT, RAFFLE_ERROR__WORKER__STATE_INVALID } from '@raffle/errors';
import { getCreateAssociatedTokenIdempotentInstruction } from '@solana-program/token';
import { AccountRole, type Address, type Blockhash, createNoopSigner, createTransactionMessage, getAddressDecoder, type Instruction, type Signature } from '@solana/kit';
import EventEmitter from 'eventemitter3';
import { describe, expect, it } from 'vitest';

import { createMemoryWorkerStore } from '../../store/memory/index';
import type { WorkerStore } from '../../store/types';
import type { AutomationContext, AutomationRpc, RaffleAutomationEmitter } from '../context';
import { type IssueItem, issueInBatches } from '../issue-batches';
import type { MrftIssuer, RefundTicketClaim } from '../issuers/types';
import { runCrank } from '../send';
import { createSpendGuard } from '../spend/guard';
import { isSpendHeldError, type SpendGuard, type SpendGuardOptions, type SpendHold, type SpendRequest } from '../spend/types';

const addr = (n: number): Address => getAddressDecoder().decode(new Uint8Array(32).fill(n));
const RAFFLE = addr(7);
const HOUR = 3_600_000;
const T0 = 1_700_000_000_000;

async function started(limits: SpendGuardOptions['limits'], extra: Partial<SpendGuardOptions> = {}) {
    const clock = { t: T0 };
    const now = () => clock.t;
    const store = createMemoryWorkerStore({ clock: now });
    const guard = createSpendGuard({ limits, now, ...extra });
    const held: SpendHold[] = [];
    const released: SpendHold[] = [];
    guard.events.on('spend:held', ({ hold }) => held.push(hold));
    guard.events.on('spend:released', ({ hold }) => released.push(hold));
    await guard.start({ store, actor: 'w1' });
    return { clock, store, guard, held, released };
}

const crank = (key: string, lamports: bigint): SpendRequest => ({ key, action: 'claim-prize', raffle: RAFFLE, lamports });
const spend = async (guard: SpendGuard, request: SpendRequest) => (await guard.check(request)).record();
const heldReason = (guard: SpendGuard, request: SpendRequest) =>
    guard.check(request).then(
        () => null,
        (e: unknown) => (isSpendHeldError(e) ? e.hold.reason : Promise.reject(e)),
    );
const invalidName = (f: () => unknown) => {
    try {
        f();
    } catch (e) {
        return isRaffleError(e, RAFFLE_ERROR__INVALID_ARGUMENT) ? e.context.name : e;
    }
    return 'no error';
};

describe('createSpendGuard options', () => {
    it('refuses bad options with a typed error naming the option', () => {
        expect(invalidName(() => createSpendGuard(undefined as never))).toBe('options');
        expect(invalidName(() => createSpendGuard({ limits: {} }))).toBe('limits');
        expect(invalidName(() => createSpendGuard({ limits: { perHour: {} } }))).toBe('limits.perHour');
        expect(invalidName(() => createSpendGuard({ limits: { perHour: { lamports: -1 } } }))).toBe('limits.perHour.lamports');
        expect(invalidName(() => createSpendGuard({ limits: { perDay: { lamports: 1.5 } } }))).toBe('limits.perDay.lamports');
        expect(invalidName(() => createSpendGuard({ limits: { perDay: { tickets: 2.5 } } }))).toBe('limits.perDay.tickets');
        expect(invalidName(() => createSpendGuard({ limits: { perWeek: { tickets: 1 } } as never }))).toBe('limits.perWeek');
        expect(invalidName(() => createSpendGuard({ limits: { perDay: { tickets: 1 } }, now: 5 as never }))).toBe('now');
        expect(invalidName(() => createSpendGuard({ limits: { perDay: { tickets: 1 } }, lamportsPerSignature: '5000' as never }))).toBe('lamportsPerSignature');
        expect(invalidName(() => createSpendGuard({ limits: { perDay: { tickets: 1 } }, accountRentLamports: -2n }))).toBe('accountRentLamports');
        expect(invalidName(() => createSpendGuard({ limits: { perDay: { tickets: 1 } }, extra: 1 } as never))).toBe('extra');
        expect(invalidName(() => createSpendGuard({ limits: { perHour: { lamports: 10n ** 20n } } }))).toBe('limits.perHour.lamports');
        expect(createSpendGuard({ limits: { perHour: { lamports: 0 } } }).usage().limits).toEqual({ perHour: { lamports: '0', tickets: null }, perDay: { lamports: null, tickets: null } });
    });

    it('checks nothing before it is started, and SpendHeldError carries a code', async () => {
        const guard = createSpendGuard({ limits: { perHour: { tickets: 1 } } });
        await expect(guard.check(crank('k', 1n))).rejects.toSatisfy(e => isRaffleError(e, RAFFLE_ERROR__WORKER__STATE_INVALID));
        const { guard: g } = await started({ perHour: { lamports: 1n } });
        const error = await g.check(crank('k', 2n)).catch((e: unknown) => e);
        expect(isSpendHeldError(error)).toBe(true);
        expect(error).toMatchObject({ name: 'SpendHeldError', code: 'SPEND_HELD', hold: { id: 'k', action: 'claim-prize', raffle: RAFFLE } });
    });
});

describe('estimate', () => {
    const payer = addr(1);
    const guard = createSpendGuard({ limits: { perHour: { tickets: 1 } } });
    const plain = (signers: Address[] = []): Instruction => ({
        programAddress: addr(50),
        accounts: [...signers.map(address => ({ address, role: AccountRole.READONLY_SIGNER })), { address: addr(51), role: AccountRole.WRITABLE }],
        data: new Uint8Array([1, 2, 3]),
    });
    const le = (bytes: number, value: bigint) => Array.from({ length: bytes }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn));

    it('counts one fee per distinct signer', () => {
        expect(guard.estimate({ feePayer: payer, instructions: [plain()] })).toBe(5_000n);
        expect(guard.estimate({ feePayer: payer, instructions: [plain([payer, addr(2)]), plain([addr(2)])] })).toBe(10_000n);
    });

    it('counts the rent of accounts created: associated token accounts (conservatively) and System createAccount', () => {
        const ata = getCreateAssociatedTokenIdempotentInstruction({ payer: createNoopSigner(payer), ata: addr(3), owner: addr(4), mint: addr(5) });
        expect(guard.estimate({ feePayer: payer, instructions: [ata] })).toBe(5_000n + 2_039_280n);
        const createAccount: Instruction = {
            programAddress: '11111111111111111111111111111111' as Address,
            accounts: [
                { address: payer, role: AccountRole.WRITABLE_SIGNER },
                { address: addr(6), role: AccountRole.WRITABLE_SIGNER },
            ],
            data: new Uint8Array([...le(4, 0n), ...le(8, 1_461_600n), ...le(8, 82n), ...new Uint8Array(32)]),
        };
        expect(guard.estimate({ feePayer: payer, instructions: [createAccount] })).toBe(10_000n + 1_461_600n);
        const custom = createSpendGuard({ limits: { perHour: { tickets: 1 } }, lamportsPerSignature: 10_000, accountRentLamports: 1n });
        expect(custom.estimate({ feePayer: payer, instructions: [ata, ata] })).toBe(10_000n + 2n);
    });

    it('adds the priority fee of a compute unit price', () => {
        const budget = 'ComputeBudget111111111111111111111111111111' as Address;
        const limit: Instruction = { programAddress: budget, data: new Uint8Array([2, ...le(4, 300_000n)]) };
        const price: Instruction = { programAddress: budget, data: new Uint8Array([3, ...le(8, 2_000_000n)]) };
        expect(guard.estimate({ feePayer: payer, instructions: [limit, price, plain()] })).toBe(5_000n + 600_000n);
        expect(guard.estimate({ feePayer: payer, instructions: [price, plain(), plain()] })).toBe(5_000n + 800_000n);
    });
});

describe('windows, holds and releases', () => {
    it('holds what would pass the hourly limit, once per key, until the hour slides past', async () => {
        const { clock, store, guard, held } = await started({ perHour: { lamports: 100_000n } });
        await spend(guard, crank('a', 60_000n));
        expect(guard.usage().hour).toEqual({ lamports: '60000', tickets: 0 });
        expect(await heldReason(guard, crank('b', 50_000n))).toBe('lamports per hour: 60000 spent + 50000 > 100000');
        clock.t += 10 * 60_000;
        expect(await heldReason(guard, crank('b', 50_000n))).not.toBeNull(); // the backoff's retry
        expect(held).toHaveLength(1);
        expect(guard.holds()).toEqual([{ id: 'b', raffle: RAFFLE, action: 'claim-prize', reason: expect.stringContaining('lamports per hour'), lamports: '50000', tickets: 0, heldAt: T0 }]);
        expect(guard.usage()).toMatchObject({ holds: 1 });
        await spend(guard, crank('c', 40_000n)); // exactly at the limit: passes
        clock.t = T0 + HOUR + 1;
        expect(guard.usage().hour.lamports).toBe('40000');
        await spend(guard, crank('b', 50_000n)); // room again: the held step goes, its hold is gone
        expect(guard.holds()).toEqual([]);
        expect(held).toHaveLength(1);
        const audit = await store.listAudit();
        expect(audit.map(a => a.action)).toEqual(['spend:recorded', 'spend:held', 'spend:recorded', 'spend:recorded']);
        expect(audit[0]).toMatchObject({ actor: 'w1', subject: RAFFLE, data: { key: 'a', action: 'claim-prize', lamports: '60000', tickets: 0 } });
    });

    it('keeps 24 hours in the daily window, and counts reservations in flight', async () => {
        const { clock, guard } = await started({ perHour: { tickets: 100 }, perDay: { lamports: 100_000n } });
        const first = await guard.check(crank('a', 70_000n));
        expect(await heldReason(guard, crank('b', 40_000n))).toBe('lamports per day: 70000 spent + 40000 > 100000');
        first.cancel(); // never sent
        const second = await guard.check(crank('b', 40_000n));
        await second.record(30_000n); // what the chain showed
        await spend(guard, crank('c', 70_000n));
        expect(guard.usage().day).toEqual({ lamports: '100000', tickets: 0 });
        clock.t += 23 * HOUR;
        expect(await heldReason(guard, crank('d', 1n))).toMatch(/^lamports per day/);
        clock.t = T0 + 24 * HOUR + 1;
        expect(guard.usage()).toMatchObject({ hour: { lamports: '0' }, day: { lamports: '0' } });
        expect(await heldReason(guard, crank('d', 1n))).toBeNull();
    });

    it('release lets one held effect through once, whatever the limits', async () => {
        const { store, guard, held, released } = await started({ perHour: { lamports: 10_000n } });
        expect(await heldReason(guard, crank('claim-prize:R', 2_044_280n))).not.toBeNull();
        expect(await guard.release('nope')).toBe(false);
        expect(await guard.release('claim-prize:R')).toBe(true);
        expect(released.map(h => h.id)).toEqual(['claim-prize:R']);
        expect(guard.holds()).toEqual([]);
        await spend(guard, crank('claim-prize:R', 2_044_280n));
        expect(guard.usage().hour.lamports).toBe('2044280');
        // Used: the same key again is a new hold (and a new alert).
        expect(await heldReason(guard, crank('claim-prize:R', 5_000n))).not.toBeNull();
        expect(held).toHaveLength(2);
        const audit = await store.listAudit();
        expect(audit.map(a => a.action)).toEqual(['spend:held', 'spend:released', 'spend:recorded', 'spend:held']);
        expect(audit[1]!.data).toEqual({ id: 'claim-prize:R', kind: 'key', action: 'claim-prize', tickets: 0 });
        expect(audit[2]!.data).toMatchObject({ released: [{ id: 'claim-prize:R', tickets: 0 }] });
    });

    it('never issues more tickets than the raffle sold without a release', async () => {
        const { guard, held } = await started({ perHour: { tickets: 1_000 } });
        const chunk = (key: string, firstTicket: number, tickets: number, ticketsSold: number): SpendRequest => ({
            key,
            action: 'issue-tickets',
            raffle: RAFFLE,
            lamports: 5_000n,
            issuance: [{ key, claim: { tickets, firstTicket, ticketsSold }, chunk: { from: 0, to: tickets } }],
        });
        expect(await heldReason(guard, chunk('ok', 2, 2, 4))).toBeNull();
        expect(await heldReason(guard, chunk('past', 3, 2, 4))).toBe('more tickets than the raffle sold');
        expect(await heldReason(guard, chunk('big', 0, 5, 4))).toBe('more tickets than the raffle sold');
        expect(held.map(h => [h.id, h.tickets])).toEqual([
            ['past', 2],
            ['big', 5],
        ]);
        await expect(guard.check({ ...chunk('bad', 0, 2, 4), issuance: [{ key: 'bad', claim: { tickets: 2, firstTicket: 0, ticketsSold: 4 }, chunk: { from: 1, to: 3 } }] })).rejects.toSatisfy(e =>
            isRaffleError(e, RAFFLE_ERROR__INVALID_ARGUMENT),
        );
        expect(await guard.release('past')).toBe(true);
        expect(await heldReason(guard, chunk('past', 3, 2, 4))).toBeNull();
        expect(await heldReason(guard, chunk('big', 0, 5, 4))).not.toBeNull();
    });
});

describe('reload from the audit log', () => {
    it('rebuilds the last 24 h of spend and the unused releases, finding the start by binary search', async () => {
        const { clock, store, guard } = await started({ perHour: { lamports: 100_000n } });
        for (let i = 0; i < 3000; i++) await store.appendAudit({ actor: 'w1', action: 'effect:intent', subject: `k${i}`, data: null }); // old noise
        clock.t += 2 * HOUR;
        await spend(guard, crank('old', 50_000n)); // at T0+2h: out of the window at the restart
        clock.t += 2 * HOUR;
        await spend(guard, crank('day', 30_000n)); // T0+4h
        expect(await heldReason(guard, crank('unused', 90_000n))).not.toBeNull();
        expect(await heldReason(guard, crank('used', 90_000n))).not.toBeNull();
        await guard.release('unused');
        await guard.release('used');
        clock.t += HOUR + 1;
        await spend(guard, crank('used', 90_000n)); // T0+5h
        clock.t = T0 + 2 * HOUR + 24 * HOUR + 1; // the restart
        await spend(guard, crank('hour', 10_000n));

        const calls: { afterSeq?: number; limit?: number }[] = [];
        const counting = new Proxy(store, {
            get(target, prop) {
                if (prop === 'listAudit') return (input: Parameters<WorkerStore['listAudit']>[0]) => (calls.push({ ...input }), target.listAudit(input));
                const value = Reflect.get(target, prop) as unknown;
                return typeof value === 'function' ? value.bind(target) : value;
            },
        });
        const restarted = createSpendGuard({ limits: { perHour: { lamports: 100_000n } }, now: () => clock.t });
        await restarted.start({ store: counting, actor: 'w2' });
        expect(restarted.usage()).toMatchObject({ hour: { lamports: '10000' }, day: { lamports: '130000' }, holds: 0 });
        expect(calls.filter(c => c.limit === 1).length).toBeLessThan(30);
        expect(calls.filter(c => c.limit === 1000)).toHaveLength(1);
        expect(calls.find(c => c.limit === 1000)!.afterSeq).toBeGreaterThan(2990);
        // The unused release survives the restart; the used one does not.
        expect(await heldReason(restarted, crank('unused', 95_000n))).toBeNull();
        expect(await heldReason(restarted, crank('used', 95_000n))).not.toBeNull();
    });
});

// ---------------------------------------------------------------------------------------------
// The hooks, with a fake sender
// ---------------------------------------------------------------------------------------------

function fakeContext(guard: SpendGuard, store: WorkerStore, rpc: object = {}) {
    const sent: RaffleTransactionMessage[] = [];
    let n = 0;
    const sendAndConfirm: SendAndConfirmRaffleTransactionFunction = async (source, config) => {
        const message = (typeof source === 'function' ? await source() : source) as RaffleTransactionMessage;
        const signature = `${'5'.repeat(80)}${++n}` as Signature;
        await config?.onSigned?.({ signature, attempt: 1, blockhash: addr(90) as string as Blockhash, lastValidBlockHeight: 1_000n });
        sent.push(message);
        return { signature, attempts: 1, signatures: [signature] };
    };
    const events: RaffleAutomationEmitter = new EventEmitter();
    const ctx: AutomationContext = {
        rpc: rpc as AutomationRpc,
        store,
        programAddress: addr(80),
        cranker: createNoopSigner(addr(81)),
        sendAndConfirm,
        events,
        actor: 'w1',
        signal: new AbortController().signal,
        spend: guard,
    };
    return { ctx, sent };
}

describe('hooks', () => {
    it('runCrank: a held crank sends nothing, stays pending under its key (no failure, no new generation) and goes after a release', async () => {
        const { store, guard, held } = await started({ perHour: { lamports: 1_000_000n } });
        const meta = { meta: { fee: 5_000n, preBalances: [10_000_000n, 1n], postBalances: [7_955_720n, 1n] }, transaction: { message: { header: { numRequiredSignatures: 1 } } } };
        const { ctx, sent } = fakeContext(guard, store, { getTransaction: () => ({ send: async () => meta }) });
        const ata = getCreateAssociatedTokenIdempotentInstruction({ payer: ctx.cranker, ata: addr(3), owner: addr(4), mint: addr(5) });
        const c = {
            action: 'claim-prize',
            raffle: RAFFLE,
            key: `claim-prize:${RAFFLE}`,
            intent: { raffle: RAFFLE },
            build: async () => ({ ...createTransactionMessage({ version: 0 }), instructions: [ata] }) as RaffleTransactionMessage,
        };
        for (let i = 0; i < 3; i++) expect(await runCrank(ctx, c)).toEqual({ key: c.key, signature: null, alreadyDone: true, held: true });
        expect(sent).toHaveLength(0);
        expect(held).toHaveLength(1);
        expect(await store.getEffect(c.key)).toMatchObject({ status: 'pending', sendCount: 0 });
        expect((await store.listAudit()).map(a => a.action)).toEqual(['effect:intent', 'spend:held']);

        expect(await guard.release(c.key)).toBe(true);
        const result = await runCrank(ctx, c);
        expect(result).toMatchObject({ key: c.key, alreadyDone: false });
        expect(sent).toHaveLength(1);
        expect(await store.getEffect(c.key)).toMatchObject({ status: 'confirmed' });
        expect(guard.usage().hour.lamports).toBe('2044280'); // from the transaction's meta
    });

    it('issueInBatches: sends what fits, holds the rest of the pass once, and a release lets all of it through', async () => {
        const { store, guard, held } = await started({ perHour: { tickets: 4 } });
        const { ctx, sent } = fakeContext(guard, store);
        const issuer: MrftIssuer = {
            name: 'fake',
            slotsPerTransaction: 100,
            chunksPerTransaction: 8,
            authority: addr(20),
            historyAddress: async () => addr(21),
            buildIssue: async (claim, range) => ({
                instructions: [{ programAddress: addr(22), accounts: [{ address: claim.buyer, role: AccountRole.WRITABLE }], data: new Uint8Array([range.from, range.to]) }],
            }),
            findIssued: async () => [],
        };
        const counts = [2, 3, 1];
        const items: IssueItem[] = counts.map((tickets, i) => {
            const claim: RefundTicketClaim = {
                programAddress: addr(80),
                raffle: RAFFLE,
                raffleId: 1n,
                entry: addr(30 + i),
                entryIndex: i,
                buyer: addr(40 + i),
                tickets,
                firstTicket: counts.slice(0, i).reduce((a, b) => a + b, 0),
                ticketsSold: 6,
                ticketPrice: 1n,
                paymentMint: addr(23),
                raffleCreatedAt: 1n,
                refundDate: 2n,
            };
            return { claim, chunk: { from: 0, to: tickets }, key: `mrft:${claim.entry}:0-${tickets}` };
        });
        const first = await issueInBatches(ctx, issuer, items, 2);
        expect(first.error).toBeNull();
        expect(first.issued.map(i => i.claim.entryIndex)).toEqual([0]);
        expect(first.held?.hold).toMatchObject({ id: items[1]!.key, action: 'issue-tickets', tickets: 4, reason: 'tickets per hour: 2 issued + 3 > 4' });
        // The backoff's retry: the same hold, no second alert; nothing failed, no generation burned.
        const again = await issueInBatches(ctx, issuer, items, 2);
        expect(again.issued).toEqual([]);
        expect(again.held?.hold.id).toBe(items[1]!.key);
        expect(held).toHaveLength(1);
        expect(await store.getEffect(items[1]!.key)).toMatchObject({ status: 'pending' });
        expect(await store.getEffect(`${items[1]!.key}#1`)).toBeNull();

        expect(await guard.release(items[1]!.key)).toBe(true);
        const last = await issueInBatches(ctx, issuer, items, 2);
        expect(last.held).toBeNull();
        expect(last.issued.map(i => i.claim.entryIndex)).toEqual([1, 2]);
        expect(sent).toHaveLength(2);
        expect(guard.usage().hour.tickets).toBe(6);
        for (const item of items) expect(await store.getEffect(item.key)).toMatchObject({ status: 'confirmed' });
        const records = (await store.listAudit()).filter(a => a.action === 'spend:recorded').map(a => a.data);
        expect(records).toEqual([
            { key: items[0]!.key, action: 'issue-tickets', lamports: '5000', tickets: 2 },
            { key: items[1]!.key, action: 'issue-tickets', lamports: '5000', tickets: 4, released: [{ id: items[1]!.key, tickets: 4 }] },
        ]);
    });

    it('issueInBatches: a chunk past the raffle\'s tickets sold is held alone and sent only after a release', async () => {
        const { store, guard, held } = await started({ perDay: { tickets: 1_000 } });
        const { ctx, sent } = fakeContext(guard, store);
        const issuer: MrftIssuer = {
            name: 'fake',
            slotsPerTransaction: 100,
            authority: addr(20),
            historyAddress: async () => addr(21),
            buildIssue: async claim => ({ instructions: [{ programAddress: addr(22), accounts: [{ address: claim.buyer, role: AccountRole.WRITABLE }] }] }),
            findIssued: async () => [],
        };
        const claim: RefundTicketClaim = {
            programAddress: addr(80), raffle: RAFFLE, raffleId: 1n, entry: addr(30), entryIndex: 0, buyer: addr(40),
            tickets: 3, firstTicket: 2, ticketsSold: 4, ticketPrice: 1n, paymentMint: addr(23), raffleCreatedAt: 1n, refundDate: 2n,
        };
        const item: IssueItem = { claim, chunk: { from: 0, to: 3 }, key: `mrft:${claim.entry}:0-3` };
        const result = await issueInBatches(ctx, issuer, [item], 1);
        expect(result.held?.hold).toMatchObject({ id: item.key, reason: 'more tickets than the raffle sold', tickets: 3 });
        expect(sent).toHaveLength(0);
        expect(held).toHaveLength(1);
        await guard.release(item.key);
        expect((await issueInBatches(ctx, issuer, [item], 1)).issued).toEqual([item]);
        expect(sent).toHaveLength(1);
    });
});
