/**
 * Applies the relocations of BPF objects to the merged sections, the way the SBFv0 loader
 * expects them: addresses resolved at link time, internal calls made pc-relative, syscall
 * calls left as `call -1` for the loader to patch.
 */
import {
    RAFFLE_ERROR__TOOLING__OBJECT_INVALID,
    RAFFLE_ERROR__TOOLING__RELOCATION_UNSUPPORTED,
    RAFFLE_ERROR__TOOLING__SYMBOL_UNDEFINED,
    RAFFLE_ERROR__TOOLING__UNKNOWN_SYSCALL,
    RaffleError,
} from '@raffle/errors';

import type { RelocatableObject } from './elf';
import type { MergedSections, OutputSection } from './merge-sections';
import type { SymbolResolver } from './resolve-symbols';
import { isSbfSyscall } from './syscalls';

export const R_BPF_NONE = 0;
/** `lddw` of a symbol address (64-bit immediate split across two instruction slots). */
export const R_BPF_64_64 = 1;
/** 64-bit absolute address in data. */
export const R_BPF_64_ABS64 = 2;
/** 32-bit absolute address in data. */
export const R_BPF_64_ABS32 = 3;
/** 32-bit data in debug sections. */
export const R_BPF_64_NODYLD32 = 4;
/** `call` of a function (imm = (S + A) / 8 - 1). */
export const R_BPF_64_32 = 10;

/** Where the SBF VM maps the program image: vaddr `v` is at `MM_PROGRAM_START + v`. */
export const MM_PROGRAM_START = 0x1_0000_0000;

const OPCODE_LDDW = 0x18;
const OPCODE_CALL = 0x85;
const OPCODE_CALLX = 0x8d;

/** A `call` of a syscall left for the loader: offset of the instruction in `.text`. */
export interface SyscallCall {
    offset: number;
    name: string;
}

/** File offsets (= virtual addresses) of the output sections. */
export type SectionAddresses = Record<OutputSection, number>;

function unsupported(object: RelocatableObject, section: string, detail: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__TOOLING__RELOCATION_UNSUPPORTED, { object: object.name, section, detail });
}

/**
 * Applies every relocation of every object's linked sections to `merged` (in place).
 *
 * @param objects - the input objects, in link order
 * @param merged - the merged `.text` and `.rodata`, updated in place
 * @param resolver - resolves the symbols relocations name
 * @param addresses - the output addresses of `.text` and `.rodata`
 * @returns the syscall calls, sorted by offset, for `.dynsym` / `.rel.dyn`
 * @throws RaffleError `RAFFLE_ERROR__TOOLING__UNKNOWN_SYSCALL` listing every called undefined
 *   symbol the runtime does not register
 * @throws RaffleError `RAFFLE_ERROR__TOOLING__SYMBOL_UNDEFINED` for an undefined symbol whose address is taken
 * @throws RaffleError `RAFFLE_ERROR__TOOLING__RELOCATION_UNSUPPORTED` for relocation types or
 *   targets the SBFv0 loader cannot express
 */
