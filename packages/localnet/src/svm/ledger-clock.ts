/**
 * The ledger's clock: blocks and slots, the blockhash window, the commitment frontiers and
 * their lags, the Clock sysvar (cluster time, epochs), and warps of slot and time.
 *
 * Each block gets the next slot (or a warped one) and a unix time from the time source plus an
 * offset that `warpClock` moves; time never goes backwards. `confirmed` trails `processed` by
 * `confirmation` blocks, `finalized` trails `confirmed` by `finalization` blocks, and a
 * frontier never moves back even when a lag grows.
 */
import { Clock, type LiteSVM } from 'litesvm';

import { clockBackwards, optionInvalid, slotNotInFuture } from '../errors';
import { emitLedgerEvent, type LedgerCore } from './ledger-core';
import { pruneHistory } from './ledger-history';
import type { BlockInfo, Commitment, LedgerState } from './ledger-types';
import { checkWarpSlot, checkWarpUnixTimestamp } from './time-limits';

const MAX_KEPT_BLOCKS = 8192;

/**
 * The fixed settings of a {@link LedgerClock}.
 *
 * @example
 * ```ts
 * const settings: ClockSettings = { blockhashValidity: 150n, now: Date.now, slotsPerEpoch: 432_000n, maxHistory: 100_000 };
 * ```
 */
export interface ClockSettings {
    /** Blocks for which a blockhash stays valid. */
    readonly blockhashValidity: bigint;
    /** Milliseconds since the epoch. */
    readonly now: () => number;
    /** Slots per epoch (no warmup). */
    readonly slotsPerEpoch: bigint;
    /** Transactions kept in history (pruned as finality moves). */
    readonly maxHistory: number;
}

/**
 * Commitment lags in blocks.
 *
 * @example
 * ```ts
 * const lags: CommitmentLags = { confirmation: 1, finalization: 31 };
 * ```
 */
export interface CommitmentLags {
    /** Blocks by which `confirmed` trails `processed`. */
    readonly confirmation: number;
    /** Blocks by which `finalized` trails `confirmed`. */
    readonly finalization: number;
}

/**
 * Checks a commitment lag.
 *
 * @param name - the option name, for the error
 * @param value - the lag in blocks
 * @returns the value, an integer in [0, 1000]
 * @example
 * ```ts
 * checkLag('finalizationLag', 31); // 31
 * ```
 */
export function checkLag(name: string, value: number): number {
    if (!Number.isInteger(value) || value < 0 || value > 1000) throw optionInvalid(name, 'must be an integer in [0, 1000]');
    return value;
}

/**
 * The bookkeeping of a fresh ledger: one genesis block at the SVM's current clock slot, at the
 * SVM's clock time (or now when it has none), with every frontier on it.
 *
 * @param svm - the LiteSVM the ledger starts from
 * @param now - the time source (milliseconds since the epoch)
 * @returns the state and the genesis block
 * @example
 * ```ts
 * const { state, genesis } = genesisState(svm, Date.now);
 * ```
 */
export function genesisState(svm: LiteSVM, now: () => number): { state: LedgerState; genesis: BlockInfo } {
    const clock = svm.getClock();
    const slot = clock.slot;
    const nowUnix = BigInt(Math.floor(now() / 1000));
    const unix = clock.unixTimestamp > 0n ? clock.unixTimestamp : nowUnix;
    const blockhash = svm.latestBlockhash();
    const genesis: BlockInfo = { slot, parent: slot === 0n ? 0n : slot - 1n, height: slot, blockhash, blockTime: unix };
    const state: LedgerState = {
        blocks: [genesis],
        blockSignatures: new Map(),
        blockhashes: new Map([[blockhash, genesis.height]]),
        history: new Map(),
        byAddress: new Map(),
        recent: [],
        frontier: { confirmed: slot, finalized: slot },
        emittedSeq: { confirmed: -1, finalized: -1 },
        clockOffsetMs: Number(unix) * 1000 - now(),
        lastUnix: unix,
        seq: 0,
        transactionCount: 0n,
        epochStartTimestamp: unix,
    };
    return { state, genesis };
}

/**
 * Slots, blocks, commitment frontiers and cluster time of a ledger.
 *
 * @example
 * ```ts
 * const clock = new LedgerClock(core, settings, { confirmation: 1, finalization: 31 });
 * clock.advanceSlots(10);
 * console.log(clock.slot('confirmed'), clock.unixTimestamp);
 * ```
 */
