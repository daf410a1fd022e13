import {
    isRaffleError,
    RAFFLE_ERROR__TOOLING__OBJECT_INVALID,
    RAFFLE_ERROR__TOOLING__RELOCATION_UNSUPPORTED,
    RAFFLE_ERROR__TOOLING__SYMBOL_UNDEFINED,
    RAFFLE_ERROR__TOOLING__UNKNOWN_SYSCALL,
    RAFFLE_ERROR__TOOLING__WRITABLE_DATA,
    type RaffleErrorCode,
    type RaffleErrorContext,
} from '@raffle/errors';
import { describe, expect, it } from 'vitest';

import { R_BPF_64_32, R_BPF_64_64, R_BPF_64_ABS32, R_BPF_64_ABS64, R_BPF_64_NODYLD32 } from '../apply-relocations';
import { STB_LOCAL } from '../elf';
import { linkSbf } from '../link';
import { expectLoaderInvariants } from './elf-invariants';
import { buildObject, bytes, call, callx, CODE, exit, lddw, mov64, type ObjectSpec, READ_ONLY, u64le, WRITABLE } from './object-builder';

const MM = 0x1_0000_0000;
const text = (data: Uint8Array) => ({ name: '.text', flags: CODE, data });
const obj = (name: string, spec: ObjectSpec) => ({ name, bytes: buildObject(spec) });
const entryOnly = obj('main.o', { sections: [text(bytes(mov64(0, 0), exit()))], symbols: [{ name: 'entrypoint', section: '.text', size: 16 }] });

/** Runs `fn`, expects a RaffleError with `code`, and returns its context. */
function expectRaffleError<C extends RaffleErrorCode>(fn: () => unknown, code: C): RaffleErrorContext<C> {
    try {
        fn();
    } catch (e) {
        if (isRaffleError(e, code)) return e.context;
        throw e;
    }
    throw new Error(`expected RaffleError ${code}`);
}

describe('linkSbf: calls', () => {
    const caller = obj('caller.o', {
        sections: [text(bytes(call(), exit()))],
        symbols: [{ name: 'entrypoint', section: '.text', size: 16 }, { name: 'helper' }],
        relocations: [{ section: '.text', offset: 0, type: R_BPF_64_32, symbol: 'helper' }],
    });
    const callee = obj('callee.o', {
        sections: [text(bytes(mov64(0, 7), exit()))],
        symbols: [{ name: 'helper', section: '.text', size: 16 }],
    });

    it('makes a call to a function of another object pc-relative', () => {
        const program = expectLoaderInvariants(linkSbf([caller, callee]));
        // caller at .text+0, callee at .text+16: (16 - (0 + 8)) / 8 = 1
        expect(program.imm(0)).toBe(1);
        expect(program.elf.entry).toBe(program.section('.text').addr);
        expect(program.relDyn).toHaveLength(0);
    });

    it('resolves backwards calls when the objects come in the other order', () => {
        const program = expectLoaderInvariants(linkSbf([callee, caller]));
        // callee at .text+0, the call at .text+16: (0 - 24) / 8 = -3
        expect(program.imm(16)).toBe(-3);
        expect(program.elf.entry).toBe(program.section('.text').addr + 16);
    });

    it('resolves a call against a section symbol, the target offset in the imm', () => {
        const object = obj('sections.o', {
            sections: [text(bytes(call(0), exit())), { name: '.text.lib', flags: CODE, data: bytes(exit(), mov64(0, 3), exit()) }],
            symbols: [{ name: 'entrypoint', section: '.text', size: 16 }],
            // clang's encoding: imm = offset / 8 - 1, here the second instruction of .text.lib
            relocations: [{ section: '.text', offset: 0, type: R_BPF_64_32, symbol: { section: '.text.lib' } }],
        });
        const program = expectLoaderInvariants(linkSbf([object]));
        // .text.lib at .text+16, target .text+24: (24 - 8) / 8 = 2
        expect(program.imm(0)).toBe(2);
    });

    it('leaves syscall calls as call -1 with a .dynsym entry and a .rel.dyn relocation', () => {
        const object = obj('log.o', {
            sections: [text(bytes(call(), call(), call(), exit()))],
            symbols: [{ name: 'entrypoint', section: '.text', size: 32 }, { name: 'sol_log_' }, { name: 'sol_log_data' }],
            relocations: [
                { section: '.text', offset: 0, type: R_BPF_64_32, symbol: 'sol_log_' },
                { section: '.text', offset: 16, type: R_BPF_64_32, symbol: 'sol_log_' },
                { section: '.text', offset: 8, type: R_BPF_64_32, symbol: 'sol_log_data' },
            ],
        });
        const program = expectLoaderInvariants(linkSbf([object]));
        const textAddr = program.section('.text').addr;
        expect([program.imm(0), program.imm(8), program.imm(16)]).toEqual([-1, -1, -1]);
        expect(program.dynsym.map(s => s.name)).toEqual(['', 'entrypoint', 'sol_log_', 'sol_log_data']);
        for (const s of program.dynsym.slice(2)) expect(s).toMatchObject({ shndx: 0, value: 0, info: 0x10 }); // GLOBAL NOTYPE UND
        expect(program.dynsym[1]).toMatchObject({ shndx: 1, value: textAddr, info: 0x12 }); // GLOBAL FUNC in .text
        expect(program.relDyn).toEqual([
            { offset: textAddr, type: 10, symbol: 2 },
            { offset: textAddr + 8, type: 10, symbol: 3 },
            { offset: textAddr + 16, type: 10, symbol: 2 },
        ]);
    });

    it('copies the callx register from dst to imm', () => {
        const object = obj('callx.o', {
            sections: [text(bytes(lddw(3, 0x1234n), callx(3), callx(0), exit()))],
            symbols: [{ name: 'entrypoint', section: '.text', size: 40 }],
        });
        const program = linkSbf([object]);
        const parsed = expectLoaderInvariants(program);
        expect(parsed.imm(16)).toBe(3);
        expect(parsed.imm(24)).toBe(0);
        expect(parsed.imm(0)).toBe(0x1234); // the lddw is untouched
    });

    it('refuses R_BPF_64_32 on an instruction that is not a call', () => {
        const object = obj('bad.o', {
            sections: [text(bytes(mov64(0, 0), exit()))],
            symbols: [{ name: 'entrypoint', section: '.text', size: 16 }, { name: 'sol_log_' }],
            relocations: [{ section: '.text', offset: 0, type: R_BPF_64_32, symbol: 'sol_log_' }],
        });
        const context = expectRaffleError(() => linkSbf([object]), RAFFLE_ERROR__TOOLING__RELOCATION_UNSUPPORTED);
        expect(context).toMatchObject({ object: 'bad.o', section: '.text' });
        expect(context.detail).toContain('not on a call');
    });
});