export function applyRelocations(
    objects: readonly RelocatableObject[],
    merged: MergedSections,
    resolver: SymbolResolver,
    addresses: SectionAddresses,
): SyscallCall[] {
    const syscalls: SyscallCall[] = [];
    const unknown = new Set<string>();
    const views = {
        text: new DataView(merged.text.buffer, merged.text.byteOffset, merged.text.byteLength),
        rodata: new DataView(merged.rodata.buffer, merged.rodata.byteOffset, merged.rodata.byteLength),
    };
    for (const object of objects) {
        for (const [index, relocations] of object.relocations) {
            const placement = merged.placements.get(object)?.get(index);
            if (!placement) continue; // debug info, BTF, ...: not linked
            const section = object.sections[index]!;
            const view = views[placement.output];
            for (const r of relocations) {
                if (r.type === R_BPF_NONE || r.type === R_BPF_64_NODYLD32) continue;
                const width = { [R_BPF_64_64]: 16, [R_BPF_64_ABS64]: 8, [R_BPF_64_ABS32]: 4, [R_BPF_64_32]: 8 }[r.type];
                if (width === undefined) throw unsupported(object, section.name, `relocation type ${r.type} at 0x${r.offset.toString(16)}`);
                if (r.offset + width > section.size) {
                    throw new RaffleError(RAFFLE_ERROR__TOOLING__OBJECT_INVALID, {
                        object: object.name,
                        reason: `relocation at 0x${r.offset.toString(16)} is past the end of ${section.name}`,
                    });
                }
                const at = placement.offset + r.offset;
                const isCode = placement.output === 'text';
                const opcode = view.getUint8(at);
                const target = resolver.resolve(object, r.symbol, section.name);
                const symbol = object.symbols[r.symbol]!;
                const where = `at 0x${r.offset.toString(16)} (symbol \`${symbol.name || object.sections[symbol.shndx]?.name}\`)`;

                if (r.type === R_BPF_64_32) {
                    if (!isCode || opcode !== OPCODE_CALL) throw unsupported(object, section.name, `R_BPF_64_32 not on a call instruction ${where}`);
                    if (!target.defined) {
                        if (isSbfSyscall(target.name)) {
                            view.setInt32(at + 4, -1, true);
                            syscalls.push({ offset: at, name: target.name });
                        } else {
                            unknown.add(target.name);
                        }
                        continue;
                    }
                    const destination = target.location.offset + (view.getInt32(at + 4, true) + 1) * 8;
                    if (target.location.output !== 'text' || destination % 8 !== 0 || destination >= merged.text.length) {
                        throw unsupported(object, section.name, `call target is not an instruction ${where}`);
                    }
                    const relative = (destination - (at + 8)) / 8;
                    // The loader reads imm -1 as "syscall": a call to its own next slot cannot be expressed.
                    if (relative === -1) throw unsupported(object, section.name, `call to itself ${where}`);
                    view.setInt32(at + 4, relative, true);
                    continue;
                }

                if (!target.defined) throw new RaffleError(RAFFLE_ERROR__TOOLING__SYMBOL_UNDEFINED, { symbol: target.name });
                const base = MM_PROGRAM_START + addresses[target.location.output] + target.location.offset;
                if (r.type === R_BPF_64_64) {
                    if (!isCode || opcode !== OPCODE_LDDW) throw unsupported(object, section.name, `R_BPF_64_64 not on a lddw instruction ${where}`);
                    const addend = view.getUint32(at + 4, true) + view.getUint32(at + 12, true) * 2 ** 32;
                    const value = BigInt(base + addend);
                    view.setUint32(at + 4, Number(value & 0xffffffffn), true);
                    view.setUint32(at + 12, Number(value >> 32n), true);
                } else if (r.type === R_BPF_64_ABS64) {
                    view.setBigUint64(at, BigInt(base) + view.getBigUint64(at, true), true);
                } else {
                    throw unsupported(object, section.name, `R_BPF_64_ABS32 cannot hold a program address (0x1_0000_0000 + vaddr) ${where}`);
                }
            }
        }
    }
    if (unknown.size > 0) throw new RaffleError(RAFFLE_ERROR__TOOLING__UNKNOWN_SYSCALL, { names: [...unknown].sort().join(', ') });
    return syscalls.sort((a, b) => a.offset - b.offset);
}

/**
 * LLVM 19 encodes `callx` with the target register in `dst`; SBFv0 reads it from `imm`.
 * Copies `dst` into `imm` of every `callx` whose `imm` is 0 (in place).
 *
 * @param text - the merged, relocated `.text`
 * @returns how many instructions were changed
 */
export function fixCallxRegisters(text: Uint8Array): number {
    const view = new DataView(text.buffer, text.byteOffset, text.byteLength);
    let changed = 0;
    for (let at = 0; at + 8 <= text.length; at += 8) {
        const opcode = view.getUint8(at);
        if (opcode === OPCODE_LDDW) {
            at += 8; // skip the second slot of the 16-byte instruction
        } else if (opcode === OPCODE_CALLX && view.getInt32(at + 4, true) === 0) {
            const dst = view.getUint8(at + 1) & 0x0f;
            if (dst !== 0) {
                view.setInt32(at + 4, dst, true);
                changed++;
            }
        }
    }
    return changed;
}
