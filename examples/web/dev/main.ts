/**
 * `pnpm --filter @raffle/example-web dev`: the page on Vite's dev server with everything it
 * talks to, in this one process (see stack.ts). Ctrl-C stops it all.
 * Environment: PORT (the page, default 5173), RPC_PORT (the cluster, default 8899; 0 for free ports).
 */
import { startDevStack } from './stack';

const port = (name: string, fallback: number) => {
    const value = Number(process.env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 0 || value > 65_535) throw new Error(`${name} must be a port number, got ${process.env[name]}`);
    return value;
};

const stack = await startDevStack({ port: port('PORT', 5173), rpcPort: port('RPC_PORT', 8899) });
const { config, net } = stack;
console.log(`
  Raffles (development)   ${stack.url}/#/organizer   ${stack.url}/#/buyer

  local cluster   RPC ${config.rpcUrl}   PubSub ${config.wsUrl}   program ${net.fixtures!.programAddress}
  permit server   ${config.permitApiUrl}   (organizer ${net.fixtures!.organizer.address} approved, prizes from collection ${net.fixtures!.collection.mint})
  worker          ${config.workerUrl}/status   activity stream ${config.workerUrl}/events

  DEV WALLET: the page registers a "Dev wallet (local test keys)" holding the organizer's and the buyers' fixture keys.
  Warp the cluster's clock (e.g. past a deadline): curl -s ${config.rpcUrl} -H 'content-type: application/json' \\
      -d '{"jsonrpc":"2.0","id":1,"method":"localnet_warpClock","params":[<unix seconds>]}'
  Ctrl-C stops everything.
`);

let stopping = false;
const shutdown = () => {
    if (stopping) return;
    stopping = true;
    void stack.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
