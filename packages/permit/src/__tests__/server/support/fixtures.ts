/** Keys, addresses and sign-in helpers for the permit server tests. */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

import { type Address, getAddressDecoder } from '@solana/kit';

import { createNodeCryptoSigner } from '../../../entries/node';
import type { PermitSigner } from '../../../signer';
import { createSignInMessageText } from '../../../server/sign-in';

const decoder = getAddressDecoder();

/** A random address. */
export function randomAddress(): Address {
    return decoder.decode(randomBytes(32));
}

/** A wallet: address and a signMessage like a browser wallet's. */
export interface TestWallet {
    address: Address;
    signMessage(message: Uint8Array): Uint8Array;
}

/** A fresh ed25519 wallet. */
export function createWallet(): TestWallet {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
    return { address: decoder.decode(raw), signMessage: m => new Uint8Array(sign(null, m, privateKey)) };
}

/** A fresh permit signer (node:crypto). */
export function createTestSigner(): PermitSigner {
    return createNodeCryptoSigner(randomBytes(32));
}

export const PROGRAM_ID = 'HMxaKAkT6CdHhm7Gyf83LrxhLTdQNfXdmdGuhHpArH9' as Address;
export const ENTERPRISE_ID = '7f1c0d2e52a14c3b9a550e0b8c7d6f10';

/** A valid POST /permits body for a prize and clock. */
export function permitBody(overrides: Record<string, unknown> = {}, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, unknown> {
    return {
        prizeMint: randomAddress(),
        prizeAmount: '1',
        paymentMint: randomAddress(),
        ticketPrice: '5000000',
        maxTickets: 100,
        deadline: String(nowSeconds + 7 * 86_400),
        refundMode: 'vouchers',
        ...overrides,
    };
}

/**
 * Signs in over HTTP: nonce, message, signature.
 *
 * @returns the session token
 */
export async function signIn(baseUrl: string, wallet: TestWallet): Promise<string> {
    const nonceResponse = await fetch(`${baseUrl}/auth/nonce`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ address: wallet.address }),
    });
    if (nonceResponse.status !== 200) throw new Error(`nonce: ${nonceResponse.status} ${await nonceResponse.text()}`);
    const { message } = (await nonceResponse.json()) as { message: string };
    const signature = Buffer.from(wallet.signMessage(new TextEncoder().encode(message))).toString('base64');
    const response = await fetch(`${baseUrl}/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message, signature }),
    });
    if (response.status !== 200) throw new Error(`sign-in: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { token: string }).token;
}

/** Builds a sign-in message text by hand (for hostile variants). */
export function signInText(fields: { domain: string; address: Address; nonce: string; issuedAt: Date; expirationTime: Date }): string {
    return createSignInMessageText({
        domain: fields.domain,
        address: fields.address,
        statement: 'Sign in to request raffle permits.',
        version: '1',
        nonce: fields.nonce,
        issuedAt: fields.issuedAt.toISOString(),
        expirationTime: fields.expirationTime.toISOString(),
    });
}
