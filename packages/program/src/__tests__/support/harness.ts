/**
 * The program tests' harness over the localnet's fixtures: every `RaffleHarness.create()` starts
 * from a copy of the run's world (`world.ts`: built once per test run with `createRaffleSvm` and
 * kept in the run's cache, loaded with `LiteSVM.fromBytes`) and initializes the config through the
 * program (unless asked not to). Its methods build, send and assert, over the modules beside it:
 * `accounts.ts` (accounts written into and read from the SVM), `transactions.ts` (sending and what
 * is collected), `results.ts` (errors, logs, events, assertions), `raffle-create.ts` (the create
 * pair), `constants.ts` and `hash.ts`. This file is the entry the test files import: it re-exports
 * them.
 */
import {
    RefundMode,
    RWA_RAFFLE_PROGRAM_ADDRESS,
    type Config,
    type Entry,
    type Raffle,
    findEntryPda,
    findPaymentVaultPda,
    findPrizeVaultPda,
    getConfigDecoder,
    getDrawCallbackInstruction,
    getEntryDecoder,
    getInitializeConfigInstruction,
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
import { AccountRole, type AccountMeta, type Address, type Instruction, type KeyPairSigner, type TransactionSigner } from '@solana/kit';
import { Clock, type FailedTransactionMetadata, LiteSVM, type TransactionMetadata } from 'litesvm';

import { createFundedWallet, readAccount, readTokenBalance, writeMint, writeTokenAccount } from './accounts';
import { FEE_BPS, HASH_CHAIN_LENGTH, SYSTEM_PROGRAM } from './constants';
import { TestPermitSigner } from './permit';
import { buildCreateRaffle, type CreateRaffleBuild, type RaffleHandle, type RaffleOptions } from './raffle-create';
import { expectInstructionError, type TxResult } from './results';
import { programComputeUnits, recordSuccess, sendTransaction } from './transactions';
import { loadWorld } from './world';

export { DAY, FEE_BPS, FIXTURE_SEED, HASH_CHAIN_LENGTH, LOADER_UPGRADEABLE, PROGRAM_BYTES, START_SLOT, START_TIME, SYSTEM_PROGRAM, TOKEN_PROGRAM } from './constants';
export { addressBytes, sha256 } from './hash';
export type { CreateRaffleBuild, RaffleHandle, RaffleOptions } from './raffle-create';
export { decodeEvents, eventsOf, instructionError, logsOf, type TxResult } from './results';
export { COLLECTED_LOGS, COMPUTE_UNITS } from './transactions';
export type { TransactionMetadata };

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
    tokenAccount(owner: Address, mint: Address, amount = 0n, at?: Address): Promise<Address> {
        return writeTokenAccount(this.svm, owner, mint, amount, at);
    }

    balance(tokenAccount: Address): bigint {
        return readTokenBalance(this.svm, tokenAccount);
    }

    wallet(sol = 10n): Promise<KeyPairSigner> {
        return createFundedWallet(this.svm, sol);
    }

    raffle(address: Address): Raffle {
        return readAccount(this.svm, address, getRaffleDecoder(), `no raffle ${address}`);
    }

    entry(address: Address): Entry {
        return readAccount(this.svm, address, getEntryDecoder(), `no entry ${address}`);
    }

    configAccount(): Config {
        return readAccount(this.svm, this.config, getConfigDecoder(), 'no config');
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

    send(instructions: readonly Instruction[], signers: readonly TransactionSigner[]): Promise<TxResult> {
        return sendTransaction(this.svm, instructions, signers);
    }

    async sendOk(instructions: readonly Instruction[], signers: readonly TransactionSigner[], label?: string): Promise<TransactionMetadata> {
        return recordSuccess(await this.send(instructions, signers), this.programId, label);
    }

    /** Units our program consumed (its top-level invocation, CPIs included), from the logs. */
    programComputeUnits(logs: readonly string[]): bigint {
        return programComputeUnits(this.programId, logs);
    }

    /** Sends and asserts `InstructionError(index, Custom(code))`. */
    async expectError(instructions: readonly Instruction[], signers: readonly TransactionSigner[], code: number, index = instructions.length - 1): Promise<FailedTransactionMetadata> {
        return expectInstructionError(await this.send(instructions, signers), code, index);
    }

    // ---- raffles ----

    /** Builds (without sending) the Ed25519 + initialize_raffle_with_permit pair. */
    buildCreateRaffle(options: RaffleOptions = {}): Promise<CreateRaffleBuild> {
        return buildCreateRaffle(this, options);
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
