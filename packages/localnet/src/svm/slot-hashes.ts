/**
 * The SlotHashes sysvar as a cluster keeps it: the (slot, hash) of the ancestors of the current
 * slot, newest first, at most 512. A bank at slot N holds its parent (the block before it, even
 * across skipped slots) and older blocks, never N itself, so the Address Lookup Table program's
 * `create_lookup_table` finds every recent finalized slot there.
 *
 * The hash of an entry is the block's blockhash (a validator stores the bank hash, which this
 * cluster does not compute). Writing the 20 KiB account into LiteSVM costs tens of microseconds,
 * so {@link SlotHashesSysvar.update} only records where the clock is, and the account is written
 * when something can read it: a transaction that mentions the sysvar, the lookup-table program or
 * the vote program (the builtins that read it) or runs any program not known to leave it alone (a
 * program may read it through the `sol_get_sysvar` syscall), a read of the account, a snapshot.
 */
import type { Address } from '@solana/kit';

import {
    ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS,
    ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
    COMPUTE_BUDGET_PROGRAM_ADDRESS,
    ED25519_PROGRAM_ADDRESS,
    MEMO_V1_PROGRAM_ADDRESS,
    MEMO_V2_PROGRAM_ADDRESS,
    SECP256K1_PROGRAM_ADDRESS,
    SECP256R1_PROGRAM_ADDRESS,
    SYSTEM_PROGRAM_ADDRESS,
    TOKEN_2022_PROGRAM_ADDRESS,
    TOKEN_PROGRAM_ADDRESS,
    VOTE_PROGRAM_ADDRESS,
} from './addresses';
import type { SvmAccess } from './access';
import { addressToBytes } from './access';

/** Entries the sysvar holds (`MAX_ENTRIES` of `solana_slot_hashes`). */
export const SLOT_HASHES_MAX_ENTRIES = 512;

/**
 * The SlotHashes sysvar address.
 *
 * @internal
 * @example
 * ```ts
 * const account = ledger.getAccount(SLOT_HASHES_ADDRESS);
 * ```
 */
export const SLOT_HASHES_ADDRESS = 'SysvarS1otHashes111111111111111111111111111' as Address;

const SYSVAR_OWNER = 'Sysvar1111111111111111111111111111111111111' as Address;
const READERS = new Set<string>([SLOT_HASHES_ADDRESS, ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS, VOTE_PROGRAM_ADDRESS]);
/** Programs known not to read SlotHashes (a transaction of only these needs no fresh copy). */
const NON_READERS = new Set<string>([
    SYSTEM_PROGRAM_ADDRESS,
    COMPUTE_BUDGET_PROGRAM_ADDRESS,
    ED25519_PROGRAM_ADDRESS,
    SECP256K1_PROGRAM_ADDRESS,
    SECP256R1_PROGRAM_ADDRESS,
    TOKEN_PROGRAM_ADDRESS,
    TOKEN_2022_PROGRAM_ADDRESS,
    ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
    MEMO_V1_PROGRAM_ADDRESS,
    MEMO_V2_PROGRAM_ADDRESS,
]);
const ENTRY_SIZE = 40;
/** `SlotHashes::size_of()`: the u64 length prefix and 512 entries; the account never shrinks. */
const ACCOUNT_SIZE = 8 + SLOT_HASHES_MAX_ENTRIES * ENTRY_SIZE;
/** Entries kept beyond the 512 written, so that a rewind by one block keeps 512. */
const KEPT = SLOT_HASHES_MAX_ENTRIES + 1;

/** A block as far as SlotHashes cares. */
interface SlotHashSource {
    readonly slot: bigint;
    readonly blockhash: string;
}

/**
 * Keeps the SlotHashes account of one LiteSVM in step with the ledger's blocks.
 *
 * @internal
 * @example
 * ```ts
 * const slotHashes = new SlotHashesSysvar();
 * slotHashes.update(currentSlot, blocks); // after every clock change: cheap
 * slotHashes.flushFor(access, accountKeys, parsed.instructions); // before executing a transaction
 * ```
 */
export class SlotHashesSysvar {
    private slots: bigint[] = [];
    private hashes: string[] = [];
    private readonly data = new Uint8Array(ACCOUNT_SIZE);
    private readonly view = new DataView(this.data.buffer);
    private account: { lamports: bigint; owner: Address } | undefined;
    /** Where the clock is and the blocks to read (`undefined`: nothing to write). */
    private targetSlot: bigint | undefined;
    private targetBlocks: readonly SlotHashSource[] = [];
    private written = false;

    /** Forgets everything (the SVM was replaced by one whose account is already right). */
    reset(): void {
        this.clear();
        this.targetSlot = undefined;
        this.targetBlocks = [];
    }

    private clear(): void {
        this.slots = [];
        this.hashes = [];
        this.written = false;
    }

    /**
     * Records that the clock is at `currentSlot`: the sysvar must hold the blocks before it.
     *
     * @param currentSlot - the slot the clock is at
     * @param blocks - the ledger's blocks, oldest first (kept by reference until the flush)
     */
    update(currentSlot: bigint, blocks: readonly SlotHashSource[]): void {
        this.targetSlot = currentSlot;
        this.targetBlocks = blocks;
    }

