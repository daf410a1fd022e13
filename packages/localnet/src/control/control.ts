/**
 * Control of a running local cluster: time (slots, clock), commitment lags, out-of-band funding,
 * fixtures, snapshots, and fault injection (HTTP failures and delays, websocket drops, forks).
 * The same operations are served over JSON-RPC as `localnet_*` methods.
 */
import type { Address, EncodedAccount } from '@solana/kit';
import { lamports } from '@solana/kit';

import { accountFixtureInvalid, fixturesNotLoaded, invalidArgument, notAMint, optionInvalid, snapshotNotFound } from '../errors';
import { type AccountWriter, associatedTokenAddress, writeMint, writeTokenAccount } from '../fixtures/accounts';
import { deriveFixtureKeypair } from '../fixtures/keys';
import { addFixtureWallet, addPrizeNft, type FixturePrizeNft, type FixtureWallet, type RaffleFixtures } from '../fixtures/raffle-svm';
import { SYSTEM_PROGRAM_ADDRESS } from '../svm/addresses';
import type { Ledger, LedgerSnapshot, SendOutcome, TransactionRecord } from '../svm/ledger';
import { parseMint, parseTokenAccount } from '../svm/token';
import type { FaultConfig, FaultInjector, FaultStats } from './faults';

/**
 * What the control needs from the server around it.
 *
 * @example
 * ```ts
 * // Implemented by startLocalnet; tests may fake it:
 * const control = new LocalnetControl(host satisfies ControlHost);
 * ```
 */
export interface ControlHost {
    readonly ledger: Ledger;
    readonly faults: FaultInjector;
    readonly fixtures: RaffleFixtures | null;
    /** Drops every websocket connection; returns how many. */
    dropWebsockets(): number;
    /** Current slot timer interval (`null`: stopped). */
    slotIntervalMs(): number | null;
    /** Changes the slot timer (`null` stops it). */
    setSlotIntervalMs(ms: number | null): void;
    /** Live subscriptions and connections. */
    pubsubStats(): { subscriptions: number; connections: number };
}

/**
 * An account in the `solana account --output json` / `solana-test-validator --account` format.
 *
 * @example
 * ```ts
 * const account: AccountFixtureJson = { pubkey: address, account: { lamports: 1_000_000, data: ['AQID', 'base64'], owner: '11111111111111111111111111111111' } };
 * net.control.loadAccounts([account]);
 * ```
 */
export interface AccountFixtureJson {
    readonly pubkey: string;
    readonly account: {
        readonly lamports: number | string;
        readonly data: readonly [string, 'base64'] | readonly string[];
        readonly owner: string;
        readonly executable?: boolean;
    };
}

/**
 * A snapshot of the whole cluster kept by the control (by id).
 *
 * @example
 * ```ts
 * const { id }: SnapshotInfo = net.control.snapshot();
 * net.control.restore(id);
 * ```
 */
export interface SnapshotInfo {
    readonly id: string;
    readonly slot: bigint;
    readonly bytes: number;
}

/**
 * A summary of the cluster's state.
 *
 * @example
 * ```ts
 * const status: LocalnetStatus = net.control.status();
 * console.log(status.slots.finalized, status.faults.failureRate);
 * ```
 */
export interface LocalnetStatus {
    readonly slots: { processed: bigint; confirmed: bigint; finalized: bigint };
    readonly blockHeight: bigint;
    readonly unixTimestamp: bigint;
    readonly commitmentLags: { confirmation: number; finalization: number };
    readonly slotIntervalMs: number | null;
    readonly transactionCount: bigint;
    readonly faults: FaultConfig;
    readonly faultStats: FaultStats;
    readonly subscriptions: number;
    readonly connections: number;
}

const MAX_SNAPSHOTS = 64;
const U64_MAX = 18_446_744_073_709_551_615n;
/** Slots produced between two yields to the event loop by {@link LocalnetControl.advanceSlotsYielding}. */
const SLOTS_PER_TURN = 250;

/**
 * Control operations on a running cluster (returned as `control` by `startLocalnet`).
 *
 * @example
 * ```ts
 * const net = await startLocalnet({ rpcPort: 0 });
 * net.control.warpClock(net.control.status().unixTimestamp + 86_400n);
 * net.control.setFaults({ failureRate: 0.2, failureStatus: 503 });
 * const { dropped } = net.control.fork(signature);
 * ```
 */
