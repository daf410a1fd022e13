import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { AnchorProvider, BN, BorshCoder, Program, Wallet } from '@coral-xyz/anchor';
import { rootNodeFromAnchor } from '@codama/nodes-from-anchor';
import { Connection, Keypair, PublicKey } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';

import { generateCHeader } from '../c-header';
import { type Idl, fixedSize, structFields } from '../idl';

const idlPath = new URL('../../../idl/rwa_raffle.json', import.meta.url);
const idl = JSON.parse(readFileSync(idlPath, 'utf8')) as Idl;
const header = generateCHeader(idl);

function disc(prefix: string, name: string): number[] {
    return [...createHash('sha256').update(`${prefix}:${name}`).digest().subarray(0, 8)];
}

/** Reads `#define NAME value` lines of the generated header. */
function defines(text: string): Map<string, string> {
    const map = new Map<string, string>();
    for (const m of text.matchAll(/^#define (\w+) (.+?)(?: \/\*.*\*\/)?$/gm)) map.set(m[1]!, m[2]!);
    return map;
}

describe('the IDL contract', () => {
    it('has Anchor discriminators for every instruction, account and event', () => {
        for (const ix of idl.instructions) expect(ix.discriminator, ix.name).toEqual(disc('global', ix.name));
        for (const a of idl.accounts) expect(a.discriminator, a.name).toEqual(disc('account', a.name));
        for (const e of idl.events) expect(e.discriminator, e.name).toEqual(disc('event', e.name));
    });

    it('covers the whole protocol: 12 instructions, 3 accounts, 13 events, named errors from 6000', () => {
        expect(idl.instructions.map(i => i.name)).toEqual([
            'initialize_config',
            'update_config',
            'initialize_raffle_with_permit',
            'join_with_token',
            'join_with_ticket',
            'request_draw_arcium',
            'draw_callback',
            'settle_draw',
            'refund_batch',
            'claim_prize',
            'claim_proceeds',
            'cancel_raffle',
        ]);
        expect(idl.accounts.map(a => a.name).sort()).toEqual(['Config', 'Entry', 'Raffle']);
        expect(idl.events).toHaveLength(13);
        idl.errors.forEach((e, i) => expect(e.code).toBe(6000 + i));
        expect(new Set(idl.errors.map(e => e.name)).size).toBe(idl.errors.length);
        for (const name of ['PermitExpired', 'PermitSignerUnknown', 'PermitMessageMismatch', 'Ed25519OffsetsInvalid', 'Ed25519InstructionMissing', 'RaffleNotOpen', 'DeadlinePassed', 'SoldOut', 'NotWinner', 'AlreadyClaimed', 'Unauthorized', 'Paused', 'MathOverflow']) {
            expect(idl.errors.map(e => e.name), name).toContain(name);
        }
    });

    it('is accepted by Anchor: BorshCoder and Program', () => {
        const coder = new BorshCoder(idl as never);
        const provider = new AnchorProvider(new Connection('http://127.0.0.1:9'), new Wallet(Keypair.generate()), {});
        const program = new Program(idl as never, provider);
        expect(Object.keys(program.methods)).toHaveLength(12);
        for (const account of idl.accounts) {
            const size = fixedSize(idl, { defined: { name: account.name } });
            expect(coder.accounts.size(account.name), account.name).toBe(8 + size!);
        }
    });

    it("is accepted by Codama's Anchor importer", () => {
        const root = rootNodeFromAnchor(idl as never);
        expect(root.program.instructions).toHaveLength(12);
        expect(root.program.accounts).toHaveLength(3);
        expect(root.program.events).toHaveLength(13);
        expect(root.program.errors).toHaveLength(idl.errors.length);
        expect(root.program.publicKey).toBe(idl.address);
    });
});

describe('the generated C header', () => {
    const d = defines(header);

    it('is deterministic', () => {
        expect(generateCHeader(idl)).toBe(header);
    });

    it('places every Raffle field where Anchor encodes it', () => {
        const coder = new BorshCoder(idl as never);
        const key = (n: number) => new PublicKey(new Uint8Array(32).fill(n));
        const value = {
            organizer: key(1),
            raffle_id: new BN('1122334455667788'),
            tier: 2,
            enterprise_id: Array.from({ length: 16 }, (_, i) => i + 1),
            prize_mint: key(3),
            prize_amount: new BN(7),
            payment_mint: key(4),
            ticket_price: new BN(123456789),
            max_tickets: 1000,
            tickets_sold: 999,
            entries_count: 17,
            entries_refunded: 5,
            deadline: new BN(1_800_000_000),
            refund_mode: { Vouchers: {} },
            status: { DrawRequested: {} },
            draw_seed: Array.from({ length: 32 }, (_, i) => 100 + i),
            randomness: Array.from({ length: 32 }, (_, i) => 200 - i),
            winner_ticket: 42,
            prize_claimed: true,
            proceeds_claimed: false,
            created_at: new BN(1_700_000_000),
            draw_requested_slot: new BN(31337),
            bump: 254,
            prize_vault_bump: 253,
            payment_vault_bump: 252,
        };
        return coder.accounts.encode('Raffle', value).then(data => {
            const at = (field: string) => Number(d.get(`RR_RAFFLE_${field}_OFFSET`));
            expect(data.length).toBe(Number(d.get('RR_RAFFLE_SIZE')));
            expect([...data.subarray(0, 8)]).toEqual(disc('account', 'Raffle'));
            expect(data.readBigUInt64LE(0)).toBe(BigInt(d.get('RR_RAFFLE_DISCRIMINATOR')!.replace('ULL', '')));
            expect(data.subarray(at('ORGANIZER'), at('ORGANIZER') + 32)).toEqual(Buffer.alloc(32, 1));
            expect(data.readBigUInt64LE(at('RAFFLE_ID'))).toBe(1122334455667788n);
            expect(data[at('TIER')]).toBe(2);
            expect(data[at('ENTERPRISE_ID') + 15]).toBe(16);
            expect(data.readBigUInt64LE(at('TICKET_PRICE'))).toBe(123456789n);
            expect(data.readUInt32LE(at('MAX_TICKETS'))).toBe(1000);
            expect(data.readUInt32LE(at('TICKETS_SOLD'))).toBe(999);
            expect(data.readUInt32LE(at('ENTRIES_COUNT'))).toBe(17);
            expect(data.readUInt32LE(at('ENTRIES_REFUNDED'))).toBe(5);
            expect(data.readBigInt64LE(at('DEADLINE'))).toBe(1_800_000_000n);
            expect(data[at('REFUND_MODE')]).toBe(Number(d.get('RR_REFUND_MODE_VOUCHERS')));
            expect(data[at('STATUS')]).toBe(Number(d.get('RR_RAFFLE_STATUS_DRAW_REQUESTED')));
            expect(data[at('DRAW_SEED')]).toBe(100);
            expect(data[at('RANDOMNESS') + 31]).toBe(169);
            expect(data.readUInt32LE(at('WINNER_TICKET'))).toBe(42);
            expect(data[at('PRIZE_CLAIMED')]).toBe(1);
            expect(data.readBigUInt64LE(at('DRAW_REQUESTED_SLOT'))).toBe(31337n);
            expect(data[at('PAYMENT_VAULT_BUMP')]).toBe(252);
        });
    });

    it('gives instruction account indexes, flag masks and argument offsets matching the IDL and Anchor', () => {
        const coder = new BorshCoder(idl as never);
        const data = coder.instruction.encode('join_with_token', { ticket_count: 0x01020304 });
        expect(data.readUInt32LE(Number(d.get('RR_IX_JOIN_WITH_TOKEN_ARG_TICKET_COUNT_OFFSET')))).toBe(0x01020304);
        expect(data.length).toBe(Number(d.get('RR_IX_JOIN_WITH_TOKEN_DATA_LEN')));
        expect(data.readBigUInt64LE(0)).toBe(BigInt(d.get('RR_IX_JOIN_WITH_TOKEN_DISCRIMINATOR')!.replace('ULL', '')));
        for (const ix of idl.instructions) {
            const name = ix.name.toUpperCase();
            expect(Number(d.get(`RR_IX_${name}_ACC_COUNT`))).toBe(ix.accounts.length);
            let signer = 0;
            let writable = 0;
            ix.accounts.forEach((a, i) => {
                expect(Number(d.get(`RR_IX_${name}_ACC_${a.name.toUpperCase()}`))).toBe(i);
                if (a.signer) signer |= 1 << i;
                if (a.writable) writable |= 1 << i;
            });
            expect(Number(d.get(`RR_IX_${name}_SIGNER_MASK`)!.replace('U', ''))).toBe(signer);
            expect(Number(d.get(`RR_IX_${name}_WRITABLE_MASK`)!.replace('U', ''))).toBe(writable);
        }
    });

    it('lays out every event as Anchor encodes it', () => {
        for (const event of idl.events) {
            const fields = structFields(idl, event.name);
            const size = 8 + fields.reduce((n, f) => n + fixedSize(idl, f.type)!, 0);
            expect(Number(d.get(`RR_EVENT_${event.name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}_SIZE`))).toBe(size);
        }
    });

    it('numbers errors as the IDL does', () => {
        for (const e of idl.errors) {
            const macro = `RR_ERR_${e.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
            expect(d.get(macro), macro).toBe(`${e.code}U`);
        }
    });
});
