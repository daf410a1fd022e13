/**
 * Real program logs for the ingestion benchmarks: 100 `update_config` transactions with 10
 * instructions each, run on the reference program in `@raffle/localnet` (LiteSVM), so each
 * carries 10 `ConfigUpdated` events; and fresh signatures to hand the same logs over as new
 * transactions.
 */
import { randomBytes } from 'node:crypto';

import { type Localnet, startLocalnet } from '@raffle/localnet';
import { createSolanaRpc, createSolanaRpcSubscriptions, getBase58Decoder } from '@solana/kit';

import { sendConfigUpdates, waitForTransactionLogs } from '../src/__tests__/fixtures/config-updates';
import { extractProgramEvents } from '../src/index';

/** One template transaction: its logs and slot. */
export interface TemplateTransaction {
    readonly logs: readonly string[];
    readonly slot: bigint;
}

/** The cluster the templates were made on, its clients, and the templates. */
export interface BenchTemplates {
    readonly net: Localnet;
    readonly rpc: ReturnType<typeof createSolanaRpc>;
    readonly rpcSubscriptions: ReturnType<typeof createSolanaRpcSubscriptions>;
    readonly templates: readonly TemplateTransaction[];
    /** Events per template transaction (10). */
    readonly eventsPerTx: number;
}

/**
 * Starts a localnet (no slot timer, no commitment lag) and runs the 100 template transactions.
 *
 * @returns the cluster (stop it when done) and the templates
 */
export async function makeTemplates(): Promise<BenchTemplates> {
    const net = await startLocalnet({ rpcPort: 0, slotIntervalMs: null, confirmationLag: 0, finalizationLag: 0, fixtures: { wallets: 1, prizeNfts: 0 }, onError: () => undefined });
    const rpc = createSolanaRpc(net.rpcUrl);
    const rpcSubscriptions = createSolanaRpcSubscriptions(net.wsUrl);
    const f = net.fixtures!;
    const templates: TemplateTransaction[] = [];
    for (let t = 0; t < 100; t++) {
        const fees = Array.from({ length: 10 }, (_, i) => (t * 10 + i) % 1000);
        const { logs, slot } = await waitForTransactionLogs(rpc, await sendConfigUpdates(rpc, f, fees));
        if (extractProgramEvents(logs, f.programAddress).events.length !== 10) throw new Error('the template transaction did not log 10 events');
        templates.push({ logs, slot });
    }
    return { net, rpc, rpcSubscriptions, templates, eventsPerTx: 10 };
}

const base58 = getBase58Decoder();

/** A fresh, valid-looking signature (64 random bytes, base58). */
export const freshSignature = (): string => base58.decode(randomBytes(64));
