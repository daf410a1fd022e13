import { type Address, address } from '@solana/kit';

/** Well-known program and sysvar addresses the local cluster needs. */
export const SYSTEM_PROGRAM_ADDRESS: Address = address('11111111111111111111111111111111');
export const TOKEN_PROGRAM_ADDRESS: Address = address('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
export const TOKEN_2022_PROGRAM_ADDRESS: Address = address('TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb');
export const ASSOCIATED_TOKEN_PROGRAM_ADDRESS: Address = address('ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL');
export const BPF_LOADER_UPGRADEABLE_ADDRESS: Address = address('BPFLoaderUpgradeab1e11111111111111111111111');
export const COMPUTE_BUDGET_PROGRAM_ADDRESS: Address = address('ComputeBudget111111111111111111111111111111');
export const ED25519_PROGRAM_ADDRESS: Address = address('Ed25519SigVerify111111111111111111111111111');
export const SECP256K1_PROGRAM_ADDRESS: Address = address('KeccakSecp256k11111111111111111111111111111');
export const SECP256R1_PROGRAM_ADDRESS: Address = address('Secp256r1SigVerify1111111111111111111111111');
export const ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS: Address = address('AddressLookupTab1e1111111111111111111111111');
export const MEMO_V1_PROGRAM_ADDRESS: Address = address('Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo');
export const MEMO_V2_PROGRAM_ADDRESS: Address = address('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr');
export const METAPLEX_TOKEN_METADATA_PROGRAM_ADDRESS: Address = address('metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s');
export const VOTE_PROGRAM_ADDRESS: Address = address('Vote111111111111111111111111111111111111111');

/** Whether an address is a token program (SPL Token or Token-2022). */
export function isTokenProgram(owner: Address): boolean {
    return owner === TOKEN_PROGRAM_ADDRESS || owner === TOKEN_2022_PROGRAM_ADDRESS;
}
