/**
 * Fast access to LiteSVM for the ledger's hot path. LiteSVM's kit-facing wrapper converts every
 * address from base58 (about 20 µs each) and re-encodes every transaction; the ledger reads
 * several accounts per transaction and already holds the wire bytes. When the native binding
 * of litesvm 1.5 is reachable we call it with raw bytes (addresses converted once and cached);
 * otherwise we fall back to the public API, which gives the same results more slowly.
 */
import { type Address, type EncodedAccount, getAddressEncoder, lamports, type Transaction } from '@solana/kit';
import { Account, FailedTransactionMetadata, type LiteSVM, type TransactionMetadata } from 'litesvm';

import { encodeBase58 } from './base58';

interface NativeAccount {
    lamports(): bigint;
    data(): Uint8Array;
    owner(): Uint8Array;
    executable(): boolean;
}

interface NativeAddressAndAccount {
    address: Uint8Array;
    account(): NativeAccount;
}

interface NativeSimulation {
    meta(): TransactionMetadata;
    postAccounts(): NativeAddressAndAccount[];
}

interface NativeLiteSvm {
    getAccount(pubkey: Uint8Array): NativeAccount | null;
    setAccount(pubkey: Uint8Array, account: Account): void;
    getBalance(pubkey: Uint8Array): bigint | null;
    sendLegacyTransaction(tx: Uint8Array): TransactionMetadata | FailedTransactionMetadata;
    sendVersionedTransaction(tx: Uint8Array): TransactionMetadata | FailedTransactionMetadata;
    simulateLegacyTransaction(tx: Uint8Array): NativeSimulation | FailedTransactionMetadata;
    simulateVersionedTransaction(tx: Uint8Array): NativeSimulation | FailedTransactionMetadata;
}

const NATIVE_METHODS = [
    'getAccount',
    'setAccount',
    'getBalance',
    'sendLegacyTransaction',
    'sendVersionedTransaction',
    'simulateLegacyTransaction',
    'simulateVersionedTransaction',
] as const;

const MAX_CACHE = 65_536;
const toBytesCache = new Map<string, Uint8Array>();
const toAddressCache = new Map<string, Address>();

/**
 * The 32 bytes of an address (cached).
 *
 * @param address - base58 address
 * @returns its bytes (do not mutate)
 */
export function addressToBytes(address: Address): Uint8Array {
    let bytes = toBytesCache.get(address);
    if (!bytes) {
        if (toBytesCache.size >= MAX_CACHE) toBytesCache.clear();
        bytes = new Uint8Array(getAddressEncoder().encode(address));
        toBytesCache.set(address, bytes);
    }
    return bytes;
}

/**
 * The base58 address of 32 bytes (cached).
 *
 * @param bytes - the public key bytes
 * @returns the address
 */
export function bytesToAddress(bytes: Uint8Array): Address {
    const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    let address = toAddressCache.get(key);
    if (!address) {
        if (toAddressCache.size >= MAX_CACHE) toAddressCache.clear();
        address = encodeBase58(bytes) as Address;
        toAddressCache.set(key, address);
        if (!toBytesCache.has(address) && toBytesCache.size < MAX_CACHE) toBytesCache.set(address, bytes.slice());
    }
    return address;
}

function nativeOf(svm: LiteSVM): NativeLiteSvm | undefined {
    const inner = (svm as unknown as { inner?: Record<string, unknown> }).inner;
    if (!inner || !NATIVE_METHODS.every((m) => typeof inner[m] === 'function')) return undefined;
    return inner as unknown as NativeLiteSvm;
}

function toEncoded(address: Address, account: NativeAccount): EncodedAccount {
    const data = account.data();
    return {
        address,
        data,
        executable: account.executable(),
        lamports: lamports(account.lamports()),
        programAddress: bytesToAddress(account.owner()),
        space: BigInt(data.length),
    };
}

/** Account reads, sends and simulations on one LiteSVM instance, by the fastest available path. */
export class SvmAccess {
    private readonly native: NativeLiteSvm | undefined;

    /** @param svm - the LiteSVM instance */
    constructor(readonly svm: LiteSVM) {
        this.native = nativeOf(svm);
    }

    /** Whether the native fast path is in use. */
    get fast(): boolean {
        return this.native !== undefined;
    }

    /**
     * Reads an account.
     *
     * @param address - the account
     * @returns the account, or `null` when it does not exist
     */
    getAccount(address: Address): EncodedAccount | null {
        if (this.native) {
            const account = this.native.getAccount(addressToBytes(address));
            return account ? toEncoded(address, account) : null;
        }
        const account = this.svm.getAccount(address);
        return account.exists ? account : null;
    }

    /**
     * Reads a balance.
     *
     * @param address - the account
     * @returns lamports (0 when missing)
     */
    getBalance(address: Address): bigint {
        if (this.native) return this.native.getBalance(addressToBytes(address)) ?? 0n;
        return this.svm.getBalance(address) ?? 0n;
    }

    /**
     * Writes an account from raw bytes (sysvars the ledger maintains).
     *
     * @param address - the account
     * @param account - lamports, data (copied), owner and executable flag
     */
    setAccountBytes(address: Address, account: { lamports: bigint; data: Uint8Array; owner: Address; executable: boolean }): void {
        if (this.native) {
            this.native.setAccount(addressToBytes(address), new Account(account.lamports, account.data, addressToBytes(account.owner), account.executable, 0n));
            return;
        }
        this.svm.setAccount({ address, lamports: lamports(account.lamports), data: account.data.slice(), executable: account.executable, programAddress: account.owner, space: BigInt(account.data.length) });
    }

    /**
     * Executes a transaction.
     *
     * @param wire - the exact wire bytes
     * @param version - its version
     * @param tx - the same transaction as a kit object (fallback path)
     * @returns LiteSVM's result
     */
    send(wire: Uint8Array, version: 'legacy' | 0, tx: () => Transaction): TransactionMetadata | FailedTransactionMetadata {
        if (this.native) return version === 'legacy' ? this.native.sendLegacyTransaction(wire) : this.native.sendVersionedTransaction(wire);
        return this.svm.sendTransaction(tx());
    }

    /**
     * Simulates a transaction.
     *
     * @param wire - the exact wire bytes
     * @param version - its version
     * @param tx - the same transaction as a kit object (fallback path)
     * @returns the failure, or the metadata and the accounts after it
     */
    simulate(
        wire: Uint8Array,
        version: 'legacy' | 0,
        tx: () => Transaction,
    ): FailedTransactionMetadata | { meta: TransactionMetadata; postAccounts: EncodedAccount[] } {
        if (this.native) {
            const result = version === 'legacy' ? this.native.simulateLegacyTransaction(wire) : this.native.simulateVersionedTransaction(wire);
            if (result instanceof FailedTransactionMetadata) return result;
            return {
                meta: result.meta(),
                postAccounts: result.postAccounts().map((a) => toEncoded(bytesToAddress(a.address), a.account())),
            };
        }
        const result = this.svm.simulateTransaction(tx());
        if (result instanceof FailedTransactionMetadata) return result;
        return { meta: result.meta(), postAccounts: result.postAccounts() };
    }
}
