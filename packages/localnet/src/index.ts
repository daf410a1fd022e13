/**
 * `@raffle/localnet`: a local Solana cluster over LiteSVM that speaks JSON-RPC over HTTP and
 * PubSub over websocket, with the rwa_raffle program loaded, fixtures, real commitment levels,
 * clock warp, snapshots and fault injection. The fixtures are also a library
 * ({@link createRaffleSvm}) for in-process tests.
 *
 * @packageDocumentation
 */
export { LOCALNET_DEFAULT_PORTS, type Localnet, type LocalnetOptions, startLocalnet } from './localnet';
export {
    type AccountFixtureJson,
    type ControlHost,
    type LocalnetStatus,
    LocalnetControl,
    type SnapshotInfo,
} from './control/control';
export { type FaultConfig, FaultInjector, type FaultStats, NO_FAULTS } from './control/faults';
export {
    DEFAULT_FIXTURE_SEED,
    type FixtureMint,
    type FixturePrizeNft,
    type FixtureWallet,
    type RaffleFixtures,
    type RaffleSvmOptions,
    addFixtureWallet,
    addPrizeNft,
    createRaffleSvm,
    fixturesToJson,
} from './fixtures/raffle-svm';
export { type FixtureKeypair, deriveFixtureKeypair } from './fixtures/keys';
export { deployUpgradeableProgram, getProgramDataAddress } from './fixtures/program';
export {
    type BlockInfo,
    type Commitment,
    type InnerInstructionsView,
    LAMPORTS_PER_SIGNATURE,
    Ledger,
    type LedgerEventEmitter,
    type LedgerEventListeners,
    type LedgerEvents,
    type LedgerOptions,
    type LedgerSnapshot,
    type LedgerState,
    type ReturnDataView,
    type SendOutcome,
    type SignatureStatusView,
    type SimulationResult,
    type TokenBalance,
    type TransactionRecord,
} from './svm/ledger';
export { MAX_WARP_SLOT, MAX_WARP_UNIX_TIMESTAMP } from './svm/time-limits';
export { type UiTokenAmount } from './svm/token';
export { type AddressTableLookupView, type CompiledInstructionView, type ParsedWireTransaction } from './svm/wire';
export { type AccountWriter } from './fixtures/accounts';
export { type TransactionErrorJson, type InstructionErrorJson, describeTransactionError, toTransactionErrorJson } from './svm/transaction-error';
export { RPC_ERROR_CODES, RpcError } from './rpc/errors';
export { LOCALNET_FEATURE_SET, LOCALNET_SOLANA_CORE_VERSION } from './rpc/context';
