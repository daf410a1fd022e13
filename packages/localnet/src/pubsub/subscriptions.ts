/**
 * PubSub subscriptions: `accountSubscribe`, `programSubscribe`, `logsSubscribe`,
 * `signatureSubscribe`, `slotSubscribe`, `rootSubscribe` and their unsubscribes. Notifications
 * honour the subscription's commitment: a `confirmed` subscriber hears of a transaction when the
 * confirmed frontier passes its slot, a `finalized` one when it is finalized (so never of a
 * transaction dropped by a fork).
 */
import type { Address, EncodedAccount } from '@solana/kit';

import { SYSTEM_PROGRAM_ADDRESS, VOTE_PROGRAM_ADDRESS } from '../svm/addresses';
import type { Commitment, Ledger, LedgerEventListeners, TransactionRecord } from '../svm/ledger';
import { mintDecimalsAt, parseFilters, type AccountFilter } from '../rpc/methods/accounts';
import { type AccountEncodingConfig, encodeAccount, parseAccountEncoding } from '../rpc/encoding';
import { invalidParams, RpcError, RPC_ERROR_CODES } from '../rpc/errors';
import { Params, parseAddress, parseBool, parseCommitment, parseSignature } from '../rpc/params';

/** Where notifications of one connection go. */
export interface SubscriptionSink {
    /** Sends one JSON-RPC notification object. */
    send(message: Record<string, unknown>): void;
}

type Subscription =
    | { kind: 'account'; address: Address; commitment: Commitment; encoding: AccountEncodingConfig }
    | { kind: 'program'; program: Address; commitment: Commitment; encoding: AccountEncodingConfig; filters: AccountFilter[] }
    | { kind: 'logs'; filter: 'all' | 'allWithVotes' | Address; commitment: Commitment }
    | { kind: 'signature'; signature: string; commitment: Commitment; received: boolean }
    | { kind: 'slot' }
    | { kind: 'root' };

interface Entry {
    readonly id: number;
    readonly sink: SubscriptionSink;
    readonly sub: Subscription;
}

const NOTIFICATION_METHOD: Record<Subscription['kind'], string> = {
    account: 'accountNotification',
    program: 'programNotification',
    logs: 'logsNotification',
    signature: 'signatureNotification',
    slot: 'slotNotification',
    root: 'rootNotification',
};

/** The result of a PubSub method call: the response value and work to do after sending it. */
export interface PubSubCallResult {
    readonly result: unknown;
    readonly after?: () => void;
}

/** The maximum number of subscriptions of one connection. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 10_000;

/**
 * Keeps every subscription of every connection and turns ledger events into notifications.
 *
 * @example
 * ```ts
 * const subs = new SubscriptionManager(ledger);
 * const { result } = subs.call(sink, 'slotSubscribe', []);
 * ```
 */
export class SubscriptionManager {
    private readonly entries = new Map<number, Entry>();
    private readonly bySink = new Map<SubscriptionSink, Set<number>>();
    private nextId = 0;
    /** What this manager listens to on the ledger (kept to remove the same functions on close). */
    private readonly ledgerListeners: Omit<LedgerEventListeners, 'reset'> = {
        transaction: (r) => this.onCommitted('processed', [r]),
        commitment: (e) => this.onCommitted(e.commitment, e.records),
        slot: (e) => this.onSlot(e),
        fork: (e) => this.onFork(e.dropped, e.confirmedSlot),
        accounts: (addresses) => this.onAccounts(addresses, ['processed', 'confirmed', 'finalized']),
    };
    private lastRoot: bigint | undefined;

    /**
     * @param ledger - the ledger to watch
     * @param shouldDrop - fault hook: return true to drop a notification
     */
    constructor(
        private readonly ledger: Ledger,
        private readonly shouldDrop: () => boolean = () => false,
    ) {
        const ev = ledger.events;
        const l = this.ledgerListeners;
        ev.on('transaction', l.transaction).on('commitment', l.commitment).on('slot', l.slot).on('fork', l.fork).on('accounts', l.accounts);
    }

    /** Number of live subscriptions. */
    get size(): number {
        return this.entries.size;
    }

    /** Stops listening to the ledger and forgets every subscription. */
    close(): void {
        const ev = this.ledger.events;
        const l = this.ledgerListeners;
        ev.off('transaction', l.transaction).off('commitment', l.commitment).off('slot', l.slot).off('fork', l.fork).off('accounts', l.accounts);
        this.entries.clear();
        this.bySink.clear();
    }

    /**
     * Removes every subscription of a connection (on close).
     *
     * @param sink - the connection
     */
    removeSink(sink: SubscriptionSink): void {
        for (const id of this.bySink.get(sink) ?? []) this.entries.delete(id);
        this.bySink.delete(sink);
    }

