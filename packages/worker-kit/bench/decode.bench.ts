/**
 * Event decoding throughput of the worker against Anchor's `EventParser`, on real logs.
 *
 *     pnpm bench decode        (or: npx tsx packages/worker-kit/bench/decode.bench.ts)
 *
 * The logs are produced first by the reference program (`packages/program/bin/rwa_raffle.so`)
 * on `@raffle/localnet` in-process (LiteSVM, JSON-RPC on 127.0.0.1): config updates (one and
 * four events per transaction) and four raffle lifecycles (create with permit, joins, sell-out
 * with `ThresholdReached`, draw, claims, refunds in tokens and vouchers, cancel). See
 * `src/__tests__/fixtures/real-event-logs.ts`. Every transaction's `meta.logMessages` comes
 * from `getTransaction`, as the worker reads it.
 *
 * One iteration = every transaction of that corpus, decoded by:
 *
 * - `anchor EventParser.parseLogs` (baseline): `new EventParser(programId, new BorshCoder(idl))`,
 *   its generator fully iterated per transaction.
 * - `worker-kit, RWA_RAFFLE_EVENTS`: what the worker does per transaction,
 *   `extractProgramEvents(logs, program)` then `decoder.decode(base64)` per payload, with the
 *   generated codec table of `@raffle/client`.
 * - `worker-kit, IDL table (compiled)`: the same with `createEventDecoderTableFromIdl(idl)`, whose
 *   decoders are compiled from the IDL into the module's own primitive readers (a base58 encoder
 *   for 32-byte addresses, one `DataView` per payload) instead of kit's codecs.
 *
 * Before timing, the three must give the same events (names and every field value, compared as
 * strings through the IDL); the benchmark exits non-zero otherwise. Then nine rounds of 400 ms
 * per task, tasks alternating, so a change of load on the machine hits every task alike. Prints
 * the medians (events/s, µs per transaction) and the median of the per-round ratios against
 * Anchor, with their range; and the ratio of CPU time (`process.cpuUsage`, all threads) per
 * iteration, which other processes on the machine disturb less than wall time. Target: >= 5x
 * Anchor. The last lines also give the compiled IDL table against the codec table
 * (`RWA_RAFFLE_EVENTS`), same method.
 */
import { RWA_RAFFLE_EVENTS } from '@raffle/client';
import { rwaRaffleIdl } from '@raffle/program';
import { Bench } from 'tinybench';

import {
    anchorEvents,
    type CanonicalEvent,
    createAnchorEventParser,
    createCanonicalizer,
    ourEvents,
} from '../src/__tests__/fixtures/anchor-events';
import { produceRealEventLogs } from '../src/__tests__/fixtures/real-event-logs';
import { createEventDecoder, type EventDecoder, type EventDecoderTable, type EventMapOf, extractProgramEvents } from '../src/ingestion/decoder';
import { createEventDecoderTableFromIdl } from '../src/ingestion/idl';

const TIME_MS = 400;
const ROUNDS = 9;
const TARGET = 5;
const CODEC_TASK = 'worker-kit, RWA_RAFFLE_EVENTS';
const IDL_TASK = 'worker-kit, IDL table (compiled)';

const { programAddress, transactions } = await produceRealEventLogs();
const corpus = transactions.map(t => t.logs);
const parser = createAnchorEventParser(programAddress, rwaRaffleIdl);
const decoders: { name: string; decoder: EventDecoder }[] = [
    { name: CODEC_TASK, decoder: createEventDecoder<EventDecoderTable>(RWA_RAFFLE_EVENTS) },
    {
        name: IDL_TASK,
        decoder: createEventDecoder<EventDecoderTable>(createEventDecoderTableFromIdl<EventMapOf<typeof RWA_RAFFLE_EVENTS>>(rwaRaffleIdl)),
    },
];

