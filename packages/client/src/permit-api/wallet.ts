/**
 * Wallets for the permit server's sign-in: the {@link PermitApiWallet} shape, an adapter for
 * kit message signers, and the signing step with its checks.
 *
 * @packageDocumentation
 */
import { type Address, createSignableMessage, isAddress, type MessagePartialSigner } from '@solana/kit';

import { inputInvalid } from '../errors/client-errors';
import { describeValue } from '../internal/validate';
import { messageSigningFailed } from './errors';
import type { PermitApiWallet } from './types';

/**
 * Adapts a kit `MessagePartialSigner` (e.g. `await createKeyPairSignerFromBytes(secret)` on a
 * backend, or `generateKeyPairSigner()` in tests) to the wallet `signIn` takes.
 *
 * @param signer - a signer whose `signMessages` returns its signature of each message
 * @returns a wallet signing with it
 * @throws `RaffleError` `RAFFLE_ERROR__INVALID_ARGUMENT` (`signer`) when it is not a message signer
 * @example
 * ```ts
 * const organizer = await createKeyPairSignerFromBytes(secretKeyBytes);
 * await permits.signIn(walletFromMessageSigner(organizer));
 * ```
 */
export function walletFromMessageSigner(signer: MessagePartialSigner): PermitApiWallet {
    if (typeof signer !== 'object' || signer === null || typeof signer.signMessages !== 'function' || !isAddress(String(signer.address))) {
        throw inputInvalid('signer', `must be a kit MessagePartialSigner (address and signMessages), got ${describeValue(signer)}`);
    }
    const address = signer.address;
    return {
        address,
        async signMessage(message) {
            const [signatures] = await signer.signMessages([createSignableMessage(message)]);
            const signature = signatures?.[address];
            if (signature === undefined) throw new Error('the signer returned no signature for its own address');
            return signature;
        },
    };
}

/**
 * @internal
 * @param wallet - what `signIn` was given
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` (`wallet`) unless it has an address and `signMessage`
 */
export function assertWallet(wallet: unknown): asserts wallet is PermitApiWallet {
    const w = wallet as Partial<PermitApiWallet> | null;
    if (typeof w !== 'object' || w === null || typeof w.signMessage !== 'function') {
        throw inputInvalid('wallet', `must be { address, signMessage(bytes) }, got ${describeValue(wallet)}`);
    }
    if (typeof w.address !== 'string' || !isAddress(w.address)) {
        throw inputInvalid('wallet.address', `must be a base58 address, got ${describeValue(w.address)}`);
    }
}

/**
 * Has the wallet sign the UTF-8 bytes of `text` and checks the answer's form.
 *
 * @internal
 * @param wallet - a checked wallet
 * @param text - the message
 * @returns the 64-byte signature
 * @throws `RAFFLE_ERROR__CLIENT__MESSAGE_SIGNING_FAILED` when the wallet throws (the user
 * refused) or returns something else than 64 bytes
 */
export async function signText(wallet: PermitApiWallet, text: string): Promise<Uint8Array> {
    const address: Address = wallet.address;
    let signature: unknown;
    try {
        signature = await wallet.signMessage(new TextEncoder().encode(text));
    } catch (e) {
        throw messageSigningFailed(address, 'the wallet refused or failed to sign (see the cause)', e);
    }
    if (!(signature instanceof Uint8Array) || signature.length !== 64) {
        throw messageSigningFailed(address, `the wallet returned ${describeValue(signature)}, expected a 64-byte ed25519 signature`);
    }
    return signature;
}