export class LocalnetControl {
    private readonly snapshots = new Map<string, LedgerSnapshot>();
    private snapshotSeq = 0;
    private fixtureSeq = 0;

    /** @param host - the server around the control */
    constructor(private readonly host: ControlHost) {}

    /** A summary of slots, lags, faults and connections. */
    status(): LocalnetStatus {
        const { ledger } = this.host;
        return {
            slots: { processed: ledger.slot('processed'), confirmed: ledger.slot('confirmed'), finalized: ledger.slot('finalized') },
            blockHeight: ledger.block('processed').height,
            unixTimestamp: ledger.unixTimestamp,
            commitmentLags: ledger.commitmentLags,
            slotIntervalMs: this.host.slotIntervalMs(),
            transactionCount: ledger.transactionCount,
            faults: this.host.faults.config,
            faultStats: { ...this.host.faults.stats },
            ...this.host.pubsubStats(),
        };
    }

    // ---------------------------------------------------------------- time

    /**
     * Produces empty blocks (commitment frontiers move with them).
     *
     * @param count - number of slots
     * @returns the new processed slot
     */
    advanceSlots(count = 1): bigint {
        this.host.ledger.advanceSlots(count);
        return this.host.ledger.slot('processed');
    }

    /**
     * Produces empty blocks like {@link LocalnetControl.advanceSlots}, a few hundred at a time,
     * letting the event loop serve other clients in between (what `localnet_advanceSlots` does).
     *
     * @param count - number of slots, at most 100,000
     * @returns the new processed slot
     */
    async advanceSlotsYielding(count = 1): Promise<bigint> {
        if (!Number.isInteger(count) || count < 1 || count > 100_000) throw optionInvalid('count', 'must be an integer in [1, 100000]');
        for (let done = 0; done < count; ) {
            const n = Math.min(SLOTS_PER_TURN, count - done);
            this.host.ledger.advanceSlots(n);
            done += n;
            if (done < count) await new Promise<void>((resolve) => setImmediate(resolve));
        }
        return this.host.ledger.slot('processed');
    }

    /**
     * Jumps to a future slot (at most `MAX_WARP_SLOT`, 2^52).
     *
     * @param slot - the new tip slot
     */
    warpToSlot(slot: bigint): void {
        this.host.ledger.warpToSlot(slot);
    }

    /**
     * Moves the clock sysvar forward (and keeps it ticking from there), at most to
     * `MAX_WARP_UNIX_TIMESTAMP` (the last second a JavaScript `Date` holds).
     *
     * @param unixTimestamp - seconds since the epoch
     */
    warpClock(unixTimestamp: bigint): void {
        this.host.ledger.warpClock(unixTimestamp);
    }

    /**
     * Changes how far `confirmed` and `finalized` trail.
     *
     * @param lags - blocks of lag
     */
    setCommitmentLags(lags: { confirmation?: number; finalization?: number }): void {
        this.host.ledger.setCommitmentLags(lags);
    }

    /**
     * Changes the slot timer.
     *
     * @param ms - interval in ms, or `null` to stop producing empty slots
     */
    setSlotInterval(ms: number | null): void {
        if (ms !== null && (!Number.isInteger(ms) || ms < 10 || ms > 600_000)) throw optionInvalid('slotIntervalMs', 'must be null or an integer in [10, 600000]');
        this.host.setSlotIntervalMs(ms);
    }

    // ---------------------------------------------------------------- funding and fixtures

    private get writer(): AccountWriter {
        const { ledger } = this.host;
        return { setAccount: (a) => ledger.setAccount(a), minimumBalanceForRentExemption: (n) => ledger.svm.minimumBalanceForRentExemption(n) };
    }

    /**
     * Adds lamports to an account out of band (no transaction; use `requestAirdrop` for one).
     *
     * @param address - the account
     * @param amount - lamports to add
     * @returns the new balance
     */
    airdrop(address: Address, amount: bigint): bigint {
        if (amount <= 0n) throw invalidArgument('lamports', 'must be positive');
        const current = this.host.ledger.getAccount(address);
        const balance = BigInt(current?.lamports ?? 0n) + amount;
        if (balance > U64_MAX) throw invalidArgument('lamports', `the balance of ${address} would overflow u64`);
        this.host.ledger.setAccount(
            current
                ? { ...current, lamports: lamports(balance) }
                : { address, lamports: lamports(balance), data: new Uint8Array(), executable: false, programAddress: SYSTEM_PROGRAM_ADDRESS, space: 0n },
        );
        return balance;
    }

