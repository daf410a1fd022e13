/**
 * `startLocalnet`: the local cluster — the raffle fixtures on a LiteSVM, wrapped in a ledger,
 * served over JSON-RPC (HTTP) and PubSub (websocket), with a slot timer and control methods.
 */
import { createHash } from 'node:crypto';

import {
    type Address,
    type Blockhash,
    appendTransactionMessageInstructions,
    createTransactionMessage,
    getBase58Decoder,
    getTransactionEncoder,
    lamports,
    pipe,
    setTransactionMessageFeePayerSigner,
    setTransactionMessageLifetimeUsingBlockhash,
    signTransactionMessageWithSigners,
} from '@solana/kit';
import { getTransferSolInstruction } from '@solana-program/system';
import { LiteSVM } from 'litesvm';

import { LocalnetControl } from './control/control';
import { FaultInjector } from './control/faults';
import { optionInvalid } from './errors';
import { deriveFixtureKeypair } from './fixtures/keys';
import { createRaffleSvm, DEFAULT_FIXTURE_SEED, type RaffleFixtures, type RaffleSvmOptions } from './fixtures/raffle-svm';
import { PubSubServer } from './pubsub/ws-server';
import { SubscriptionManager } from './pubsub/subscriptions';
import type { RpcContext } from './rpc/context';
import { JsonRpcDispatcher } from './rpc/dispatcher';
import { RpcHttpServer } from './rpc/http-server';
import { accountMethods } from './rpc/methods/accounts';
import { blockMethods } from './rpc/methods/blocks';
import { clusterMethods } from './rpc/methods/cluster';
import { createControlMethods } from './rpc/methods/control';
import { tokenMethods } from './rpc/methods/tokens';
import { transactionMethods } from './rpc/methods/transactions';
import { SYSTEM_PROGRAM_ADDRESS } from './svm/addresses';
import { Ledger, type LedgerOptions, type SendOutcome } from './svm/ledger';

/**
 * Default ports, the same as `solana-test-validator`: JSON-RPC over HTTP on `rpc`, PubSub
 * websocket on `ws` (the next port). Pass port 0 in tests to get free ports.
 *
 * @example
 * ```ts
 * const url = `http://127.0.0.1:${LOCALNET_DEFAULT_PORTS.rpc}`;
 * ```
 */
export const LOCALNET_DEFAULT_PORTS = Object.freeze({ rpc: 8899, ws: 8900 });

/**
 * Options of {@link startLocalnet}.
 *
 * @example
 * ```ts
 * const options: LocalnetOptions = { rpcPort: 0, slotIntervalMs: 50, confirmationLag: 1, finalizationLag: 4 };
 * const net = await startLocalnet(options);
 * ```
 */
export interface LocalnetOptions extends Omit<LedgerOptions, 'now'> {
    /** Interface to bind (default `127.0.0.1`; anything else exposes unauthenticated control). */
    host?: string;
    /** JSON-RPC HTTP port (default 8899; 0 picks a free one). */
    rpcPort?: number;
    /** PubSub websocket port (default `rpcPort + 1`, or a free one when `rpcPort` is 0). */
    wsPort?: number;
    /** Milliseconds between empty slots (default 400; `null` produces slots only per transaction). */
    slotIntervalMs?: number | null;
    /** The raffle fixtures (default: all defaults); `false` starts a bare LiteSVM. */
    fixtures?: RaffleSvmOptions | false;
    /** Seed of fault-injection randomness (default fixed, so runs repeat). */
    faultSeed?: number;
    /** Largest JSON-RPC body in bytes (default 1 MiB). */
    maxBodyBytes?: number;
    /** Serve the `localnet_*` control methods over JSON-RPC (default true). */
    controlMethods?: boolean;
    /** Time source in ms (default `Date.now`). */
    now?: () => number;
    /** Receives internal errors (default: `console.error`). */
    onError?: (error: unknown) => void;
}

/**
 * A running local cluster.
 *
 * @example
 * ```ts
 * const net: Localnet = await startLocalnet({ rpcPort: 0 });
 * console.log(net.rpcUrl, net.wsUrl);
 * await net.stop();
 * ```
 */
export interface Localnet {
    /** `http://127.0.0.1:<port>` */
    readonly rpcUrl: string;
    /** `ws://127.0.0.1:<port>` */
    readonly wsUrl: string;
    readonly rpcPort: number;
    readonly wsPort: number;
    /** The ledger (LiteSVM plus slots, commitment and history). */
    readonly ledger: Ledger;
    /** Control and fault injection. */
    readonly control: LocalnetControl;
    /** The raffle fixtures (`null` when started with `fixtures: false`). */
    readonly fixtures: RaffleFixtures | null;
    /** The faucet behind `requestAirdrop`. */
    readonly faucet: Address;
    /** Stops the timer and both servers (idempotent). */
    stop(): Promise<void>;
}

function checkPort(name: string, port: number): number {
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw optionInvalid(name, 'must be an integer in [0, 65535]');
    return port;
}

/**
 * Starts a local cluster: raffle fixtures on LiteSVM, JSON-RPC on `rpcPort`, PubSub on `wsPort`.
 *
 * @param options - ports, commitment lags, slot timer, fixtures, faults
 * @returns the running cluster; call `stop()` when done
 * @example
 * ```ts
 * import { startLocalnet } from '@raffle/localnet';
 * import { createSolanaRpc } from '@solana/kit';
 *
 * const net = await startLocalnet({ rpcPort: 0, finalizationLag: 4, slotIntervalMs: 50 });
 * try {
 *     const rpc = createSolanaRpc(net.rpcUrl);
 *     console.log(await rpc.getSlot({ commitment: 'processed' }).send());
 * } finally {
 *     await net.stop();
 * }
 * ```
 */
