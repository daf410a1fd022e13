/**
 * ELF64 little-endian reading and writing helpers: just what the SBF linker needs.
 *
 * Reading covers the section headers of any ELF64 LE file, and the symbols and `SHT_REL`
 * relocations of relocatable BPF objects. Writing covers the fixed-size records (headers,
 * symbols, relocations, dynamic entries) the linker lays out itself.
 */
import { RAFFLE_ERROR__TOOLING__OBJECT_INVALID, RAFFLE_ERROR__TOOLING__RELOCATION_UNSUPPORTED, RaffleError } from '@raffle/errors';

export const ET_REL = 1;
export const ET_DYN = 3;
export const EM_BPF = 247;

export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_DYNAMIC = 6;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_DYNSYM = 11;

export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;

export const SHN_UNDEF = 0;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;

export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;
export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;

export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

export const DT_NULL = 0;
export const DT_STRTAB = 5;
export const DT_SYMTAB = 6;
export const DT_STRSZ = 10;
export const DT_SYMENT = 11;
export const DT_REL = 17;
export const DT_RELSZ = 18;
export const DT_RELENT = 19;

export const EHDR_SIZE = 64;
export const PHDR_SIZE = 56;
export const SHDR_SIZE = 64;
export const SYM_SIZE = 24;
export const REL_SIZE = 16;
export const DYN_SIZE = 16;

/** One section header, with its bytes (empty for `SHT_NOBITS`). */
export interface ElfSection {
    index: number;
    name: string;
    type: number;
    flags: number;
    addr: number;
    offset: number;
    size: number;
    link: number;
    info: number;
    addralign: number;
    entsize: number;
    data: Uint8Array;
}

/** One symbol table entry. */
export interface ElfSymbol {
    index: number;
    name: string;
    value: number;
    size: number;
    type: number;
    bind: number;
    shndx: number;
}

/** One `SHT_REL` entry; the addend is implicit (stored at the relocated location). */
export interface ElfRelocation {
    offset: number;
    type: number;
    symbol: number;
}

/** The parts of an ELF file the linker reads. */
export interface ElfFile {
    type: number;
    machine: number;
    flags: number;
    entry: number;
    sections: ElfSection[];
}

/** A parsed relocatable object: sections, symbols and relocations by target section index. */
export interface RelocatableObject extends ElfFile {
    name: string;
    symbols: ElfSymbol[];
    relocations: Map<number, ElfRelocation[]>;
}

function invalid(object: string, reason: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__TOOLING__OBJECT_INVALID, { object, reason });
}

/** Reads a u64 that must fit in a JS number (sizes and offsets of small objects always do). */
function u64(object: string, view: DataView, at: number): number {
    const value = view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid(object, `64-bit field too large (0x${value.toString(16)})`);
    return Number(value);
}

/** Reads a NUL-terminated string from a string table section. */
function readString(object: string, table: ElfSection | undefined, offset: number): string {
    if (!table) throw invalid(object, 'missing string table');
    const end = table.data.indexOf(0, offset);
    if (offset >= table.data.length || end < 0) throw invalid(object, `bad string offset ${offset} in ${table.name}`);
    return new TextDecoder().decode(table.data.subarray(offset, end));
}

/**
 * Parses the header and section headers of an ELF64 little-endian file.
 *
 * @param object - a name for error messages (usually the file name)
 * @param bytes - the whole file
 * @returns the header fields and every section with its bytes
 * @throws RaffleError `RAFFLE_ERROR__TOOLING__OBJECT_INVALID` when the file is not ELF64 LE or is truncated
 */
