/**
 * The program tests' harness over the localnet's fixtures: `createRaffleSvm` (from
 * `@raffle/localnet`) builds the world once per test run (rwa_raffle deployed under the
 * upgradeable loader with a real ProgramData account whose upgrade authority is the fixture
 * admin, the fixture keys, USDC and MRFT mints, the draw hash chain) plus a fungible prize mint,
 * kept in the run's cache (`cachedForRun`) so test files and workers load it instead of building
 * it; every `RaffleHarness.create()` starts from a copy of it (`LiteSVM.fromBytes`) and
 * initializes the config through the program (unless asked not to). The rest are helpers to
 * build, send and assert.
 */
import { createHash } from 'node:crypto';

import {
    RefundMode,
    RWA_RAFFLE_EVENTS,
    RWA_RAFFLE_PROGRAM_ADDRESS,
    type Config,
    type Entry,
    type Raffle,
    type RwaRaffleEvent,
    findEntryPda,
    findPaymentVaultPda,
    findPrizeVaultPda,
    findRafflePda,
    getConfigDecoder,
    getDrawCallbackInstruction,
    getEntryDecoder,
    getInitializeConfigInstruction,
    getInitializeRaffleWithPermitInstruction,
    getJoinWithTicketInstruction,
    getJoinWithTokenInstruction,
    getRaffleDecoder,
    getRequestDrawArciumInstruction,
    getRefundBatchInstruction,
    getClaimPrizeInstruction,
    getClaimProceedsInstruction,
    getCancelRaffleInstruction,
    getSettleDrawInstruction,
} from '@raffle/client';
import { cachedForRun } from '@raffle/test-support';
import {
    AccountRole,
    type AccountMeta,
    type Address,
    type Instruction,
    type KeyPairSigner,
    type TransactionSigner,
    address,
    appendTransactionMessageInstructions,
    createKeyPairSignerFromPrivateKeyBytes,
    createTransactionMessage,
    generateKeyPairSigner,
    getAddressEncoder,
    lamports,
    pipe,
    setTransactionMessageFeePayerSigner,
    setTransactionMessageLifetimeUsingBlockhash,
    signTransactionMessageWithSigners,
} from '@solana/kit';
import { AccountState, getMintDecoder, getMintEncoder, getTokenDecoder, getTokenEncoder } from '@solana-program/token';
import { Clock, FailedTransactionMetadata, LiteSVM, type TransactionMetadata } from 'litesvm';
import { expect } from 'vitest';

import { readRaffleProgramBytes } from '../../index';
import { encodePermitMessage, type PermitFields, permitVerifyInstruction, TestPermitSigner } from './permit';

