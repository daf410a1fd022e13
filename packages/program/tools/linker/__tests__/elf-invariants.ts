/**
 * Test helper: reads a linked program back and checks the rules the SBFv0 loader enforces.
 */
import { expect } from 'vitest';

import {
    DT_NULL,
    EM_BPF,
    ET_DYN,
    type ElfFile,
    type ElfSection,
    readElf,
    SHT_DYNAMIC,
    SHT_DYNSYM,
    SHT_NOBITS,
    SHT_NULL,
    SHT_REL,
} from '../elf';

/** A linked program, parsed for assertions. */
export interface LinkedProgram {
    elf: ElfFile;
    bytes: Uint8Array;
    view: DataView;
    section(name: string): ElfSection;
    /** `.dynamic` as tag -> value. */
    dynamic: Map<number, number>;
    /** `.dynsym` entries (index 0 is the null symbol). */
    dynsym: { name: string; info: number; shndx: number; value: number }[];
    /** `.rel.dyn` entries. */
    relDyn: { offset: number; type: number; symbol: number }[];
    /** The imm field of the instruction at byte `offset` of `.text`. */
    imm(offset: number): number;
}

/** Parses a linked program (section headers, dynamic tables). */
export function parseLinked(bytes: Uint8Array): LinkedProgram {
    const elf = readElf('linked.so', bytes);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const section = (name: string): ElfSection => {
        const found = elf.sections.filter(s => s.name === name);
        expect(found, `exactly one ${name}`).toHaveLength(1);
        return found[0]!;
    };
    const dynamic = new Map<number, number>();
    const dyn = elf.sections.find(s => s.type === SHT_DYNAMIC)!;
    for (let at = dyn.offset; at < dyn.offset + dyn.size; at += 16) {
        const tag = Number(view.getBigUint64(at, true));
        if (tag === DT_NULL) break;
        dynamic.set(tag, Number(view.getBigUint64(at + 8, true)));
    }
    const dynsymSection = elf.sections.find(s => s.type === SHT_DYNSYM)!;
    const dynstr = elf.sections[dynsymSection.link]!;
    const dynsym = [];
    for (let at = dynsymSection.offset; at < dynsymSection.offset + dynsymSection.size; at += 24) {
        const nameAt = dynstr.offset + view.getUint32(at, true);
        const name = new TextDecoder().decode(bytes.subarray(nameAt, bytes.indexOf(0, nameAt)));
        dynsym.push({ name, info: view.getUint8(at + 4), shndx: view.getUint16(at + 6, true), value: Number(view.getBigUint64(at + 8, true)) });
    }
    const relSection = elf.sections.find(s => s.type === SHT_REL)!;
    const relDyn = [];
    for (let at = relSection.offset; at < relSection.offset + relSection.size; at += 16) {
        relDyn.push({ offset: Number(view.getBigUint64(at, true)), type: view.getUint32(at + 8, true), symbol: view.getUint32(at + 12, true) });
    }
    const text = section('.text');
    return { elf, bytes, view, section, dynamic, dynsym, relDyn, imm: offset => view.getInt32(text.offset + offset + 4, true) };
}

/**
 * Asserts the loader's rules: ELF64 LE ET_DYN EM_BPF with e_flags 0, one `.text` holding
 * the entry, `sh_addr == sh_offset` everywhere, sections ascending and non-overlapping,
 * tables 8-aligned, short section names, DT_SYMTAB at `.dynsym`.
 */
export function expectLoaderInvariants(bytes: Uint8Array): LinkedProgram {
    const program = parseLinked(bytes);
    const { elf } = program;
    expect(bytes[4], 'ELFCLASS64').toBe(2);
    expect(bytes[5], 'little endian').toBe(1);
    expect(bytes[7], 'OSABI none').toBe(0);
    expect(elf.type).toBe(ET_DYN);
    expect(elf.machine).toBe(EM_BPF);
    expect(elf.flags).toBe(0);
    const text = program.section('.text');
    expect(elf.entry).toBeGreaterThanOrEqual(text.addr);
    expect(elf.entry).toBeLessThan(text.addr + text.size);
    expect((elf.entry - text.addr) % 8).toBe(0);
    let end = 0;
    for (const s of elf.sections) {
        expect(s.addr, `${s.name} sh_addr == sh_offset`).toBe(s.offset);
        expect(s.name.length, `${s.name} name length`).toBeLessThan(16);
        if (s.type === SHT_NULL || s.type === SHT_NOBITS) continue;
        expect(s.offset, `${s.name} in ascending order`).toBeGreaterThanOrEqual(end);
        end = s.offset + s.size;
        if (s.entsize > 0) expect(s.offset % 8, `${s.name} 8-aligned`).toBe(0);
    }
    const shoff = Number(program.view.getBigUint64(40, true));
    expect(shoff % 8).toBe(0);
    expect(shoff).toBeGreaterThanOrEqual(end);
    expect(program.dynamic.get(6), 'DT_SYMTAB').toBe(program.section('.dynsym').addr);
    expect(program.dynamic.get(5), 'DT_STRTAB').toBe(program.section('.dynstr').addr);
    if (program.relDyn.length > 0) {
        expect(program.dynamic.get(17), 'DT_REL').toBe(program.section('.rel.dyn').addr);
        expect(program.dynamic.get(18), 'DT_RELSZ').toBe(program.relDyn.length * 16);
        expect(program.dynamic.get(19), 'DT_RELENT').toBe(16);
    } else {
        expect(program.dynamic.has(17), 'no DT_REL without relocations').toBe(false);
    }
    return program;
}
