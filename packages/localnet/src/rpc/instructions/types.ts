/**
 * Shapes of instructions in `jsonParsed` answers.
 */
import type { Address } from '@solana/kit';

/**
 * The `parsed` member of a parsed instruction (Agave's `ParsedInstructionEnum`).
 *
 * @internal
 * @example
 * ```ts
 * const parsed: ParsedInstructionJson = { type: 'transfer', info: { source, destination, lamports: 5n } };
 * ```
 */
export interface ParsedInstructionJson {
    readonly type: string;
    readonly info: Readonly<Record<string, unknown>>;
}

/**
 * One instruction in `jsonParsed` form: parsed for the programs the RPC knows, partially
 * decoded (program id, account addresses, base58 data) for the others.
 *
 * @example
 * ```ts
 * const ix: UiInstructionJson = { programId, accounts: [payer], data: '3Bxs4h24hBtQy9rw', stackHeight: 2 };
 * ```
 */
export type UiInstructionJson =
    | { readonly program: string; readonly programId: Address; readonly parsed: unknown; readonly stackHeight: number | null }
    | { readonly programId: Address; readonly accounts: readonly Address[]; readonly data: string; readonly stackHeight: number | null };
