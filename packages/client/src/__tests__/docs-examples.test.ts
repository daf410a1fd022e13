/**
 * docs/client.md's samples: each region of docs-examples*.ts appears verbatim in the guide,
 * and the frontend flow runs end to end against the committed program on LiteSVM (a real
 * HTTP permit backend on 127.0.0.1, the client's send policy, reads over the runtime's accounts).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createNobleSigner } from '@raffle/permit';
import { createMemoryPermitStore, createNodeRequestListener, createPermitHandler, type PermitServerStore } from '@raffle/permit/server';
import { type Address, type KeyPairSigner, type Signature } from '@solana/kit';
import { Keypair, type VersionedTransaction } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DAY, RaffleHarness } from '../../../program/src/__tests__/support/harness';
import { createPermitApiClient, findAssociatedTokenAddress, RWA_RAFFLE_PROGRAM_ADDRESS, updateConfigTx, walletFromMessageSigner } from '../index';
import { buyTickets, claimIfWinner, createRaffle, createRaffleApp, type RaffleApp, requestPermit, ticketsBought } from './docs-examples';
import { joinWithWalletAdapter } from './docs-examples-compat';
import { createSvmRpc } from './support/svm-rpc';
import { createSvmSender } from './support/svm-sender';

const here = new URL('.', import.meta.url).pathname;
const guide = readFileSync(new URL('../../../../docs/client.md', import.meta.url), 'utf8');

function regions(file: string): Map<string, string> {
    const text = readFileSync(`${here}${file}`, 'utf8');
    const out = new Map<string, string>();
    for (const match of text.matchAll(/\/\/ #region (\S+)\n([\s\S]*?)\/\/ #endregion \1/g)) out.set(match[1]!, match[2]!.trimEnd());
    return out;
}

describe('docs/client.md', () => {
    it('shows every sample region verbatim', () => {
        const all = [...regions('docs-examples.ts'), ...regions('docs-examples-compat.ts')];
        expect(all.map(([name]) => name)).toEqual(['imports', 'client', 'permit', 'create', 'join', 'events', 'claim', 'wallet-adapter']);
        for (const [name, code] of all) expect(guide, `region ${name}`).toContain(code);
    });

    it('createRaffleApp builds clients without touching the network', () => {
        const app = createRaffleApp('http://127.0.0.1:1', 'ws://127.0.0.1:1');
        expect(typeof app.sendAndConfirm).toBe('function');
    });
});

describe('the frontend flow of docs/client.md, executed', () => {
    const permitKey = createNobleSigner(new Uint8Array(32).fill(21));
    let h: RaffleHarness;
    let app: RaffleApp;
    let server: Server;
    let backendUrl: string;
    let permitStore: PermitServerStore;

    beforeAll(async () => {
        h = await RaffleHarness.create();
        const sender = createSvmSender(h.svm);
        app = { rpc: createSvmRpc(h.svm) as RaffleApp['rpc'], sendAndConfirm: sender.sendAndConfirm };
        await app.sendAndConfirm(await updateConfigTx({ admin: h.admin, permitSigners: [h.permitSigner.address, permitKey.address] }), { feePayer: h.admin });
        // The permit server of docs/permit-server.md, on the harness's clock and config.
        permitStore = createMemoryPermitStore();
        await permitStore.ready();
        const handler = createPermitHandler({
            store: permitStore,
            signers: [permitKey],
            programId: RWA_RAFFLE_PROGRAM_ADDRESS,
            config: h.config,
            domain: 'permits.test',
            policy: { requirePrizeCollection: false },
            now: () => Number(h.now()) * 1000,
        });
        server = createServer(createNodeRequestListener(handler));
        await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
        backendUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
        await new Promise(resolve => server.close(resolve));
    });

    async function buyer(): Promise<KeyPairSigner> {
        const signer = await h.wallet();
        await h.tokenAccount(signer.address, h.paymentMint, 100_000_000n, await findAssociatedTokenAddress({ owner: signer.address, mint: h.paymentMint }));
        return signer;
    }

    it('permit, create, join, events, draw, claim', async () => {
        const organizer = await h.wallet();
        await h.tokenAccount(organizer.address, h.prizeMint, 1n, await findAssociatedTokenAddress({ owner: organizer.address, mint: h.prizeMint }));
        await permitStore.createOrganizer({ address: organizer.address, enterpriseId: '00'.repeat(16), tier: 'pro' }, Number(h.now()) * 1000);
        const permits = createPermitApiClient({ baseUrl: backendUrl });
        const raffleInput = { prizeMint: h.prizeMint, prizeAmount: 1n, paymentMint: h.paymentMint, ticketPrice: 1_000_000n, maxTickets: 3, deadline: h.now() + DAY, refundMode: 'tokens' } as const;
        const permit = await requestPermit(permits, walletFromMessageSigner(organizer), raffleInput, '1');
        expect(await requestPermit(permits, walletFromMessageSigner(organizer), raffleInput, '1')).toEqual(permit); // replayed
        await expect(requestPermit(permits, walletFromMessageSigner(organizer), { ...raffleInput, maxTickets: 200_000 }, '2')).rejects.toThrow(/at most 100000 tickets/);
        const remembered: Signature[] = [];
        const raffle = await createRaffle(app, organizer, permit, signature => remembered.push(signature));
        expect(remembered).toHaveLength(1);
        expect(h.raffle(raffle).maxTickets).toBe(3);

        const alice = await buyer();
        const bob = await buyer();
        const first = await buyTickets(app, alice, raffle, 2);
        expect(await ticketsBought(app, first as Signature)).toEqual([{ entryIndex: 0, firstTicket: 0, ticketCount: 2 }]);
        expect(await buyTickets(app, bob, raffle, 2)).toBe('sold out');
        await buyTickets(app, bob, raffle, 1);
        await expect(buyTickets(app, bob, raffle, 1)).rejects.toThrow(/Drawing/);

        await h.requestDraw(raffle);
        await h.drawCallback(raffle);
        const claims = [await claimIfWinner(app, alice, raffle), await claimIfWinner(app, bob, raffle)];
        expect(claims.filter(c => c !== undefined)).toHaveLength(1);
        expect(await claimIfWinner(app, alice, raffle)).toBeUndefined(); // already claimed
    });

    it('joins through a web3.js wallet adapter', async () => {
        const raffle = await h.createRaffle({ maxTickets: 5 });
        const keypair = Keypair.generate();
        const owner = keypair.publicKey.toBase58() as Address;
        h.svm.airdrop(owner, 1_000_000_000n as never);
        await h.tokenAccount(owner, h.paymentMint, 10_000_000n, await findAssociatedTokenAddress({ owner, mint: h.paymentMint }));
        const wallet = {
            publicKey: keypair.publicKey,
            async signTransaction<T extends VersionedTransaction>(transaction: T): Promise<T> {
                transaction.sign([keypair]);
                return transaction;
            },
        };
        const signature = await joinWithWalletAdapter(app.rpc, wallet, raffle.address, 2);
        expect(await ticketsBought(app, signature)).toEqual([{ entryIndex: 0, firstTicket: 0, ticketCount: 2 }]);
    });
});