    /**
     * Gives `amount` base units of an SPL mint to `owner` (into its associated token account,
     * created if needed) and raises the mint's supply. Out of band: any mint, no authority needed.
     *
     * @param input - owner, mint and amount
     * @returns the token account and its new balance
     */
    async airdropTokens(input: { owner: Address; mint: Address; amount: bigint }): Promise<{ tokenAccount: Address; amount: bigint }> {
        if (input.amount <= 0n) throw invalidArgument('amount', 'must be positive');
        const { ledger } = this.host;
        const mintAccount = ledger.getAccount(input.mint);
        const mint = mintAccount ? parseMint(mintAccount.programAddress, mintAccount.data) : null;
        if (!mintAccount || !mint) throw notAMint(input.mint);
        const ata = await associatedTokenAddress(input.owner, input.mint);
        const existing = ledger.getAccount(ata);
        const state = existing ? parseTokenAccount(existing.programAddress, existing.data) : null;
        const amount = (state?.amount ?? 0n) + input.amount;
        if (amount > U64_MAX || mint.supply + input.amount > U64_MAX) throw invalidArgument('amount', 'the token balance or the supply would overflow u64');
        if (existing && !state) throw invalidArgument('owner', `the associated token account ${ata} exists but is not a token account`);
        if (existing && state) {
            const data = new Uint8Array(existing.data);
            new DataView(data.buffer).setBigUint64(64, amount, true);
            ledger.setAccount({ ...existing, data });
        } else {
            await writeTokenAccount(this.writer, { owner: input.owner, mint: input.mint, amount });
        }
        const mintData = new Uint8Array(mintAccount.data);
        new DataView(mintData.buffer).setBigUint64(36, mint.supply + input.amount, true);
        ledger.setAccount({ ...mintAccount, data: mintData });
        return { tokenAccount: ata, amount };
    }

    /**
     * Creates more fixture wallets and prize NFTs (needs the raffle fixtures).
     *
     * @param input - how many wallets and NFTs, and the NFT owner (default: the organizer)
     * @returns what was created
     */
    async loadFixtures(input: { wallets?: number; prizeNfts?: number; owner?: Address }): Promise<{ wallets: FixtureWallet[]; prizeNfts: FixturePrizeNft[] }> {
        const fixtures = this.host.fixtures;
        if (!fixtures) throw fixturesNotLoaded();
        const walletCount = input.wallets ?? 0;
        const nftCount = input.prizeNfts ?? 0;
        for (const [name, n] of [['wallets', walletCount], ['prizeNfts', nftCount]] as const) {
            if (!Number.isInteger(n) || n < 0 || n > 100) throw optionInvalid(name, 'must be an integer in [0, 100]');
        }
        const batch = this.fixtureSeq++;
        const wallets: FixtureWallet[] = [];
        for (let i = 0; i < walletCount; i++) {
            const key = await deriveFixtureKeypair(fixtures.seed, `extra-wallet:${batch}:${i}`);
            wallets.push(await addFixtureWallet(this.writer, key, fixtures.mints, { lamports: 100_000_000_000n, tokens: 1_000_000_000_000n, vouchers: 0n }));
        }
        const prizeNfts: FixturePrizeNft[] = [];
        for (let i = 0; i < nftCount; i++) {
            const key = await deriveFixtureKeypair(fixtures.seed, `extra-prize:${batch}:${i}`);
            prizeNfts.push(
                await addPrizeNft(this.writer, key, {
                    owner: input.owner ?? fixtures.organizer.address,
                    collection: fixtures.collection.mint,
                    updateAuthority: fixtures.mintAuthority.address,
                    index: 1000 * (batch + 1) + i,
                }),
            );
        }
        return { wallets, prizeNfts };
    }