export function readElf(object: string, bytes: Uint8Array): ElfFile {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < EHDR_SIZE || view.getUint32(0, false) !== 0x7f454c46) throw invalid(object, 'not an ELF file');
    if (bytes[4] !== 2 || bytes[5] !== 1) throw invalid(object, 'not a 64-bit little-endian ELF file');
    const shoff = u64(object, view, 40);
    const shnum = view.getUint16(60, true);
    const shstrndx = view.getUint16(62, true);
    if (shoff + shnum * SHDR_SIZE > bytes.length) throw invalid(object, 'section headers past the end of the file');
    const sections: ElfSection[] = [];
    for (let index = 0; index < shnum; index++) {
        const at = shoff + index * SHDR_SIZE;
        const type = view.getUint32(at + 4, true);
        const offset = u64(object, view, at + 24);
        const size = u64(object, view, at + 32);
        if (type !== SHT_NOBITS && type !== SHT_NULL && offset + size > bytes.length) {
            throw invalid(object, `section ${index} past the end of the file`);
        }
        sections.push({
            index,
            name: '',
            type,
            flags: u64(object, view, at + 8),
            addr: u64(object, view, at + 16),
            offset,
            size,
            link: view.getUint32(at + 40, true),
            info: view.getUint32(at + 44, true),
            addralign: u64(object, view, at + 48),
            entsize: u64(object, view, at + 56),
            data: type === SHT_NOBITS || type === SHT_NULL ? new Uint8Array(0) : bytes.subarray(offset, offset + size),
        });
    }
    const names = sections[shstrndx];
    for (const section of sections) section.name = readString(object, names, view.getUint32(shoff + section.index * SHDR_SIZE, true));
    return { type: view.getUint16(16, true), machine: view.getUint16(18, true), flags: view.getUint32(48, true), entry: u64(object, view, 24), sections };
}

/**
 * Parses a relocatable BPF object (`clang -target bpf -c`): sections, symbols and relocations.
 *
 * @param name - the object's name, used in error messages
 * @param bytes - the object file
 * @returns the parsed object
 * @throws RaffleError `RAFFLE_ERROR__TOOLING__OBJECT_INVALID` when it is not a relocatable EM_BPF ELF64 LE object
 * @throws RaffleError `RAFFLE_ERROR__TOOLING__RELOCATION_UNSUPPORTED` for `SHT_RELA` sections
 */
export function readRelocatableObject(name: string, bytes: Uint8Array): RelocatableObject {
    const elf = readElf(name, bytes);
    if (elf.type !== ET_REL) throw invalid(name, `not a relocatable object (e_type ${elf.type})`);
    if (elf.machine !== EM_BPF) throw invalid(name, `not a BPF object (e_machine ${elf.machine})`);
    const symtab = elf.sections.find(s => s.type === SHT_SYMTAB);
    const symbols: ElfSymbol[] = [];
    if (symtab) {
        if (symtab.size % SYM_SIZE !== 0) throw invalid(name, 'symbol table size is not a multiple of 24');
        const view = new DataView(symtab.data.buffer, symtab.data.byteOffset, symtab.data.byteLength);
        for (let index = 0; index * SYM_SIZE < symtab.size; index++) {
            const at = index * SYM_SIZE;
            const info = view.getUint8(at + 4);
            symbols.push({
                index,
                name: readString(name, elf.sections[symtab.link], view.getUint32(at, true)),
                value: u64(name, view, at + 8),
                size: u64(name, view, at + 16),
                type: info & 0xf,
                bind: info >> 4,
                shndx: view.getUint16(at + 6, true),
            });
        }
    }
    const relocations = new Map<number, ElfRelocation[]>();
    for (const section of elf.sections) {
        if (section.type === SHT_RELA) {
            const detail = 'SHT_RELA relocations (clang emits SHT_REL for BPF)';
            throw new RaffleError(RAFFLE_ERROR__TOOLING__RELOCATION_UNSUPPORTED, { object: name, section: section.name, detail });
        }
        if (section.type !== SHT_REL) continue;
        if (section.size % REL_SIZE !== 0) throw invalid(name, `${section.name} size is not a multiple of 16`);
        const view = new DataView(section.data.buffer, section.data.byteOffset, section.data.byteLength);
        const list: ElfRelocation[] = [];
        for (let at = 0; at < section.size; at += REL_SIZE) {
            const symbol = view.getUint32(at + 12, true);
            if (symbol >= symbols.length) throw invalid(name, `relocation in ${section.name} names symbol ${symbol}, past the symbol table`);
            list.push({ offset: u64(name, view, at), type: view.getUint32(at + 8, true), symbol });
        }
        relocations.set(section.info, [...(relocations.get(section.info) ?? []), ...list]);
    }
    return { ...elf, name, symbols, relocations };
}

/** A growable little-endian byte buffer for laying out an ELF file. */
export class ByteWriter {
    private bytes = new Uint8Array(256);
    private view = new DataView(this.bytes.buffer);
    /** Number of bytes written so far (the current file offset). */
    length = 0;

    private reserve(count: number): number {
        const at = this.length;
        if (at + count > this.bytes.length) {
            const grown = new Uint8Array(Math.max(this.bytes.length * 2, at + count));
            grown.set(this.bytes);
            this.bytes = grown;
            this.view = new DataView(grown.buffer);
        }
        this.length += count;
        return at;
    }

