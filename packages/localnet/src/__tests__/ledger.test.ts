import { deserializeMetadata } from '@metaplex-foundation/mpl-token-metadata';
import { publicKey } from '@metaplex-foundation/umi';
import { getConfigDecoder } from '@raffle/client';
import {
    isRaffleError,
    RAFFLE_ERROR__LOCALNET__CLOCK_BACKWARDS,
    RAFFLE_ERROR__LOCALNET__FIXTURE_TRANSACTION_FAILED,
    RAFFLE_ERROR__LOCALNET__OPTION_INVALID,
    RAFFLE_ERROR__LOCALNET__SLOT_NOT_IN_FUTURE,
    RAFFLE_ERROR__LOCALNET__TRANSACTION_FINALIZED,
    RAFFLE_ERROR__LOCALNET__TRANSACTION_NOT_FOUND,
} from '@raffle/errors';
import { type Address, getBase64Encoder, lamports } from '@solana/kit';
import { getTransferSolInstruction } from '@solana-program/system';
import { beforeEach, describe, expect, it } from 'vitest';

import { createRaffleSvm, Ledger, type LedgerEvents, type RaffleFixtures } from '../index';
import { buildTx } from './helpers';

const wire = (b64: string) => new Uint8Array(getBase64Encoder().encode(b64));

describe('createRaffleSvm (library layer)', () => {
    it('deploys the program with a real ProgramData account and initializes the config', async () => {
        const { svm, fixtures } = await createRaffleSvm({ wallets: 2, prizeNfts: 2 });
        expect(fixtures.configInitialized).toBe(true);
        const config = svm.getAccount(fixtures.configAddress);
        expect(config.exists).toBe(true);
        if (!config.exists) return;
        const decoded = getConfigDecoder().decode(config.data);
        expect(decoded.admin).toBe(fixtures.admin.address);
        expect(decoded.permitSigners[0]).toBe(fixtures.permitSigner.address);
        expect(decoded.drawAuthority).toBe(fixtures.drawAuthority.address);
        expect(decoded.feeBps).toBe(250);
        expect(decoded.mrftMint).toBe(fixtures.mints.MRFT.address);
        expect(new Uint8Array(decoded.drawCommitment)).toEqual(fixtures.drawHashChain.commitment);
        const pd = svm.getAccount(fixtures.programDataAddress!);
        expect(pd.exists && pd.programAddress).toBe('BPFLoaderUpgradeab1e11111111111111111111111');
    });

    it('writes prize NFTs whose Metaplex metadata names the verified collection', async () => {
        const { svm, fixtures } = await createRaffleSvm({ wallets: 1, prizeNfts: 3 });
        expect(fixtures.prizeNfts).toHaveLength(3);
        for (const nft of fixtures.prizeNfts) {
            const md = svm.getAccount(nft.metadata);
            if (!md.exists) throw new Error('missing metadata');
            expect(md.programAddress).toBe('metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s');
            const m = deserializeMetadata({
                publicKey: publicKey(md.address),
                data: md.data as Uint8Array,
                executable: false,
                owner: publicKey(md.programAddress),
                lamports: { basisPoints: 0n, identifier: 'SOL', decimals: 9 },
            });
            expect(m.mint).toBe(nft.mint);
            expect(m.collection).toEqual({ __option: 'Some', value: { key: fixtures.collection.mint, verified: true } });
        }
    });

    it('derives the same keys from the same seed, different ones from another seed', async () => {
        const a = await createRaffleSvm({ seed: 's1', wallets: 1, prizeNfts: 0, programBytes: null });
        const b = await createRaffleSvm({ seed: 's1', wallets: 1, prizeNfts: 0, programBytes: null });
        const c = await createRaffleSvm({ seed: 's2', wallets: 1, prizeNfts: 0, programBytes: null });
        expect(a.fixtures.wallets[0]!.address).toBe(b.fixtures.wallets[0]!.address);
        expect(a.fixtures.wallets[0]!.address).not.toBe(c.fixtures.wallets[0]!.address);
        expect(a.fixtures.configInitialized).toBe(false);
    });

    it('rejects bad options with RAFFLE_ERROR__LOCALNET__OPTION_INVALID naming the option', async () => {
        await expect(createRaffleSvm({ feeBps: 10_001 })).rejects.toSatisfy(
            (e) => isRaffleError(e, RAFFLE_ERROR__LOCALNET__OPTION_INVALID) && e.context.option === 'feeBps',
        );
        const { svm } = await createRaffleSvm({ wallets: 1, prizeNfts: 0, programBytes: null });
        expect(() => new Ledger(svm, { finalizationLag: 1001 })).toThrow(
            expect.objectContaining({ code: RAFFLE_ERROR__LOCALNET__OPTION_INVALID, context: { option: 'finalizationLag', reason: 'must be an integer in [0, 1000]' } }),
        );
    });

    it('reports a failed fixture transaction with its step', async () => {
        // The config exists already in this SVM, so initialize_config fails the second time.
        const { svm } = await createRaffleSvm({ wallets: 1, prizeNfts: 0 });
        await expect(createRaffleSvm({ svm, wallets: 1, prizeNfts: 0 })).rejects.toSatisfy(
            (e) => isRaffleError(e, RAFFLE_ERROR__LOCALNET__FIXTURE_TRANSACTION_FAILED) && e.context.step === 'initialize_config',
        );
    });
});

