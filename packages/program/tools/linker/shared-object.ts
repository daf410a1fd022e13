/**
 * Lays out and writes the output: an ELF64 `ET_DYN` / `EM_BPF` shared object in the shape
 * the SBFv0 loader reads (every `sh_addr == sh_offset`, sections in ascending file order).
 *
 * File order: ELF header, program headers, `.text`, `.rodata`, `.dynamic`, `.dynsym`,
 * `.dynstr`, `.rel.dyn`, `.shstrtab`, section header table.
 */
import { RAFFLE_ERROR__INVARIANT_VIOLATION, RaffleError } from '@raffle/errors';

import type { SyscallCall } from './apply-relocations';
import {
    ByteWriter,
    DT_NULL,
    DT_REL,
    DT_RELENT,
    DT_RELSZ,
    DT_STRSZ,
    DT_STRTAB,
    DT_SYMENT,
    DT_SYMTAB,
    DYN_SIZE,
    EHDR_SIZE,
    EM_BPF,
    ET_DYN,
    PF_R,
    PF_W,
    PF_X,
    PHDR_SIZE,
    PT_DYNAMIC,
    PT_LOAD,
    type ProgramHeader,
    REL_SIZE,
    SHF_ALLOC,
    SHF_EXECINSTR,
    SHF_WRITE,
    SHT_DYNAMIC,
    SHT_DYNSYM,
    SHT_NULL,
    SHT_PROGBITS,
    SHT_REL,
    SHT_STRTAB,
    STB_GLOBAL,
    STT_FUNC,
    STT_NOTYPE,
    SYM_SIZE,
    StringTable,
    writeFileHeader,
    writeProgramHeader,
    writeRelocation,
    writeSectionHeader,
    writeSymbol,
} from './elf';

/** `R_BPF_64_32` in `.rel.dyn`: the loader writes murmur3(name) into the call's imm. */
const R_BPF_64_32 = 10;
const TEXT_INDEX = 1;

/** File offsets (= virtual addresses) of `.text` and `.rodata`, known before relocation. */
export interface CodeLayout {
    phnum: number;
    text: number;
    rodata: number;
}

/** What goes into the shared object. */
export interface SharedObjectInput {
    text: Uint8Array;
    rodata: Uint8Array;
    rodataAlign: number;
    entry: { name: string; offset: number; size: number };
    syscalls: readonly SyscallCall[];
}

function alignUp(value: number, alignment: number): number {
    return Math.ceil(value / alignment) * alignment;
}

/**
 * Places `.text` and `.rodata` right after the headers, so relocations can be resolved
 * before the rest of the file is written.
 *
 * @param textSize - size of the merged `.text`
 * @param rodataSize - size of the merged `.rodata`
 * @param rodataAlign - alignment of `.rodata`
 * @returns the program header count and the two sections' addresses
 */
export function planCodeLayout(textSize: number, rodataSize: number, rodataAlign: number): CodeLayout {
    const phnum = rodataSize > 0 ? 4 : 3;
    const text = alignUp(EHDR_SIZE + phnum * PHDR_SIZE, 8);
    return { phnum, text, rodata: alignUp(text + textSize, rodataAlign) };
}

/**
 * Writes the shared object. `.dynsym` holds the entry point (exported, as usual for SBF
 * programs) and one undefined symbol per syscall name; `.rel.dyn` holds one `R_BPF_64_32`
 * per syscall call. `DT_REL*` entries are present only when there are relocations (the
 * loader refuses `DT_RELSZ` 0).
 *
 * @param input - relocated sections, entry point and syscall calls
 * @param layout - the layout `input` was relocated for, from {@link planCodeLayout}
 * @returns the ELF file
 */
