/**
 * Turning whatever a flow threw into something a user can act on: a title and what to do.
 * The mapping relies on the typed errors of @raffle/client (program errors by name) and kit
 * (transport errors), not on parsing messages.
 */
import { isRaffleProgramError } from '@raffle/client';
import {
    isRaffleError,
    RAFFLE_ERROR__CLIENT__MESSAGE_SIGNING_FAILED,
    RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR,
    RAFFLE_ERROR__CLIENT__PERMIT_API_UNREACHABLE,
} from '@raffle/errors';
import {
    isSolanaError,
    SOLANA_ERROR__JSON_RPC__SERVER_ERROR_NODE_UNHEALTHY,
    SOLANA_ERROR__RPC__TRANSPORT_HTTP_ERROR,
    SOLANA_ERROR__RPC_SUBSCRIPTIONS__CHANNEL_FAILED_TO_CONNECT,
} from '@solana/kit';

import type { AppConfig } from './config';

import { WalletSignatureRejectedError } from './wallet';

/** What the page shows for an error. */
export interface Explained {
    /** Short, e.g. `SoldOut` or `Signature rejected`. */
    readonly title: string;
    /** What happened and what to do. */
    readonly detail: string;
}

/** What to do after a program error, by its IDL name; the program's own message is shown too. */
const PROGRAM_ERROR_HINTS: Record<string, string> = {
    SoldOut: 'Someone bought the last tickets first. Nothing was charged: pick fewer tickets or another raffle.',
    DeadlinePassed: 'The raffle closed at its deadline. Nothing was charged; entries are refunded by the worker.',
    RaffleNotOpen: 'The raffle is no longer open. Nothing was charged.',
    PermitExpired: 'The permit expired before the raffle was created. Request a new permit.',
    Paused: 'The program is paused by its admin. Try again later.',
    EntryIndexMismatch: 'Another buyer joined at the same moment. Try again.',
};

export function explain(error: unknown, endpoints?: Pick<AppConfig, 'rpcUrl' | 'wsUrl'>): Explained {
    const rpcUrl = endpoints?.rpcUrl;
    if (isRaffleProgramError(error)) {
        const { name, programMessage, programCode } = error.context;
        return { title: name, detail: `${programMessage} (program error ${programCode}). ${PROGRAM_ERROR_HINTS[name] ?? ''}`.trim() };
    }
    if (error instanceof WalletSignatureRejectedError || isRaffleError(error, RAFFLE_ERROR__CLIENT__MESSAGE_SIGNING_FAILED)) {
        return { title: 'Signature rejected', detail: 'The wallet did not sign, so nothing was sent. Approve the request in your wallet to continue.' };
    }
    if (isRaffleError(error, RAFFLE_ERROR__CLIENT__PERMIT_API_HTTP_ERROR)) {
        const { serverCode, serverMessage, retryAfter } = error.context;
        const wait = retryAfter === undefined ? '' : ` Retry in ${retryAfter} s.`;
        return { title: `Permit server: ${serverCode}`, detail: `${serverMessage}${wait}` };
    }
    if (isRaffleError(error, RAFFLE_ERROR__CLIENT__PERMIT_API_UNREACHABLE)) {
        return { title: 'Permit server unreachable', detail: `${error.context.reason}. Check your connection and retry.` };
    }
    if (isSolanaError(error, SOLANA_ERROR__RPC__TRANSPORT_HTTP_ERROR)) {
        return { title: 'RPC unavailable', detail: `The Solana RPC node${rpcUrl ? ` (${rpcUrl})` : ''} answered HTTP ${error.context.statusCode}. It is down or overloaded: retry in a moment or switch RPC endpoints.` };
    }
    if (isSolanaError(error, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_NODE_UNHEALTHY)) {
        return { title: 'RPC unhealthy', detail: 'The Solana RPC node is behind or unhealthy. Retry in a moment or switch RPC endpoints.' };
    }
    if (isSolanaError(error, SOLANA_ERROR__RPC_SUBSCRIPTIONS__CHANNEL_FAILED_TO_CONNECT)) {
        return { title: 'Live updates unavailable', detail: `Cannot connect to the RPC websocket${endpoints ? ` (${endpoints.wsUrl})` : ''}; the page retries by itself. Meanwhile use Refresh.` };
    }
    if (error instanceof TypeError && /fetch|network/i.test(error.message)) {
        return { title: 'RPC unreachable', detail: `No answer from ${rpcUrl ?? 'the network'}: check your connection and the RPC endpoint, then retry.` };
    }
    if (isRaffleError(error)) return { title: error.name, detail: error.message };
    return { title: 'Error', detail: error instanceof Error ? error.message : String(error) };
}