export class LedgerClock {
    private lags: CommitmentLags;

    /**
     * @param core - the shared ledger state
     * @param settings - blockhash window, time source, epoch length, history bound
     * @param lags - the initial commitment lags, checked with {@link checkLag}
     */
    constructor(
        private readonly core: LedgerCore,
        private readonly settings: ClockSettings,
        lags: CommitmentLags,
    ) {
        this.lags = { ...lags };
    }

    /** The current commitment lags (blocks). */
    get commitmentLags(): { confirmation: number; finalization: number } {
        return { ...this.lags };
    }

    /**
     * Changes the commitment lags; the frontiers move at once if they now can.
     *
     * @param lags - new lags; omitted ones stay
     */
    setCommitmentLags(lags: { confirmation?: number; finalization?: number }): void {
        this.lags = {
            confirmation: checkLag('confirmationLag', lags.confirmation ?? this.lags.confirmation),
            finalization: checkLag('finalizationLag', lags.finalization ?? this.lags.finalization),
        };
        this.advanceFrontiers();
    }

    /**
     * The block at the frontier of a commitment level.
     *
     * @param commitment - the level (default `finalized`, the RPC default)
     * @returns the block
     */
    block(commitment: Commitment = 'finalized'): BlockInfo {
        const { state } = this.core;
        const { blocks } = state;
        const lag = commitment === 'processed' ? 0 : commitment === 'confirmed' ? this.lags.confirmation : this.lags.confirmation + this.lags.finalization;
        const frontier = blocks[Math.max(0, blocks.length - 1 - lag)]!;
        if (commitment === 'processed') return frontier;
        // A frontier never moves backwards, even if the lag grows.
        const recorded = state.frontier[commitment];
        if (frontier.slot >= recorded) return frontier;
        return this.findBlock(recorded) ?? frontier;
    }

    /**
     * The slot at a commitment level.
     *
     * @param commitment - the level
     * @returns the slot
     */
    slot(commitment: Commitment = 'finalized'): bigint {
        return this.block(commitment).slot;
    }

    /**
     * The latest blockhash at a commitment level and the last block height at which it is valid.
     *
     * @param commitment - the level
     * @returns the blockhash and `lastValidBlockHeight`
     */
    latestBlockhash(commitment: Commitment = 'finalized'): { blockhash: string; lastValidBlockHeight: bigint } {
        const block = this.block(commitment);
        return { blockhash: block.blockhash, lastValidBlockHeight: block.height + this.settings.blockhashValidity };
    }

    /**
     * Whether a blockhash is still valid for new transactions.
     *
     * @param blockhash - base58 blockhash
     * @returns true when a transaction using it can land
     */
    isBlockhashValid(blockhash: string): boolean {
        const height = this.core.state.blockhashes.get(blockhash);
        return height !== undefined && this.block('processed').height <= height + this.settings.blockhashValidity;
    }

    /**
     * Produces `count` empty blocks.
     *
     * @param count - number of blocks, an integer in [1, 100000]
     */
    advanceSlots(count = 1): void {
        if (!Number.isInteger(count) || count < 1 || count > 100_000) throw optionInvalid('count', 'must be an integer in [1, 100000]');
        for (let i = 0; i < count; i++) this.produceBlock();
    }

    /**
     * Jumps to a future slot: the next block has that slot number, the block height grows by one.
     *
     * @param slot - the new tip slot, greater than the current one
     */
    warpToSlot(slot: bigint): void {
        const tip = this.block('processed').slot;
        if (slot <= tip) throw slotNotInFuture(slot, tip);
        checkWarpSlot(slot);
        this.produceBlock(slot);
    }

    /**
     * Moves the cluster time forward and keeps it ticking from there; produces one block.
     *
     * @param unixTimestamp - the new time in seconds; not before the current one
     */
    warpClock(unixTimestamp: bigint): void {
        const { state } = this.core;
        if (unixTimestamp < state.lastUnix) throw clockBackwards(unixTimestamp, state.lastUnix);
        checkWarpUnixTimestamp(unixTimestamp);
        state.clockOffsetMs = Number(unixTimestamp) * 1000 - this.settings.now();
        this.produceBlock();
    }

