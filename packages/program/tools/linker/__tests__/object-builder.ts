/**
 * Test helper: builds relocatable ELF64 BPF objects in memory, so linker tests need no clang.
 */
import {
    ByteWriter,
    EHDR_SIZE,
    EM_BPF,
    ET_REL,
    REL_SIZE,
    SHF_ALLOC,
    SHF_EXECINSTR,
    SHF_WRITE,
    SHT_NOBITS,
    SHT_NULL,
    SHT_PROGBITS,
    SHT_REL,
    SHT_STRTAB,
    SHT_SYMTAB,
    STB_GLOBAL,
    STB_LOCAL,
    STT_FUNC,
    STT_NOTYPE,
    STT_SECTION,
    SYM_SIZE,
    type SectionHeader,
    StringTable,
    writeFileHeader,
    writeRelocation,
    writeSectionHeader,
    writeSymbol,
} from '../elf';

export const CODE = SHF_ALLOC | SHF_EXECINSTR;
export const READ_ONLY = SHF_ALLOC;
export const WRITABLE = SHF_ALLOC | SHF_WRITE;

export interface SectionSpec {
    name: string;
    flags: number;
    /** Contents, or a size for `SHT_NOBITS`. */
    data: Uint8Array | number;
    align?: number;
}

export interface SymbolSpec {
    name: string;
    /** Defining section name; undefined for an undefined symbol. */
    section?: string;
    value?: number;
    size?: number;
    /** Defaults: STT_FUNC in code sections, STT_OBJECT elsewhere, STT_NOTYPE when undefined. */
    type?: number;
    bind?: number;
}

export interface RelocationSpec {
    /** The section the relocation applies to. */
    section: string;
    offset: number;
    type: number;
    /** A symbol name, or `{ section }` for that section's section symbol. */
    symbol: string | { section: string };
}

export interface ObjectSpec {
    sections: SectionSpec[];
    symbols?: SymbolSpec[];
    relocations?: RelocationSpec[];
}

/** Encodes one 8-byte BPF instruction. */
export function insn(opcode: number, dst = 0, src = 0, off = 0, imm = 0): Uint8Array {
    const bytes = new Uint8Array(8);
    const view = new DataView(bytes.buffer);
    view.setUint8(0, opcode);
    view.setUint8(1, (src << 4) | dst);
    view.setInt16(2, off, true);
    view.setInt32(4, imm, true);
    return bytes;
}

/** `lddw dst, imm64` (16 bytes). */
export function lddw(dst: number, value = 0n): Uint8Array {
    const bytes = new Uint8Array(16);
    bytes.set(insn(0x18, dst, 0, 0, Number(BigInt.asIntN(32, value & 0xffffffffn))));
    bytes.set(insn(0, 0, 0, 0, Number(BigInt.asIntN(32, value >> 32n))), 8);
    return bytes;
}

/** `call imm` as clang emits it for a relocated call (src = 1, imm = -1 unless told). */
export const call = (imm = -1): Uint8Array => insn(0x85, 0, 1, 0, imm);
/** `callx` as LLVM 19 encodes it: register in dst, imm 0. */
export const callx = (register: number): Uint8Array => insn(0x8d, register);
export const exit = (): Uint8Array => insn(0x95);
export const mov64 = (dst: number, imm: number): Uint8Array => insn(0xb7, dst, 0, 0, imm);

/** Concatenates byte arrays. */
export function bytes(...parts: (Uint8Array | number[])[]): Uint8Array {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
        out.set(part, at);
        at += part.length;
    }
    return out;
}

/** Little-endian u64 bytes. */
export function u64le(value: bigint): Uint8Array {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, value, true);
    return out;
}

/**
 * Builds a relocatable ELF64 LE `EM_BPF` object: the given sections, a `.symtab` with one
 * section symbol per section then the given symbols (locals first), one `.rel<name>` per
 * relocated section, `.strtab` and `.shstrtab`.
 */