describe('Ledger', () => {
    let ledger: Ledger;
    let fixtures: RaffleFixtures;
    const someone = 'Fg6PaFpoGXkYsidMpWTK6W2BeZ7FEfcYkg476zPFsLnS' as Address;

    beforeEach(async () => {
        const created = await createRaffleSvm({ wallets: 2, prizeNfts: 0 });
        fixtures = created.fixtures;
        ledger = new Ledger(created.svm, { confirmationLag: 1, finalizationLag: 2 });
    });

    async function transfer(amount: bigint, from = fixtures.wallets[0]!) {
        const { wire: w, signature } = await buildTx(
            [getTransferSolInstruction({ source: from.keypair.signer, destination: someone, amount })],
            from.keypair.signer,
            ledger.latestBlockhash('processed').blockhash,
        );
        return { bytes: wire(w), signature };
    }

    it('gives each transaction its own slot and moves commitment frontiers with the lags', async () => {
        const { bytes, signature } = await transfer(1_000_000_000n);
        const outcome = ledger.sendTransaction(bytes);
        expect(outcome.kind).toBe('landed');
        const slot = ledger.slot('processed');
        expect(ledger.statusOf(signature)?.confirmationStatus).toBe('processed');
        expect(ledger.getAccount(someone, 'processed')?.lamports).toBe(lamports(1_000_000_000n));
        expect(ledger.getAccount(someone, 'confirmed')).toBeNull();
        ledger.advanceSlots(1);
        expect(ledger.slot('confirmed')).toBe(slot);
        expect(ledger.statusOf(signature)?.confirmationStatus).toBe('confirmed');
        expect(ledger.getAccount(someone, 'confirmed')?.lamports).toBe(lamports(1_000_000_000n));
        expect(ledger.getAccount(someone, 'finalized')).toBeNull();
        ledger.advanceSlots(2);
        expect(ledger.statusOf(signature)).toMatchObject({ confirmationStatus: 'finalized', confirmations: null });
        expect(ledger.getAccount(someone, 'finalized')?.lamports).toBe(lamports(1_000_000_000n));
    });

    it('with zero lags, emits confirmed and finalized commitment events as the transaction lands', async () => {
        ledger.setCommitmentLags({ confirmation: 0, finalization: 0 });
        const seen: string[] = [];
        const onCommitment = (e: LedgerEvents['commitment']) => seen.push(...e.records.map((r) => `${e.commitment}:${r.signature}`));
        ledger.events.on('commitment', onCommitment);
        const { bytes, signature } = await transfer(1_000_000_000n);
        expect(ledger.sendTransaction(bytes).kind).toBe('landed');
        ledger.events.off('commitment', onCommitment);
        expect(seen).toEqual([`confirmed:${signature}`, `finalized:${signature}`]);
        expect(ledger.statusOf(signature)?.confirmationStatus).toBe('finalized');
    });

    it('rejects duplicates and expired blockhashes without landing them', async () => {
        const { bytes } = await transfer(1_000_000_000n);
        expect(ledger.sendTransaction(bytes).kind).toBe('landed');
        const again = ledger.sendTransaction(bytes);
        expect(again).toMatchObject({ kind: 'preflight-failed', simulation: { err: 'AlreadyProcessed' } });
        expect(ledger.sendTransaction(bytes, { skipPreflight: true })).toMatchObject({ kind: 'dropped', err: 'AlreadyProcessed' });
        const late = await transfer(2_000_000_000n);
        ledger.advanceSlots(151);
        expect(ledger.sendTransaction(late.bytes)).toMatchObject({ kind: 'preflight-failed', simulation: { err: 'BlockhashNotFound' } });
    });

    it('forks a confirmed transaction away, replays the later ones and restores the state', async () => {
        const first = await transfer(1_000_000_000n, fixtures.wallets[0]);
        const second = await transfer(2_000_000_000n, fixtures.wallets[1]);
        const balanceBefore = ledger.getAccount(fixtures.wallets[0]!.address)!.lamports;
        expect(ledger.sendTransaction(first.bytes).kind).toBe('landed');
        expect(ledger.sendTransaction(second.bytes).kind).toBe('landed');
        ledger.advanceSlots(1);
        expect(ledger.statusOf(first.signature)?.confirmationStatus).toBe('confirmed');
        const { dropped, replayed } = ledger.fork(first.signature);
        expect(dropped.map((r) => r.signature)).toEqual([first.signature, second.signature]);
        expect(replayed.map((o) => o.kind)).toEqual(['landed']);
        expect(ledger.statusOf(first.signature)).toBeUndefined();
        expect(ledger.getTransaction(first.signature)).toBeUndefined();
        expect(ledger.statusOf(second.signature)?.confirmationStatus).toBe('processed');
        expect(ledger.getAccount(fixtures.wallets[0]!.address)!.lamports).toBe(balanceBefore);
        expect(ledger.getAccount(someone)!.lamports).toBe(lamports(2_000_000_000n));
        ledger.advanceSlots(3);
        expect(() => ledger.fork(second.signature)).toThrow(
            expect.objectContaining({ code: RAFFLE_ERROR__LOCALNET__TRANSACTION_FINALIZED, context: expect.objectContaining({ signature: second.signature }) }),
        );
        expect(() => ledger.fork(first.signature)).toThrow(expect.objectContaining({ code: RAFFLE_ERROR__LOCALNET__TRANSACTION_NOT_FOUND }));
    });

    it('reports the fee the runtime charges (signatures, precompile signatures, priority fees)', async () => {
        const payer = fixtures.wallets[0]!;
        const budget = (kind: 2 | 3, value: bigint, size: number) => {
            const data = new Uint8Array(1 + size);
            data[0] = kind;
            const dv = new DataView(data.buffer);
            if (size === 4) dv.setUint32(1, Number(value), true);
            else dv.setBigUint64(1, value, true);
            return { programAddress: 'ComputeBudget111111111111111111111111111111' as Address, data };
        };
        const transferIx = getTransferSolInstruction({ source: payer.keypair.signer, destination: someone, amount: 1_000_000_000n });
        const cases = [[transferIx], [budget(3, 1_000_000n, 8), transferIx], [budget(2, 300_000n, 4), budget(3, 2_500_000n, 8), transferIx]];
        const fees: bigint[] = [];
        for (const instructions of cases) {
            const before = BigInt(ledger.getAccount(payer.address)!.lamports);
            const { wire: w } = await buildTx(instructions, payer.keypair.signer, ledger.latestBlockhash('processed').blockhash);
            const outcome = ledger.sendTransaction(wire(w));
            if (outcome.kind !== 'landed') throw new Error(outcome.kind);
            expect(before - BigInt(ledger.getAccount(payer.address)!.lamports) - 1_000_000_000n).toBe(outcome.record.fee);
            fees.push(outcome.record.fee);
        }
        expect(fees).toEqual([5000n, 5000n + 6000n, 5000n + 750_000n]);
    });

    it('snapshots and restores accounts, slots and history', async () => {
        const snap = ledger.snapshot();
        const slot = ledger.slot('processed');
        const { bytes, signature } = await transfer(1_000_000_000n);
        ledger.sendTransaction(bytes);
        expect(ledger.getAccount(someone)).not.toBeNull();
        ledger.restore(snap);
        expect(ledger.slot('processed')).toBe(slot);
        expect(ledger.getAccount(someone)).toBeNull();
        expect(ledger.statusOf(signature)).toBeUndefined();
        // The program still runs after a restore.
        const again = await transfer(1_000_000_000n);
        expect(ledger.sendTransaction(again.bytes).kind).toBe('landed');
    });

    it('warps the clock forward only', () => {
        const now = ledger.unixTimestamp;
        ledger.warpClock(now + 86_400n);
        expect(ledger.svm.getClock().unixTimestamp).toBe(now + 86_400n);
        expect(() => ledger.warpClock(now)).toThrow(
            expect.objectContaining({ code: RAFFLE_ERROR__LOCALNET__CLOCK_BACKWARDS, context: { requested: now, current: now + 86_400n } }),
        );
        ledger.warpToSlot(ledger.slot('processed') + 1000n);
        expect(ledger.svm.getClock().slot).toBe(ledger.slot('processed'));
        const tip = ledger.slot('processed');
        expect(() => ledger.warpToSlot(tip)).toThrow(expect.objectContaining({ code: RAFFLE_ERROR__LOCALNET__SLOT_NOT_IN_FUTURE, context: { requested: tip, current: tip } }));
    });
});
