import { RAFFLE_ERROR__INVALID_ARGUMENT, RAFFLE_ERROR__PERMIT__MALFORMED, isRaffleError } from '@raffle/errors';
import {
    type Instruction,
    appendTransactionMessageInstruction,
    createTransactionMessage,
    generateKeyPairSigner,
    getAddressEncoder,
    lamports,
    pipe,
    setTransactionMessageFeePayerSigner,
    setTransactionMessageLifetimeUsingBlockhash,
    signTransactionMessageWithSigners,
} from '@solana/kit';
import { createRaffleSvm } from '@raffle/localnet';
import { FailedTransactionMetadata, type LiteSVM, TransactionMetadata } from 'litesvm';
import { beforeAll, describe, expect, it } from 'vitest';

import { createNodeCryptoSigner } from '../entries/node';
import {
    ED25519_PROGRAM_ADDRESS,
    type Permit,
    getEd25519VerifyInstruction,
    getEd25519VerifyInstructionData,
    issuePermit,
} from '../index';
import { hex } from './fixtures/hex';
import { NOW, REQUEST } from './fixtures/permit-fields';
import { RFC8032_VECTORS } from './fixtures/rfc8032';

const signer = createNodeCryptoSigner(hex(RFC8032_VECTORS[4]!.secretKey));
let permit: Permit;
beforeAll(async () => {
    permit = await issuePermit(REQUEST, { signer, now: NOW });
});

function offsetsOf(data: Uint8Array) {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const u16 = (at: number) => view.getUint16(at, true);
    return {
        numSignatures: data[0],
        padding: data[1],
        signatureOffset: u16(2),
        signatureInstructionIndex: u16(4),
        publicKeyOffset: u16(6),
        publicKeyInstructionIndex: u16(8),
        messageDataOffset: u16(10),
        messageDataSize: u16(12),
        messageInstructionIndex: u16(14),
    };
}

describe('getEd25519VerifyInstruction', () => {
    it('targets the precompile with no accounts and one self-contained signature entry', () => {
        const ix = getEd25519VerifyInstruction(permit);
        expect(ix.programAddress).toBe('Ed25519SigVerify111111111111111111111111111');
        expect(ix.programAddress).toBe(ED25519_PROGRAM_ADDRESS);
        expect(ix.accounts ?? []).toEqual([]);
        const data = ix.data;
        expect(data.length).toBe(16 + 32 + 64 + 242);
        const offsets = offsetsOf(data);
        expect(offsets).toEqual({
            numSignatures: 1,
            padding: 0,
            signatureOffset: 48,
            signatureInstructionIndex: 0xffff,
            publicKeyOffset: 16,
            publicKeyInstructionIndex: 0xffff,
            messageDataOffset: 112,
            messageDataSize: 242,
            messageInstructionIndex: 0xffff,
        });
        // Every range lies inside the instruction's own data.
        for (const [offset, size] of [
            [offsets.publicKeyOffset, 32],
            [offsets.signatureOffset, 64],
            [offsets.messageDataOffset, offsets.messageDataSize],
        ] as const) {
            expect(offset).toBeGreaterThanOrEqual(16);
            expect(offset + size).toBeLessThanOrEqual(data.length);
        }
        expect(data.subarray(16, 48)).toEqual(Uint8Array.from(getAddressEncoder().encode(permit.signer)));
        expect(Buffer.from(data.subarray(48, 112)).toString('base64')).toBe(permit.signature);
        expect(Buffer.from(data.subarray(112)).toString('base64')).toBe(permit.message);
    });

    it('rejects a malformed permit (MALFORMED)', () => {
        expect(() => getEd25519VerifyInstruction({ ...permit, signature: 'AAAA' })).toThrow(
            expect.objectContaining({ code: RAFFLE_ERROR__PERMIT__MALFORMED }),
        );
        expect(() => getEd25519VerifyInstruction(null as unknown as Permit)).toThrow(
            expect.objectContaining({ code: RAFFLE_ERROR__PERMIT__MALFORMED }),
        );
    });

    it('getEd25519VerifyInstructionData checks sizes (INVALID_ARGUMENT)', () => {
        const ok = { publicKey: new Uint8Array(32), signature: new Uint8Array(64), message: new Uint8Array(5) };
        expect(offsetsOf(getEd25519VerifyInstructionData(ok)).messageDataSize).toBe(5);
        for (const input of [
            { ...ok, publicKey: new Uint8Array(31) },
            { ...ok, signature: new Uint8Array(65) },
            { ...ok, message: 'hi' },
            { ...ok, message: new Uint8Array(0x10000) },
        ]) {
            try {
                getEd25519VerifyInstructionData(input as typeof ok);
                expect.unreachable();
            } catch (e) {
                expect(isRaffleError(e, RAFFLE_ERROR__INVALID_ARGUMENT)).toBe(true);
            }
        }
    });
});