export const LOADER_UPGRADEABLE = address('BPFLoaderUpgradeab1e11111111111111111111111');
export const TOKEN_PROGRAM = address('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
export const SYSTEM_PROGRAM = address('11111111111111111111111111111111');
export const START_TIME = 1_750_000_000n;
export const START_SLOT = 1_000n;
export const DAY = 86_400n;
export const FEE_BPS = 250;
export const HASH_CHAIN_LENGTH = 64;
/** Seed of the fixture keys of the program tests. */
export const FIXTURE_SEED = 'program-tests';

export type TxResult = TransactionMetadata | FailedTransactionMetadata;
export type { TransactionMetadata };

/** The program binary, read once. */
export const PROGRAM_BYTES: Uint8Array = readRaffleProgramBytes();

export function sha256(...parts: Uint8Array[]): Uint8Array {
    const h = createHash('sha256');
    for (const p of parts) h.update(p);
    return new Uint8Array(h.digest());
}

export function addressBytes(a: Address): Uint8Array {
    return new Uint8Array(getAddressEncoder().encode(a));
}

/** The world every harness starts from: the localnet's fixtures, config not initialized yet. */
interface World {
    readonly svmBytes: Uint8Array;
    readonly admin: KeyPairSigner;
    readonly permitSeed: Uint8Array;
    readonly drawAuthority: KeyPairSigner;
    readonly settleAuthority: KeyPairSigner;
    readonly treasury: KeyPairSigner;
    readonly mintAuthority: KeyPairSigner;
    readonly prizeMint: Address;
    readonly paymentMint: Address;
    readonly mrftMint: Address;
    readonly config: Address;
    readonly programData: Address;
    /** The draw hash chain as [seed, H(seed), ..., commitment]: `reveals[i]` of the fixtures is `chain[length - 1 - i]`. */
    readonly hashChain: Uint8Array[];
}

/** What the world file keeps besides the SVM: the fixtures in `fixturesToJson`'s format, and the prize mint. */
interface WorldJson {
    readonly prizeMint: Address;
    readonly fixtures: {
        readonly [key in 'admin' | 'permitSigner' | 'drawAuthority' | 'settleAuthority' | 'treasury' | 'mintAuthority']: { readonly secretKey: number[] };
    } & {
        readonly mints: Readonly<Record<'USDC' | 'MRFT', { readonly address: Address }>>;
        readonly configAddress: Address;
        readonly programDataAddress: Address;
        readonly drawHashChain: { readonly commitment: string; readonly reveals: readonly string[] };
    };
}

let fileWorld: Promise<World> | undefined;

/** Loads the run's world once per test file (module state lives as long as the file). */
function loadWorld(): Promise<World> {
    fileWorld ??= (async () => {
        const bytes = await cachedForRun(`${FIXTURE_SEED}-world.bin`, buildWorld);
        const jsonLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
        const json = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + jsonLength))) as WorldJson;
        const f = json.fixtures;
        const signer = (key: { secretKey: number[] }) => createKeyPairSignerFromPrivateKeyBytes(Uint8Array.from(key.secretKey.slice(0, 32)));
        const hex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
        const [admin, drawAuthority, settleAuthority, treasury, mintAuthority] = await Promise.all(
            [f.admin, f.drawAuthority, f.settleAuthority, f.treasury, f.mintAuthority].map(signer),
        );
        return {
            svmBytes: bytes.subarray(4 + jsonLength),
            admin: admin!,
            permitSeed: Uint8Array.from(f.permitSigner.secretKey.slice(0, 32)),
            drawAuthority: drawAuthority!,
            settleAuthority: settleAuthority!,
            treasury: treasury!,
            mintAuthority: mintAuthority!,
            prizeMint: json.prizeMint,
            paymentMint: f.mints.USDC.address,
            mrftMint: f.mints.MRFT.address,
            config: f.configAddress,
            programData: f.programDataAddress,
            hashChain: [...[...f.drawHashChain.reveals].reverse().map(hex), hex(f.drawHashChain.commitment)],
        };
    })();
    return fileWorld;
}

/** Builds the world with the localnet's fixtures (only when the run has none yet: the import is heavy). */
async function buildWorld(): Promise<Uint8Array> {
    const { createRaffleSvm, deriveFixtureKeypair, fixturesToJson } = await import('@raffle/localnet');
    const { svm, fixtures } = await createRaffleSvm({
        seed: FIXTURE_SEED,
        wallets: 0,
        prizeNfts: 0,
        hashChainLength: HASH_CHAIN_LENGTH,
        feeBps: FEE_BPS,
        startSlot: START_SLOT,
        unixTimestamp: START_TIME,
        initializeConfig: false,
    });
    // A fungible prize mint (decimals 0), so raffles can put up more than one unit.
    const prizeMint = (await deriveFixtureKeypair(FIXTURE_SEED, 'mint:PRIZE')).address;
    writeMint(svm, prizeMint, 0, fixtures.mintAuthority.address, 0n);
    const json = new TextEncoder().encode(JSON.stringify({ prizeMint, fixtures: fixturesToJson(fixtures) }));
    const svmBytes = svm.toBytes();
    const out = new Uint8Array(4 + json.length + svmBytes.length);
    new DataView(out.buffer).setUint32(0, json.length, true);
    out.set(json, 4);
    out.set(svmBytes, 4 + json.length);
    return out;
}

function writeMint(svm: LiteSVM, mint: Address, decimals: number, mintAuthority: Address, supply: bigint): void {
    const data = new Uint8Array(getMintEncoder().encode({ mintAuthority, supply, decimals, isInitialized: true, freezeAuthority: null }));
    svm.setAccount({ address: mint, data, executable: false, lamports: lamports(svm.minimumBalanceForRentExemption(82n)), programAddress: TOKEN_PROGRAM, space: 82n });
}

