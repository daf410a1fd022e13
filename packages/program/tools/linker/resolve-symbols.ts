/**
 * Symbol resolution across objects: where each referenced symbol ends up in the output.
 */
import { RAFFLE_ERROR__TOOLING__OBJECT_INVALID, RAFFLE_ERROR__TOOLING__RELOCATION_UNSUPPORTED, RaffleError } from '@raffle/errors';

import { type ElfSymbol, type RelocatableObject, SHN_UNDEF, STB_GLOBAL, STB_LOCAL, STB_WEAK } from './elf';
import type { OutputSection, Placement } from './merge-sections';

/** A defined symbol's place in the output. */
export interface SymbolLocation {
    output: OutputSection;
    /** Offset inside the output section. */
    offset: number;
    /** Symbol size in bytes (0 for section symbols). */
    size: number;
}

/** The result of resolving a reference: a location, or the name of an undefined symbol. */
export type Resolution = { defined: true; location: SymbolLocation } | { defined: false; name: string };

interface Definition {
    object: RelocatableObject;
    symbol: ElfSymbol;
}

/**
 * Resolves symbol references of the input objects: local symbols within their object,
 * global and weak symbols across all objects (a global definition beats a weak one).
 */
export class SymbolResolver {
    private readonly globals = new Map<string, Definition>();

    /**
     * @param placements - where each input section landed, per object
     * @throws RaffleError `RAFFLE_ERROR__TOOLING__OBJECT_INVALID` when two objects define the same global symbol
     */
    constructor(private readonly placements: Map<RelocatableObject, Map<number, Placement>>) {
        for (const object of placements.keys()) {
            for (const symbol of object.symbols) {
                if (symbol.shndx === SHN_UNDEF || (symbol.bind !== STB_GLOBAL && symbol.bind !== STB_WEAK)) continue;
                const known = this.globals.get(symbol.name);
                if (known && known.symbol.bind === STB_GLOBAL && symbol.bind === STB_GLOBAL) {
                    throw new RaffleError(RAFFLE_ERROR__TOOLING__OBJECT_INVALID, {
                        object: object.name,
                        reason: `symbol \`${symbol.name}\` is also defined in ${known.object.name}`,
                    });
                }
                if (!known || (known.symbol.bind === STB_WEAK && symbol.bind === STB_GLOBAL)) this.globals.set(symbol.name, { object, symbol });
            }
        }
    }

    /**
     * Resolves the symbol a relocation of `object` names.
     *
     * @param object - the object holding the relocation
     * @param index - the symbol's index in that object's symbol table
     * @param section - the relocated section's name, for error messages
     * @returns its output location, or its name when no object defines it
     * @throws RaffleError `RAFFLE_ERROR__TOOLING__RELOCATION_UNSUPPORTED` for absolute symbols or
     *   symbols in sections that are not linked (debug info, ...)
     */
    resolve(object: RelocatableObject, index: number, section: string): Resolution {
        const symbol = object.symbols[index]!;
        const definition = symbol.bind === STB_LOCAL ? { object, symbol } : this.globals.get(symbol.name);
        if (!definition || definition.symbol.shndx === SHN_UNDEF) return { defined: false, name: symbol.name };
        return { defined: true, location: this.locate(definition, section) };
    }

    /**
     * Finds a global symbol by name (the entry point).
     *
     * @param name - the symbol name
     * @returns its output location, or undefined when no object defines it globally
     */
    lookup(name: string): SymbolLocation | undefined {
        const definition = this.globals.get(name);
        return definition && this.locate(definition, '(entry)');
    }

    private locate({ object, symbol }: Definition, section: string): SymbolLocation {
        const placement = this.placements.get(object)?.get(symbol.shndx);
        if (!placement) {
            throw new RaffleError(RAFFLE_ERROR__TOOLING__RELOCATION_UNSUPPORTED, {
                object: object.name,
                section,
                detail: `symbol \`${symbol.name || `section ${symbol.shndx}`}\` is not in a linked code or read-only data section`,
            });
        }
        return { output: placement.output, offset: placement.offset + symbol.value, size: symbol.size };
    }
}