describe('linkSbf: data addresses', () => {
    const message = new TextEncoder().encode('abcdhello\0');
    // clang's section-relative form keeps the offset inside the section in the lddw imm
    const textWithLddw = text(bytes(lddw(1, 4n), lddw(2), exit()));

    it('resolves lddw of rodata (R_BPF_64_64) to 0x1_0000_0000 + vaddr, section-relative and named', () => {
        const object = obj('lddw.o', {
            sections: [textWithLddw, { name: '.rodata.str1.1', flags: READ_ONLY, data: message, align: 1 }],
            symbols: [
                { name: 'entrypoint', section: '.text', size: 40 },
                { name: 'hello', section: '.rodata.str1.1', value: 4, size: 6, bind: STB_LOCAL },
            ],
            relocations: [
                { section: '.text', offset: 0, type: R_BPF_64_64, symbol: { section: '.rodata.str1.1' } },
                { section: '.text', offset: 16, type: R_BPF_64_64, symbol: 'hello' },
            ],
        });
        const program = expectLoaderInvariants(linkSbf([object]));
        const rodata = program.section('.rodata');
        const text = program.section('.text');
        expect(rodata.data.subarray(0, message.length)).toEqual(message);
        for (const at of [0, 16]) {
            const value = program.view.getUint32(text.offset + at + 4, true) + program.view.getUint32(text.offset + at + 12, true) * 2 ** 32;
            expect(value).toBe(MM + rodata.addr + 4);
        }
    });

    it('resolves absolute pointers in rodata (R_BPF_64_ABS64) to code and to data', () => {
        const object = obj('table.o', {
            sections: [
                text(bytes(mov64(0, 0), exit(), mov64(0, 1), exit())),
                // [pointer to `second`, pointer to .rodata + 8 (implicit addend stored in place)]
                { name: '.rodata', flags: READ_ONLY, data: bytes(u64le(0n), u64le(8n)) },
            ],
            symbols: [
                { name: 'entrypoint', section: '.text', size: 16 },
                { name: 'second', section: '.text', value: 16, size: 16, bind: STB_LOCAL },
            ],
            relocations: [
                { section: '.rodata', offset: 0, type: R_BPF_64_ABS64, symbol: 'second' },
                { section: '.rodata', offset: 8, type: R_BPF_64_ABS64, symbol: { section: '.rodata' } },
            ],
        });
        const program = expectLoaderInvariants(linkSbf([object]));
        const rodata = program.section('.rodata');
        expect(program.view.getBigUint64(rodata.offset, true)).toBe(BigInt(MM + program.section('.text').addr + 16));
        expect(program.view.getBigUint64(rodata.offset + 8, true)).toBe(BigInt(MM + rodata.addr + 8));
    });

    it('merges .rodata* and .data.rel.ro* of several objects, keeping alignment', () => {
        const a = obj('a.o', {
            sections: [text(bytes(exit())), { name: '.rodata.str1.1', flags: READ_ONLY, data: new Uint8Array([1, 2, 3]), align: 1 }],
            symbols: [{ name: 'entrypoint', section: '.text', size: 8 }],
        });
        const b = obj('b.o', {
            sections: [{ name: '.data.rel.ro', flags: WRITABLE, data: u64le(0x55n), align: 16 }],
            symbols: [{ name: 'table', section: '.data.rel.ro', size: 8 }],
        });
        const program = expectLoaderInvariants(linkSbf([a, b]));
        const rodata = program.section('.rodata');
        expect(rodata.addralign).toBe(16);
        expect(rodata.offset % 16).toBe(0);
        expect([...rodata.data]).toEqual([1, 2, 3, ...new Array(13).fill(0), 0x55, 0, 0, 0, 0, 0, 0, 0]);
    });

    it('refuses R_BPF_64_ABS32 in linked data: 32 bits cannot hold a program address', () => {
        const object = obj('abs32.o', {
            sections: [text(bytes(exit())), { name: '.rodata', flags: READ_ONLY, data: new Uint8Array(8) }],
            symbols: [{ name: 'entrypoint', section: '.text', size: 8 }],
            relocations: [{ section: '.rodata', offset: 0, type: R_BPF_64_ABS32, symbol: 'entrypoint' }],
        });
        expectRaffleError(() => linkSbf([object]), RAFFLE_ERROR__TOOLING__RELOCATION_UNSUPPORTED);
    });

    it('drops debug sections and their relocations', () => {
        const object = obj('debug.o', {
            sections: [text(bytes(exit())), { name: '.debug_info', flags: 0, data: new Uint8Array(16) }],
            symbols: [{ name: 'entrypoint', section: '.text', size: 8 }],
            relocations: [
                { section: '.debug_info', offset: 0, type: R_BPF_64_NODYLD32, symbol: 'entrypoint' },
                { section: '.debug_info', offset: 8, type: R_BPF_64_ABS64, symbol: 'entrypoint' },
            ],
        });
        const program = expectLoaderInvariants(linkSbf([object]));
        expect(program.elf.sections.map(s => s.name)).toEqual(['', '.text', '.rodata', '.dynamic', '.dynsym', '.dynstr', '.rel.dyn', '.shstrtab']);
    });
});