export async function startLocalnet(options: LocalnetOptions = {}): Promise<Localnet> {
    const host = options.host ?? '127.0.0.1';
    const rpcPort = checkPort('rpcPort', options.rpcPort ?? LOCALNET_DEFAULT_PORTS.rpc);
    const wsPort = checkPort('wsPort', options.wsPort ?? (rpcPort === 0 ? 0 : rpcPort + 1));
    const slotIntervalMs = options.slotIntervalMs === undefined ? 400 : options.slotIntervalMs;
    if (slotIntervalMs !== null && (!Number.isInteger(slotIntervalMs) || slotIntervalMs < 10)) throw optionInvalid('slotIntervalMs', 'must be null or an integer >= 10');
    const onError = options.onError ?? ((e: unknown) => console.error('[@raffle/localnet]', e));

    let svm: LiteSVM;
    let fixtures: RaffleFixtures | null = null;
    const seed = options.fixtures ? (options.fixtures.seed ?? DEFAULT_FIXTURE_SEED) : DEFAULT_FIXTURE_SEED;
    if (options.fixtures === false) {
        svm = new LiteSVM();
    } else {
        const created = await createRaffleSvm(options.fixtures ?? {});
        svm = created.svm;
        fixtures = created.fixtures;
    }
    const ledger = new Ledger(svm, options);
    const faults = new FaultInjector(options.faultSeed);
    const faucet = await deriveFixtureKeypair(seed, 'faucet');
    ledger.setAccount({
        address: faucet.address,
        lamports: lamports(500_000_000n * 1_000_000_000n),
        data: new Uint8Array(),
        executable: false,
        programAddress: SYSTEM_PROGRAM_ADDRESS,
        space: 0n,
    });
    const identity = await deriveFixtureKeypair(seed, 'identity');
    const genesisHash = getBase58Decoder().decode(createHash('sha256').update(`${seed}:genesis`).digest());

    const ctx: RpcContext = {
        ledger,
        genesisHash,
        identity: identity.address,
        genesisBlock: ledger.blocks[0]!,
        isUnhealthy: () => faults.config.unhealthy,
        async requestAirdrop(to: Address, amount: bigint): Promise<SendOutcome> {
            const message = pipe(
                createTransactionMessage({ version: 'legacy' }),
                (m) => setTransactionMessageFeePayerSigner(faucet.signer, m),
                (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: ledger.latestBlockhash('processed').blockhash as Blockhash, lastValidBlockHeight: 0n }, m),
                (m) => appendTransactionMessageInstructions([getTransferSolInstruction({ source: faucet.signer, destination: to, amount })], m),
            );
            const tx = await signTransactionMessageWithSigners(message);
            return ledger.sendTransaction(new Uint8Array(getTransactionEncoder().encode(tx)));
        },
    };

    const subscriptions = new SubscriptionManager(ledger, () => faults.dropNotification());
    const pubsub = new PubSubServer(subscriptions, { host, port: wsPort, refuse: () => faults.config.refuseWebsockets });

    let timer: NodeJS.Timeout | undefined;
    let currentInterval: number | null = null;
    const setSlotInterval = (ms: number | null) => {
        if (timer) clearInterval(timer);
        timer = undefined;
        currentInterval = ms;
        if (ms === null) return;
        timer = setInterval(() => {
            try {
                ledger.advanceSlots(1);
            } catch (e) {
                onError(e);
            }
        }, ms);
        timer.unref();
    };

    const control = new LocalnetControl({
        ledger,
        faults,
        fixtures,
        dropWebsockets: () => pubsub.dropAll(),
        slotIntervalMs: () => currentInterval,
        setSlotIntervalMs: setSlotInterval,
        pubsubStats: () => ({ subscriptions: subscriptions.size, connections: pubsub.connections }),
    });
    const methods = {
        ...clusterMethods,
        ...accountMethods,
        ...tokenMethods,
        ...transactionMethods,
        ...blockMethods,
        ...(options.controlMethods === false ? {} : createControlMethods(control, fixtures)),
    };
    const dispatcher = new JsonRpcDispatcher(methods, ctx, (method, e) => onError(new Error(`${method} failed`, { cause: e })));
    const http = new RpcHttpServer(dispatcher, faults, { host, port: rpcPort, maxBodyBytes: options.maxBodyBytes, healthy: () => !faults.config.unhealthy });

    await http.listen();
    try {
        await pubsub.listen();
    } catch (e) {
        await http.close();
        subscriptions.close();
        throw e;
    }
    setSlotInterval(slotIntervalMs);

    let stopped: Promise<void> | undefined;
    return {
        rpcUrl: http.url,
        wsUrl: pubsub.url,
        rpcPort: http.port,
        wsPort: pubsub.port,
        ledger,
        control,
        fixtures,
        faucet: faucet.address,
        stop() {
            stopped ??= (async () => {
                setSlotInterval(null);
                subscriptions.close();
                await Promise.all([pubsub.close(), http.close()]);
            })();
            return stopped;
        },
    };
}