    /** The current cluster time (unix seconds) of the tip. */
    get unixTimestamp(): bigint {
        return this.core.state.lastUnix;
    }

    /**
     * The unix time of the next block: the time source plus the warp offset, never before the
     * tip's time.
     *
     * @returns unix seconds
     */
    nextUnix(): bigint {
        const { state } = this.core;
        const computed = BigInt(Math.floor((this.settings.now() + state.clockOffsetMs) / 1000));
        return computed > state.lastUnix ? computed : state.lastUnix;
    }

    /**
     * Appends a block: expires LiteSVM's blockhash, records the new one, sets the Clock and
     * SlotHashes sysvars, moves the frontiers and emits `slot`.
     *
     * @param targetSlot - its slot (default: the tip's slot plus one)
     * @param time - its unix time (default: {@link LedgerClock.nextUnix})
     * @returns the block
     */
    produceBlock(targetSlot?: bigint, time?: bigint): BlockInfo {
        const { state: s, svm } = this.core;
        const { blockhashValidity } = this.settings;
        const tip = s.blocks[s.blocks.length - 1]!;
        const slot = targetSlot ?? tip.slot + 1n;
        svm.expireBlockhash();
        const blockhash = svm.latestBlockhash();
        const unix = time ?? this.nextUnix();
        const block: BlockInfo = { slot, parent: tip.slot, height: tip.height + 1n, blockhash, blockTime: unix };
        s.blocks.push(block);
        if (s.blocks.length > MAX_KEPT_BLOCKS * 2) s.blocks.splice(0, s.blocks.length - MAX_KEPT_BLOCKS);
        s.blockhashes.set(blockhash, block.height);
        if (s.blockhashes.size > Number(blockhashValidity) * 4 + 64) {
            for (const [hash, height] of s.blockhashes) {
                if (height + blockhashValidity < block.height) s.blockhashes.delete(hash);
                else break;
            }
        }
        this.applyClock(slot, unix);
        this.advanceFrontiers();
        emitLedgerEvent(this.core.events, 'slot', { slot, parent: tip.slot, root: s.frontier.finalized });
        return block;
    }

    /**
     * Sets the Clock sysvar (slot, epoch, epoch start, time) and updates SlotHashes.
     *
     * @param slot - the current slot
     * @param unix - the current unix time
     */
    applyClock(slot: bigint, unix: bigint): void {
        const { state: s, svm } = this.core;
        const epoch = slot / this.settings.slotsPerEpoch;
        const previous = svm.getClock();
        if (previous.epoch !== epoch) s.epochStartTimestamp = unix;
        s.lastUnix = unix;
        svm.setClock(new Clock(slot, s.epochStartTimestamp, epoch, epoch + 1n, unix));
        this.core.slotHashes.update(slot, s.blocks);
    }

    /**
     * Moves the `confirmed` and `finalized` frontiers to where the lags put them, emits
     * `commitment` for the transactions they passed, and forgets what can no longer be forked.
     */
    advanceFrontiers(): void {
        const { state: s } = this.core;
        for (const level of ['confirmed', 'finalized'] as const) {
            const slot = this.block(level).slot;
            const previous = s.frontier[level];
            const emitted = s.emittedSeq[level];
            // By sequence, not slot: with a zero lag a transaction is at the frontier as it lands.
            const records = s.recent.filter((r) => r.seq > emitted && r.slot <= slot);
            if (slot <= previous && records.length === 0) continue;
            s.frontier[level] = slot > previous ? slot : previous;
            if (records.length > 0) s.emittedSeq[level] = records[records.length - 1]!.seq;
            emitLedgerEvent(this.core.events, 'commitment', { commitment: level, slot: s.frontier[level], records });
        }
        // Transactions at or below finality can no longer be forked; stop tracking them.
        let drop = 0;
        while (drop < s.recent.length && s.recent[drop]!.slot <= s.frontier.finalized && s.recent[drop]!.seq <= s.emittedSeq.finalized) drop++;
        if (drop > 0) s.recent.splice(0, drop);
        pruneHistory(s, this.settings.maxHistory);
    }

    private findBlock(slot: bigint): BlockInfo | undefined {
        const { blocks } = this.core.state;
        for (let i = blocks.length - 1; i >= 0; i--) {
            const b = blocks[i]!;
            if (b.slot === slot) return b;
            if (b.slot < slot) return undefined;
        }
        return undefined;
    }
}