/** The `Custom(n)` code and instruction index of a failed transaction. */
export function instructionError(result: TxResult): { index: number; code: number | undefined; raw: string } | undefined {
    if (!(result instanceof FailedTransactionMetadata)) return undefined;
    const error: unknown = result.err();
    const raw = String(result.toString());
    if (typeof error === 'object' && error !== null && 'index' in error && 'err' in error && typeof error.err === 'function') {
        const inner: unknown = error.err();
        const code = typeof inner === 'object' && inner !== null && 'code' in inner && typeof inner.code === 'number' ? inner.code : undefined;
        return { index: Number(error.index), code, raw };
    }
    return { index: -1, code: undefined, raw };
}

export function logsOf(result: TxResult): string[] {
    return result instanceof FailedTransactionMetadata ? result.meta().logs() : result.logs();
}

/** Decodes our `Program data:` log lines with the generated event decoders. */
export function decodeEvents(logs: readonly string[]): RwaRaffleEvent[] {
    const events: RwaRaffleEvent[] = [];
    for (const line of logs) {
        if (!line.startsWith('Program data: ')) continue;
        const bytes = new Uint8Array(Buffer.from(line.slice('Program data: '.length), 'base64'));
        for (const def of Object.values(RWA_RAFFLE_EVENTS)) {
            if (def.discriminator.every((b, i) => bytes[i] === b)) {
                events.push({ name: def.name, data: def.getDecoder().decode(bytes) } as RwaRaffleEvent);
            }
        }
    }
    return events;
}

export function eventsOf(result: TxResult): RwaRaffleEvent[] {
    return decodeEvents(logsOf(result));
}

/** Every log list of a successful transaction sent through a harness (for the Anchor cross-check). */
export const COLLECTED_LOGS: string[][] = [];
/** Compute units per label, from successful transactions. */
export const COMPUTE_UNITS = new Map<string, bigint[]>();

export interface RaffleOptions {
    organizer?: KeyPairSigner;
    raffleId?: bigint;
    tier?: number;
    enterpriseId?: Uint8Array;
    prizeMint?: Address;
    prizeAmount?: bigint;
    paymentMint?: Address;
    ticketPrice?: bigint;
    maxTickets?: number;
    deadline?: bigint;
    refundMode?: RefundMode;
    expiresAt?: bigint;
    signer?: TestPermitSigner;
}

export interface CreateRaffleBuild {
    organizer: KeyPairSigner;
    fields: PermitFields;
    message: Uint8Array;
    raffle: Address;
    prizeVault: Address;
    paymentVault: Address;
    organizerPrizeAccount: Address;
    verify: Instruction;
    create: Instruction;
}

export interface RaffleHandle {
    address: Address;
    organizer: KeyPairSigner;
    raffleId: bigint;
    prizeVault: Address;
    paymentVault: Address;
    organizerPrizeAccount: Address;
    fields: PermitFields;
    result: TransactionMetadata;
}

export interface HarnessOptions {
    /** Skip initialize_config (tests of initialize_config itself). */
    initializeConfig?: boolean;
    feeBps?: number;
    settleEnabled?: boolean;
    vouchersEnabled?: boolean;
}

export class RaffleHarness {
    readonly programId: Address = RWA_RAFFLE_PROGRAM_ADDRESS;
    nextRaffleId = 1n;
    revealsUsed = 0;
    private seq = 0;

    private constructor(
        readonly svm: LiteSVM,
        readonly admin: KeyPairSigner,
        readonly permitSigner: TestPermitSigner,
        readonly drawAuthority: KeyPairSigner,
        readonly settleAuthority: KeyPairSigner,
        readonly treasury: KeyPairSigner,
        readonly mintAuthority: KeyPairSigner,
        readonly prizeMint: Address,
        readonly paymentMint: Address,
        readonly mrftMint: Address,
        readonly config: Address,
        readonly programData: Address,
        readonly hashChain: Uint8Array[],
    ) {}

    static async create(options: HarnessOptions = {}): Promise<RaffleHarness> {
        const w = await loadWorld();
        const h = new RaffleHarness(
            LiteSVM.fromBytes(w.svmBytes),
            w.admin,
            TestPermitSigner.fromSeed(w.permitSeed),
            w.drawAuthority,
            w.settleAuthority,
            w.treasury,
            w.mintAuthority,
            w.prizeMint,
            w.paymentMint,
            w.mrftMint,
            w.config,
            w.programData,
            w.hashChain,
        );
        if (options.initializeConfig !== false) {
            await h.sendOk([h.initializeConfigInstruction(options)], [h.admin], 'initialize_config');
        }
        return h;
    }

