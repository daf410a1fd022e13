#!/usr/bin/env node
/**
 * `raffle-localnet`: starts the local cluster, prints its URLs, the program id and the fixture
 * keys, and stops cleanly on Ctrl-C (SIGINT) or SIGTERM.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { fixturesToJson } from './fixtures/raffle-svm';
import { LOCALNET_DEFAULT_PORTS, type LocalnetOptions, startLocalnet } from './localnet';

const HELP = `raffle-localnet: a local Solana cluster (LiteSVM) with the rwa_raffle program and fixtures

Usage: raffle-localnet [options]

  --host <ip>               interface to bind (default 127.0.0.1)
  --rpc-port <n>            JSON-RPC port (default ${LOCALNET_DEFAULT_PORTS.rpc}; 0 = any free port)
  --ws-port <n>             PubSub websocket port (default rpc port + 1)
  --slot-ms <n>             milliseconds per empty slot (default 400; 0 = only per transaction)
  --confirmation-lag <n>    blocks by which confirmed trails processed (default 1)
  --finalization-lag <n>    blocks by which finalized trails confirmed (default 31)
  --seed <text>             fixture key seed (default raffle-localnet)
  --wallets <n>             buyer wallets (default 4)
  --prize-nfts <n>          prize NFTs owned by the organizer (default 5)
  --no-fixtures             start a bare LiteSVM (no program, no fixtures)
  --hash-chain-length <n>   length of the draw authority's hash chain (default 1024)
  --fixtures-out <file>     write the fixtures (addresses and local secret keys) as JSON
  --json                    print one JSON line instead of the human summary
  -h, --help                this help
`;

function int(value: string | undefined, name: string): number | undefined {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) {
        process.stderr.write(`raffle-localnet: --${name} must be a non-negative integer\n`);
        process.exit(2);
    }
    return n;
}

async function main(): Promise<void> {
    let parsed;
    try {
        parsed = parseArgs({
            options: {
                host: { type: 'string' },
                'rpc-port': { type: 'string' },
                'ws-port': { type: 'string' },
                'slot-ms': { type: 'string' },
                'confirmation-lag': { type: 'string' },
                'finalization-lag': { type: 'string' },
                seed: { type: 'string' },
                wallets: { type: 'string' },
                'prize-nfts': { type: 'string' },
                'no-fixtures': { type: 'boolean' },
                'fixtures-out': { type: 'string' },
                'hash-chain-length': { type: 'string' },
                json: { type: 'boolean' },
                help: { type: 'boolean', short: 'h' },
            },
            strict: true,
        });
    } catch (e) {
        process.stderr.write(`raffle-localnet: ${(e as Error).message}\n\n${HELP}`);
        process.exit(2);
    }
    const v = parsed.values;
    if (v.help) {
        process.stdout.write(HELP);
        return;
    }
    const slotMs = int(v['slot-ms'], 'slot-ms');
    const options: LocalnetOptions = {
        host: v.host,
        rpcPort: int(v['rpc-port'], 'rpc-port'),
        wsPort: int(v['ws-port'], 'ws-port'),
        slotIntervalMs: slotMs === 0 ? null : slotMs,
        confirmationLag: int(v['confirmation-lag'], 'confirmation-lag'),
        finalizationLag: int(v['finalization-lag'], 'finalization-lag'),
        fixtures: v['no-fixtures'] ? false : {
                  seed: v.seed,
                  wallets: int(v.wallets, 'wallets'),
                  prizeNfts: int(v['prize-nfts'], 'prize-nfts'),
                  hashChainLength: int(v['hash-chain-length'], 'hash-chain-length'),
              },
    };
    const net = await startLocalnet(options);
    const fixtures = net.fixtures ? fixturesToJson(net.fixtures) : null;
    if (v['fixtures-out'] && fixtures) writeFileSync(v['fixtures-out'], `${JSON.stringify(fixtures, null, 2)}\n`, { mode: 0o600 });
    if (v.json) {
        process.stdout.write(`${JSON.stringify({ rpcUrl: net.rpcUrl, wsUrl: net.wsUrl, faucet: net.faucet, fixtures })}\n`);
    } else {
        const lines = [`raffle-localnet is running (LiteSVM)`, `  JSON-RPC URL:  ${net.rpcUrl}`, `  WebSocket URL: ${net.wsUrl}`, `  Faucet:        ${net.faucet}`];
        if (net.fixtures) {
            const f = net.fixtures;
            lines.push(
                `  Program:       ${f.programAddress} (ProgramData ${f.programDataAddress})`,
                `  Config:        ${f.configAddress}`,
                `  Admin:         ${f.admin.address}`,
                `  Permit signer: ${f.permitSigner.address}`,
                `  Draw authority:${' '}${f.drawAuthority.address} (hash chain of ${f.drawHashChain.length}; its seed is in --fixtures-out)`,
                `  Treasury:      ${f.treasury.address}`,
                `  Mints:         MOGA ${f.mints.MOGA.address}, USDC ${f.mints.USDC.address}, MRFT ${f.mints.MRFT.address}`,
                `  Organizer:     ${f.organizer.address}`,
                ...f.wallets.map((w, i) => `  Wallet ${i}:      ${w.address}`),
                `  Collection:    ${f.collection.mint}`,
                ...f.prizeNfts.map((n, i) => `  Prize NFT ${i}:   ${n.mint}`),
                `  Secret keys:   ${v['fixtures-out'] ? `written to ${v['fixtures-out']}` : 'pass --fixtures-out <file> (local keys, never use them elsewhere)'}`,
            );
        }
        lines.push('Press Ctrl-C to stop.');
        process.stdout.write(`${lines.join('\n')}\n`);
    }
    let stopping = false;
    const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        net.stop().then(
            () => {
                if (!v.json) process.stdout.write(`\nraffle-localnet stopped (${signal})\n`);
                process.exit(0);
            },
            (e: unknown) => {
                process.stderr.write(`raffle-localnet: error while stopping: ${String(e)}\n`);
                process.exit(1);
            },
        );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
    process.stderr.write(`raffle-localnet: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
});