    /** Pads with zero bytes up to a multiple of `alignment`; returns the new offset. */
    align(alignment: number): number {
        this.reserve((alignment - (this.length % alignment)) % alignment);
        return this.length;
    }
    /** Appends raw bytes. */
    raw(data: Uint8Array): this {
        const at = this.reserve(data.length);
        this.bytes.set(data, at);
        return this;
    }
    u8(value: number): this {
        const at = this.reserve(1);
        this.view.setUint8(at, value);
        return this;
    }
    u16(value: number): this {
        const at = this.reserve(2);
        this.view.setUint16(at, value, true);
        return this;
    }
    u32(value: number): this {
        const at = this.reserve(4);
        this.view.setUint32(at, value, true);
        return this;
    }
    u64(value: number | bigint): this {
        const at = this.reserve(8);
        this.view.setBigUint64(at, BigInt(value), true);
        return this;
    }
    /** A copy of everything written. */
    toBytes(): Uint8Array {
        return this.bytes.slice(0, this.length);
    }
}

/** Fields of the ELF64 file header that vary. */
export interface FileHeader {
    type: number;
    machine: number;
    entry: number;
    phoff: number;
    phnum: number;
    shoff: number;
    shnum: number;
    shstrndx: number;
}

/** Writes the 64-byte ELF64 LE file header (System V ABI, `e_flags` 0). */
export function writeFileHeader(out: ByteWriter, h: FileHeader): void {
    out.raw(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    out.u16(h.type).u16(h.machine).u32(1).u64(h.entry).u64(h.phoff).u64(h.shoff).u32(0);
    out.u16(EHDR_SIZE).u16(PHDR_SIZE).u16(h.phnum).u16(SHDR_SIZE).u16(h.shnum).u16(h.shstrndx);
}

/** One program header; `vaddr` and `paddr` equal `offset`. */
export interface ProgramHeader {
    type: number;
    flags: number;
    offset: number;
    size: number;
}

/** Writes a 56-byte program header with identical file and memory sizes. */
export function writeProgramHeader(out: ByteWriter, p: ProgramHeader): void {
    out.u32(p.type).u32(p.flags).u64(p.offset).u64(p.offset).u64(p.offset).u64(p.size).u64(p.size).u64(8);
}

/** Section header fields as written (`name` is the offset in the section name table). */
export interface SectionHeader {
    name: number;
    type: number;
    flags: number;
    addr: number;
    offset: number;
    size: number;
    link?: number;
    info?: number;
    addralign: number;
    entsize?: number;
}

/** Writes a 64-byte section header. */
export function writeSectionHeader(out: ByteWriter, s: SectionHeader): void {
    out.u32(s.name).u32(s.type).u64(s.flags).u64(s.addr).u64(s.offset).u64(s.size);
    out.u32(s.link ?? 0).u32(s.info ?? 0).u64(s.addralign).u64(s.entsize ?? 0);
}

/** Writes a 24-byte symbol table entry. */
export function writeSymbol(out: ByteWriter, s: { name: number; bind: number; type: number; shndx: number; value: number; size: number }): void {
    out.u32(s.name).u8((s.bind << 4) | s.type).u8(0).u16(s.shndx).u64(s.value).u64(s.size);
}

/** Writes a 16-byte `Elf64_Rel`. */
export function writeRelocation(out: ByteWriter, offset: number, symbol: number, type: number): void {
    out.u64(offset).u64((BigInt(symbol) << 32n) | BigInt(type));
}

/** Builds a string table: `add` returns each string's offset; equal strings share one entry. */
export class StringTable {
    private readonly offsets = new Map<string, number>();
    private readonly chunks: Uint8Array[] = [new Uint8Array(1)];
    private size = 1;

    add(text: string): number {
        if (text === '') return 0;
        const known = this.offsets.get(text);
        if (known !== undefined) return known;
        const encoded = new TextEncoder().encode(`${text}\0`);
        const at = this.size;
        this.chunks.push(encoded);
        this.size += encoded.length;
        this.offsets.set(text, at);
        return at;
    }

    toBytes(): Uint8Array {
        const out = new Uint8Array(this.size);
        let at = 0;
        for (const chunk of this.chunks) {
            out.set(chunk, at);
            at += chunk.length;
        }
        return out;
    }
}
