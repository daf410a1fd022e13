/**
 * The `localnet_*` control namespace over JSON-RPC (not part of the Solana API): time, lags,
 * funding, fixtures, snapshots and fault injection. Never failed or delayed by faults.
 */
import { isRaffleError } from '@raffle/errors';

import { type LocalnetControl, parseU64Input } from '../../control/control';
import type { FaultConfig } from '../../control/faults';
import { fixturesToJson, type RaffleFixtures } from '../../fixtures/raffle-svm';
import { invalidParams } from '../errors';
import { parseAddress, parseSignature, parseBool, type Params } from '../params';
import type { RpcMethod, RpcMethodTable } from './types';

/** Slots one HTTP body (a batch included) may ask `localnet_advanceSlots` for. */
export const MAX_SLOTS_PER_REQUEST = 100_000;

function guarded(fn: RpcMethod): RpcMethod {
    return async (params, ctx, scope) => {
        try {
            return await fn(params, ctx, scope);
        } catch (e) {
            if (isRaffleError(e)) throw invalidParams(e.message);
            throw e;
        }
    };
}

function object(params: Params, index: number): Record<string, unknown> {
    const value = params.required(index, index + 1);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidParams('Invalid params: expected an object.');
    return value as Record<string, unknown>;
}

function integer(value: unknown, name: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidParams(`Invalid params: \`${name}\` must be an integer.`);
    return value;
}

/**
 * Builds the control methods of a cluster.
 *
 * @param control - the control object
 * @param fixtures - the raffle fixtures, if loaded
 * @returns the `localnet_*` method table
 */
export function createControlMethods(control: LocalnetControl, fixtures: RaffleFixtures | null): RpcMethodTable {
    const table: Record<string, RpcMethod> = {
        localnet_status: () => control.status(),
        localnet_getFixtures: () => (fixtures ? fixturesToJson(fixtures) : null),
        localnet_advanceSlots: (params, _ctx, scope) => {
            params.atMost(1);
            const raw = params.optional(0);
            const count = raw === undefined ? 1 : integer(raw, 'count');
            // Bound the work of one body; the slots are produced a few hundred at a time, so
            // other clients are served meanwhile.
            const spent = scope.spent.get('slots') ?? 0;
            if (count > 0 && spent + count > MAX_SLOTS_PER_REQUEST) {
                throw invalidParams(`Invalid params: at most ${MAX_SLOTS_PER_REQUEST} slots per request body (batch included); ${spent} already asked for.`);
            }
            scope.spent.set('slots', spent + Math.max(0, count));
            return control.advanceSlotsYielding(count);
        },
        localnet_warpToSlot: (params) => {
            params.atMost(1);
            control.warpToSlot(parseU64Input(params.required(0, 1), 'slot'));
            return control.status().slots;
        },
        localnet_warpClock: (params) => {
            params.atMost(1);
            control.warpClock(parseU64Input(params.required(0, 1), 'unixTimestamp'));
            return control.status().unixTimestamp;
        },
        localnet_setCommitmentLags: (params) => {
            params.atMost(1);
            const o = object(params, 0);
            control.setCommitmentLags({
                confirmation: o['confirmation'] === undefined ? undefined : integer(o['confirmation'], 'confirmation'),
                finalization: o['finalization'] === undefined ? undefined : integer(o['finalization'], 'finalization'),
            });
            return control.status().commitmentLags;
        },
        localnet_setSlotInterval: (params) => {
            params.atMost(1);
            const ms = params.optional(0);
            control.setSlotInterval(ms === undefined ? null : integer(ms, 'ms'));
            return control.status().slotIntervalMs;
        },
        localnet_airdrop: (params) => {
            params.atMost(2);
            return control.airdrop(parseAddress(params.required(0, 2)), parseU64Input(params.required(1, 2), 'lamports'));
        },
        localnet_airdropTokens: async (params) => {
            params.atMost(1);
            const o = object(params, 0);
            return control.airdropTokens({ owner: parseAddress(o['owner']), mint: parseAddress(o['mint']), amount: parseU64Input(o['amount'], 'amount') });
        },
        localnet_loadFixtures: async (params) => {
            params.atMost(1);
            const o = params.config(0);
            const created = await control.loadFixtures({
                wallets: o['wallets'] === undefined ? undefined : integer(o['wallets'], 'wallets'),
                prizeNfts: o['prizeNfts'] === undefined ? undefined : integer(o['prizeNfts'], 'prizeNfts'),
                owner: o['owner'] === undefined ? undefined : parseAddress(o['owner']),
            });
            return {
                wallets: created.wallets.map((w) => ({ address: w.address, secretKey: Array.from(w.keypair.secretKey), tokenAccounts: w.tokenAccounts })),
                prizeNfts: created.prizeNfts,
            };
        },
        localnet_loadAccounts: (params) => {
            params.atMost(1);
            const list = params.required(0, 1);
            if (!Array.isArray(list)) throw invalidParams('Invalid params: expected an array of accounts.');
            return control.loadAccounts(list);
        },
        localnet_snapshot: (params) => {
            params.atMost(0);
            return control.snapshot();
        },
        localnet_restore: (params) => {
            params.atMost(1);
            const id = params.required(0, 1);
            if (typeof id !== 'string') throw invalidParams('Invalid params: expected a snapshot id.');
            control.restore(id);
            return control.status().slots;
        },
        localnet_deleteSnapshot: (params) => {
            params.atMost(1);
            const id = params.required(0, 1);
            if (typeof id !== 'string') throw invalidParams('Invalid params: expected a snapshot id.');
            return control.deleteSnapshot(id);
        },
        localnet_setFaults: (params) => {
            params.atMost(1);
            return control.setFaults(object(params, 0) as Partial<FaultConfig>);
        },
        localnet_clearFaults: (params) => {
            params.atMost(0);
            control.clearFaults();
            return control.status().faults;
        },
        localnet_dropWebsockets: (params) => {
            params.atMost(0);
            return control.dropWebsockets();
        },
        localnet_fork: (params) => {
            params.atMost(2);
            const signature = parseSignature(params.required(0, 1));
            const config = params.config(1);
            const { dropped, replayed } = control.fork(signature, { replay: parseBool(config['replay'], 'replay', true) });
            return {
                dropped: dropped.map((r) => ({ signature: r.signature, slot: r.slot })),
                replayed: replayed.map((o) => ({ kind: o.kind, signature: 'signature' in o ? o.signature : null, slot: o.kind === 'landed' ? o.record.slot : null })),
            };
        },
    };
    return Object.fromEntries(Object.entries(table).map(([name, fn]) => [name, guarded(fn)]));
}
