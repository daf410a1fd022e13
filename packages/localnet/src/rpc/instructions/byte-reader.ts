/**
 * Reading instruction data the way the programs' own decoders do (bincode fixint and borsh:
 * little-endian integers, 32-byte keys, u64-prefixed strings and vectors). Every read is bounded
 * by the data; a short or malformed read throws {@link NotParsableError}, which makes the RPC
 * fall back to the partially decoded form, as Agave does.
 */
import type { Address } from '@solana/kit';

import { bytesToAddress } from '../../svm/access';

/**
 * The instruction cannot be parsed (the RPC then answers the partially decoded form).
 *
 * @internal
 * @example
 * ```ts
 * throw new NotParsableError();
 * ```
 */
export class NotParsableError extends Error {
    override readonly name = 'NotParsableError';
    constructor() {
        super('instruction not parsable');
    }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A cursor over instruction data.
 *
 * @internal
 * @example
 * ```ts
 * const r = new ByteReader(data);
 * const tag = r.u32();
 * const lamports = r.u64();
 * ```
 */
export class ByteReader {
    private offset = 0;
    private readonly view: DataView;

    /** @param bytes - the instruction data */
    constructor(private readonly bytes: Uint8Array) {
        this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }

    /** Bytes not read yet. */
    get remaining(): number {
        return this.bytes.length - this.offset;
    }

    private take(n: number): number {
        if (n > this.remaining) throw new NotParsableError();
        const at = this.offset;
        this.offset += n;
        return at;
    }

    /** One byte. */
    u8(): number {
        return this.view.getUint8(this.take(1));
    }

    /** A little-endian u16. */
    u16(): number {
        return this.view.getUint16(this.take(2), true);
    }

    /** A little-endian u32 (bincode's enum tag). */
    u32(): number {
        return this.view.getUint32(this.take(4), true);
    }

    /** A little-endian u64. */
    u64(): bigint {
        return this.view.getBigUint64(this.take(8), true);
    }

    /** A 32-byte public key. */
    pubkey(): Address {
        const at = this.take(32);
        return bytesToAddress(this.bytes.subarray(at, at + 32));
    }

    /** `COption<Pubkey>` as SPL Token packs it: a 0/1 tag byte, then the key when 1. */
    optionalPubkey(): Address | null {
        const tag = this.u8();
        if (tag === 0) return null;
        if (tag === 1) return this.pubkey();
        throw new NotParsableError();
    }

    /** A bincode `String`: u64 length, then UTF-8 bytes. */
    string(): string {
        const length = this.u64();
        if (length > BigInt(this.remaining)) throw new NotParsableError();
        const at = this.take(Number(length));
        try {
            return UTF8.decode(this.bytes.subarray(at, this.offset));
        } catch {
            throw new NotParsableError();
        }
    }

    /** A bincode `Vec<Pubkey>`: u64 length, then the keys. */
    pubkeys(): Address[] {
        const length = this.u64();
        if (length * 32n > BigInt(this.remaining)) throw new NotParsableError();
        return Array.from({ length: Number(length) }, () => this.pubkey());
    }

    /** The bytes not read yet, as UTF-8 (SPL Token's `UiAmountToAmount`, memos). */
    restAsUtf8(): string {
        const at = this.take(this.remaining);
        try {
            return UTF8.decode(this.bytes.subarray(at));
        } catch {
            throw new NotParsableError();
        }
    }
}

/**
 * Resolves the account at `position` of an instruction, or throws when the instruction has too
 * few accounts (Agave's `check_num_accounts`, then indexing).
 *
 * @internal
 * @example
 * ```ts
 * const source = accountAt(ix.accounts, keys, 0);
 * ```
 */
export function accountAt(accounts: readonly number[], keys: readonly Address[], position: number): Address {
    const index = accounts[position];
    const key = index === undefined ? undefined : keys[index];
    if (key === undefined) throw new NotParsableError();
    return key;
}

/**
 * Throws unless the instruction has at least `count` accounts.
 *
 * @internal
 * @example
 * ```ts
 * checkAccounts(ix.accounts, 2);
 * ```
 */
export function checkAccounts(accounts: readonly number[], count: number): void {
    if (accounts.length < count) throw new NotParsableError();
}

/**
 * Throws unless every account index of the instruction is a key of the transaction (the first
 * check of Agave's parsers: an instruction without accounts is not parsed either).
 *
 * @internal
 * @example
 * ```ts
 * checkIndexes(ix.accounts, keys);
 * ```
 */
export function checkIndexes(accounts: readonly number[], keys: readonly Address[]): void {
    if (accounts.length === 0 || Math.max(...accounts) >= keys.length) throw new NotParsableError();
}