    /**
     * Executes a PubSub method.
     *
     * @param sink - the calling connection
     * @param method - the method name
     * @param rawParams - the `params` member
     * @returns the result, or throws an {@link RpcError}
     */
    call(sink: SubscriptionSink, method: string, rawParams: unknown): PubSubCallResult {
        const params = new Params(method, rawParams);
        if (method.endsWith('Unsubscribe')) {
            const kind = method.slice(0, -'Unsubscribe'.length);
            params.atMost(1);
            const id = params.required(0, 1);
            const entry = typeof id === 'number' ? this.entries.get(id) : undefined;
            if (!entry || entry.sink !== sink || entry.sub.kind !== kind) throw invalidParams('Invalid subscription id.');
            this.remove(entry);
            return { result: true };
        }
        const sub = this.parseSubscription(method, params);
        const owned = this.bySink.get(sink) ?? new Set<number>();
        if (owned.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION) throw new RpcError(RPC_ERROR_CODES.INTERNAL_ERROR, 'Too many subscriptions on this connection');
        const id = this.nextId++;
        const entry: Entry = { id, sink, sub };
        this.entries.set(id, entry);
        owned.add(id);
        this.bySink.set(sink, owned);
        const after = sub.kind === 'signature' ? () => this.checkSignatureNow(entry) : undefined;
        return after ? { result: id, after } : { result: id };
    }

    private parseSubscription(method: string, params: Params): Subscription {
        switch (method) {
            case 'accountSubscribe': {
                params.atMost(2);
                const address = parseAddress(params.required(0, 1));
                const config = params.config(1);
                return { kind: 'account', address, commitment: parseCommitment(config), encoding: parseAccountEncoding(config) };
            }
            case 'programSubscribe': {
                params.atMost(2);
                const program = parseAddress(params.required(0, 1));
                const config = params.config(1);
                return {
                    kind: 'program',
                    program,
                    commitment: parseCommitment(config),
                    encoding: parseAccountEncoding(config),
                    filters: parseFilters(config['filters']),
                };
            }
            case 'logsSubscribe': {
                params.atMost(2);
                const filter = params.required(0, 1);
                const config = params.config(1);
                let parsed: 'all' | 'allWithVotes' | Address;
                if (filter === 'all' || filter === 'allWithVotes') parsed = filter;
                else if (typeof filter === 'object' && filter !== null && Array.isArray((filter as { mentions?: unknown }).mentions)) {
                    const mentions = (filter as { mentions: unknown[] }).mentions;
                    if (mentions.length !== 1) throw invalidParams('Invalid Request: Only 1 address supported');
                    parsed = parseAddress(mentions[0]);
                } else throw invalidParams('Invalid params: expected `all`, `allWithVotes` or `{ mentions: [address] }`.');
                return { kind: 'logs', filter: parsed, commitment: parseCommitment(config) };
            }
            case 'signatureSubscribe': {
                params.atMost(2);
                const signature = parseSignature(params.required(0, 1));
                const config = params.config(1);
                return {
                    kind: 'signature',
                    signature,
                    commitment: parseCommitment(config),
                    received: parseBool(config['enableReceivedNotification'], 'enableReceivedNotification', false),
                };
            }
            case 'slotSubscribe':
                params.atMost(0);
                return { kind: 'slot' };
            case 'rootSubscribe':
                params.atMost(0);
                return { kind: 'root' };
            default:
                throw new RpcError(RPC_ERROR_CODES.METHOD_NOT_FOUND, 'Method not found');
        }
    }

    /** Whether a method is one of ours. */
    static isPubSubMethod(method: string): boolean {
        return /^(account|program|logs|signature|slot|root)(Subscribe|Unsubscribe)$/.test(method);
    }

    private remove(entry: Entry): void {
        this.entries.delete(entry.id);
        this.bySink.get(entry.sink)?.delete(entry.id);
    }

    private notify(entry: Entry, result: unknown): void {
        if (this.shouldDrop()) return;
        entry.sink.send({ jsonrpc: '2.0', method: NOTIFICATION_METHOD[entry.sub.kind], params: { result, subscription: entry.id } });
    }

    private checkSignatureNow(entry: Entry): void {
        if (entry.sub.kind !== 'signature' || !this.entries.has(entry.id)) return;
        const status = this.ledger.statusOf(entry.sub.signature);
        if (!status || !reached(status.confirmationStatus, entry.sub.commitment)) return;
        this.notify(entry, { context: { slot: status.record.slot }, value: { err: status.record.err } });
        this.remove(entry);
    }

