/**
 * The HTTP options of `createPermitHandler`, checked once at creation, with defaults applied.
 * Each invalid option throws `RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID` naming it.
 *
 * @internal
 * @packageDocumentation
 */
import { serverOptionInvalid } from '../errors';
import type { PermitHandlerOptions, PermitRateLimits, RateLimitRule } from '../handler';
import { isSignInStatement } from '../sign-in';

const DEFAULT_RATE_LIMITS: Required<PermitRateLimits> = {
    perIp: { limit: 300, windowSeconds: 60 },
    perOrganizer: { limit: 60, windowSeconds: 60 },
    signInPerIp: { limit: 30, windowSeconds: 60 },
};

/** The rate limits in force; `false` disables one. */
export interface HandlerRateLimits {
    readonly perIp: RateLimitRule | false;
    readonly perOrganizer: RateLimitRule | false;
    readonly signInPerIp: RateLimitRule | false;
}

/** The handler's HTTP options, checked, with defaults applied and durations in milliseconds. */
export interface HandlerConfig {
    /** Domains sign-in messages may name; the first goes into prepared messages. */
    readonly domains: readonly string[];
    /** The statement of prepared sign-in messages. */
    readonly statement: string;
    /** The path prefix to strip, without a trailing slash ('' for none). */
    readonly basePath: string;
    /** Session lifetime, ms. */
    readonly sessionTtlMs: number;
    /** Sign-in nonce lifetime and longest sign-in message validity, ms. */
    readonly signInTtlMs: number;
    /** How long an `Idempotency-Key` replays its response, ms. */
    readonly idempotencyTtlMs: number;
    /** Largest request body, bytes. */
    readonly maxBodyBytes: number;
    readonly limits: HandlerRateLimits;
    /** Allowed browser origins, `'*'`, or undefined (no CORS headers). */
    readonly cors: readonly string[] | '*' | undefined;
    /** The clock, ms (the issuer's `now`, default `Date.now`). */
    readonly now: () => number;
    /** Whether sign-ins are written to the audit log. */
    readonly auditSignIns: boolean;
}

function checkRule(rule: RateLimitRule | false | undefined, fallback: RateLimitRule, name: string): RateLimitRule | false {
    if (rule === undefined) return fallback;
    if (rule === false) return false;
    if (
        typeof rule !== 'object' ||
        !Number.isSafeInteger(rule.limit) ||
        rule.limit < 1 ||
        !Number.isSafeInteger(rule.windowSeconds) ||
        rule.windowSeconds < 1
    ) {
        throw serverOptionInvalid(`rateLimits.${name}`, 'must be false or { limit, windowSeconds } with positive integers');
    }
    return rule;
}

function positiveOption(value: number | undefined, fallback: number, name: string, max: number): number {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || value < 1 || value > max) throw serverOptionInvalid(name, `must be an integer from 1 to ${max}`);
    return value;
}

/**
 * Checks the HTTP options of the handler (not those of the issuer) in a fixed order and applies
 * the defaults.
 *
 * @param options - the handler options
 * @returns the checked configuration
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID` naming the first invalid option
 */
export function resolveHandlerConfig(options: PermitHandlerOptions): HandlerConfig {
    const domains = typeof options.domain === 'string' ? [options.domain] : [...(options.domain ?? [])];
    if (domains.length === 0 || domains.some(d => typeof d !== 'string' || d === '' || /[\s/]/.test(d))) {
        throw serverOptionInvalid('domain', 'must be the host (and port) of the server, e.g. "permits.example.com", or a list of them');
    }
    if (options.chainId !== undefined && (typeof options.chainId !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(options.chainId))) {
        throw serverOptionInvalid('chainId', 'must be a short printable string such as "devnet"');
    }
    const statement = options.statement ?? 'Sign in to request raffle permits.';
    if (typeof statement !== 'string' || (statement !== '' && !isSignInStatement(statement)) || statement.length > 500) {
        throw serverOptionInvalid('statement', 'must be one line of at most 500 printable characters, not starting like a field (e.g. "URI: ")');
    }
    const basePath = (options.basePath ?? '').replace(/\/+$/, '');
    if (basePath !== '' && !/^\/[A-Za-z0-9._~\-/]*$/.test(basePath)) throw serverOptionInvalid('basePath', 'must be a path such as "/api"');
    const sessionTtlMs = positiveOption(options.sessionTtlSeconds, 900, 'sessionTtlSeconds', 86_400) * 1000;
    const signInTtlMs = positiveOption(options.signInTtlSeconds, 300, 'signInTtlSeconds', 3_600) * 1000;
    const idempotencyTtlMs = positiveOption(options.idempotencyTtlSeconds, 86_400, 'idempotencyTtlSeconds', 7 * 86_400) * 1000;
    const maxBodyBytes = positiveOption(options.maxBodyBytes, 16_384, 'maxBodyBytes', 1_048_576);
    const limits = {
        perIp: checkRule(options.rateLimits?.perIp, DEFAULT_RATE_LIMITS.perIp as RateLimitRule, 'perIp'),
        perOrganizer: checkRule(options.rateLimits?.perOrganizer, DEFAULT_RATE_LIMITS.perOrganizer as RateLimitRule, 'perOrganizer'),
        signInPerIp: checkRule(options.rateLimits?.signInPerIp, DEFAULT_RATE_LIMITS.signInPerIp as RateLimitRule, 'signInPerIp'),
    };
    return {
        domains,
        statement,
        basePath,
        sessionTtlMs,
        signInTtlMs,
        idempotencyTtlMs,
        maxBodyBytes,
        limits,
        cors: options.corsOrigins,
        now: options.now ?? Date.now,
        auditSignIns: options.auditSignIns ?? true,
    };
}
