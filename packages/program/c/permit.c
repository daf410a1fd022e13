/*
 * Permit checking: the instruction right before this one must be an Ed25519SigVerify
 * instruction with exactly one signature whose offsets all point into its own data
 * (instruction indexes u16::MAX), signed by a configured permit signer, over exactly the
 * permit message the program rebuilt from its accounts and arguments.
 *
 * Instructions sysvar data: u16 count, u16 offsets[count], then per instruction: u16
 * num_accounts, num_accounts * (u8 flags, 32 key), 32 program id, u16 data_len, data; the
 * last u16 of the account data is the index of the instruction being executed.
 *
 * Ed25519 instruction data: u8 count, u8 padding, count * 14-byte offsets (u16 signature_offset,
 * signature_instruction_index, public_key_offset, public_key_instruction_index,
 * message_data_offset, message_data_size, message_instruction_index), then the payload.
 */
#include "rr.h"

#define ED25519_HEADER 2
#define ED25519_OFFSETS_SIZE 14
#define ED25519_SIGNATURE_SIZE 64
#define ED25519_PUBKEY_SIZE 32
#define THIS_INSTRUCTION 0xffff

/* Finds the instruction before the current one; its program id and data. */
static uint64_t previous_instruction(rr_acc *sysvar, const uint8_t **program_id, const uint8_t **data, uint64_t *data_len) {
    const uint8_t *d = ACC_DATA(sysvar);
    uint64_t len = ACC_DATA_LEN(sysvar);
    if (len < 4) return RR_ERR_INSTRUCTIONS_SYSVAR_INVALID;
    uint64_t count = ld16(d);
    uint64_t current = ld16(d + len - 2);
    if (current == 0) return RR_ERR_ED25519_INSTRUCTION_MISSING;
    uint64_t index = current - 1;
    if (index >= count || 2 + 2 * count > len) return RR_ERR_INSTRUCTIONS_SYSVAR_INVALID;
    uint64_t at = ld16(d + 2 + 2 * index);
    if (at + 2 > len) return RR_ERR_INSTRUCTIONS_SYSVAR_INVALID;
    at += 2 + 33 * (uint64_t)ld16(d + at);
    if (at + 34 > len) return RR_ERR_INSTRUCTIONS_SYSVAR_INVALID;
    *program_id = d + at;
    uint64_t n = ld16(d + at + 32);
    at += 34;
    if (at + n > len) return RR_ERR_INSTRUCTIONS_SYSVAR_INVALID;
    *data = d + at;
    *data_len = n;
    return 0;
}

uint64_t rr_verify_permit(rr_acc *sysvar, const uint8_t *config_data, const uint8_t *message, const uint8_t **permit_signer) {
    if (!key_eq(ACC_KEY(sysvar), RR_INSTRUCTIONS_SYSVAR_ID)) return RR_ERR_INSTRUCTIONS_SYSVAR_INVALID;
    const uint8_t *program_id, *data;
    uint64_t len;
    uint64_t err = previous_instruction(sysvar, &program_id, &data, &len);
    if (err) return err;
    if (!key_eq(program_id, RR_ED25519_PROGRAM_ID)) return RR_ERR_ED25519_INSTRUCTION_MISSING;
    if (len < ED25519_HEADER || data[0] != 1) return RR_ERR_ED25519_SIGNATURE_COUNT_INVALID;
    if (len < ED25519_HEADER + ED25519_OFFSETS_SIZE) return RR_ERR_ED25519_OFFSETS_INVALID;

    const uint8_t *o = data + ED25519_HEADER;
    uint64_t signature_offset = ld16(o), signature_ix = ld16(o + 2);
    uint64_t pubkey_offset = ld16(o + 4), pubkey_ix = ld16(o + 6);
    uint64_t message_offset = ld16(o + 8), message_size = ld16(o + 10), message_ix = ld16(o + 12);
    if (signature_ix != THIS_INSTRUCTION || pubkey_ix != THIS_INSTRUCTION || message_ix != THIS_INSTRUCTION) return RR_ERR_ED25519_OFFSETS_INVALID;
    if (signature_offset + ED25519_SIGNATURE_SIZE > len || pubkey_offset + ED25519_PUBKEY_SIZE > len || message_offset + message_size > len) {
        return RR_ERR_ED25519_OFFSETS_INVALID;
    }

    const uint8_t *pubkey = data + pubkey_offset;
    const uint8_t *signers = config_data + RR_CONFIG_PERMIT_SIGNERS_OFFSET;
    bool known = false;
    for (uint64_t i = 0; i < 2; i++) {
        const uint8_t *signer = signers + 32 * i;
        if (!key_is_zero(signer) && key_eq(signer, pubkey)) known = true;
    }
    if (!known) return RR_ERR_PERMIT_SIGNER_UNKNOWN;

    if (message_size != RR_PERMIT_MESSAGE_LEN) return RR_ERR_PERMIT_MESSAGE_MISMATCH;
    int32_t diff = 0;
    sol_memcmp_(data + message_offset, message, RR_PERMIT_MESSAGE_LEN, &diff);
    if (diff != 0) return RR_ERR_PERMIT_MESSAGE_MISMATCH;
    *permit_signer = pubkey;
    return 0;
}
