/**
 * Where the app's services are. A production build reads them from `VITE_*` variables at build
 * time (see README.md); the dev server (dev/stack.ts) serves them at `/__dev/config.json`.
 */

/** The endpoints the app talks to. */
export interface AppConfig {
    /** Solana JSON-RPC over HTTP. */
    readonly rpcUrl: string;
    /** Solana PubSub (websocket). */
    readonly wsUrl: string;
    /** The permit server (`@raffle/permit/server`), with its base path. */
    readonly permitApiUrl: string;
    /** The worker's HTTP surface (`/events`, the activity stream). */
    readonly workerUrl: string;
    /** The Wallet Standard chain wallets sign for, e.g. `solana:devnet`. */
    readonly chain: `solana:${string}`;
}

export async function loadConfig(): Promise<AppConfig> {
    if (import.meta.env.DEV) {
        // DEV ONLY: the dev server knows the ports it picked for the local cluster and services.
        const response = await fetch('/__dev/config.json');
        if (!response.ok) throw new Error(`the dev server did not answer /__dev/config.json (${response.status})`);
        return (await response.json()) as AppConfig;
    }
    const env = import.meta.env;
    const required = (name: string): string => {
        const value = env[name] as string | undefined;
        if (!value) throw new Error(`${name} is not set: build with it (see README.md)`);
        return value;
    };
    return {
        rpcUrl: required('VITE_RPC_URL'),
        wsUrl: required('VITE_WS_URL'),
        permitApiUrl: required('VITE_PERMIT_API_URL'),
        workerUrl: required('VITE_WORKER_URL'),
        chain: ((env.VITE_SOLANA_CHAIN as string | undefined) ?? 'solana:devnet') as AppConfig['chain'],
    };
}