    /** The initialize_config instruction with the harness's keys. */
    initializeConfigInstruction(options: HarnessOptions = {}, admin: TransactionSigner = this.admin): Instruction {
        return getInitializeConfigInstruction({
            admin,
            config: this.config,
            programData: this.programData,
            permitSigners: [this.permitSigner.address, SYSTEM_PROGRAM],
            drawAuthority: this.drawAuthority.address,
            drawCommitment: this.hashChain[HASH_CHAIN_LENGTH]!,
            settleAuthority: options.settleEnabled === false ? SYSTEM_PROGRAM : this.settleAuthority.address,
            treasury: this.treasury.address,
            feeBps: options.feeBps ?? FEE_BPS,
            mrftMint: options.vouchersEnabled === false ? SYSTEM_PROGRAM : this.mrftMint,
        });
    }

    // ---- accounts ----

    setMint(mint: Address, decimals: number, supply = 1_000_000_000_000_000n): void {
        writeMint(this.svm, mint, decimals, this.mintAuthority.address, supply);
    }

    /**
     * A token account of `mint` owned by `owner` holding `amount`, at a fresh address (or `at`).
     * The mint's supply grows by `amount`, as if it had been minted.
     */
    async tokenAccount(owner: Address, mint: Address, amount = 0n, at?: Address): Promise<Address> {
        const addr = at ?? (await generateKeyPairSigner()).address;
        const data = new Uint8Array(
            getTokenEncoder().encode({ mint, owner, amount, delegate: null, state: AccountState.Initialized, isNative: null, delegatedAmount: 0n, closeAuthority: null }),
        );
        this.svm.setAccount({ address: addr, data, executable: false, lamports: lamports(this.svm.minimumBalanceForRentExemption(165n)), programAddress: TOKEN_PROGRAM, space: 165n });
        const mintAccount = this.svm.getAccount(mint);
        if (amount > 0n && mintAccount.exists && mintAccount.programAddress === TOKEN_PROGRAM && mintAccount.data.length === 82) {
            const state = getMintDecoder().decode(mintAccount.data);
            this.svm.setAccount({ ...mintAccount, data: new Uint8Array(getMintEncoder().encode({ ...state, supply: state.supply + amount })) });
        }
        return addr;
    }

    balance(tokenAccount: Address): bigint {
        const account = this.svm.getAccount(tokenAccount);
        if (!account.exists) throw new Error(`no account ${tokenAccount}`);
        return getTokenDecoder().decode(account.data).amount;
    }

    async wallet(sol = 10n): Promise<KeyPairSigner> {
        const w = await generateKeyPairSigner();
        this.svm.airdrop(w.address, lamports(sol * 1_000_000_000n));
        return w;
    }

    raffle(address: Address): Raffle {
        const account = this.svm.getAccount(address);
        if (!account.exists) throw new Error(`no raffle ${address}`);
        return getRaffleDecoder().decode(account.data);
    }

    entry(address: Address): Entry {
        const account = this.svm.getAccount(address);
        if (!account.exists) throw new Error(`no entry ${address}`);
        return getEntryDecoder().decode(account.data);
    }

    configAccount(): Config {
        const account = this.svm.getAccount(this.config);
        if (!account.exists) throw new Error('no config');
        return getConfigDecoder().decode(account.data);
    }

    // ---- time ----

    now(): bigint {
        return this.svm.getClock().unixTimestamp;
    }

    setTime(unixTimestamp: bigint): void {
        const c = this.svm.getClock();
        this.svm.setClock(new Clock(c.slot, c.epochStartTimestamp, c.epoch, c.leaderScheduleEpoch, unixTimestamp));
    }

    warpSlots(slots: bigint): void {
        const c = this.svm.getClock();
        this.svm.setClock(new Clock(c.slot + slots, c.epochStartTimestamp, c.epoch, c.leaderScheduleEpoch, c.unixTimestamp));
    }

    // ---- transactions ----

