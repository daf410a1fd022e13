/**
 * The consumer that check-consumer.ts type-checks in every resolution mode: it imports every
 * entry point of every published package (so, with `skipLibCheck: false`, every shipped `.d.ts`
 * is checked) and uses the types users rely on, failing on `any` where a type must be precise.
 */

/** Every entry point, as a namespace import (one per line: the CommonJS variant rewrites them). */
const imports = `import * as errors from '@raffle/errors';
import * as program from '@raffle/program';
import * as permit from '@raffle/permit';
import * as permitNode from '@raffle/permit/node';
import * as permitServer from '@raffle/permit/server';
import * as client from '@raffle/client';
import * as compat from '@raffle/client/compat';
import * as localnet from '@raffle/localnet';
import * as workerKit from '@raffle/worker-kit';
import * as raffle from '@raffle/worker-kit/raffle';
import * as ops from '@raffle/worker-kit/ops';
import * as testing from '@raffle/worker-kit/testing';
import * as postgres from '@raffle/worker-kit/postgres';
import * as pglite from '@raffle/worker-kit/pglite';
import * as redis from '@raffle/worker-kit/redis';
import * as sqlite from '@raffle/worker-kit/sqlite';
`;

const checks = `
/** Resolves to never when T is any: assigning to it fails where a type silently became any. */
type NotAny<T> = 0 extends 1 & T ? never : T;

export function onDeadJob(worker: workerKit.Worker<workerKit.EventMapOf<typeof client.RWA_RAFFLE_EVENTS>>): void {
    const events: NotAny<typeof worker.events> = worker.events;
    // docs/worker.md: worker.events.on('job:dead', ({ jobId, error }) => ...), under strict.
    events.on('job:dead', ({ jobId, error }) => {
        const id: NotAny<typeof jobId> = jobId;
        const reason: NotAny<typeof error> = error;
        console.log(id.length, reason.length);
    });
}

export type InstructionName = NotAny<program.RwaRaffleIdl['instructions'][number]['name']>;
export const idlAddress: NotAny<typeof program.rwaRaffleIdl.address> = program.rwaRaffleIdl.address;
export const programAddress: string = program.RWA_RAFFLE_PROGRAM_ADDRESS;

export async function permitFields(untrusted: unknown): Promise<bigint> {
    const fields = await permit.verifyPermit(untrusted);
    const raffleId: NotAny<typeof fields.raffleId> = fields.raffleId;
    return raffleId;
}

export function describeError(e: unknown): string {
    if (errors.isRaffleError(e, errors.RAFFLE_ERROR__INVALID_ARGUMENT)) {
        const name: NotAny<typeof e.context.name> = e.context.name;
        return name;
    }
    return String(e);
}

export const entries = [errors, program, permit, permitNode, permitServer, client, compat, localnet, workerKit, raffle, ops, testing, postgres, pglite, redis, sqlite] as const;

/** A store from a subpath is the core's WorkerStore (its types resolve with the driver's typings installed). */
export function subpathStores(): workerKit.WorkerStore[] {
    return [postgres.createPostgresWorkerStore({ connectionString: 'postgres://localhost/db' }), redis.createRedisWorkerStore({}), pglite.createPgliteWorkerStore(), sqlite.createSqliteWorkerStore({ path: './worker.sqlite' })];
}
`;

/**
 * @returns the consumer of every entry point
 */
export function consumerSource(): string {
    return `${imports}${checks}`;
}

/**
 * @returns a browser app's consumer: the packages a frontend installs, with DOM types and no
 * Node typings (their `.d.ts` must not need `@types/node`)
 */
export function browserConsumerSource(): string {
    return `import * as errors from '@raffle/errors';
import * as permit from '@raffle/permit';
import * as client from '@raffle/client';

export async function buildJoin(rpc: Parameters<typeof client.joinWithTokenTx>[0]['rpc'], buyer: Parameters<typeof client.joinWithTokenTx>[0]['buyer'], raffle: Parameters<typeof client.joinWithTokenTx>[0]['raffle']) {
    return await client.joinWithTokenTx({ rpc, buyer, raffle, ticketCount: 1 });
}

export const entries = [errors, permit, client] as const;
`;
}
