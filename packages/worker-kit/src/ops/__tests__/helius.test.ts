import { isRaffleError, RAFFLE_ERROR__INVALID_ARGUMENT } from '@raffle/errors';
import { describe, expect, it } from 'vitest';

import { extractProgramEvents } from '../../ingestion/decoder';
import { HELIUS_MAX_TRANSACTIONS, parseHeliusRawWebhook } from '../helius';
import { heliusRawTransaction, PROGRAM, randomSignature, thresholdLogs } from './http-fixtures';

/** The option a parse error names, or null when it parsed. */
function refusal(body: unknown): string | null {
    try {
        parseHeliusRawWebhook(body);
        return null;
    } catch (e) {
        if (!isRaffleError(e, RAFFLE_ERROR__INVALID_ARGUMENT)) throw e;
        return e.context.name;
    }
}

describe('parseHeliusRawWebhook', () => {
    it('maps a realistic raw webhook body (getTransaction JSON shape) to observed transactions', () => {
        const ok = randomSignature();
        const failed = randomSignature();
        const body = JSON.parse(
            JSON.stringify([
                heliusRawTransaction({ signature: ok, slot: 171_942_732, logs: thresholdLogs() }),
                heliusRawTransaction({ signature: failed, slot: 171_942_733, logs: thresholdLogs(), err: { InstructionError: [0, { Custom: 6001 }] } }),
            ]),
        ) as unknown;
        const [a, b] = parseHeliusRawWebhook(body);
        expect(a).toEqual({ signature: ok, slot: 171_942_732n, logs: thresholdLogs(), err: null });
        expect(extractProgramEvents(a!.logs, PROGRAM).events).toHaveLength(1);
        // A failed transaction keeps its error (the worker ignores it) and none of its logs.
        expect(b).toEqual({ signature: failed, slot: 171_942_733n, logs: [], err: { InstructionError: [0, { Custom: 6001 }] } });
        expect(a).not.toHaveProperty('commitment');
    });

    it('hands a transaction without logs (or without meta) over as truncated, so the worker reads it again', () => {
        const sig = randomSignature();
        const withoutLogs = heliusRawTransaction({ signature: sig, slot: 5, logs: null });
        const withoutMeta = { ...heliusRawTransaction({ signature: sig, slot: 5, logs: [] }), meta: null };
        for (const tx of [withoutLogs, withoutMeta]) {
            const [parsed] = parseHeliusRawWebhook([tx]);
            expect(parsed).toEqual({ signature: sig, slot: 5n, logs: ['Log truncated'], err: null });
            expect(extractProgramEvents(parsed!.logs, PROGRAM).truncated).toBe(true);
        }
    });

    it('accepts an empty body, slots as decimal strings and ignores fields it does not use', () => {
        expect(parseHeliusRawWebhook([])).toEqual([]);
        const tx = { ...heliusRawTransaction({ signature: randomSignature(), slot: 1, logs: [] }), slot: '18446744073709551615', extra: { anything: [1, 2] } };
        expect(parseHeliusRawWebhook([tx])[0]!.slot).toBe(18_446_744_073_709_551_615n);
    });

    it('refuses hostile bodies, naming the bad field', () => {
        const good = () => heliusRawTransaction({ signature: randomSignature(), slot: 10, logs: thresholdLogs() });
        const meta = (patch: Record<string, unknown>) => ({ ...good(), meta: { ...(good().meta as object), ...patch } });
        const withoutErr = good();
        delete (withoutErr.meta as Record<string, unknown>).err;
        const cases: [unknown, string][] = [
            [{ transactions: [] }, 'body'],
            ['[]', 'body'],
            [null, 'body'],
            [Array.from({ length: HELIUS_MAX_TRANSACTIONS + 1 }, good), 'body'],
            [[good(), 7], 'body[1]'],
            [[[good()]], 'body[0]'],
            [[{ ...good(), slot: -1 }], 'body[0].slot'],
            [[{ ...good(), slot: 1.5 }], 'body[0].slot'],
            [[{ ...good(), slot: '12abc' }], 'body[0].slot'],
            [[{ ...good(), slot: '99999999999999999999' }], 'body[0].slot'],
            [[{ ...good(), slot: 2 ** 60 }], 'body[0].slot'],
            [[{ ...good(), slot: undefined }], 'body[0].slot'],
            [[{ ...good(), transaction: 'base64…' }], 'body[0].transaction'],
            [[{ ...good(), transaction: { signatures: [] } }], 'body[0].transaction.signatures'],
            [[{ ...good(), transaction: { signatures: 'abc' } }], 'body[0].transaction.signatures'],
            [[{ ...good(), transaction: { signatures: ['not-base58-0OIl'] } }], 'body[0].transaction.signatures[0]'],
            [[{ ...good(), transaction: { signatures: [42] } }], 'body[0].transaction.signatures[0]'],
            [[{ ...good(), meta: [] }], 'body[0].meta'],
            [[{ ...good(), meta: 'ok' }], 'body[0].meta'],
            [[withoutErr], 'body[0].meta.err'],
            [[meta({ logMessages: 'Program log: hi' })], 'body[0].meta.logMessages'],
            [[meta({ logMessages: ['ok', 3] })], 'body[0].meta.logMessages[1]'],
            [[meta({ logMessages: ['x'.repeat(100_001)] })], 'body[0].meta.logMessages[0]'],
            [[meta({ logMessages: Array.from({ length: 10_001 }, () => 'x') })], 'body[0].meta.logMessages'],
            [[good(), good(), { ...good(), slot: null }], 'body[2].slot'],
        ];
        for (const [body, name] of cases) expect(refusal(body), JSON.stringify(name)).toBe(name);
        // Exactly the bound is fine.
        expect(refusal(Array.from({ length: HELIUS_MAX_TRANSACTIONS }, good))).toBeNull();
    });
});
