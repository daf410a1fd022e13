import { RAFFLE_ERROR__PERMIT__STORE_CLOSED } from '@raffle/errors';
import { describe, expect, it } from 'vitest';

import { createMemoryPermitStore } from '../../server/store/memory';
import { randomAddress } from './support/fixtures';
import { describeStoreConformance } from './support/store-conformance';

describeStoreConformance('memory', async () => createMemoryPermitStore());

describe('createMemoryPermitStore', () => {
    it('refuses every call after close() with RAFFLE_ERROR__PERMIT__STORE_CLOSED', async () => {
        const store = createMemoryPermitStore();
        await store.close();
        await expect(store.getOrganizer(randomAddress())).rejects.toThrow(
            expect.objectContaining({ code: RAFFLE_ERROR__PERMIT__STORE_CLOSED, context: { store: 'memory' } }),
        );
    });
});
