/**
 * The handler the Next.js recipe's route module imports: in an app, the one of
 * docs/permit-server.md's "Deploying" section; here a memory store and a throwaway signer.
 */
import { randomBytes } from 'node:crypto';

import { createNodeCryptoSigner } from '@raffle/permit/node';
import { createMemoryPermitStore, createPermitHandler } from '@raffle/permit/server';
import type { Address } from '@solana/kit';

export const store = createMemoryPermitStore();

export const handler = createPermitHandler({
    store,
    signers: [createNodeCryptoSigner(randomBytes(32))],
    programId: 'HMxaKAkT6CdHhm7Gyf83LrxhLTdQNfXdmdGuhHpArH9' as Address,
    domain: 'app.example.com',
    basePath: '/permit-api',
    policy: { requirePrizeCollection: false },
    rateLimits: { perIp: false, perOrganizer: false, signInPerIp: false },
});
