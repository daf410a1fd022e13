/**
 * Instructions in `jsonParsed` form (`getTransaction`/`getBlock` with `jsonParsed`, the inner
 * instructions of `simulateTransaction`), as Agave's `parse_ui_instruction` writes them: parsed
 * for System, SPL Token / Token-2022 (core instructions), Associated Token Account, Memo and
 * Address Lookup Table; partially decoded (`programId`, account addresses, base58 data) for every
 * other program and for any instruction its parser cannot read.
 */
import type { Address } from '@solana/kit';

import {
    ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS,
    ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
    MEMO_V1_PROGRAM_ADDRESS,
    MEMO_V2_PROGRAM_ADDRESS,
    SYSTEM_PROGRAM_ADDRESS,
    TOKEN_2022_PROGRAM_ADDRESS,
    TOKEN_PROGRAM_ADDRESS,
} from '../../svm/addresses';
import { encodeBase58 } from '../../svm/base58';
import type { InnerInstructionsView } from '../../svm/ledger';
import { ByteReader } from './byte-reader';
import { parseAddressLookupTableInstruction, parseAssociatedTokenInstruction } from './parse-programs';
import { parseSystemInstruction } from './parse-system';
import { parseTokenInstruction } from './parse-token';
import type { UiInstructionJson } from './types';

type Parser = (data: Uint8Array, accounts: readonly number[], keys: readonly Address[]) => unknown;

const memo: Parser = (data) => new ByteReader(data).restAsUtf8();

/** Parsers by program id, with the `program` name Agave gives each (kebab case of its enum). */
const PARSERS = new Map<string, { readonly program: string; readonly parse: Parser }>([
    [SYSTEM_PROGRAM_ADDRESS, { program: 'system', parse: parseSystemInstruction }],
    [TOKEN_PROGRAM_ADDRESS, { program: 'spl-token', parse: parseTokenInstruction }],
    [TOKEN_2022_PROGRAM_ADDRESS, { program: 'spl-token', parse: parseTokenInstruction }],
    [ASSOCIATED_TOKEN_PROGRAM_ADDRESS, { program: 'spl-associated-token-account', parse: parseAssociatedTokenInstruction }],
    [ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS, { program: 'address-lookup-table', parse: parseAddressLookupTableInstruction }],
    [MEMO_V1_PROGRAM_ADDRESS, { program: 'spl-memo', parse: memo }],
    [MEMO_V2_PROGRAM_ADDRESS, { program: 'spl-memo', parse: memo }],
]);

/** The compiled instruction fields the UI form needs. */
export interface CompiledInstructionInput {
    readonly programIdIndex: number;
    readonly accounts: readonly number[];
    readonly data: Uint8Array;
}

/**
 * One instruction in `jsonParsed` form.
 *
 * @param ix - the compiled instruction
 * @param keys - the transaction's account keys (static, then loaded writable, then loaded readonly)
 * @param stackHeight - 1 for a top-level instruction, the invocation depth for an inner one
 * @returns the parsed or partially decoded instruction
 * @example
 * ```ts
 * const ui = toUiInstruction(record.transaction.instructions[0]!, record.accountKeys, 1);
 * if ('parsed' in ui) console.log(ui.program, ui.parsed);
 * ```
 */
export function toUiInstruction(ix: CompiledInstructionInput, keys: readonly Address[], stackHeight: number | null): UiInstructionJson {
    const programId = keys[ix.programIdIndex]!;
    const parser = PARSERS.get(programId);
    if (parser) {
        try {
            return { program: parser.program, programId, parsed: parser.parse(ix.data, ix.accounts, keys), stackHeight };
        } catch {
            // Not parsable: fall through to the partially decoded form, as a node does.
        }
    }
    return { programId, accounts: ix.accounts.map((i) => keys[i]!), data: encodeBase58(ix.data), stackHeight };
}

/**
 * Inner instructions in `jsonParsed` form (`UiInnerInstructions` with parsed instructions).
 *
 * @param list - the inner instructions of each top-level instruction that made CPIs
 * @param keys - the transaction's account keys (static, then loaded)
 * @returns `[{ index, instructions }]`
 * @example
 * ```ts
 * const inner = toUiInnerInstructions(record.innerInstructions, record.accountKeys);
 * ```
 */
export function toUiInnerInstructions(list: readonly InnerInstructionsView[], keys: readonly Address[]): { index: number; instructions: UiInstructionJson[] }[] {
    return list.map((entry) => ({ index: entry.index, instructions: entry.instructions.map((ix) => toUiInstruction(ix, keys, ix.stackHeight)) }));
}