    /**
     * Writes accounts given in the `solana account --output json` format.
     *
     * @param accounts - the accounts
     * @returns their addresses
     */
    loadAccounts(accounts: readonly AccountFixtureJson[]): Address[] {
        if (!Array.isArray(accounts) || accounts.length > 1000) throw invalidArgument('accounts', 'must be an array of at most 1000 accounts');
        const decoded: EncodedAccount[] = accounts.map((entry, i) => {
            const a = entry?.account;
            if (!a || typeof entry.pubkey !== 'string' || typeof a.owner !== 'string') throw accountFixtureInvalid(i, 'pubkey, account or account.owner is missing');
            const [text, encoding] = Array.isArray(a.data) ? a.data : [];
            if (typeof text !== 'string' || encoding !== 'base64') throw accountFixtureInvalid(i, 'data is not [base64, "base64"]');
            const data = new Uint8Array(Buffer.from(text, 'base64'));
            if (data.length > 10 * 1024 * 1024) throw accountFixtureInvalid(i, 'data is larger than 10 MiB');
            if (!isBase58Address(entry.pubkey)) throw accountFixtureInvalid(i, 'pubkey is not a base58 address');
            if (!isBase58Address(a.owner)) throw accountFixtureInvalid(i, 'owner is not a base58 address');
            const balance = asU64(a.lamports);
            if (balance === undefined) throw accountFixtureInvalid(i, 'lamports is not a u64 (number or decimal string)');
            return {
                address: entry.pubkey,
                lamports: lamports(balance),
                data,
                executable: a.executable === true,
                programAddress: a.owner,
                space: BigInt(data.length),
            };
        });
        for (const account of decoded) this.host.ledger.setAccount(account);
        return decoded.map((a) => a.address);
    }

    /**
     * Writes (or deletes, with 0 lamports) one account.
     *
     * @param account - the account
     */
    setAccount(account: EncodedAccount): void {
        this.host.ledger.setAccount(account);
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * Snapshots the whole cluster (accounts, slots, history, clock).
     *
     * @returns the snapshot id and size
     */
    snapshot(): SnapshotInfo {
        const snap = this.host.ledger.snapshot();
        const id = `snapshot-${++this.snapshotSeq}`;
        this.snapshots.set(id, snap);
        while (this.snapshots.size > MAX_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value!);
        return { id, slot: this.host.ledger.slot('processed'), bytes: snap.svm.length };
    }

    /**
     * Puts the cluster back to a snapshot. Slots, blockhashes and history go back too.
     *
     * @param id - from {@link LocalnetControl.snapshot}
     */
    restore(id: string): void {
        const snap = this.snapshots.get(id);
        if (!snap) throw snapshotNotFound(id);
        this.host.ledger.restore(snap);
    }

    /**
     * Forgets a snapshot.
     *
     * @param id - the snapshot id
     * @returns whether it existed
     */
    deleteSnapshot(id: string): boolean {
        return this.snapshots.delete(id);
    }

    // ---------------------------------------------------------------- faults

    /**
     * Changes fault injection (fields not given stay as they are).
     *
     * @param patch - see {@link FaultConfig}
     * @returns the faults now in effect
     */
    setFaults(patch: Partial<FaultConfig>): FaultConfig {
        return this.host.faults.set(patch);
    }

    /** Removes every fault. */
    clearFaults(): void {
        this.host.faults.clear();
    }

    /**
     * Drops every websocket connection abruptly.
     *
     * @returns the number dropped
     */
    dropWebsockets(): number {
        const n = this.host.dropWebsockets();
        this.host.faults.stats.droppedConnections += n;
        return n;
    }

    /**
     * Makes a landed, not yet finalized transaction disappear (its fork is abandoned): state
     * rolls back, later transactions are replayed in new slots, statuses and history forget it.
     *
     * @param signature - the transaction
     * @param options - `replay: false` drops the later transactions too
     * @returns the dropped transactions and the replays
     */
    fork(signature: string, options: { replay?: boolean } = {}): { dropped: TransactionRecord[]; replayed: SendOutcome[] } {
        return this.host.ledger.fork(signature, options);
    }
}

function isBase58Address(value: string): value is Address {
    return /^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(value);
}

function asU64(value: unknown): bigint | undefined {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
    if (typeof value === 'string' && /^\d{1,20}$/.test(value) && BigInt(value) <= U64_MAX) return BigInt(value);
    return undefined;
}

/**
 * Parses a u64 given as a JSON number or decimal string.
 *
 * @param value - the value
 * @param name - the field name for errors
 * @returns the value
 *
 * @example
 * ```ts
 * parseU64Input('18446744073709551615', 'lamports'); // 18446744073709551615n
 * ```
 */
export function parseU64Input(value: unknown, name: string): bigint {
    const parsed = asU64(value);
    if (parsed === undefined) throw invalidArgument(name, 'must be a u64 (number or decimal string)');
    return parsed;
}
