/**
 * `@raffle/permit`: sign and verify rwa_raffle creation permits.
 *
 * A backend that approved an organizer signs a **permit** (ed25519) over a fixed 242-byte
 * message; the organizer's transaction carries it to the program through the Ed25519
 * precompile. This entry point is isomorphic (browsers, edge runtimes, Node): message codec,
 * {@link issuePermit}, {@link verifyPermit}, the precompile instruction and portable signers.
 * On Node, `@raffle/permit/node` adds node:crypto signers and keypair files.
 *
 * @example
 * ```ts
 * import { issuePermit, verifyPermit, getEd25519VerifyInstruction } from '@raffle/permit';
 * ```
 *
 * @packageDocumentation
 */
export { type PermitClock, resolvePermitClock } from './clock';
export {
    ED25519_CURRENT_INSTRUCTION,
    ED25519_PROGRAM_ADDRESS,
    type Ed25519VerifyInstruction,
    type Ed25519VerifyInstructionDataInput,
    getEd25519VerifyInstruction,
    getEd25519VerifyInstructionData,
} from './ed25519-instruction';
export { DEFAULT_PERMIT_TTL_SECONDS, type IssuePermitConfig, type PermitRequest, issuePermit } from './issue';
export {
    PERMIT_MAX_TICKETS,
    PERMIT_MESSAGE_LENGTH,
    PERMIT_MESSAGE_MAGIC,
    type PermitFields,
    type PermitRefundMode,
    decodePermitMessage,
    encodePermitMessage,
    getPermitMessageCodec,
    getPermitMessageDecoder,
    getPermitMessageEncoder,
    getPermitMessageMagicBytes,
} from './message';
export { type DecodedPermit, PERMIT_VERSION, type Permit, type PermitFieldsJson, decodePermit } from './permit';
export { type PermitSigner, type PermitSignerFactory, type PermitSignerSourceOptions, createNobleSigner } from './signer';
export {
    DEFAULT_PERMIT_SIGNER_ENV,
    type LoadPermitSignerOptions,
    createKeypairSigner,
    signerFromBase58,
    signerFromEnv,
    signerFromKeypairJson,
} from './signer-keys';
export { type VerifyPermitConfig, verifyPermit } from './verify';