    private onCommitted(commitment: Commitment, records: readonly TransactionRecord[]): void {
        if (this.entries.size === 0 || records.length === 0) return;
        const touched = new Set<Address>();
        for (const record of records) {
            for (const address of record.preImages.keys()) touched.add(address);
            for (const entry of [...this.entries.values()]) {
                const sub = entry.sub;
                if (sub.kind === 'logs' && sub.commitment === commitment && logsMatch(sub.filter, record)) {
                    this.notify(entry, { context: { slot: record.slot }, value: { err: record.err, logs: record.logs, signature: record.signature } });
                } else if (sub.kind === 'signature' && sub.commitment === commitment && sub.signature === record.signature) {
                    this.notify(entry, { context: { slot: record.slot }, value: { err: record.err } });
                    this.remove(entry);
                } else if (sub.kind === 'signature' && sub.received && commitment === 'processed' && sub.signature === record.signature) {
                    this.notify(entry, { context: { slot: record.slot }, value: 'receivedSignature' });
                }
            }
        }
        this.onAccounts([...touched], [commitment]);
    }

    private onAccounts(addresses: readonly Address[], levels: readonly Commitment[]): void {
        if (this.entries.size === 0 || addresses.length === 0) return;
        const wanted = new Set(addresses);
        for (const level of levels) {
            const slot = this.ledger.slot(level);
            const cache = new Map<Address, EncodedAccount | null>();
            const accountAt = (a: Address) => {
                if (!cache.has(a)) cache.set(a, this.ledger.getAccount(a, level));
                return cache.get(a) ?? null;
            };
            let decimals: ((mint: Address) => number | undefined) | undefined;
            const mintDecimals = (mint: Address) => (decimals ??= mintDecimalsAt(this.ledger, level))(mint);
            for (const entry of [...this.entries.values()]) {
                const sub = entry.sub;
                if (sub.kind === 'account' && sub.commitment === level && wanted.has(sub.address)) {
                    const account = accountAt(sub.address);
                    this.notify(entry, { context: { slot }, value: this.encode(account ?? closedAccount(sub.address), sub.encoding, mintDecimals) });
                } else if (sub.kind === 'program' && sub.commitment === level) {
                    for (const address of wanted) {
                        const account = accountAt(address);
                        if (!account || account.programAddress !== sub.program || !sub.filters.every((f) => f(account))) continue;
                        this.notify(entry, { context: { slot }, value: { account: this.encode(account, sub.encoding, mintDecimals), pubkey: address } });
                    }
                }
            }
        }
    }

    private encode(account: EncodedAccount, encoding: AccountEncodingConfig, mintDecimals: (mint: Address) => number | undefined): unknown {
        try {
            return encodeAccount(account, encoding, mintDecimals);
        } catch {
            // base58 of a large account: fall back to base64 rather than dropping the notification.
            return encodeAccount(account, { encoding: 'base64' }, mintDecimals);
        }
    }

    private onSlot(e: { slot: bigint; parent: bigint; root: bigint }): void {
        if (this.entries.size === 0) {
            this.lastRoot = e.root;
            return;
        }
        const rootChanged = this.lastRoot !== e.root;
        this.lastRoot = e.root;
        for (const entry of [...this.entries.values()]) {
            if (entry.sub.kind === 'slot') this.notify(entry, { parent: e.parent, root: e.root, slot: e.slot });
            else if (entry.sub.kind === 'root' && rootChanged) this.notify(entry, e.root);
        }
    }

    private onFork(dropped: readonly TransactionRecord[], confirmedSlot: bigint): void {
        const touched = new Set<Address>();
        let confirmedSeen = false;
        for (const r of dropped) {
            for (const a of r.preImages.keys()) touched.add(a);
            if (r.slot <= confirmedSlot) confirmedSeen = true;
        }
        this.onAccounts([...touched], confirmedSeen ? ['processed', 'confirmed'] : ['processed']);
    }
}

function reached(status: Commitment, wanted: Commitment): boolean {
    const rank = { processed: 0, confirmed: 1, finalized: 2 } as const;
    return rank[status] >= rank[wanted];
}

function logsMatch(filter: 'all' | 'allWithVotes' | Address, record: TransactionRecord): boolean {
    if (filter === 'allWithVotes') return true;
    if (filter === 'all') return !record.accountKeys.includes(VOTE_PROGRAM_ADDRESS);
    return record.accountKeys.includes(filter);
}

function closedAccount(address: Address): EncodedAccount {
    return { address, data: new Uint8Array(), executable: false, lamports: 0n as EncodedAccount['lamports'], programAddress: SYSTEM_PROGRAM_ADDRESS, space: 0n };
}
