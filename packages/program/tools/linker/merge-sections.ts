/**
 * Merges the allocated sections of relocatable objects into one `.text` and one `.rodata`,
 * and refuses writable data, which the SBFv0 loader cannot map.
 */
import { RAFFLE_ERROR__TOOLING__OBJECT_INVALID, RAFFLE_ERROR__TOOLING__WRITABLE_DATA, RaffleError } from '@raffle/errors';

import {
    type ElfSection,
    type RelocatableObject,
    SHF_ALLOC,
    SHF_EXECINSTR,
    SHF_WRITE,
    SHN_COMMON,
    SHT_NOBITS,
    SHT_PROGBITS,
    STT_FILE,
    STT_SECTION,
} from './elf';

/** The output section an input section goes to. */
export type OutputSection = 'text' | 'rodata';

/** Where an input section landed: its output section and offset inside it. */
export interface Placement {
    output: OutputSection;
    offset: number;
}

/** The merged output sections and where each input section went. */
export interface MergedSections {
    text: Uint8Array;
    rodata: Uint8Array;
    /** The largest alignment any read-only input section asked for (at least 8). */
    rodataAlign: number;
    /** Per object, the placement of each allocated input section by section index. */
    placements: Map<RelocatableObject, Map<number, Placement>>;
}

/** `ja +0`: fills gaps between code sections with an instruction the verifier accepts. */
const NOP = [0x05, 0, 0, 0, 0, 0, 0, 0];

/**
 * Tells which output section an input section belongs to: code, read-only data, writable
 * data (refused), or none (symbols, relocations, debug info, ...).
 *
 * @param section - an input section header
 * @returns `'text'`, `'rodata'`, `'writable'` or `'ignored'`
 */
export function classifySection(section: ElfSection): OutputSection | 'writable' | 'ignored' {
    if ((section.flags & SHF_ALLOC) === 0) return 'ignored';
    if (section.flags & SHF_EXECINSTR) return 'text';
    // `.data.rel.ro` is written only by a dynamic loader; the SBF loader maps it read-only.
    if (section.flags & SHF_WRITE && !section.name.startsWith('.data.rel.ro')) return 'writable';
    return 'rodata';
}

function alignUp(value: number, alignment: number): number {
    return Math.ceil(value / alignment) * alignment;
}

/** Names of the variables defined in a section (or common symbols, for `SHN_COMMON`). */
function variableNames(object: RelocatableObject, shndx: number): string {
    const names = object.symbols
        .filter(s => s.shndx === shndx && s.name !== '' && s.type !== STT_SECTION && s.type !== STT_FILE)
        .map(s => s.name);
    return [...new Set(names)].sort().join(', ') || '(no named symbols)';
}

function refuseWritableData(object: RelocatableObject): void {
    for (const section of object.sections) {
        if (classifySection(section) === 'writable' && section.size > 0) {
            throw new RaffleError(RAFFLE_ERROR__TOOLING__WRITABLE_DATA, {
                object: object.name,
                section: section.name,
                symbols: variableNames(object, section.index),
            });
        }
    }
    if (object.symbols.some(s => s.shndx === SHN_COMMON)) {
        throw new RaffleError(RAFFLE_ERROR__TOOLING__WRITABLE_DATA, {
            object: object.name,
            section: 'COMMON',
            symbols: variableNames(object, SHN_COMMON),
        });
    }
}

/**
 * Concatenates every object's code sections into `.text` and read-only data sections into
 * `.rodata`, in object order then section order, keeping each section's alignment.
 *
 * @param objects - the parsed input objects, in link order
 * @returns the merged bytes and the placement of every input section
 * @throws RaffleError `RAFFLE_ERROR__TOOLING__WRITABLE_DATA` for a non-empty writable section
 *   (`.data`, `.bss`, ...) or a common symbol, naming its variables
 * @throws RaffleError `RAFFLE_ERROR__TOOLING__OBJECT_INVALID` for code that is not whole instructions
 */
export function mergeSections(objects: readonly RelocatableObject[]): MergedSections {
    const chunks: Record<OutputSection, { at: number; data: Uint8Array; fill: number[] }[]> = { text: [], rodata: [] };
    const sizes: Record<OutputSection, number> = { text: 0, rodata: 0 };
    let rodataAlign = 8;
    const placements = new Map<RelocatableObject, Map<number, Placement>>();
    for (const object of objects) {
        refuseWritableData(object);
        const placed = new Map<number, Placement>();
        for (const section of object.sections) {
            const output = classifySection(section);
            if (output !== 'text' && output !== 'rodata') continue;
            if (section.type !== SHT_PROGBITS && section.type !== SHT_NOBITS) continue;
            if (output === 'text' && section.size % 8 !== 0) {
                throw new RaffleError(RAFFLE_ERROR__TOOLING__OBJECT_INVALID, {
                    object: object.name,
                    reason: `code section ${section.name} is ${section.size} bytes, not a whole number of instructions`,
                });
            }
            const alignment = Math.max(section.addralign, output === 'text' ? 8 : 1);
            if (output === 'rodata') rodataAlign = Math.max(rodataAlign, alignment);
            const at = alignUp(sizes[output], alignment);
            const data = section.type === SHT_NOBITS ? new Uint8Array(section.size) : section.data;
            chunks[output].push({ at, data, fill: output === 'text' ? NOP : [0] });
            sizes[output] = at + section.size;
            placed.set(section.index, { output, offset: at });
        }
        placements.set(object, placed);
    }
    const concat = (output: OutputSection): Uint8Array => {
        const bytes = new Uint8Array(sizes[output]);
        let end = 0;
        for (const { at, data, fill } of chunks[output]) {
            for (let i = end; i < at; i++) bytes[i] = fill[(i - end) % fill.length]!;
            bytes.set(data, at);
            end = at + data.length;
        }
        return bytes;
    };
    return { text: concat('text'), rodata: concat('rodata'), rodataAlign, placements };
}
