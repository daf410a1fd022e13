/**
 * A small linker from relocatable BPF objects (clang `-target bpf -mcpu=v2 -c`) to the
 * shared object Solana's SBFv0 loader accepts.
 */
import { RAFFLE_ERROR__TOOLING__OBJECT_INVALID, RAFFLE_ERROR__TOOLING__SYMBOL_UNDEFINED, RaffleError } from '@raffle/errors';

import { applyRelocations, fixCallxRegisters } from './apply-relocations';
import { readRelocatableObject } from './elf';
import { mergeSections } from './merge-sections';
import { SymbolResolver } from './resolve-symbols';
import { planCodeLayout, writeSharedObject } from './shared-object';

/** One input object: a name for messages and its bytes. */
export interface LinkInput {
    name: string;
    bytes: Uint8Array;
}

/** Options of {@link linkSbf}. */
export interface LinkOptions {
    /** The entry point symbol; `entrypoint` unless told. */
    entry?: string;
}

/**
 * Links relocatable ELF64 BPF objects into an SBFv0 program (ELF64 `ET_DYN`, `EM_BPF`,
 * `e_flags` 0) for LiteSVM's `addProgram` or a deploy through the upgradeable loader.
 *
 * Code sections are merged into `.text`, read-only data into `.rodata`; data addresses are
 * resolved at link time to `0x1_0000_0000 + vaddr`, internal calls become pc-relative, and
 * syscall calls get a `.dynsym` entry and a `.rel.dyn` relocation for the loader. The output
 * depends only on the inputs and their order.
 *
 * @param objects - the objects to link, in order
 * @param options - `entry`: the entry symbol (default `entrypoint`)
 * @returns the shared object's bytes
 * @throws RaffleError `RAFFLE_ERROR__TOOLING__OBJECT_INVALID` for malformed inputs or duplicate symbols
 * @throws RaffleError `RAFFLE_ERROR__TOOLING__WRITABLE_DATA` for mutable globals (`.data`, `.bss`, ...)
 * @throws RaffleError `RAFFLE_ERROR__TOOLING__UNKNOWN_SYSCALL` for calls to undefined non-syscall functions
 * @throws RaffleError `RAFFLE_ERROR__TOOLING__SYMBOL_UNDEFINED` for a missing entry point or data symbol
 * @throws RaffleError `RAFFLE_ERROR__TOOLING__RELOCATION_UNSUPPORTED` for relocations SBFv0 cannot express
 * @example
 * ```ts
 * const so = linkSbf([{ name: 'main.o', bytes: readFileSync('main.o') }]);
 * svm.addProgram(programId, so);
 * ```
 */
export function linkSbf(objects: readonly LinkInput[], options: LinkOptions = {}): Uint8Array {
    const entryName = options.entry ?? 'entrypoint';
    const parsed = objects.map(o => readRelocatableObject(o.name, o.bytes));
    const merged = mergeSections(parsed);
    const resolver = new SymbolResolver(merged.placements);
    const layout = planCodeLayout(merged.text.length, merged.rodata.length, merged.rodataAlign);
    const syscalls = applyRelocations(parsed, merged, resolver, layout);
    fixCallxRegisters(merged.text);

    const entry = resolver.lookup(entryName);
    if (!entry) throw new RaffleError(RAFFLE_ERROR__TOOLING__SYMBOL_UNDEFINED, { symbol: entryName });
    if (entry.output !== 'text') {
        throw new RaffleError(RAFFLE_ERROR__TOOLING__OBJECT_INVALID, { object: '(link)', reason: `entry symbol \`${entryName}\` is not code` });
    }
    return writeSharedObject(
        { text: merged.text, rodata: merged.rodata, rodataAlign: merged.rodataAlign, entry: { name: entryName, ...entry }, syscalls },
        layout,
    );
}