    async send(instructions: readonly Instruction[], signers: readonly TransactionSigner[]): Promise<TxResult> {
        this.svm.expireBlockhash(); // identical transactions must not be taken for duplicates
        const [payer, ...others] = signers;
        if (!payer) throw new Error('a fee payer is required');
        void others; // signers embedded in the instruction account metas sign too
        const message = pipe(
            createTransactionMessage({ version: 0 }),
            m => setTransactionMessageFeePayerSigner(payer, m),
            m => setTransactionMessageLifetimeUsingBlockhash({ blockhash: this.svm.latestBlockhash(), lastValidBlockHeight: 1_000_000n }, m),
            m => appendTransactionMessageInstructions(instructions, m),
        );
        return this.svm.sendTransaction(await signTransactionMessageWithSigners(message));
    }

    async sendOk(instructions: readonly Instruction[], signers: readonly TransactionSigner[], label?: string): Promise<TransactionMetadata> {
        const result = await this.send(instructions, signers);
        if (result instanceof FailedTransactionMetadata) {
            throw new Error(`${label ?? 'transaction'} failed: ${result.toString()}\n${result.meta().logs().join('\n')}`);
        }
        COLLECTED_LOGS.push(result.logs());
        if (label) {
            const list = COMPUTE_UNITS.get(label) ?? [];
            list.push(this.programComputeUnits(result.logs()));
            COMPUTE_UNITS.set(label, list);
        }
        return result;
    }

    /** Units our program consumed (its top-level invocation, CPIs included), from the logs. */
    programComputeUnits(logs: readonly string[]): bigint {
        let total = 0n;
        const re = new RegExp(`^Program ${this.programId} consumed (\\d+) of \\d+ compute units$`);
        for (const line of logs) {
            const m = re.exec(line);
            if (m) total += BigInt(m[1]!);
        }
        return total;
    }

    /** Sends and asserts `InstructionError(index, Custom(code))`. */
    async expectError(instructions: readonly Instruction[], signers: readonly TransactionSigner[], code: number, index = instructions.length - 1): Promise<FailedTransactionMetadata> {
        const result = await this.send(instructions, signers);
        const err = instructionError(result);
        if (!err) throw new Error(`expected Custom(${code}) at instruction ${index}, but the transaction succeeded:\n${logsOf(result).join('\n')}`);
        expect({ index: err.index, code: err.code }, `${err.raw}\n${logsOf(result).join('\n')}`).toEqual({ index, code });
        return result as FailedTransactionMetadata;
    }

    // ---- raffles ----

    /** Builds (without sending) the Ed25519 + initialize_raffle_with_permit pair. */
    async buildCreateRaffle(options: RaffleOptions = {}): Promise<CreateRaffleBuild> {
        const organizer = options.organizer ?? (await this.wallet());
        const raffleId = options.raffleId ?? this.nextRaffleId++;
        const prizeMint = options.prizeMint ?? this.prizeMint;
        const prizeAmount = options.prizeAmount ?? 1n;
        const [raffle] = await findRafflePda({ organizer: organizer.address, raffleId });
        const [prizeVault] = await findPrizeVaultPda({ raffle });
        const [paymentVault] = await findPaymentVaultPda({ raffle });
        const organizerPrizeAccount = await this.tokenAccount(organizer.address, prizeMint, prizeAmount === 0n ? 1n : prizeAmount);
        const fields: PermitFields = {
            programId: this.programId,
            config: this.config,
            organizer: organizer.address,
            raffleId,
            tier: options.tier ?? 1,
            enterpriseId: options.enterpriseId ?? Uint8Array.from({ length: 16 }, (_, i) => i + 1),
            prizeMint,
            prizeAmount,
            paymentMint: options.paymentMint ?? this.paymentMint,
            ticketPrice: options.ticketPrice ?? 1_000_000n,
            maxTickets: options.maxTickets ?? 10,
            deadline: options.deadline ?? this.now() + DAY,
            refundMode: options.refundMode ?? RefundMode.Tokens,
            expiresAt: options.expiresAt ?? this.now() + 300n,
        };
        const message = encodePermitMessage(fields);
        const verify = permitVerifyInstruction(options.signer ?? this.permitSigner, message);
        const create = getInitializeRaffleWithPermitInstruction({
            organizer,
            config: this.config,
            raffle,
            prizeMint,
            paymentMint: fields.paymentMint,
            organizerPrizeAccount,
            prizeVault,
            paymentVault,
            raffleId,
            tier: fields.tier,
            enterpriseId: fields.enterpriseId,
            prizeAmount,
            ticketPrice: fields.ticketPrice,
            maxTickets: fields.maxTickets,
            deadline: fields.deadline,
            refundMode: fields.refundMode,
            expiresAt: fields.expiresAt,
        });
        return { organizer, fields, message, raffle, prizeVault, paymentVault, organizerPrizeAccount, verify, create };
    }

