import { createMemoryPermitStore } from '../../server/store/memory';
import { describeStoreConformance } from './support/store-conformance';

describeStoreConformance('memory', async () => createMemoryPermitStore());
