import type { RaffleErrorCode } from './codes';
import type { RaffleErrorContext } from './context';
import { RaffleErrorMessages } from './messages';

/** Marks every `RaffleError`, across copies of this package (bundles, duplicate installs). */
const RAFFLE_ERROR_BRAND = Symbol.for('@raffle/errors:RaffleError');

/** Options accepted by the {@link RaffleError} constructor. */
export interface RaffleErrorOptions {
    /** The underlying error, kept as `error.cause`. */
    cause?: unknown;
}

/**
 * The single error class of the `@raffle/*` packages.
 *
 * Every error has a numeric {@link RaffleErrorCode}, a typed `context` and a message built
 * from a template. Use {@link isRaffleError} to test for a code; it narrows `context` and
 * works across bundles because it does not rely on `instanceof`.
 *
 * @example
 * ```ts
 * try {
 *     decodePermitMessage(bytes);
 * } catch (e) {
 *     if (isRaffleError(e, RAFFLE_ERROR__PERMIT__MESSAGE_LENGTH_INVALID)) {
 *         console.log(e.context.actual);
 *     }
 * }
 * ```
 */
export class RaffleError<TCode extends RaffleErrorCode = RaffleErrorCode> extends Error {
    /** The numeric error code. */
    readonly code: TCode;
    /** Structured details; never contains key material. */
    readonly context: RaffleErrorContext<TCode>;
    override readonly name = 'RaffleError';

    /**
     * @param code - the error code
     * @param context - the context its message template needs
     * @param options - `cause` to chain the underlying error
     */
    constructor(code: TCode, context: RaffleErrorContext<TCode>, options: RaffleErrorOptions = {}) {
        super(formatRaffleErrorMessage(code, context), options.cause === undefined ? undefined : { cause: options.cause });
        this.code = code;
        this.context = context;
        Object.defineProperty(this, RAFFLE_ERROR_BRAND, { value: true });
    }

    /** A JSON-safe view (bigints as decimal strings) for logs and HTTP responses. */
    toJSON(): { name: string; code: TCode; message: string; context: Record<string, unknown> } {
        return { name: this.name, code: this.code, message: this.message, context: toJsonSafe(this.context) };
    }
}

/**
 * Tells whether `e` is a {@link RaffleError}, optionally with a given code. Narrows the
 * type so that `e.context` is typed for that code.
 *
 * @param e - anything caught
 * @param code - the code to match; any code when omitted
 * @returns true when `e` is a `RaffleError` (with that code)
 * @example
 * ```ts
 * if (isRaffleError(e, RAFFLE_ERROR__PERMIT__EXPIRED)) retryWithNewPermit();
 * ```
 */
export function isRaffleError<TCode extends RaffleErrorCode>(e: unknown, code?: TCode): e is RaffleError<TCode> {
    if (typeof e !== 'object' || e === null) return false;
    if ((e as Record<symbol, unknown>)[RAFFLE_ERROR_BRAND] !== true) return false;
    return code === undefined || (e as { code: unknown }).code === code;
}

/**
 * Builds the message of an error code from its template and context.
 *
 * @param code - the error code
 * @param context - the values for the template's `$name` placeholders
 * @returns the human-readable message, prefixed with the code's name-free number
 */
export function formatRaffleErrorMessage<TCode extends RaffleErrorCode>(code: TCode, context: RaffleErrorContext<TCode>): string {
    const template = RaffleErrorMessages[code] ?? `Unknown raffle error ${code}`;
    const values = context as Record<string, unknown>;
    const text = template.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, key: string) =>
        key in values ? String(values[key]) : match,
    );
    return `[${code}] ${text}`;
}

function toJsonSafe(value: unknown): Record<string, unknown> {
    return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Record<
        string,
        unknown
    >;
}
