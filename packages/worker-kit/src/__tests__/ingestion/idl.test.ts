import { getConfigUpdatedEventEncoder, getThresholdReachedEventEncoder, RWA_RAFFLE_EVENTS } from '@raffle/client';
import { rwaRaffleIdl } from '@raffle/program';
import { address } from '@solana/kit';
import { describe, expect, it } from 'vitest';

import { createEventDecoder } from '../../ingestion/decoder';
import { type AnchorEventIdl, createEventDecoderTableFromIdl } from '../../ingestion/idl';

const A = address('So11111111111111111111111111111111111111112');
const B = address('11111111111111111111111111111111');

describe('createEventDecoderTableFromIdl', () => {
    const fromIdl = createEventDecoder(createEventDecoderTableFromIdl(rwaRaffleIdl as unknown as AnchorEventIdl));
    const generated = createEventDecoder(RWA_RAFFLE_EVENTS);

    it('has every event of the generated table with the same discriminators', () => {
        expect([...fromIdl.names].sort()).toEqual([...generated.names].sort());
        for (const name of generated.names) expect(fromIdl.table[name]!.discriminator).toEqual(RWA_RAFFLE_EVENTS[name].discriminator);
    });

    it('decodes payloads to the same values as the generated codecs', () => {
        const payloads = [
            getConfigUpdatedEventEncoder().encode({
                config: A, admin: B, permitSigners: [A, B], drawAuthority: A, settleAuthority: B, treasury: A, feeBps: 250, mrftMint: B, paused: true, slot: 42n,
            }),
            getThresholdReachedEventEncoder().encode({ raffle: A, ticketsSold: 10, drawSeed: new Uint8Array(32).fill(9), slot: 7n }),
        ];
        for (const bytes of payloads) {
            const base64 = Buffer.from(bytes).toString('base64');
            const a = fromIdl.decode(base64);
            const b = generated.decode(base64);
            expect(a.kind).toBe('decoded');
            expect(a).toEqual(b);
        }
    });
});
