import { isRaffleError, RAFFLE_ERROR__CLIENT__LOGS_TRUNCATED } from '@raffle/errors';
import { getBase64Decoder } from '@solana/kit';
import { describe, expect, it } from 'vitest';

import {
    decodeRaffleEvent,
    getRaffleCancelledEventEncoder,
    getThresholdReachedEventEncoder,
    getTicketsPurchasedEventEncoder,
    LOG_TRUNCATED_LINE,
    parseRaffleEvents,
    parseRaffleEventsFromTransaction,
    PaymentKind,
    RWA_RAFFLE_PROGRAM_ADDRESS,
} from '../../index';
import { coder, testAddress } from '../../__tests__/support/fixtures';

const PROGRAM = RWA_RAFFLE_PROGRAM_ADDRESS;
const TOKEN = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
const OTHER = testAddress(77);
const b64 = (bytes: Uint8Array) => getBase64Decoder().decode(bytes);

const purchased = new Uint8Array(
    getTicketsPurchasedEventEncoder().encode({
        raffle: testAddress(1),
        buyer: testAddress(2),
        entry: testAddress(3),
        entryIndex: 4,
        firstTicket: 10,
        ticketCount: 3,
        amountPaid: 3_000_000n,
        paidWith: PaymentKind.Token,
        ticketsSold: 13,
        slot: 99n,
    }),
);
const threshold = new Uint8Array(
    getThresholdReachedEventEncoder().encode({ raffle: testAddress(1), ticketsSold: 13, drawSeed: new Uint8Array(32).fill(8), slot: 99n }),
);
const cancelled = new Uint8Array(getRaffleCancelledEventEncoder().encode({ raffle: testAddress(9), by: testAddress(8), slot: 5n }));

/** A realistic transaction log: compute budget, our program with a token CPI, another program that CPIs into ours. */
function logs(): string[] {
    return [
        'Program ComputeBudget111111111111111111111111111111 invoke [1]',
        'Program ComputeBudget111111111111111111111111111111 success',
        `Program ${PROGRAM} invoke [1]`,
        'Program log: join',
        `Program ${TOKEN} invoke [2]`,
        'Program log: Instruction: Transfer',
        // Data logged by a CPI'd program is not ours, even with our discriminator.
        `Program data: ${b64(cancelled)}`,
        `Program ${TOKEN} consumed 4645 of 180000 compute units`,
        `Program ${TOKEN} success`,
        `Program data: ${b64(purchased)}`,
        `Program data: ${b64(threshold)}`,
        `Program ${PROGRAM} consumed 20000 of 200000 compute units`,
        `Program ${PROGRAM} success`,
        `Program ${OTHER} invoke [1]`,
        `Program data: ${b64(cancelled)}`,
        `Program ${PROGRAM} invoke [2]`,
        `Program data: ${b64(cancelled)}`,
        `Program ${PROGRAM} success`,
        `Program ${OTHER} success`,
    ];
}