export function writeSharedObject(input: SharedObjectInput, layout: CodeLayout): Uint8Array {
    const names = [...new Set(input.syscalls.map(c => c.name))].sort();
    const dynstr = new StringTable();
    const entryName = dynstr.add(input.entry.name);
    const nameOffsets = names.map(n => dynstr.add(n));
    const dynstrBytes = dynstr.toBytes();
    const symbolIndex = new Map(names.map((n, i) => [n, i + 2]));

    const shstr = new StringTable();
    const sectionNames = ['.text', '.rodata', '.dynamic', '.dynsym', '.dynstr', '.rel.dyn', '.shstrtab'].map(n => shstr.add(n));
    const shstrBytes = shstr.toBytes();

    // Addresses of everything after .rodata.
    const relCount = input.syscalls.length;
    const dynCount = relCount > 0 ? 8 : 5;
    const rodataEnd = layout.rodata + input.rodata.length;
    const dynamic = alignUp(rodataEnd, 8);
    const dynsym = dynamic + dynCount * DYN_SIZE;
    const dynsymSize = (names.length + 2) * SYM_SIZE;
    const dynstrAt = dynsym + dynsymSize;
    const relDyn = alignUp(dynstrAt + dynstrBytes.length, 8);
    const relDynSize = relCount * REL_SIZE;
    const shstrtab = relDyn + relDynSize;
    const shoff = alignUp(shstrtab + shstrBytes.length, 8);

    const out = new ByteWriter();
    const expectAt = (offset: number, what: string): void => {
        if (out.length !== offset) throw new RaffleError(RAFFLE_ERROR__INVARIANT_VIOLATION, { detail: `${what} written at ${out.length}, planned at ${offset}` });
    };
    writeFileHeader(out, {
        type: ET_DYN,
        machine: EM_BPF,
        entry: layout.text + input.entry.offset,
        phoff: EHDR_SIZE,
        phnum: layout.phnum,
        shoff,
        shnum: 8,
        shstrndx: 7,
    });
    const segments: ProgramHeader[] = [{ type: PT_LOAD, flags: PF_R | PF_X, offset: layout.text, size: input.text.length }];
    if (input.rodata.length > 0) segments.push({ type: PT_LOAD, flags: PF_R, offset: layout.rodata, size: input.rodata.length });
    segments.push({ type: PT_LOAD, flags: PF_R, offset: dynamic, size: relDyn + relDynSize - dynamic });
    segments.push({ type: PT_DYNAMIC, flags: PF_R | PF_W, offset: dynamic, size: dynCount * DYN_SIZE });
    if (segments.length !== layout.phnum) throw new RaffleError(RAFFLE_ERROR__INVARIANT_VIOLATION, { detail: 'program header count' });
    for (const segment of segments) writeProgramHeader(out, segment);

    out.align(8);
    expectAt(layout.text, '.text');
    out.raw(input.text);
    out.align(input.rodataAlign);
    expectAt(layout.rodata, '.rodata');
    out.raw(input.rodata);

    out.align(8);
    expectAt(dynamic, '.dynamic');
    const tags: [number, number][] = [
        [DT_SYMTAB, dynsym],
        [DT_SYMENT, SYM_SIZE],
        [DT_STRTAB, dynstrAt],
        [DT_STRSZ, dynstrBytes.length],
    ];
    if (relCount > 0) tags.push([DT_REL, relDyn], [DT_RELSZ, relDynSize], [DT_RELENT, REL_SIZE]);
    tags.push([DT_NULL, 0]);
    if (tags.length !== dynCount) throw new RaffleError(RAFFLE_ERROR__INVARIANT_VIOLATION, { detail: 'dynamic entry count' });
    for (const [tag, value] of tags) out.u64(tag).u64(value);

    expectAt(dynsym, '.dynsym');
    writeSymbol(out, { name: 0, bind: 0, type: 0, shndx: 0, value: 0, size: 0 });
    writeSymbol(out, { name: entryName, bind: STB_GLOBAL, type: STT_FUNC, shndx: TEXT_INDEX, value: layout.text + input.entry.offset, size: input.entry.size });
    for (const name of nameOffsets) writeSymbol(out, { name, bind: STB_GLOBAL, type: STT_NOTYPE, shndx: 0, value: 0, size: 0 });
    expectAt(dynstrAt, '.dynstr');
    out.raw(dynstrBytes);
    out.align(8);
    expectAt(relDyn, '.rel.dyn');
    for (const call of input.syscalls) writeRelocation(out, layout.text + call.offset, symbolIndex.get(call.name)!, R_BPF_64_32);
    expectAt(shstrtab, '.shstrtab');
    out.raw(shstrBytes);
    out.align(8);
    expectAt(shoff, 'section headers');

    const [text, rodata, dyn, sym, str, rel, shs] = sectionNames as [number, number, number, number, number, number, number];
    writeSectionHeader(out, { name: 0, type: SHT_NULL, flags: 0, addr: 0, offset: 0, size: 0, addralign: 0 });
    writeSectionHeader(out, { name: text, type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_EXECINSTR, addr: layout.text, offset: layout.text, size: input.text.length, addralign: 8 });
    writeSectionHeader(out, { name: rodata, type: SHT_PROGBITS, flags: SHF_ALLOC, addr: layout.rodata, offset: layout.rodata, size: input.rodata.length, addralign: input.rodataAlign });
    writeSectionHeader(out, { name: dyn, type: SHT_DYNAMIC, flags: SHF_ALLOC | SHF_WRITE, addr: dynamic, offset: dynamic, size: dynCount * DYN_SIZE, link: 5, addralign: 8, entsize: DYN_SIZE });
    writeSectionHeader(out, { name: sym, type: SHT_DYNSYM, flags: SHF_ALLOC, addr: dynsym, offset: dynsym, size: dynsymSize, link: 5, info: 1, addralign: 8, entsize: SYM_SIZE });
    writeSectionHeader(out, { name: str, type: SHT_STRTAB, flags: SHF_ALLOC, addr: dynstrAt, offset: dynstrAt, size: dynstrBytes.length, addralign: 1 });
    writeSectionHeader(out, { name: rel, type: SHT_REL, flags: SHF_ALLOC, addr: relDyn, offset: relDyn, size: relDynSize, link: 4, addralign: 8, entsize: REL_SIZE });
    writeSectionHeader(out, { name: shs, type: SHT_STRTAB, flags: 0, addr: shstrtab, offset: shstrtab, size: shstrBytes.length, addralign: 1 });
    return out.toBytes();
}
