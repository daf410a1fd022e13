/**
 * createClientAddressResolver: Express-style `trust proxy` (hop counts, proxy address lists)
 * on hostile X-Forwarded-For headers.
 */
import { isRaffleError, RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID } from '@raffle/errors';
import { describe, expect, it } from 'vitest';

import { createClientAddressResolver } from '../../server/trust-proxy';

describe('createClientAddressResolver', () => {
    it('with false or 0, answers the socket peer and ignores the header', () => {
        for (const trust of [false, 0] as const) {
            const resolve = createClientAddressResolver(trust);
            expect(resolve('192.0.2.1', '6.6.6.6')).toBe('192.0.2.1');
            expect(resolve(undefined, '6.6.6.6')).toBeUndefined();
        }
    });

    it('with n hops, takes the entry n places from the right (Express trust proxy = n)', () => {
        const header = '6.6.6.6, 203.0.113.7, 10.0.0.2';
        expect(createClientAddressResolver(1)('10.0.0.9', header)).toBe('10.0.0.2');
        expect(createClientAddressResolver(2)('10.0.0.9', header)).toBe('203.0.113.7');
        expect(createClientAddressResolver(3)('10.0.0.9', header)).toBe('6.6.6.6');
        // More hops than entries: the furthest address there is.
        expect(createClientAddressResolver(5)('10.0.0.9', header)).toBe('6.6.6.6');
        // No header: the peer.
        expect(createClientAddressResolver(1)('10.0.0.9', undefined)).toBe('10.0.0.9');
        expect(createClientAddressResolver(1)('10.0.0.9', null)).toBe('10.0.0.9');
        // Repeated headers (node joins them, some adapters pass the list).
        expect(createClientAddressResolver(1)('10.0.0.9', ['6.6.6.6', '203.0.113.7'])).toBe('203.0.113.7');
    });

    it('never lets the client choose its address by prepending entries', () => {
        const resolve = createClientAddressResolver(1);
        for (const spoof of ['1.1.1.1', '1.1.1.1, 2.2.2.2', 'garbage', '', '::1', ', , ,', `${'9.9.9.9, '.repeat(500)}8.8.8.8`]) {
            expect(resolve('127.0.0.1', `${spoof}, 203.0.113.7`)).toBe('203.0.113.7');
        }
    });

    it('stops at an entry that is not an IP address and answers the last trusted view', () => {
        expect(createClientAddressResolver(2)('10.0.0.9', '203.0.113.7, not-an-ip, 10.0.0.2')).toBe('10.0.0.2');
        expect(createClientAddressResolver(1)('10.0.0.9', 'nope')).toBe('10.0.0.9');
        expect(createClientAddressResolver(1)('10.0.0.9', '203.0.113.7, 1.2.3.256')).toBe('10.0.0.9');
        expect(createClientAddressResolver(1)('10.0.0.9', '203.0.113.7, <script>')).toBe('10.0.0.9');
    });

    it('strips ports and brackets and answers canonical addresses', () => {
        const resolve = createClientAddressResolver(1);
        expect(resolve('10.0.0.9', '203.0.113.7:51234')).toBe('203.0.113.7');
        expect(resolve('10.0.0.9', '[2001:DB8:0:0:0:0:0:1]:443')).toBe('2001:db8::1');
        expect(resolve('10.0.0.9', '2001:0db8:0000:0000:0001:0000:0000:0001')).toBe('2001:db8::1:0:0:1');
        expect(resolve('10.0.0.9', '::ffff:203.0.113.7')).toBe('203.0.113.7');
        expect(resolve('10.0.0.9', '::')).toBe('::');
        expect(resolve('10.0.0.9', 'fe80::1:2')).toBe('fe80::1:2');
        expect(resolve('::ffff:10.0.0.9', undefined)).toBe('10.0.0.9');
        for (const bad of ['1::2::3', '1:2:3:4:5:6:7:8:9', '12345::1', '1:2:3:4:5:6:7', 'g::1', '::ffff:1.2.3']) {
            expect(resolve('10.0.0.9', `203.0.113.7, ${bad}`)).toBe('10.0.0.9');
        }
    });

    it('with a list, skips trusted proxies (IPs, CIDR ranges, presets) from the right', () => {
        const resolve = createClientAddressResolver(['loopback', '10.0.0.0/8', '2001:db8:aa::/48']);
        expect(resolve('127.0.0.1', '6.6.6.6, 203.0.113.7, 10.1.2.3')).toBe('203.0.113.7');
        expect(resolve('::ffff:127.0.0.1', '6.6.6.6, 203.0.113.7, 10.1.2.3')).toBe('203.0.113.7');
        expect(resolve('::1', '203.0.113.7, 2001:db8:aa:1::5')).toBe('203.0.113.7');
        expect(resolve('::1', '203.0.113.7, 2001:db8:ab::5')).toBe('2001:db8:ab::5');
        // An untrusted peer: the header is ignored.
        expect(resolve('198.51.100.1', '203.0.113.7')).toBe('198.51.100.1');
        // Every hop trusted: the furthest.
        expect(resolve('127.0.0.1', '10.0.0.1, 10.0.0.2')).toBe('10.0.0.1');
        expect(createClientAddressResolver(['192.0.2.10'])('192.0.2.10', '203.0.113.7')).toBe('203.0.113.7');
        expect(createClientAddressResolver(['192.0.2.10'])('192.0.2.11', '203.0.113.7')).toBe('192.0.2.11');
        expect(createClientAddressResolver(['uniquelocal'])('172.16.5.5', '203.0.113.7, 192.168.1.1')).toBe('203.0.113.7');
        expect(createClientAddressResolver(['172.16.0.0/12'])('172.32.0.1', '203.0.113.7')).toBe('172.32.0.1');
    });

    it('refuses true, bad hop counts and bad addresses with a typed error naming trustProxy', () => {
        for (const bad of [true, -1, 33, 1.5, Number.NaN, [], ['nope'], ['10.0.0.0/33'], ['::/129'], [5], 'loopback', {}, Array(65).fill('10.0.0.1')]) {
            let error: unknown;
            try {
                createClientAddressResolver(bad as never);
            } catch (e) {
                error = e;
            }
            expect(isRaffleError(error, RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID) && error.context.option, String(bad)).toBe('trustProxy');
        }
    });
});