describe('linkSbf: refusals', () => {
    it('refuses .data, naming the variables in it', () => {
        const object = obj('state.o', {
            sections: [text(bytes(exit())), { name: '.data', flags: WRITABLE, data: new Uint8Array(16) }],
            symbols: [
                { name: 'entrypoint', section: '.text', size: 8 },
                { name: 'total', section: '.data', value: 8, size: 8 },
                { name: 'counter', section: '.data', size: 8, bind: STB_LOCAL },
            ],
        });
        const context = expectRaffleError(() => linkSbf([entryOnly, object]), RAFFLE_ERROR__TOOLING__WRITABLE_DATA);
        expect(context).toEqual({ object: 'state.o', section: '.data', symbols: 'counter, total' });
    });

    it('refuses a non-empty .bss but accepts an empty one', () => {
        const bss = (size: number) =>
            obj('bss.o', { sections: [{ name: '.bss', flags: WRITABLE, data: size }], symbols: size ? [{ name: 'zeroes', section: '.bss', size }] : [] });
        expect(expectRaffleError(() => linkSbf([entryOnly, bss(8)]), RAFFLE_ERROR__TOOLING__WRITABLE_DATA)).toEqual({
            object: 'bss.o',
            section: '.bss',
            symbols: 'zeroes',
        });
        expectLoaderInvariants(linkSbf([entryOnly, bss(0)]));
    });

    it('refuses calls to undefined functions that are not syscalls, listing them all', () => {
        const object = obj('unknown.o', {
            sections: [text(bytes(call(), call(), call(), exit()))],
            symbols: [{ name: 'entrypoint', section: '.text', size: 32 }, { name: 'sol_log_' }, { name: 'memcpy' }, { name: 'helper' }],
            relocations: [
                { section: '.text', offset: 0, type: R_BPF_64_32, symbol: 'memcpy' },
                { section: '.text', offset: 8, type: R_BPF_64_32, symbol: 'sol_log_' },
                { section: '.text', offset: 16, type: R_BPF_64_32, symbol: 'helper' },
            ],
        });
        expect(expectRaffleError(() => linkSbf([object]), RAFFLE_ERROR__TOOLING__UNKNOWN_SYSCALL)).toEqual({ names: 'helper, memcpy' });
    });

    it('refuses the address of an undefined data symbol', () => {
        const object = obj('extern.o', {
            sections: [text(bytes(lddw(1), exit()))],
            symbols: [{ name: 'entrypoint', section: '.text', size: 24 }, { name: 'missing_table' }],
            relocations: [{ section: '.text', offset: 0, type: R_BPF_64_64, symbol: 'missing_table' }],
        });
        expect(expectRaffleError(() => linkSbf([object]), RAFFLE_ERROR__TOOLING__SYMBOL_UNDEFINED)).toEqual({ symbol: 'missing_table' });
    });

    it('needs the entry symbol, `entrypoint` unless told', () => {
        const object = obj('start.o', { sections: [text(bytes(exit(), exit()))], symbols: [{ name: 'start', section: '.text', value: 8, size: 8 }] });
        expect(expectRaffleError(() => linkSbf([object]), RAFFLE_ERROR__TOOLING__SYMBOL_UNDEFINED)).toEqual({ symbol: 'entrypoint' });
        const program = expectLoaderInvariants(linkSbf([object], { entry: 'start' }));
        expect(program.elf.entry).toBe(program.section('.text').addr + 8);
        expect(program.dynsym[1]!.name).toBe('start');
    });

    it('refuses a global symbol defined twice', () => {
        const context = expectRaffleError(() => linkSbf([entryOnly, { ...entryOnly, name: 'again.o' }]), RAFFLE_ERROR__TOOLING__OBJECT_INVALID);
        expect(context.reason).toContain('main.o');
    });

    it('refuses files that are not relocatable BPF objects', () => {
        expect(expectRaffleError(() => linkSbf([{ name: 'x.txt', bytes: new TextEncoder().encode('hello') }]), RAFFLE_ERROR__TOOLING__OBJECT_INVALID)).toEqual({
            object: 'x.txt',
            reason: 'not an ELF file',
        });
        const linked = linkSbf([entryOnly]);
        expect(expectRaffleError(() => linkSbf([{ name: 'prog.so', bytes: linked }]), RAFFLE_ERROR__TOOLING__OBJECT_INVALID).reason).toContain('not a relocatable');
    });
});

