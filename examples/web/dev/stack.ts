/**
 * The whole development stack in one Node process: Vite's dev server for the page, a local
 * cluster (@raffle/localnet), the permit server and the worker. `pnpm dev` runs it (dev/main.ts);
 * the end-to-end test starts the same stack. The permit server and the worker are examples/demo's
 * (examples/demo/src/services.ts), here with CORS for the page's origin.
 *
 * DEV ONLY: the dev server adds two endpoints that no production server has:
 * `/__dev/config.json` (the ports picked for the cluster and services) and
 * `/__dev/wallet-keys.json` (the fixtures' secret keys, for the dev wallet). They are the local
 * cluster's public test keys; never serve real keys to a page.
 */
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

import { type Localnet, startLocalnet } from '@raffle/localnet';
import type { RaffleAutomations } from '@raffle/worker-kit/raffle';
import { createServer, type Plugin, type ViteDevServer } from 'vite';

import { approveOrganizer, startPermitServer, startWorker } from '../../demo/src/services';
import type { AppConfig } from '../src/config';

const root = fileURLToPath(new URL('..', import.meta.url));
const DEV_ENTERPRISE_ID = '6465762d656e74657270726973652d31'; // 16 bytes, hex

/** Options of {@link startDevStack}. */
export interface DevStackOptions {
    /** The page's port; default 5173 (0: any free port). */
    readonly port?: number;
    /** The cluster's JSON-RPC port (PubSub on the next one); default 8899 (0: free ports). */
    readonly rpcPort?: number;
    /** Buyer wallets in the dev wallet; default 3. */
    readonly buyers?: number;
    /** Less output from Vite (tests). */
    readonly quiet?: boolean;
}

/** The running stack. */
export interface DevStack {
    /** The page. */
    readonly url: string;
    readonly config: AppConfig;
    readonly net: Localnet;
    /** The worker's raffle automations (tests pause them to hold a raffle past its deadline). */
    readonly automations: RaffleAutomations;
    stop(): Promise<void>;
}

/** What the dev endpoints answer, once the stack is up. */
interface DevEndpoints {
    config?: AppConfig;
    walletKeys?: { chain: string; accounts: { label: string; secretKey: number[] }[] };
}

function devEndpoints(state: DevEndpoints): Plugin {
    const send = (res: ServerResponse, body: unknown) => {
        res.statusCode = body === undefined ? 503 : 200;
        res.setHeader('content-type', 'application/json');
        res.setHeader('cache-control', 'no-store');
        res.end(JSON.stringify(body ?? { error: 'the dev stack is still starting' }));
    };
    return {
        name: 'raffle-dev-endpoints',
        apply: 'serve',
        configureServer(server) {
            server.middlewares.use('/__dev/config.json', (_req, res) => send(res, state.config));
            server.middlewares.use('/__dev/wallet-keys.json', (_req, res) => send(res, state.walletKeys));
        },
    };
}

export async function startDevStack(options: DevStackOptions = {}): Promise<DevStack> {
    const state: DevEndpoints = {};
    const stops: (() => Promise<void>)[] = [];
    const stop = async () => {
        for (const s of stops.reverse()) await s().catch(() => {});
    };
    try {
        // The page's origin first: the permit server and the worker allow it (CORS).
        const vite: ViteDevServer = await createServer({
            root,
            configFile: `${root}vite.config.ts`,
            server: { port: options.port ?? 5173, strictPort: true },
            clearScreen: false,
            logLevel: options.quiet ? 'warn' : 'info',
            plugins: [devEndpoints(state)],
        });
        stops.push(() => vite.close());
        await vite.listen();
        const url = vite.resolvedUrls!.local[0]!.replace(/\/$/, '');
        const port = new URL(url).port;
        const origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];

        const buyers = options.buyers ?? 3;
        const net = await startLocalnet({ rpcPort: options.rpcPort ?? 8899, slotIntervalMs: 100, confirmationLag: 1, finalizationLag: 4, fixtures: { wallets: buyers + 1, prizeNfts: 4 } });
        stops.push(() => net.stop());
        const fixtures = net.fixtures!;
        // Every buyer starts with 3 refund tickets (MRFT vouchers), so joining with them can be tried at once.
        for (const wallet of fixtures.wallets.slice(0, buyers)) await net.control.airdropTokens({ owner: wallet.address, mint: fixtures.mints.MRFT.address, amount: 3n });

        const permitServer = await startPermitServer(net, { corsOrigins: origins });
        stops.push(() => permitServer.stop());
        // The fixtures' organizer is approved (tier pro, prizes from the fixtures' collection), as a backend operator would.
        await approveOrganizer(permitServer, { address: fixtures.organizer.address, enterpriseId: DEV_ENTERPRISE_ID, collection: fixtures.collection.mint });
        const worker = await startWorker(net, { corsOrigins: origins }); // the last wallet (not a buyer's) pays the worker's fees
        stops.push(() => worker.stop());

        state.config = { rpcUrl: net.rpcUrl, wsUrl: net.wsUrl, permitApiUrl: permitServer.url, workerUrl: worker.url, chain: 'solana:localnet' };
        state.walletKeys = {
            chain: 'solana:localnet',
            accounts: [
                { label: 'organizer', secretKey: [...fixtures.organizer.keypair.secretKey] },
                ...fixtures.wallets.slice(0, buyers).map((w, i) => ({ label: `buyer ${i + 1}`, secretKey: [...w.keypair.secretKey] })),
            ],
        };
        return { url, config: state.config, net, automations: worker.automations, stop };
    } catch (e) {
        await stop();
        throw e;
    }
}
