/**
 * Transaction builders, one per instruction.
 *
 * @packageDocumentation
 */
export * from './cancelRaffleTx';
export * from './claimPrizeTx';
export * from './claimProceedsTx';
export * from './createRaffleWithPermitTx';
export * from './drawCallbackTx';
export * from './initializeConfigTx';
export * from './joinWithTicketTx';
export * from './joinWithTokenTx';
export * from './refundBatchTx';
export * from './requestDrawTx';
export * from './settleDrawTx';
export {
    type ConfigInput,
    type RaffleInput,
    type RaffleReadRpc,
    type RaffleTransactionConfig,
    type RaffleTransactionMessage,
} from './shared';
export * from './updateConfigTx';
