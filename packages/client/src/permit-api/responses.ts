/**
 * The permit server's answers, checked: each reader takes the parsed JSON of a 2xx answer and
 * returns typed data or throws `RAFFLE_ERROR__CLIENT__PERMIT_API_RESPONSE_INVALID`. A permit is
 * checked in full: structure, signature, the readable copy against the signed message, the
 * raffle id, the organizer and every requested field.
 *
 * @internal
 * @packageDocumentation
 */
import { isRaffleError } from '@raffle/errors';
import { decodePermit, type Permit, type PermitFields, PERMIT_MAX_TICKETS, verifyPermit } from '@raffle/permit';
import type { Address } from '@solana/kit';

import { cleanServerText, type PermitApiError, permitApiResponseInvalid } from './errors';
import type { PermitApiAnswer } from './http';
import {
    addressArrayField,
    addressField,
    arrayField,
    booleanField,
    dateField,
    integerField,
    nullableAddressField,
    nullableCursorField,
    nullableIntegerField,
    nullableU64Field,
    objectAt,
    objectField,
    oneOfField,
    ShapeError,
    stringField,
    u64Field,
} from './json-shape';
import type { PermitApiOrganizer, PermitApiPermitPage, PermitApiProfile, PermitApiRecord, PermitApiRequest, PermitApiSession, PermitApiTierLimits } from './types';

const SIGN_IN_HEADER = ' wants you to sign in with your Solana account:';
/** The server's limit on sign-in messages. */
const MAX_SIGN_IN_MESSAGE_LENGTH = 4096;
const TOKEN = /^[\x21-\x7e]{1,512}$/;

/** The reason may quote the answer (a bad permit's values): the client's secrets are redacted. */
function invalid(answer: PermitApiAnswer, reason: string): PermitApiError {
    return permitApiResponseInvalid(answer.endpoint, answer.status, answer.requestId, cleanServerText(reason, answer.secrets));
}

/** Runs a reader; a {@link ShapeError} becomes the typed error. */
function read<T>(answer: PermitApiAnswer, reader: () => T): T {
    try {
        return reader();
    } catch (e) {
        if (e instanceof ShapeError) throw invalid(answer, e.message);
        throw e;
    }
}

/**
 * @internal
 * @returns the sign-in message of a `POST /auth/nonce` answer, checked to be a sign-in
 * message for `address` (so the wallet is never asked to sign anything else)
 */
export function readSignInMessage(answer: PermitApiAnswer, address: Address): string {
    const message = read(answer, () => stringField(objectAt(answer.body, ''), 'message', MAX_SIGN_IN_MESSAGE_LENGTH));
    const lines = message.split('\n');
    const domain = lines[0]?.endsWith(SIGN_IN_HEADER) === true ? lines[0].slice(0, -SIGN_IN_HEADER.length) : '';
    if (!/^[\x21-\x7e]{1,253}$/.test(domain) || /[\u0000-\u0009\u000b-\u001f\u007f]/.test(message)) {
        throw invalid(answer, '`message` is not a sign-in message ("<domain> wants you to sign in with your Solana account:")');
    }
    if (lines[1] !== address) throw invalid(answer, `\`message\` is not for wallet ${address}`);
    return message;
}

/**
 * @internal
 * @returns the session token and session of a `POST /auth/sign-in` answer for `address`
 */
export function readSignIn(answer: PermitApiAnswer, address: Address): { token: string; session: PermitApiSession } {
    return read(answer, () => {
        const body = objectAt(answer.body, '');
        const token = stringField(body, 'token', 512);
        if (!TOKEN.test(token)) throw new ShapeError('token', 'printable ASCII');
        if (body.value.tokenType !== undefined) oneOfField(body, 'tokenType', ['Bearer']);
        const organizer = addressField(body, 'organizer');
        if (organizer !== address) throw new ShapeError('organizer', `the wallet that signed in (${address})`);
        return { token, session: { organizer, expiresAt: dateField(body, 'expiresAt'), active: booleanField(body, 'active') } };
    });
}

/**
 * Checks the permit of a `POST /permits` answer against the request.
 *
 * @internal
 * @returns the raffle id and the permit
 */
