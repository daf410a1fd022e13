/* Account checks: counts, signer/writable flags, owners, discriminators, sizes and PDAs. */
#include "rr.h"

uint64_t rr_check_accounts(const RrContext *ctx, uint64_t count, uint32_t signer_mask, uint32_t writable_mask) {
    if (ctx->num_accounts < count) return RR_ERR_INVALID_INSTRUCTION_DATA;
    for (uint64_t i = 0; i < count; i++) {
        const rr_acc *acc = ctx->accounts[i];
        if (((signer_mask >> i) & 1) && !ACC_IS_SIGNER(acc)) return RR_ERR_MISSING_SIGNATURE;
        if (((writable_mask >> i) & 1) && !ACC_IS_WRITABLE(acc)) return RR_ERR_ACCOUNT_NOT_WRITABLE;
    }
    return 0;
}

uint64_t rr_check_program(const rr_acc *acc, const uint8_t *program_id) {
    return key_eq(ACC_KEY(acc), program_id) ? 0 : RR_ERR_INVALID_PROGRAM_ID;
}

/* Owner, size and discriminator of one of our accounts. */
static uint64_t check_ours(const RrContext *ctx, const rr_acc *acc, uint64_t size, uint64_t discriminator) {
    if (!key_eq(ACC_OWNER(acc), ctx->program_id)) return RR_ERR_INVALID_ACCOUNT_OWNER;
    if (ACC_DATA_LEN(acc) != size) return RR_ERR_INVALID_ACCOUNT_DATA;
    if (ld64(ACC_DATA((rr_acc *)acc)) != discriminator) return RR_ERR_INVALID_ACCOUNT_DATA;
    return 0;
}

uint64_t rr_load_config(const RrContext *ctx, rr_acc *acc, uint8_t **data) {
    uint64_t err = check_ours(ctx, acc, RR_CONFIG_SIZE, RR_CONFIG_DISCRIMINATOR);
    if (err) return err;
    uint8_t *d = ACC_DATA(acc);
    SolBytes seeds[2] = {{(const uint8_t *)RR_CONFIG_SEED, RR_CONFIG_SEED_LEN}, {d + RR_CONFIG_BUMP_OFFSET, 1}};
    err = rr_pda_matches(seeds, 2, ctx->program_id, ACC_KEY(acc));
    if (err) return err;
    *data = d;
    return 0;
}

uint64_t rr_load_raffle(const RrContext *ctx, rr_acc *acc, uint8_t **data) {
    uint64_t err = check_ours(ctx, acc, RR_RAFFLE_SIZE, RR_RAFFLE_DISCRIMINATOR);
    if (err) return err;
    uint8_t *d = ACC_DATA(acc);
    RrRaffleSeeds s;
    rr_raffle_seeds(&s, d + RR_RAFFLE_ORGANIZER_OFFSET, d + RR_RAFFLE_RAFFLE_ID_OFFSET, d[RR_RAFFLE_BUMP_OFFSET]);
    err = rr_pda_matches(s.seeds, 4, ctx->program_id, ACC_KEY(acc));
    if (err) return err;
    *data = d;
    return 0;
}

uint64_t rr_load_entry(const RrContext *ctx, rr_acc *acc, uint8_t **data) {
    uint64_t err = check_ours(ctx, acc, RR_ENTRY_SIZE, RR_ENTRY_DISCRIMINATOR);
    if (err) return err;
    uint8_t *d = ACC_DATA(acc);
    SolBytes seeds[4] = {
        {(const uint8_t *)RR_ENTRY_SEED, RR_ENTRY_SEED_LEN},
        {d + RR_ENTRY_RAFFLE_OFFSET, 32},
        {d + RR_ENTRY_INDEX_OFFSET, 4},
        {d + RR_ENTRY_BUMP_OFFSET, 1},
    };
    err = rr_pda_matches(seeds, 4, ctx->program_id, ACC_KEY(acc));
    if (err) return err;
    *data = d;
    return 0;
}

uint64_t rr_check_vault(const RrContext *ctx, const rr_acc *vault, const rr_acc *raffle, const uint8_t *raffle_data, bool prize) {
    SolBytes seeds[3] = {
        {prize ? (const uint8_t *)RR_PRIZE_VAULT_SEED : (const uint8_t *)RR_PAYMENT_VAULT_SEED, prize ? RR_PRIZE_VAULT_SEED_LEN : RR_PAYMENT_VAULT_SEED_LEN},
        {ACC_KEY(raffle), 32},
        {raffle_data + (prize ? RR_RAFFLE_PRIZE_VAULT_BUMP_OFFSET : RR_RAFFLE_PAYMENT_VAULT_BUMP_OFFSET), 1},
    };
    uint64_t err = rr_pda_matches(seeds, 3, ctx->program_id, ACC_KEY(vault));
    if (err) return err;
    /* Created by initialize_raffle_with_permit as a token account of the raffle's mint. */
    return rr_check_token_account(vault, raffle_data + (prize ? RR_RAFFLE_PRIZE_MINT_OFFSET : RR_RAFFLE_PAYMENT_MINT_OFFSET), ACC_KEY(raffle));
}

uint64_t rr_check_token_account(const rr_acc *acc, const uint8_t *mint, const uint8_t *owner) {
    if (!key_eq(ACC_OWNER(acc), RR_TOKEN_PROGRAM_ID)) return RR_ERR_INVALID_ACCOUNT_OWNER;
    if (ACC_DATA_LEN(acc) != RR_TOKEN_ACCOUNT_SIZE) return RR_ERR_INVALID_TOKEN_ACCOUNT;
    const uint8_t *d = ACC_DATA((rr_acc *)acc);
    if (d[RR_TOKEN_ACCOUNT_STATE_OFFSET] != RR_TOKEN_ACCOUNT_STATE_INITIALIZED) return RR_ERR_INVALID_TOKEN_ACCOUNT;
    if (!key_eq(d + RR_TOKEN_ACCOUNT_MINT_OFFSET, mint)) return RR_ERR_INVALID_TOKEN_ACCOUNT;
    if (!key_eq(d + RR_TOKEN_ACCOUNT_OWNER_OFFSET, owner)) return RR_ERR_INVALID_TOKEN_ACCOUNT;
    return 0;
}

uint64_t rr_check_mint(const rr_acc *acc) {
    if (!key_eq(ACC_OWNER(acc), RR_TOKEN_PROGRAM_ID)) return RR_ERR_INVALID_ACCOUNT_OWNER;
    if (ACC_DATA_LEN(acc) != RR_MINT_SIZE) return RR_ERR_INVALID_ACCOUNT_DATA;
    if (ACC_DATA((rr_acc *)acc)[RR_MINT_IS_INITIALIZED_OFFSET] != 1) return RR_ERR_INVALID_ACCOUNT_DATA;
    return 0;
}