describe('parseRaffleEvents', () => {
    it('decodes only the lines logged while our program executes, following invoke/success nesting', () => {
        const events = parseRaffleEvents(logs());
        expect(events.map(e => e.name)).toEqual(['TicketsPurchased', 'ThresholdReached', 'RaffleCancelled']);
        expect(events[0]).toEqual({
            name: 'TicketsPurchased',
            data: expect.objectContaining({ buyer: testAddress(2), ticketCount: 3, amountPaid: 3_000_000n, paidWith: PaymentKind.Token }),
        });
        expect(events[2]).toMatchObject({ name: 'RaffleCancelled', data: { raffle: testAddress(9), by: testAddress(8), slot: 5n } });
    });

    it('decodes the same values as Anchor’s event coder', () => {
        for (const bytes of [purchased, threshold, cancelled]) {
            const ours = decodeRaffleEvent(bytes)!;
            const anchor = coder.events.decode(b64(bytes))!;
            expect(anchor.name).toBe(ours.name);
            const theirs = anchor.data as Record<string, unknown>;
            for (const [snake, value] of Object.entries(theirs)) {
                const camel = snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
                const mine = (ours.data as Record<string, unknown>)[camel];
                const normalized = value && typeof value === 'object' && 'toBase58' in value ? (value as { toBase58(): string }).toBase58()
                    : value && typeof value === 'object' && 'toString' in value && (value as object).constructor?.name === 'BN' ? BigInt(String(value))
                    : Array.isArray(value) ? new Uint8Array(value as number[])
                    : value && typeof value === 'object' ? Object.keys(value)[0]
                    : value;
                if (typeof mine === 'bigint') expect(BigInt(normalized as bigint)).toBe(mine);
                else if (mine instanceof Uint8Array) expect(new Uint8Array(mine)).toEqual(normalized);
                else if (typeof normalized === 'string' && typeof mine === 'number') expect(PaymentKind[mine]).toBe(normalized);
                else expect(mine).toEqual(normalized);
            }
        }
    });

    it('ignores unknown discriminators, multi-field data lines and other programs', () => {
        const unknown = new Uint8Array(40).fill(1);
        const out = parseRaffleEvents([`Program ${PROGRAM} invoke [1]`, `Program data: ${b64(unknown)}`, `Program data: ${b64(purchased)} ${b64(threshold)}`, `Program ${PROGRAM} success`]);
        expect(out).toEqual([]);
        expect(parseRaffleEvents([`Program ${OTHER} invoke [1]`, `Program data: ${b64(purchased)}`, `Program ${OTHER} success`])).toEqual([]);
    });

    it('recognises another deployment through programAddress', () => {
        const lines = [`Program ${OTHER} invoke [1]`, `Program data: ${b64(purchased)}`, `Program ${OTHER} success`];
        expect(parseRaffleEvents(lines, { programAddress: OTHER }).map(e => e.name)).toEqual(['TicketsPurchased']);
    });

    it('throws a typed error for truncated logs, telling the caller to refetch', () => {
        const truncated = [...logs().slice(0, 10), LOG_TRUNCATED_LINE];
        let error: unknown;
        try {
            parseRaffleEvents(truncated, { signature: 'abc' });
        } catch (e) {
            error = e;
        }
        expect(isRaffleError(error, RAFFLE_ERROR__CLIENT__LOGS_TRUNCATED)).toBe(true);
        expect((error as Error).message).toMatch(/truncated.*Refetch/);
        expect((error as Error).message).toContain('abc');
    });

    it('throws a typed error when a known event does not decode', () => {
        expect(() => parseRaffleEvents([`Program ${PROGRAM} invoke [1]`, `Program data: ${b64(purchased.slice(0, 20))}`])).toThrow(/TicketsPurchased/);
    });

    it('rejects hostile input with a typed error', () => {
        expect(() => parseRaffleEvents('nope' as never)).toThrow(/logs/);
        expect(() => parseRaffleEvents([42] as never)).toThrow(/strings/);
    });
});

describe('parseRaffleEventsFromTransaction', () => {
    it('reads meta.logMessages of getTransaction results and simulation results', () => {
        const tx = { meta: { err: null, logMessages: logs() }, transaction: { signatures: ['sig1'] } };
        expect(parseRaffleEventsFromTransaction(tx)).toHaveLength(3);
        expect(parseRaffleEventsFromTransaction({ err: null, logs: logs() })).toHaveLength(3);
    });

    it('returns no events for a failed transaction (its effects were rolled back)', () => {
        expect(parseRaffleEventsFromTransaction({ meta: { err: { InstructionError: [1, { Custom: 6030 }] }, logMessages: logs() } })).toEqual([]);
    });

    it('throws for a missing transaction or missing logs, naming the signature', () => {
        expect(() => parseRaffleEventsFromTransaction(null, { signature: 'sig2' })).toThrow(/sig2/);
        expect(() => parseRaffleEventsFromTransaction({ meta: null, transaction: { signatures: ['sig3'] } })).toThrow(/sig3/);
        expect(() => parseRaffleEventsFromTransaction({ meta: { err: null, logMessages: [...logs(), LOG_TRUNCATED_LINE] }, transaction: { signatures: ['sig4'] } })).toThrow(
            /sig4.*truncated/,
        );
    });
});