export async function readIssuedPermit(
    answer: PermitApiAnswer,
    request: PermitApiRequest,
    organizer: Address | undefined,
    trustedSigners: readonly Address[] | undefined,
): Promise<{ raffleId: bigint; permit: Permit }> {
    const { raffleId, permit } = read(answer, () => {
        const body = objectAt(answer.body, '');
        return { raffleId: u64Field(body, 'raffleId'), permit: body.value.permit };
    });
    let fields: PermitFields;
    try {
        // `now: 0` skips the expiry check: the chain's clock decides, not this machine's.
        fields = await verifyPermit(permit, { now: 0, ...(trustedSigners !== undefined && { trustedSigners }) });
    } catch (e) {
        // Not kept as the cause: its message may quote what the server sent, unredacted.
        if (isRaffleError(e)) throw invalid(answer, `the permit is invalid: ${e.message}`);
        throw e;
    }
    const mismatch = (field: string, got: unknown, expected: unknown): PermitApiError =>
        invalid(answer, `the permit's ${field} is ${String(got)}, expected ${String(expected)}`);
    if (fields.raffleId !== raffleId) throw mismatch('raffleId', fields.raffleId, raffleId);
    if (organizer !== undefined && fields.organizer !== organizer) throw mismatch('organizer', fields.organizer, organizer);
    for (const key of ['prizeMint', 'prizeAmount', 'paymentMint', 'ticketPrice', 'maxTickets', 'deadline', 'refundMode'] as const) {
        if (fields[key] !== request[key]) throw mismatch(key, fields[key], request[key]);
    }
    return { raffleId, permit: permit as Permit };
}

/** @internal @returns the profile of a `GET /organizers/me` answer */
export function readProfile(answer: PermitApiAnswer): PermitApiProfile {
    return read(answer, () => {
        const body = objectAt(answer.body, '');
        const o = objectField(body, 'organizer');
        const organizer: PermitApiOrganizer = {
            address: addressField(o, 'address'),
            enterpriseId: stringField(o, 'enterpriseId', 64),
            tier: stringField(o, 'tier', 64),
            allowedCollections: addressArrayField(o, 'allowedCollections'),
            active: booleanField(o, 'active'),
            nextRaffleId: u64Field(o, 'nextRaffleId'),
            createdAt: dateField(o, 'createdAt'),
            updatedAt: dateField(o, 'updatedAt'),
        };
        const l = objectField(body, 'limits');
        const limits: PermitApiTierLimits = {
            maxActivePermits: nullableIntegerField(l, 'maxActivePermits'),
            maxOpenRaffles: nullableIntegerField(l, 'maxOpenRaffles'),
            maxTickets: integerField(l, 'maxTickets', 0, PERMIT_MAX_TICKETS),
            maxPrizeAmount: nullableU64Field(l, 'maxPrizeAmount'),
            allowedPaymentMints: l.value.allowedPaymentMints === 'any' ? 'any' : addressArrayField(l, 'allowedPaymentMints'),
            allowedRefundModes: arrayField(l, 'allowedRefundModes', 2).map((mode, i) => {
                if (mode !== 'tokens' && mode !== 'vouchers') throw new ShapeError(`limits.allowedRefundModes[${i}]`, '"tokens" or "vouchers"');
                return mode;
            }),
            permitTtlSeconds: integerField(l, 'permitTtlSeconds'),
            minDeadlineSeconds: integerField(l, 'minDeadlineSeconds'),
            maxDeadlineSeconds: integerField(l, 'maxDeadlineSeconds'),
        };
        return { organizer, limits, activePermits: integerField(body, 'activePermits') };
    });
}

/** @internal @returns the page of a `GET /permits` answer; each permit's structure is checked */
export function readPermitPage(answer: PermitApiAnswer): PermitApiPermitPage {
    return read(answer, () => {
        const body = objectAt(answer.body, '');
        const permits = arrayField(body, 'permits').map((item, i): PermitApiRecord => {
            const r = objectAt(item, `permits[${i}]`);
            const permit = r.value.permit ?? null;
            if (permit !== null) {
                try {
                    decodePermit(permit as Permit);
                } catch (e) {
                    if (isRaffleError(e)) throw new ShapeError(`permits[${i}].permit`, `a valid permit (${e.message})`);
                    throw e;
                }
            }
            return {
                seq: stringField(r, 'seq', 64),
                organizer: addressField(r, 'organizer'),
                raffleId: u64Field(r, 'raffleId'),
                status: stringField(r, 'status', 32),
                createdAt: dateField(r, 'createdAt'),
                expiresAt: dateField(r, 'expiresAt'),
                signer: nullableAddressField(r, 'signer'),
                permit: permit as Permit | null,
            };
        });
        return { permits, nextCursor: nullableCursorField(body, 'nextCursor') };
    });
}
