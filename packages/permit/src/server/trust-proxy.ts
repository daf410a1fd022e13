/**
 * The client's IP address behind reverse proxies, as Express's `trust proxy` finds it: walk
 * `X-Forwarded-For` from the right (the entries your own proxies appended) and stop at the
 * first address that is not a trusted proxy. The leftmost entry is whatever the client sent,
 * so it is never trusted by position. Web APIs only (no `node:net`).
 *
 * @packageDocumentation
 */
import { serverOptionInvalid } from './errors';

/**
 * Which proxies in front of the server to trust for `X-Forwarded-For`:
 *
 * - `false` or `0`: none; the client is the socket's peer (the header is ignored).
 * - a number of hops `n` (1-32): the `n` proxies nearest the server are trusted; the client
 *   is the entry `n` places from the right of `X-Forwarded-For` (one nginx: `1`; a load
 *   balancer and nginx: `2`).
 * - a list of proxy addresses: IPs, CIDR ranges (`10.0.0.0/8`, `fd00::/8`) or `loopback`,
 *   `linklocal`, `uniquelocal`; from the socket's peer leftwards, trusted addresses are
 *   skipped and the first other one is the client.
 *
 * `true` ("trust every hop", Express's leftmost entry) is refused: behind a proxy that appends
 * to the header, the client chooses that entry.
 *
 * @example
 * ```ts
 * const oneNginx: TrustProxy = 1;
 * const known: TrustProxy = ['loopback', '10.0.0.0/8'];
 * ```
 */
export type TrustProxy = false | number | readonly string[];

/**
 * Finds the client address of one request; see {@link createClientAddressResolver}.
 *
 * @example
 * ```ts
 * const client = resolve(req.socket.remoteAddress, req.headers['x-forwarded-for']);
 * ```
 */
export type ClientAddressResolver = (remoteAddress: string | undefined, forwardedFor: string | readonly string[] | null | undefined) => string | undefined;

