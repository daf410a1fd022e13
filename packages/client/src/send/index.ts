/**
 * Sending: send, confirm, re-sign after expiry.
 *
 * @packageDocumentation
 */
export {
    type RaffleTransactionSignedInfo,
    type RaffleTransactionSource,
    type SendAndConfirmRaffleTransactionConfig,
    type SendAndConfirmRaffleTransactionErrorType,
    type SendAndConfirmRaffleTransactionFactoryConfig,
    type SendAndConfirmRaffleTransactionFunction,
    type SendAndConfirmRaffleTransactionReturnType,
    sendAndConfirmRaffleTransactionFactory,
} from './sendAndConfirmRaffleTransaction';
