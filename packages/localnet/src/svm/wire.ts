/**
 * A strict parser of wire transactions (legacy and v0): every byte accounted for, every index in
 * range. Input is hostile; failures are reported, never thrown past {@link parseWireTransaction}.
 */
import type { Address } from '@solana/kit';

import { bytesToAddress } from './access';
import { encodeBase58 } from './base58';

/** The largest serialized transaction a cluster accepts (`PACKET_DATA_SIZE`). */
export const PACKET_DATA_SIZE = 1232;

/**
 * One compiled instruction of a message.
 *
 * @example
 * ```ts
 * const first: CompiledInstructionView | undefined = parseWireTransaction(bytes).instructions[0];
 * ```
 */
export interface CompiledInstructionView {
    readonly programIdIndex: number;
    readonly accounts: readonly number[];
    readonly data: Uint8Array;
}

/**
 * One address lookup of a v0 message.
 *
 * @example
 * ```ts
 * const lookups: readonly AddressTableLookupView[] = parseWireTransaction(bytes).addressTableLookups;
 * ```
 */
export interface AddressTableLookupView {
    readonly accountKey: Address;
    readonly writableIndexes: readonly number[];
    readonly readonlyIndexes: readonly number[];
}

/**
 * A parsed wire transaction.
 *
 * @example
 * ```ts
 * const tx: ParsedWireTransaction = parseWireTransaction(bytes);
 * console.log(tx.signatures[0], tx.version);
 * ```
 */
export interface ParsedWireTransaction {
    readonly bytes: Uint8Array;
    readonly version: 'legacy' | 0;
    /** Base58 signatures in order; the first is the transaction id. */
    readonly signatures: readonly string[];
    readonly signatureBytes: readonly Uint8Array[];
    /** The serialized message (what the signatures sign). */
    readonly messageBytes: Uint8Array;
    readonly header: {
        readonly numRequiredSignatures: number;
        readonly numReadonlySignedAccounts: number;
        readonly numReadonlyUnsignedAccounts: number;
    };
    readonly staticAccountKeys: readonly Address[];
    readonly recentBlockhash: string;
    readonly instructions: readonly CompiledInstructionView[];
    readonly addressTableLookups: readonly AddressTableLookupView[];
}

/** Why a wire transaction could not be parsed. */
export class WireFormatError extends Error {
    override readonly name = 'WireFormatError';
}

class Reader {
    offset = 0;
    constructor(readonly bytes: Uint8Array) {}
    u8(): number {
        if (this.offset >= this.bytes.length) throw new WireFormatError('io error: unexpected end of file');
        return this.bytes[this.offset++]!;
    }
    take(n: number): Uint8Array {
        if (this.offset + n > this.bytes.length) throw new WireFormatError('io error: unexpected end of file');
        const out = this.bytes.subarray(this.offset, this.offset + n);
        this.offset += n;
        return out;
    }
    shortVec(): number {
        let value = 0;
        for (let i = 0; i < 3; i++) {
            const b = this.u8();
            value |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) === 0) {
                if (i > 0 && b === 0) throw new WireFormatError('invalid value: non-canonical short_vec length');
                return value;
            }
        }
        throw new WireFormatError('invalid value: short_vec length too long');
    }
}

/**
 * Parses a serialized transaction.
 *
 * @param bytes - the wire bytes
 * @returns the parsed view
 * @throws WireFormatError when the bytes are not a well-formed transaction
 */
export function parseWireTransaction(bytes: Uint8Array): ParsedWireTransaction {
    const r = new Reader(bytes);
    const sigCount = r.shortVec();
    const signatureBytes: Uint8Array[] = [];
    for (let i = 0; i < sigCount; i++) signatureBytes.push(r.take(64));
    const messageStart = r.offset;
    const first = r.u8();
    let version: 'legacy' | 0 = 'legacy';
    let numRequiredSignatures: number;
    if (first & 0x80) {
        const v = first & 0x7f;
        if (v !== 0) throw new WireFormatError(`unsupported transaction version ${v}`);
        version = 0;
        numRequiredSignatures = r.u8();
    } else {
        numRequiredSignatures = first;
    }
    const numReadonlySignedAccounts = r.u8();
    const numReadonlyUnsignedAccounts = r.u8();
    const keyCount = r.shortVec();
    const staticAccountKeys: Address[] = [];
    for (let i = 0; i < keyCount; i++) staticAccountKeys.push(bytesToAddress(r.take(32)));
    const recentBlockhash = encodeBase58(r.take(32));
    const ixCount = r.shortVec();
    const instructions: CompiledInstructionView[] = [];
    for (let i = 0; i < ixCount; i++) {
        const programIdIndex = r.u8();
        const n = r.shortVec();
        const accounts = Array.from(r.take(n));
        const len = r.shortVec();
        const data = r.take(len).slice();
        instructions.push({ programIdIndex, accounts, data });
    }
    const addressTableLookups: AddressTableLookupView[] = [];
    if (version === 0) {
        const lookupCount = r.shortVec();
        for (let i = 0; i < lookupCount; i++) {
            const accountKey = bytesToAddress(r.take(32));
            const writableIndexes = Array.from(r.take(r.shortVec()));
            const readonlyIndexes = Array.from(r.take(r.shortVec()));
            addressTableLookups.push({ accountKey, writableIndexes, readonlyIndexes });
        }
    }
    if (r.offset !== bytes.length) throw new WireFormatError('trailing bytes after the message');
    if (sigCount === 0) throw new WireFormatError('a transaction needs at least one signature');
    return {
        bytes,
        version,
        signatures: signatureBytes.map((s) => encodeBase58(s)),
        signatureBytes,
        messageBytes: bytes.subarray(messageStart),
        header: { numRequiredSignatures, numReadonlySignedAccounts, numReadonlyUnsignedAccounts },
        staticAccountKeys,
        recentBlockhash,
        instructions,
        addressTableLookups,
    };
}

/**
 * Checks the invariants the runtime's sanitizer checks (signature count, header, indexes,
 * duplicate keys). Returns an error message, or `undefined` when the transaction is sane.
 *
 * @param tx - the parsed transaction
 * @returns the failure text, if any
 */
export function sanitizeTransaction(tx: ParsedWireTransaction): string | undefined {
    const { header, staticAccountKeys, instructions, addressTableLookups } = tx;
    if (tx.signatures.length !== header.numRequiredSignatures) return 'signature count does not match the header';
    if (header.numRequiredSignatures === 0) return 'no fee payer';
    if (header.numRequiredSignatures > staticAccountKeys.length) return 'more signers than account keys';
    if (header.numReadonlySignedAccounts >= header.numRequiredSignatures) return 'the fee payer must be writable';
    if (header.numReadonlyUnsignedAccounts > staticAccountKeys.length - header.numRequiredSignatures) return 'header out of range';
    if (new Set(staticAccountKeys).size !== staticAccountKeys.length) return 'duplicate account keys';
    let loaded = 0;
    for (const l of addressTableLookups) loaded += l.writableIndexes.length + l.readonlyIndexes.length;
    const total = staticAccountKeys.length + loaded;
    if (total > 256) return 'too many account keys';
    for (const ix of instructions) {
        if (ix.programIdIndex === 0 || ix.programIdIndex >= staticAccountKeys.length) return 'invalid program id index';
        for (const a of ix.accounts) if (a >= total) return 'invalid account index';
    }
    return undefined;
}