// Same events on both sides, or no figures.
const canon = createCanonicalizer(rwaRaffleIdl as unknown as Parameters<typeof createCanonicalizer>[0]);
let eventsPerPass = 0;
const kinds = new Set<string>();
let mismatches = 0;
for (const t of transactions) {
    const expected: CanonicalEvent[] = anchorEvents(parser, t.logs, canon);
    eventsPerPass += expected.length;
    for (const e of expected) kinds.add(e.name);
    for (const { name, decoder } of decoders) {
        let actual: CanonicalEvent[];
        try {
            actual = ourEvents(decoder, t.logs, programAddress, canon);
        } catch (e) {
            actual = [];
            console.error(`${t.label}: ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
        }
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
            mismatches++;
            console.error(`MISMATCH ${t.label} (${t.signature}) with ${name}\n  anchor: ${JSON.stringify(expected)}\n  ours:   ${JSON.stringify(actual)}`);
        }
    }
}
if (mismatches > 0 || eventsPerPass === 0) {
    console.error(`decode bench: ${mismatches} mismatch(es), ${eventsPerPass} event(s): not timing`);
    process.exit(1);
}
console.log(
    `corpus: ${transactions.length} real transactions, ${corpus.reduce((n, l) => n + l.length, 0)} log lines, ${eventsPerPass} events of ${kinds.size} kinds; ` +
        `Anchor and both worker-kit tables agree on every event and field`,
);

let sink = 0;
/** CPU time of each task's measured phase (all threads, so GC counts), per iteration. */
const cpu = new Map<string, { start: NodeJS.CpuUsage; iterations: number; microsPerIteration: number }>();
function task(name: string, fn: () => number): [string, () => void, { beforeAll(this: unknown, mode?: string): void; afterAll(this: unknown, mode?: string): void }] {
    const state = { start: process.cpuUsage(), iterations: 0, microsPerIteration: Number.NaN };
    cpu.set(name, state);
    return [
        name,
        () => {
            const n = fn();
            if (n !== eventsPerPass) throw new Error(`${name}: ${n} events`);
            sink += n;
            state.iterations++;
        },
        {
            beforeAll(mode) {
                if (mode !== 'run') return;
                state.iterations = 0;
                state.start = process.cpuUsage();
            },
            afterAll(mode) {
                if (mode !== 'run') return;
                const used = process.cpuUsage(state.start);
                state.microsPerIteration = (used.user + used.system) / state.iterations;
            },
        },
    ];
}

function makeBench(): Bench {
    const bench = new Bench({ name: 'event decoding', time: TIME_MS, warmup: true, warmupTime: 200 });
    bench.add(
        ...task('anchor EventParser.parseLogs (baseline)', () => {
            let n = 0;
            for (const logs of corpus) for (const event of parser.parseLogs(logs as string[])) if (event.name) n++;
            return n;
        }),
    );
    for (const { name, decoder } of decoders) {
        bench.add(
            ...task(name, () => {
                let n = 0;
                for (const logs of corpus) {
                    for (const raw of extractProgramEvents(logs, programAddress).events) if (decoder.decode(raw.base64).kind === 'decoded') n++;
                }
                return n;
            }),
        );
    }
    return bench;
}

// Rounds of short runs, tasks alternating: a load change on the machine hits every task alike.
interface Measure {
    readonly name: string;
    readonly eventsPerSecond: number;
    readonly microsPerTx: number;
    readonly cpuMicrosPerPass: number;
}
const perRound: Measure[][] = [];
for (let round = 0; round < ROUNDS; round++) {
    const bench = makeBench();
    await bench.run();
    perRound.push(
        bench.tasks.map(t => {
            const result = t.result;
            if (result.state !== 'completed') throw new Error(`${t.name}: ${result.state} ${'error' in result ? String(result.error) : ''}`);
            // One iteration decodes the whole corpus; figures from the mean iteration time.
            const passMs = result.latency.mean;
            return {
                name: t.name,
                eventsPerSecond: (eventsPerPass * 1000) / passMs,
                microsPerTx: (passMs * 1000) / corpus.length,
                cpuMicrosPerPass: cpu.get(t.name)!.microsPerIteration,
            };
        }),
    );
}
const median = (values: number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const rows = perRound[0]!.map((first, i) => {
    const ratios = perRound.map(round => round[i]!.eventsPerSecond / round[0]!.eventsPerSecond);
    return {
        name: first.name,
        eventsPerSecond: median(perRound.map(round => round[i]!.eventsPerSecond)),
        microsPerTx: median(perRound.map(round => round[i]!.microsPerTx)),
        ratio: median(ratios),
        minRatio: Math.min(...ratios),
        maxRatio: Math.max(...ratios),
        cpuRatio: median(perRound.map(round => round[0]!.cpuMicrosPerPass / round[i]!.cpuMicrosPerPass)),
    };
});
console.log(`medians over ${ROUNDS} rounds of ${TIME_MS} ms per task`);
console.table(
    rows.map(r => ({
        task: r.name,
        'events/s': Math.round(r.eventsPerSecond),
        'µs per tx': r.microsPerTx.toFixed(2),
        'vs Anchor': `${r.ratio.toFixed(2)}x`,
        'rounds min-max': `${r.minRatio.toFixed(2)}-${r.maxRatio.toFixed(2)}x`,
        'vs Anchor, CPU time': `${r.cpuRatio.toFixed(2)}x`,
    })),
);
for (const r of rows.slice(1)) {
    console.log(`${r.name} / Anchor = ${r.ratio.toFixed(2)}x (CPU time ${r.cpuRatio.toFixed(2)}x; target >= ${TARGET}x: ${r.ratio >= TARGET ? 'met' : 'NOT met'})`);
}
// The compiled IDL table against the codec table, per round as above.
{
    const codec = perRound[0]!.findIndex(m => m.name === CODEC_TASK);
    const idl = perRound[0]!.findIndex(m => m.name === IDL_TASK);
    const ratio = median(perRound.map(round => round[idl]!.eventsPerSecond / round[codec]!.eventsPerSecond));
    const cpuRatio = median(perRound.map(round => round[codec]!.cpuMicrosPerPass / round[idl]!.cpuMicrosPerPass));
    console.log(`${IDL_TASK} / ${CODEC_TASK} = ${ratio.toFixed(2)}x (CPU time ${cpuRatio.toFixed(2)}x)`);
}
if (sink < 0) console.log(sink);
