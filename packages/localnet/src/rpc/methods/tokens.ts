/**
 * SPL Token methods: `getTokenAccountBalance`, `getTokenAccountsByOwner`, `getTokenSupply`.
 */
import { isTokenProgram, TOKEN_PROGRAM_ADDRESS } from '../../svm/addresses';
import { parseMint, parseTokenAccount, toUiTokenAmount } from '../../svm/token';
import { readAt, withContext } from '../context';
import { encodeAccount, parseAccountEncoding } from '../encoding';
import { invalidParam, invalidParams } from '../errors';
import { parseAddress } from '../params';
import { mintDecimalsAt } from './accounts';
import type { RpcMethodTable } from './types';

/** `getTokenAccountBalance`, `getTokenAccountsByOwner`, `getTokenSupply`. */
export const tokenMethods: RpcMethodTable = {
    getTokenAccountBalance(params, ctx) {
        params.atMost(2);
        const address = parseAddress(params.required(0, 1));
        const { commitment, slot } = readAt(ctx, params.config(1));
        const account = ctx.ledger.getAccount(address, commitment);
        const token = account ? parseTokenAccount(account.programAddress, account.data) : null;
        if (!token) throw invalidParam('not a Token account');
        const decimals = mintDecimalsAt(ctx.ledger, commitment)(token.mint);
        if (decimals === undefined) throw invalidParam('Token mint could not be unpacked');
        return withContext(slot, toUiTokenAmount(token.amount, decimals));
    },
    getTokenSupply(params, ctx) {
        params.atMost(2);
        const address = parseAddress(params.required(0, 1));
        const { commitment, slot } = readAt(ctx, params.config(1));
        const account = ctx.ledger.getAccount(address, commitment);
        const mint = account ? parseMint(account.programAddress, account.data) : null;
        if (!mint) throw invalidParam('Token mint could not be unpacked');
        return withContext(slot, toUiTokenAmount(mint.supply, mint.decimals));
    },
    getTokenAccountsByOwner(params, ctx) {
        params.atMost(3);
        const owner = parseAddress(params.required(0, 2));
        const selector = params.required(1, 2);
        if (typeof selector !== 'object' || selector === null || Array.isArray(selector)) {
            throw invalidParams('Invalid params: expected `{ mint }` or `{ programId }`.');
        }
        const s = selector as Record<string, unknown>;
        let mint: string | undefined;
        let programId = TOKEN_PROGRAM_ADDRESS;
        if ('mint' in s) {
            mint = parseAddress(s['mint']);
            const mintAccount = ctx.ledger.getAccount(parseAddress(s['mint']), 'processed');
            if (!mintAccount || !parseMint(mintAccount.programAddress, mintAccount.data)) throw invalidParam('Token mint could not be unpacked');
            programId = mintAccount.programAddress;
        } else if ('programId' in s) {
            programId = parseAddress(s['programId']);
            if (!isTokenProgram(programId)) throw invalidParam('unrecognized Token program id');
        } else {
            throw invalidParams('Invalid params: expected `{ mint }` or `{ programId }`.');
        }
        const config = params.config(2);
        const encoding = parseAccountEncoding(config);
        const { commitment, slot } = readAt(ctx, config);
        const decimals = mintDecimalsAt(ctx.ledger, commitment);
        const value = ctx.ledger
            .getProgramAccounts(programId, commitment)
            .filter((a) => {
                const token = parseTokenAccount(a.programAddress, a.data);
                return token !== null && token.owner === owner && (mint === undefined || token.mint === mint);
            })
            .map((a) => ({ account: encodeAccount(a, encoding, decimals), pubkey: a.address }));
        return withContext(slot, value);
    },
};