export function buildObject(spec: ObjectSpec): Uint8Array {
    const shstr = new StringTable();
    const str = new StringTable();
    const sectionIndex = new Map(spec.sections.map((s, i) => [s.name, i + 1]));
    const indexOf = (name: string): number => {
        const index = sectionIndex.get(name);
        if (index === undefined) throw new Error(`no section ${name}`);
        return index;
    };

    // Symbols: null, section symbols, locals, globals.
    type Sym = { name: string; bind: number; type: number; shndx: number; value: number; size: number };
    const symbols: Sym[] = [{ name: '', bind: 0, type: 0, shndx: 0, value: 0, size: 0 }];
    for (const s of spec.sections) symbols.push({ name: '', bind: STB_LOCAL, type: STT_SECTION, shndx: indexOf(s.name), value: 0, size: 0 });
    const given = (spec.symbols ?? []).map(s => {
        const shndx = s.section === undefined ? 0 : indexOf(s.section);
        const section = spec.sections[shndx - 1];
        const type = s.type ?? (shndx === 0 ? STT_NOTYPE : section && section.flags & SHF_EXECINSTR ? STT_FUNC : 1);
        return { name: s.name, bind: s.bind ?? STB_GLOBAL, type, shndx, value: s.value ?? 0, size: s.size ?? 0 };
    });
    symbols.push(...given.filter(s => s.bind === STB_LOCAL), ...given.filter(s => s.bind !== STB_LOCAL));
    const firstGlobal = symbols.findIndex((s, i) => i > 0 && s.bind !== STB_LOCAL);
    const symbolIndex = (ref: RelocationSpec['symbol']): number => {
        const index =
            typeof ref === 'string'
                ? symbols.findIndex(s => s.name === ref)
                : symbols.findIndex(s => s.type === STT_SECTION && s.shndx === indexOf(ref.section));
        if (index < 0) throw new Error(`no symbol ${JSON.stringify(ref)}`);
        return index;
    };

    const headers: SectionHeader[] = [{ name: 0, type: SHT_NULL, flags: 0, addr: 0, offset: 0, size: 0, addralign: 0 }];
    const out = new ByteWriter();
    out.raw(new Uint8Array(EHDR_SIZE));
    for (const s of spec.sections) {
        const offset = out.align(s.align ?? 8);
        const nobits = typeof s.data === 'number';
        if (!nobits) out.raw(s.data as Uint8Array);
        const size = nobits ? (s.data as number) : (s.data as Uint8Array).length;
        headers.push({ name: shstr.add(s.name), type: nobits ? SHT_NOBITS : SHT_PROGBITS, flags: s.flags, addr: 0, offset, size, addralign: s.align ?? 8 });
    }
    const symtabIndex = headers.length;
    const symOffset = out.align(8);
    for (const s of symbols) writeSymbol(out, { ...s, name: str.add(s.name) });
    headers.push({ name: shstr.add('.symtab'), type: SHT_SYMTAB, flags: 0, addr: 0, offset: symOffset, size: symbols.length * SYM_SIZE, link: symtabIndex + 1, info: firstGlobal < 0 ? symbols.length : firstGlobal, addralign: 8, entsize: SYM_SIZE });
    const strBytes = str.toBytes();
    headers.push({ name: shstr.add('.strtab'), type: SHT_STRTAB, flags: 0, addr: 0, offset: out.length, size: strBytes.length, addralign: 1 });
    out.raw(strBytes);
    const relocated = [...new Set((spec.relocations ?? []).map(r => r.section))];
    for (const name of relocated) {
        const offset = out.align(8);
        const list = (spec.relocations ?? []).filter(r => r.section === name);
        for (const r of list) writeRelocation(out, r.offset, symbolIndex(r.symbol), r.type);
        headers.push({ name: shstr.add(`.rel${name}`), type: SHT_REL, flags: 0x40, addr: 0, offset, size: list.length * REL_SIZE, link: symtabIndex, info: indexOf(name), addralign: 8, entsize: REL_SIZE });
    }
    const shstrName = shstr.add('.shstrtab');
    const shstrBytes = shstr.toBytes();
    headers.push({ name: shstrName, type: SHT_STRTAB, flags: 0, addr: 0, offset: out.length, size: shstrBytes.length, addralign: 1 });
    out.raw(shstrBytes);
    const shoff = out.align(8);
    for (const h of headers) writeSectionHeader(out, h);

    const file = out.toBytes();
    const header = new ByteWriter();
    writeFileHeader(header, { type: ET_REL, machine: EM_BPF, entry: 0, phoff: 0, phnum: 0, shoff, shnum: headers.length, shstrndx: headers.length - 1 });
    file.set(header.toBytes(), 0);
    return file;
}