    async createRaffle(options: RaffleOptions = {}): Promise<RaffleHandle> {
        const b = await this.buildCreateRaffle(options);
        const result = await this.sendOk([b.verify, b.create], [b.organizer], 'initialize_raffle_with_permit');
        return {
            address: b.raffle,
            organizer: b.organizer,
            raffleId: b.fields.raffleId,
            prizeVault: b.prizeVault,
            paymentVault: b.paymentVault,
            organizerPrizeAccount: b.organizerPrizeAccount,
            fields: b.fields,
            result,
        };
    }

    async entryAddress(raffle: Address, index: number): Promise<Address> {
        const [entry] = await findEntryPda({ raffle, index });
        return entry;
    }

    /** A funded buyer with a payment token account. */
    async buyer(paymentAmount = 1_000_000_000n, vouchers = 0n): Promise<{ signer: KeyPairSigner; payment: Address; mrft: Address }> {
        const signer = await this.wallet();
        const payment = await this.tokenAccount(signer.address, this.paymentMint, paymentAmount);
        const mrft = await this.tokenAccount(signer.address, this.mrftMint, vouchers);
        return { signer, payment, mrft };
    }

    async joinWithTokenInstruction(raffle: Address, buyer: KeyPairSigner, payment: Address, ticketCount: number, index?: number): Promise<Instruction> {
        const entry = await this.entryAddress(raffle, index ?? this.raffle(raffle).entriesCount);
        const [paymentVault] = await findPaymentVaultPda({ raffle });
        return getJoinWithTokenInstruction({ buyer, config: this.config, raffle, entry, buyerPaymentAccount: payment, paymentVault, ticketCount });
    }

    async joinWithToken(raffle: Address, buyer: KeyPairSigner, payment: Address, ticketCount: number): Promise<TransactionMetadata> {
        return this.sendOk([await this.joinWithTokenInstruction(raffle, buyer, payment, ticketCount)], [buyer], 'join_with_token');
    }

    async joinWithTicketInstruction(raffle: Address, buyer: KeyPairSigner, mrft: Address, ticketCount: number, index?: number): Promise<Instruction> {
        const entry = await this.entryAddress(raffle, index ?? this.raffle(raffle).entriesCount);
        return getJoinWithTicketInstruction({ buyer, config: this.config, raffle, entry, mrftMint: this.mrftMint, buyerMrftAccount: mrft, ticketCount });
    }

    async joinWithTicket(raffle: Address, buyer: KeyPairSigner, mrft: Address, ticketCount: number): Promise<TransactionMetadata> {
        return this.sendOk([await this.joinWithTicketInstruction(raffle, buyer, mrft, ticketCount)], [buyer], 'join_with_ticket');
    }

    /** Buys every remaining ticket with one fresh buyer. */
    async sellOut(raffle: Address): Promise<TransactionMetadata> {
        const r = this.raffle(raffle);
        const b = await this.buyer();
        return this.joinWithToken(raffle, b.signer, b.payment, r.maxTickets - r.ticketsSold);
    }

    /** The next reveal of the draw hash chain (does not consume it). */
    nextReveal(): Uint8Array {
        return this.hashChain[HASH_CHAIN_LENGTH - 1 - this.revealsUsed]!;
    }

    async requestDraw(raffle: Address, requester?: KeyPairSigner): Promise<TransactionMetadata> {
        const who = requester ?? (await this.wallet());
        return this.sendOk([getRequestDrawArciumInstruction({ requester: who, raffle })], [who], 'request_draw_arcium');
    }

    async drawCallback(raffle: Address): Promise<TransactionMetadata> {
        const reveal = this.nextReveal();
        const result = await this.sendOk(
            [getDrawCallbackInstruction({ drawAuthority: this.drawAuthority, config: this.config, raffle, reveal })],
            [this.drawAuthority],
            'draw_callback',
        );
        this.revealsUsed++;
        return result;
    }

    /** The entry whose ticket range holds the winner of a Completed raffle. */
    async winningEntry(raffle: Address): Promise<{ address: Address; entry: Entry }> {
        const r = this.raffle(raffle);
        for (let i = 0; i < r.entriesCount; i++) {
            const address = await this.entryAddress(raffle, i);
            const entry = this.entry(address);
            if (r.winnerTicket >= entry.firstTicket && r.winnerTicket < entry.firstTicket + entry.ticketCount) return { address, entry };
        }
        throw new Error('no winning entry');
    }

