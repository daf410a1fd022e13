/**
 * issuePermit throughput against raw node:crypto signing of the same bytes.
 *
 *     npx tsx packages/permit/bench/issue-permit.bench.ts
 *
 * Three tasks, one run: `raw node:crypto` signs a fixed 242-byte permit message with
 * `crypto.sign(null, bytes, key)`; `issuePermit (node:crypto)` does the whole issuing path
 * (clock, validation, encoding, signing, base64, JSON-safe fields) with the node:crypto
 * signer of the same key; `issuePermit (noble)` the same with the portable signer. Requests
 * rotate through distinct organizers and prize mints, so address decoding is really done.
 * Prints a table and the ratios against the raw baseline.
 */
import { createPrivateKey, randomBytes, sign } from 'node:crypto';

import { type Address, getAddressDecoder } from '@solana/kit';
import { Bench } from 'tinybench';

import { type PermitRequest, createNobleSigner, encodePermitMessage, issuePermit } from '../src/index';
import { createNodeCryptoSigner } from '../src/entries/node';

const TARGET_RATIO = 0.8;
const addressDecoder = getAddressDecoder();
const randomAddress = (): Address => addressDecoder.decode(randomBytes(32));

const seed = randomBytes(32);
const nodeSigner = createNodeCryptoSigner(seed);
const nobleSigner = createNobleSigner(seed);
const rawKey = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
});

const programId = 'HMxaKAkT6CdHhm7Gyf83LrxhLTdQNfXdmdGuhHpArH9' as Address;
const config = randomAddress();
const paymentMint = randomAddress();
const requests: PermitRequest[] = Array.from({ length: 256 }, (_, i) => ({
    programId,
    config,
    organizer: randomAddress(),
    raffleId: BigInt(i),
    tier: i % 3,
    enterpriseId: randomBytes(16),
    prizeMint: randomAddress(),
    prizeAmount: 1n,
    paymentMint,
    ticketPrice: 5_000_000n,
    maxTickets: 1_000,
    deadline: 1_900_000_000n,
    refundMode: i % 2 === 0 ? 'tokens' : 'vouchers',
}));
const now = 1_800_000_000;
const sameBytes = encodePermitMessage({ ...requests[0]!, expiresAt: BigInt(now + 300) });

let i = 0;
const bench = new Bench({ name: 'issuePermit', time: 2_000, warmup: true, warmupTime: 500 });
bench
    .add('raw node:crypto sign', () => {
        sign(null, sameBytes, rawKey);
    })
    .add('issuePermit (node:crypto)', async () => {
        await issuePermit(requests[i++ & 255]!, { signer: nodeSigner, now });
    })
    .add('issuePermit (noble)', async () => {
        await issuePermit(requests[i++ & 255]!, { signer: nobleSigner, now });
    });

await bench.run();

const rows = bench.tasks.map(task => {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`${task.name}: ${result.state}`);
    return { name: task.name, opsPerSecond: result.throughput.mean, meanMicros: result.latency.mean * 1000 };
});
const raw = rows[0]!.opsPerSecond;
console.table(
    rows.map(r => ({
        task: r.name,
        'permits/s': Math.round(r.opsPerSecond),
        'mean µs': r.meanMicros.toFixed(1),
        'vs raw': `${(r.opsPerSecond / raw).toFixed(2)}x`,
    })),
);
const ratio = rows[1]!.opsPerSecond / raw;
console.log(`issuePermit/raw node:crypto = ${ratio.toFixed(2)}x (target >= ${TARGET_RATIO}x)`);
console.log(`issuePermit(noble)/raw node:crypto = ${(rows[2]!.opsPerSecond / raw).toFixed(2)}x`);
if (ratio < TARGET_RATIO) console.warn(`below the ${TARGET_RATIO}x target`);