    /**
     * Writes the account if a transaction with these keys and instructions could read it.
     *
     * @param access - the LiteSVM to write to
     * @param accountKeys - every account of the transaction (static and loaded)
     * @param instructions - its top-level instructions (their programs)
     */
    flushFor(access: SvmAccess, accountKeys: readonly Address[], instructions: readonly { readonly programIdIndex: number }[]): void {
        if (this.targetSlot === undefined) return;
        const reads =
            accountKeys.some((key) => READERS.has(key)) ||
            instructions.some((ix) => {
                const program = accountKeys[ix.programIdIndex];
                return program === undefined || !NON_READERS.has(program);
            });
        if (reads) this.flush(access);
    }

    /**
     * Writes the account if anything changed since the last write.
     *
     * @param access - the LiteSVM to write to
     */
    flush(access: SvmAccess): void {
        const currentSlot = this.targetSlot;
        const blocks = this.targetBlocks;
        if (currentSlot === undefined) return;
        this.targetSlot = undefined;
        this.targetBlocks = [];
        let i = blocks.length - 1;
        while (i >= 0 && blocks[i]!.slot >= currentSlot) i--;
        if (i < 0) {
            if (this.written && this.slots.length === 0) return;
            this.clear();
        } else if (!this.advanceTo(blocks, i)) {
            return;
        }
        this.write(access);
    }

    /** Brings the entries to `blocks[i]` and older; false when they already are. */
    private advanceTo(blocks: readonly SlotHashSource[], i: number): boolean {
        const newest = blocks[i]!;
        if (this.written && this.slots[0] === newest.slot && this.hashes[0] === newest.blockhash) return false;
        if (this.slots.length > 0) {
            // Newer blocks on top of the cached ones: shift them in.
            for (let j = i - 1, n = 1; j >= 0 && n < SLOT_HASHES_MAX_ENTRIES; j--, n++) {
                if (blocks[j]!.slot < this.slots[0]!) break;
                if (blocks[j]!.slot === this.slots[0] && blocks[j]!.blockhash === this.hashes[0]) {
                    this.shiftIn(blocks, i, n);
                    return true;
                }
            }
            // The clock went back (a preflight failure is undone): drop the newest entries.
            const k = this.slots.indexOf(newest.slot);
            if (k > 0 && this.hashes[k] === newest.blockhash) {
                this.drop(k);
                return true;
            }
        }
        this.rebuild(blocks, i);
        return true;
    }

    private shiftIn(blocks: readonly SlotHashSource[], i: number, n: number): void {
        const kept = Math.min(this.slots.length, KEPT - n);
        this.slots.length = kept;
        this.hashes.length = kept;
        this.data.copyWithin(8 + n * ENTRY_SIZE, 8, ACCOUNT_SIZE - n * ENTRY_SIZE);
        const fresh = blocks.slice(i - n + 1, i + 1).reverse();
        this.slots.unshift(...fresh.map((b) => b.slot));
        this.hashes.unshift(...fresh.map((b) => b.blockhash));
        fresh.forEach((block, index) => this.writeEntry(index, block));
    }

    private drop(k: number): void {
        this.slots.splice(0, k);
        this.hashes.splice(0, k);
        this.data.copyWithin(8, 8 + k * ENTRY_SIZE, ACCOUNT_SIZE);
        // The bytes held 512 entries: the tail comes from the spare entries kept aside.
        const count = Math.min(this.slots.length, SLOT_HASHES_MAX_ENTRIES);
        for (let j = Math.max(0, SLOT_HASHES_MAX_ENTRIES - k); j < count; j++) {
            this.writeEntry(j, { slot: this.slots[j]!, blockhash: this.hashes[j]! });
        }
    }

    private rebuild(blocks: readonly SlotHashSource[], newestIndex: number): void {
        this.clear();
        for (let j = newestIndex; j >= 0 && this.slots.length < KEPT; j--) {
            const block = blocks[j]!;
            if (this.slots.length < SLOT_HASHES_MAX_ENTRIES) this.writeEntry(this.slots.length, block);
            this.slots.push(block.slot);
            this.hashes.push(block.blockhash);
        }
    }

    private writeEntry(index: number, block: SlotHashSource): void {
        const at = 8 + index * ENTRY_SIZE;
        this.view.setBigUint64(at, block.slot, true);
        this.data.set(addressToBytes(block.blockhash as Address), at + 8);
    }

    private write(access: SvmAccess): void {
        const count = Math.min(this.slots.length, SLOT_HASHES_MAX_ENTRIES);
        this.view.setBigUint64(0, BigInt(count), true);
        this.data.fill(0, 8 + count * ENTRY_SIZE);
        if (this.account === undefined) {
            const existing = access.getAccount(SLOT_HASHES_ADDRESS);
            this.account = { lamports: BigInt(existing?.lamports ?? 1n), owner: existing?.programAddress ?? SYSVAR_OWNER };
        }
        access.setAccountBytes(SLOT_HASHES_ADDRESS, { lamports: this.account.lamports, data: this.data, owner: this.account.owner, executable: false });
        this.written = true;
    }
}