describe('linkSbf: output', () => {
    const objects = () => [
        obj('a.o', {
            sections: [text(bytes(lddw(1), call(), call(), exit())), { name: '.rodata', flags: READ_ONLY, data: new TextEncoder().encode('hi') }],
            symbols: [{ name: 'entrypoint', section: '.text', size: 40 }, { name: 'sol_log_' }, { name: 'helper' }],
            relocations: [
                { section: '.text', offset: 0, type: R_BPF_64_64, symbol: { section: '.rodata' } },
                { section: '.text', offset: 16, type: R_BPF_64_32, symbol: 'sol_log_' },
                { section: '.text', offset: 24, type: R_BPF_64_32, symbol: 'helper' },
            ],
        }),
        obj('b.o', { sections: [text(bytes(callx(2), exit()))], symbols: [{ name: 'helper', section: '.text', size: 16 }] }),
    ];

    it('is deterministic and leaves its inputs untouched', () => {
        const inputs = objects();
        const copies = inputs.map(o => o.bytes.slice());
        const first = linkSbf(inputs);
        const second = linkSbf(objects());
        expect(second).toEqual(first);
        expect(inputs.map(o => o.bytes)).toEqual(copies);
        expect(linkSbf(inputs)).toEqual(first);
    });

    it('satisfies the loader rules: ET_DYN, EM_BPF, e_flags 0, sh_addr == sh_offset, ascending sections', () => {
        const program = expectLoaderInvariants(linkSbf(objects()));
        expect(program.elf.sections.filter(s => s.name === '.text')).toHaveLength(1);
        const offsets = program.elf.sections.map(s => s.offset);
        expect(offsets).toEqual([...offsets].sort((x, y) => x - y));
    });
});