describe('Ed25519 precompile on the localnet fixtures (createRaffleSvm)', () => {
    let svm: LiteSVM;
    beforeAll(async () => {
        ({ svm } = await createRaffleSvm({ seed: 'permit-ed25519-tests', wallets: 0, prizeNfts: 0, programBytes: null }));
    });

    async function send(ix: Instruction) {
        svm.expireBlockhash(); // a fresh blockhash per transaction
        const payer = await generateKeyPairSigner();
        svm.airdrop(payer.address, lamports(1_000_000_000n));
        const message = pipe(
            createTransactionMessage({ version: 0 }),
            m => setTransactionMessageFeePayerSigner(payer, m),
            m => setTransactionMessageLifetimeUsingBlockhash({ blockhash: svm.latestBlockhash(), lastValidBlockHeight: 0n }, m),
            m => appendTransactionMessageInstruction(ix, m),
        );
        return svm.sendTransaction(await signTransactionMessageWithSigners(message));
    }

    function withData(data: Uint8Array): Instruction {
        return { programAddress: ED25519_PROGRAM_ADDRESS, data };
    }

    /** The precompile's error: `InstructionError(0, Custom(code))`, a PrecompileError code. */
    function precompileError(result: TransactionMetadata | FailedTransactionMetadata): number {
        expect(result).toBeInstanceOf(FailedTransactionMetadata);
        const match = /InstructionError\(0, Custom\((\d+)\)\)/.exec(result.toString());
        expect(match, result.toString()).not.toBeNull();
        return Number(match![1]);
    }
    // agave PrecompileError: InvalidPublicKey = 0, InvalidSignature = 2, InvalidDataOffsets = 3.
    const INVALID_PUBLIC_KEY = 0;
    const INVALID_SIGNATURE = 2;
    const INVALID_DATA_OFFSETS = 3;

    it('accepts the instruction built from a permit', async () => {
        const result = await send(getEd25519VerifyInstruction(permit));
        expect(result, result.toString()).toBeInstanceOf(TransactionMetadata);
    });

    it.each([
        ['the signature', 48, 64, [INVALID_SIGNATURE]],
        ['the message', 112, 242, [INVALID_SIGNATURE]],
        // A changed key is either not a curve point or another key.
        ['the public key', 16, 32, [INVALID_PUBLIC_KEY, INVALID_SIGNATURE]],
    ])('rejects the transaction when one byte of %s changes', async (_name, start, length, codes) => {
        const original = getEd25519VerifyInstruction(permit).data;
        for (const at of [start, start + 1, start + Math.floor(length / 2), start + length - 1]) {
            const data = original.slice();
            data[at] = data[at]! ^ 0x01;
            expect(codes).toContain(precompileError(await send(withData(data))));
        }
    });

    it('rejects offsets that point outside the instruction', async () => {
        const data = getEd25519VerifyInstruction(permit).data.slice();
        new DataView(data.buffer).setUint16(12, 243, true); // message size one past the end
        expect(precompileError(await send(withData(data)))).toBe(INVALID_DATA_OFFSETS);
    });
});