    unique(): number {
        return this.seq++;
    }

    // ---- refunds, claims, cancel ----

    /** refund_batch with remaining accounts: entries (and, in tokens mode, each buyer's payment account). */
    async refundBatchInstruction(raffle: Address, cranker: KeyPairSigner, remaining: readonly Address[]): Promise<Instruction> {
        const [paymentVault] = await findPaymentVaultPda({ raffle });
        const ix = getRefundBatchInstruction({ cranker, raffle, paymentVault });
        const extra: AccountMeta[] = remaining.map(a => ({ address: a, role: AccountRole.WRITABLE }));
        return { ...ix, accounts: [...ix.accounts, ...extra] };
    }

    /** The remaining accounts refund_batch needs for entries [from, to) of a raffle. */
    async refundAccounts(raffle: Address, from: number, to: number, paymentAccountOf: (buyer: Address) => Address | undefined): Promise<Address[]> {
        const r = this.raffle(raffle);
        const out: Address[] = [];
        for (let i = from; i < to; i++) {
            const entry = await this.entryAddress(raffle, i);
            out.push(entry);
            if (r.refundMode === RefundMode.Tokens) {
                const e = this.entry(entry);
                out.push(paymentAccountOf(e.buyer) ?? (await this.tokenAccount(e.buyer, this.paymentMint)));
            }
        }
        return out;
    }

    async refundBatch(raffle: Address, remaining: readonly Address[], cranker?: KeyPairSigner): Promise<TransactionMetadata> {
        const who = cranker ?? (await this.wallet());
        return this.sendOk([await this.refundBatchInstruction(raffle, who, remaining)], [who], 'refund_batch');
    }

    async claimPrizeInstruction(raffle: Address, recipient: Address, winningEntry?: Address, cranker?: KeyPairSigner): Promise<{ ix: Instruction; cranker: KeyPairSigner }> {
        const who = cranker ?? (await this.wallet());
        const [prizeVault] = await findPrizeVaultPda({ raffle });
        return {
            ix: getClaimPrizeInstruction({ cranker: who, raffle, prizeVault, recipientPrizeAccount: recipient, ...(winningEntry ? { winningEntry } : {}) }),
            cranker: who,
        };
    }

    async claimPrize(raffle: Address, recipient: Address, winningEntry?: Address): Promise<TransactionMetadata> {
        const { ix, cranker } = await this.claimPrizeInstruction(raffle, recipient, winningEntry);
        return this.sendOk([ix], [cranker], 'claim_prize');
    }

    async claimProceedsInstruction(raffle: Address, organizerAccount: Address, treasuryAccount: Address, cranker?: KeyPairSigner): Promise<{ ix: Instruction; cranker: KeyPairSigner }> {
        const who = cranker ?? (await this.wallet());
        const [paymentVault] = await findPaymentVaultPda({ raffle });
        return {
            ix: getClaimProceedsInstruction({
                cranker: who,
                config: this.config,
                raffle,
                paymentVault,
                organizerPaymentAccount: organizerAccount,
                treasuryPaymentAccount: treasuryAccount,
            }),
            cranker: who,
        };
    }

    async claimProceeds(raffle: Address, organizerAccount: Address, treasuryAccount: Address): Promise<TransactionMetadata> {
        const { ix, cranker } = await this.claimProceedsInstruction(raffle, organizerAccount, treasuryAccount);
        return this.sendOk([ix], [cranker], 'claim_proceeds');
    }

    cancelInstruction(raffle: Address, authority: KeyPairSigner): Instruction {
        return getCancelRaffleInstruction({ authority, config: this.config, raffle });
    }

    settleInstruction(raffle: Address, winnerTicket: number, authority: KeyPairSigner = this.settleAuthority): Instruction {
        return getSettleDrawInstruction({ settleAuthority: authority, config: this.config, raffle, winnerTicket });
    }

    drawCallbackInstruction(raffle: Address, reveal: Uint8Array, authority: KeyPairSigner = this.drawAuthority): Instruction {
        return getDrawCallbackInstruction({ drawAuthority: authority, config: this.config, raffle, reveal });
    }
}
