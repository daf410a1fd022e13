import { describe, expect, it } from 'vitest';

import { isSbfSyscall, murmur3_32, SBF_SYSCALLS, syscallId } from '../syscalls';

describe('syscalls', () => {
    it('computes the ids the runtime uses (murmur3-32, seed 0)', () => {
        expect(syscallId('sol_log_')).toBe(0x207559bd);
        expect(syscallId('sol_log_64_')).toBe(0x5c2a3178);
        expect(syscallId('sol_sha256')).toBe(0x11f49d86);
        expect(syscallId('abort')).toBe(0xb6fc1a11);
        expect(syscallId('sol_panic_')).toBe(0x686093bb);
    });

    it('matches the reference murmur3 vectors, including every tail length', () => {
        const utf8 = (s: string) => new TextEncoder().encode(s);
        expect(murmur3_32(new Uint8Array(0))).toBe(0);
        expect(murmur3_32(new Uint8Array(0), 1)).toBe(0x514e28b7);
        expect(murmur3_32(utf8('a'))).toBe(0x3c2569b2);
        expect(murmur3_32(utf8('ab'))).toBe(0x9bbfd75f);
        expect(murmur3_32(utf8('abc'))).toBe(0xb3dd93fa);
        expect(murmur3_32(utf8('abcd'))).toBe(0x43ed676a);
        expect(murmur3_32(utf8('Hello, world!'), 1234)).toBe(0xfaf6cdb3);
    });

    it('knows the registered syscalls and leaves out the ones a deploy rejects', () => {
        for (const name of ['sol_log_', 'sol_log_data', 'sol_invoke_signed_c', 'sol_try_find_program_address', 'sol_memcpy_', 'abort']) {
            expect(isSbfSyscall(name), name).toBe(true);
        }
        for (const name of ['sol_alloc_free_', 'sol_get_fees_sysvar', 'memcpy', 'printf', '']) expect(isSbfSyscall(name), name).toBe(false);
        expect(new Set(SBF_SYSCALLS).size).toBe(SBF_SYSCALLS.length);
    });
});
