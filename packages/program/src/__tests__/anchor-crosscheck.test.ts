/**
 * Independent cross-check with Anchor: its EventParser (fed the IDL and the raw logs of real
 * transactions) finds the same events as our generated decoders, and its BorshCoder decodes our
 * accounts into the same values as the generated account decoders.
 */
import { BN, BorshCoder, EventParser, type Idl } from '@coral-xyz/anchor';
import { RWA_RAFFLE_EVENTS, RefundMode, getConfigDecoder, getEntryDecoder, getRaffleDecoder } from '@raffle/client';
import type { Address } from '@solana/kit';
import { PublicKey } from '@solana/web3.js';
import { beforeAll, describe, expect, it } from 'vitest';

import { rwaRaffleIdl } from '../index';
import { COLLECTED_LOGS, DAY, RaffleHarness, decodeEvents } from './support/harness';

const idl = rwaRaffleIdl as unknown as Idl;
const coder = new BorshCoder(idl);

/** Variant name -> index, over every enum of the IDL (the names are unique). */
const VARIANTS = new Map<string, number>();
for (const t of rwaRaffleIdl.types) {
    if (t.type.kind === 'enum') (t.type as { variants: { name: string }[] }).variants.forEach((v, i) => VARIANTS.set(v.name.toLowerCase(), i));
}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Anchor's values in our shapes: base58 strings, bigints, byte arrays, enum indexes, camelCase keys. */
function fromAnchor(value: unknown): unknown {
    if (value instanceof PublicKey) return value.toBase58();
    if (BN.isBN(value)) return BigInt((value as BN).toString());
    if (value instanceof Uint8Array) return [...value];
    if (Array.isArray(value)) return value.map(fromAnchor);
    if (typeof value === 'object' && value !== null) {
        const entries = Object.entries(value);
        if (entries.length === 1 && typeof entries[0]![1] === 'object' && entries[0]![1] !== null && Object.keys(entries[0]![1] as object).length === 0) {
            const index = VARIANTS.get(entries[0]![0].toLowerCase());
            if (index !== undefined) return index;
        }
        return Object.fromEntries(entries.map(([k, v]) => [camel(k), fromAnchor(v)]));
    }
    return value;
}

/** Our decoded values in the same shapes (byte arrays as number arrays, no discriminator). */
function fromOurs(value: unknown): unknown {
    if (value instanceof Uint8Array) return [...value];
    if (Array.isArray(value)) return value.map(fromOurs);
    if (typeof value === 'object' && value !== null) {
        return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'discriminator').map(([k, v]) => [k, fromOurs(v)]));
    }
    return value;
}

let h: RaffleHarness;
const raffles: Address[] = [];

beforeAll(async () => {
    h = await RaffleHarness.create();
    const start = h.now();
    // Completed by the hash-chain draw, with claims.
    const a = await h.createRaffle({ maxTickets: 5 });
    const buyers = [await h.buyer(1_000_000_000n, 10n), await h.buyer()];
    await h.joinWithTicket(a.address, buyers[0]!.signer, buyers[0]!.mrft, 2);
    await h.joinWithToken(a.address, buyers[1]!.signer, buyers[1]!.payment, 3);
    await h.requestDraw(a.address);
    await h.drawCallback(a.address);
    const win = await h.winningEntry(a.address);
    await h.claimPrize(a.address, await h.tokenAccount(win.entry.buyer, h.prizeMint), win.address);
    await h.claimProceeds(a.address, await h.tokenAccount(a.organizer.address, h.paymentMint), await h.tokenAccount(h.treasury.address, h.paymentMint));
    // Settled.
    const b = await h.createRaffle({ maxTickets: 2 });
    await h.sellOut(b.address);
    await h.sendOk([h.settleInstruction(b.address, 1)], [h.settleAuthority]);
    // Refunded in both modes.
    const c = await h.createRaffle({ deadline: start + DAY });
    const d = await h.createRaffle({ deadline: start + DAY, refundMode: RefundMode.Vouchers });
    await h.joinWithToken(c.address, buyers[1]!.signer, buyers[1]!.payment, 2);
    await h.joinWithTicket(c.address, buyers[0]!.signer, buyers[0]!.mrft, 1);
    await h.joinWithToken(d.address, buyers[1]!.signer, buyers[1]!.payment, 2);
    h.setTime(start + DAY);
    await h.refundBatch(c.address, await h.refundAccounts(c.address, 0, 2, o => buyers.find(x => x.signer.address === o)?.payment));
    await h.refundBatch(d.address, await h.refundAccounts(d.address, 0, 1, () => undefined));
    await h.claimPrize(c.address, await h.tokenAccount(c.organizer.address, h.prizeMint));
    await h.claimProceeds(d.address, await h.tokenAccount(d.organizer.address, h.paymentMint), await h.tokenAccount(h.treasury.address, h.paymentMint));
    // Cancelled.
    const e = await h.createRaffle({ deadline: start + 2n * DAY });
    await h.sendOk([h.cancelInstruction(e.address, e.organizer)], [e.organizer]);
    raffles.push(a.address, b.address, c.address, d.address, e.address);
});

describe('Anchor EventParser vs the generated event decoders', () => {
    it('decodes the same events from every transaction log', () => {
        const parser = new EventParser(new PublicKey(h.programId), coder);
        let count = 0;
        const seen = new Set<string>();
        for (const logs of COLLECTED_LOGS) {
            const anchorEvents = [...parser.parseLogs(logs, true)].map(e => ({ name: e.name, data: fromAnchor(e.data) }));
            const ours = decodeEvents(logs).map(e => ({ name: e.name, data: fromOurs(e.data) }));
            expect(anchorEvents).toEqual(ours);
            count += ours.length;
            for (const e of ours) seen.add(e.name);
        }
        expect(count).toBeGreaterThan(20);
        // Every event of the IDL was emitted and cross-checked (ConfigUpdated by initialize_config).
        expect([...seen].sort()).toEqual(Object.keys(RWA_RAFFLE_EVENTS).sort());
    });
});

describe('Anchor BorshCoder vs the generated account decoders', () => {
    it('decodes Config, Raffle and Entry accounts identically', async () => {
        const check = (name: 'Config' | 'Raffle' | 'Entry', address: Address, ours: unknown) => {
            const account = h.svm.getAccount(address);
            if (!account.exists) throw new Error(`missing ${address}`);
            const decoded = coder.accounts.decode(name, Buffer.from(account.data));
            expect(fromAnchor(decoded)).toEqual(fromOurs(ours));
        };
        const config = h.svm.getAccount(h.config);
        if (!config.exists) throw new Error('no config');
        check('Config', h.config, getConfigDecoder().decode(config.data));
        let entries = 0;
        for (const raffle of raffles) {
            const r = h.svm.getAccount(raffle);
            if (!r.exists) throw new Error('no raffle');
            const decoded = getRaffleDecoder().decode(r.data);
            check('Raffle', raffle, decoded);
            for (let i = 0; i < decoded.entriesCount; i++) {
                const address = await h.entryAddress(raffle, i);
                const e = h.svm.getAccount(address);
                if (!e.exists) throw new Error('no entry');
                check('Entry', address, getEntryDecoder().decode(e.data));
                entries++;
            }
        }
        expect(entries).toBeGreaterThan(4);
    });
});