const MAX_HOPS = 32;
const MAX_TRUSTED = 64;
/** Header entries looked at, from the right. */
const MAX_ENTRIES = MAX_HOPS + 1;
const PRESETS: Record<string, readonly string[]> = {
    loopback: ['127.0.0.0/8', '::1/128'],
    linklocal: ['169.254.0.0/16', 'fe80::/10'],
    uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** 16 bytes; IPv4 as IPv4-mapped IPv6 (`::ffff:a.b.c.d`). */
type IpBytes = Uint8Array;

function parseIpv4(text: string, out: IpBytes, at: number): boolean {
    const parts = text.split('.');
    if (parts.length !== 4) return false;
    for (const [i, part] of parts.entries()) {
        if (!/^[0-9]{1,3}$/.test(part) || Number(part) > 255) return false;
        out[at + i] = Number(part);
    }
    return true;
}

function parseIp(text: string): IpBytes | undefined {
    const out = new Uint8Array(16);
    if (text.includes('.') && !text.includes(':')) {
        out[10] = 0xff;
        out[11] = 0xff;
        return parseIpv4(text, out, 12) ? out : undefined;
    }
    if (!/^[0-9a-fA-F:.]{2,45}$/.test(text)) return undefined;
    const halves = text.split('::');
    if (halves.length > 2) return undefined;
    const groups = (half: string): string[] => (half === '' ? [] : half.split(':'));
    const head = groups(halves[0]!);
    const tail = halves.length === 2 ? groups(halves[1]!) : [];
    const words: number[] = [];
    const last = (halves.length === 2 ? tail : head).at(-1);
    let v4: IpBytes | undefined;
    if (last?.includes('.')) {
        v4 = new Uint8Array(16);
        if (!parseIpv4(last, v4, 12)) return undefined;
        (halves.length === 2 ? tail : head).pop();
    }
    for (const group of [...head, ...tail]) if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    const width = v4 === undefined ? 8 : 6;
    const missing = width - head.length - tail.length;
    if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
    words.push(...head.map(g => parseInt(g, 16)), ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail.map(g => parseInt(g, 16)));
    for (const [i, word] of words.entries()) {
        out[i * 2] = word >> 8;
        out[i * 2 + 1] = word & 0xff;
    }
    if (v4 !== undefined) out.set(v4.subarray(12), 12);
    return out;
}

function isMappedV4(ip: IpBytes): boolean {
    for (let i = 0; i < 10; i++) if (ip[i] !== 0) return false;
    return ip[10] === 0xff && ip[11] === 0xff;
}

/** The canonical text: dotted IPv4 (also for IPv4-mapped IPv6), compressed lowercase IPv6. */
function formatIp(ip: IpBytes): string {
    if (isMappedV4(ip)) return `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`;
    const words = Array.from({ length: 8 }, (_, i) => (ip[i * 2]! << 8) | ip[i * 2 + 1]!);
    let best = -1;
    let bestLength = 1;
    for (let i = 0; i < 8; ) {
        let j = i;
        while (j < 8 && words[j] === 0) j++;
        if (j - i > bestLength) [best, bestLength] = [i, j - i];
        i = j === i ? i + 1 : j;
    }
    const hex = words.map(w => w.toString(16));
    if (best < 0) return hex.join(':');
    return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`;
}

/** Strips a port (`1.2.3.4:80`, `[::1]:80`) and brackets; undefined when not an IP. */
function parseEntry(raw: string): IpBytes | undefined {
    let text = raw.trim();
    const bracketed = /^\[([^\]]+)\](?::[0-9]{1,5})?$/.exec(text);
    if (bracketed !== null) text = bracketed[1]!;
    else if (/^[0-9.]+:[0-9]{1,5}$/.test(text)) text = text.slice(0, text.indexOf(':'));
    return parseIp(text);
}

interface Range {
    readonly base: IpBytes;
    readonly bits: number;
}

function parseRange(entry: string): Range | undefined {
    const [address, prefix, ...rest] = entry.split('/');
    if (rest.length > 0 || address === undefined) return undefined;
    const base = parseIp(address);
    if (base === undefined) return undefined;
    const v4 = isMappedV4(base) && !address.includes(':');
    const max = v4 ? 32 : 128;
    if (prefix !== undefined && (!/^[0-9]{1,3}$/.test(prefix) || Number(prefix) > max)) return undefined;
    return { base, bits: (prefix === undefined ? max : Number(prefix)) + (v4 ? 96 : 0) };
}

function inRange(ip: IpBytes, range: Range): boolean {
    let bits = range.bits;
    for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
        const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
        if ((ip[i]! & mask) !== (range.base[i]! & mask)) return false;
    }
    return true;
}

function checkTrust(trustProxy: unknown): number | Range[] {
    const fix = 'pass the number of proxies in front of the server (e.g. 1 for one nginx) or the list of their addresses (e.g. ["10.0.0.0/8"])';
    if (trustProxy === true) {
        throw serverOptionInvalid('trustProxy', `true would trust the leftmost X-Forwarded-For entry, which the client chooses; ${fix}`);
    }
    if (trustProxy === false || trustProxy === undefined) return 0;
    if (typeof trustProxy === 'number') {
        if (!Number.isInteger(trustProxy) || trustProxy < 0 || trustProxy > MAX_HOPS) throw serverOptionInvalid('trustProxy', `must be a hop count from 0 to ${MAX_HOPS}; ${fix}`);
        return trustProxy;
    }
    if (!Array.isArray(trustProxy) || trustProxy.length === 0 || trustProxy.length > MAX_TRUSTED) {
        throw serverOptionInvalid('trustProxy', `must be false, a hop count or a list of 1 to ${MAX_TRUSTED} addresses; ${fix}`);
    }
    const ranges: Range[] = [];
    for (const entry of trustProxy as unknown[]) {
        const expanded = typeof entry === 'string' ? (PRESETS[entry] ?? [entry]) : [];
        for (const text of expanded) {
            const range = parseRange(text);
            if (range === undefined) {
                throw serverOptionInvalid('trustProxy', `holds ${JSON.stringify(String(entry).slice(0, 60))}: not an IP address, a CIDR range, loopback, linklocal or uniquelocal`);
            }
            ranges.push(range);
        }
        if (expanded.length === 0) throw serverOptionInvalid('trustProxy', 'must hold strings (IP addresses or CIDR ranges)');
    }
    return ranges;
}

/**
 * Builds the function that finds a request's client address from the socket's peer and the
 * `X-Forwarded-For` header, trusting only the proxies `trustProxy` names (see
 * {@link TrustProxy}). The answer is an address in canonical form, or the socket's peer (or
 * `undefined`) when the header says nothing usable; with `false`/`0`, the peer unchanged. An entry that is not an IP address stops
 * the walk: the last trusted proxy's view is used.
 *
 * @param trustProxy - `false`/`0`, a hop count, or a list of proxy addresses and ranges
 * @returns `(remoteAddress, forwardedFor) => clientAddress`
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID` (option `trustProxy`) for `true`, a bad hop count or a bad address
 * @example
 * ```ts
 * const clientAddressOf = createClientAddressResolver(1); // behind one nginx
 * app.all('*', c => handler(c.req.raw, { clientAddress: clientAddressOf(c.env.incoming.socket.remoteAddress, c.req.header('x-forwarded-for')) }));
 * ```
 */
export function createClientAddressResolver(trustProxy: TrustProxy): ClientAddressResolver {
    const trust = checkTrust(trustProxy);
    if (trust === 0) return remoteAddress => remoteAddress;
    return (remoteAddress, forwardedFor) => {
        const remote = remoteAddress === undefined ? undefined : parseEntry(remoteAddress);
        const peer = remote === undefined ? remoteAddress : formatIp(remote);
        if (forwardedFor === undefined || forwardedFor === null) return peer;
        const header = typeof forwardedFor === 'string' ? forwardedFor : forwardedFor.join(',');
        // Nearest first: the peer, then the header from the right.
        const entries = header.split(',').slice(-MAX_ENTRIES).reverse();
        if (typeof trust === 'number') {
            // The peer is hop 0; `trust` hops are proxies, the next one is the client.
            let found = peer;
            for (let i = 0; i < Math.min(trust, entries.length); i++) {
                const ip = parseEntry(entries[i]!);
                if (ip === undefined) break;
                found = formatIp(ip);
            }
            return found;
        }
        if (remote === undefined || !trust.some(r => inRange(remote, r))) return peer;
        let found = remote;
        for (const entry of entries) {
            const ip = parseEntry(entry);
            if (ip === undefined) break;
            found = ip;
            if (!trust.some(r => inRange(ip, r))) break;
        }
        return formatIp(found);
    };
}
