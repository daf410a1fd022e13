/*
 * initialize_config(params): creates Config at PDA ["config"], once. The signer must be the
 * upgrade authority recorded in this program's ProgramData account, so nobody can front-run
 * the first initialization after a deploy.
 */
#include "rr.h"

uint64_t rr_initialize_config(const RrContext *ctx) {
    uint64_t err = rr_check_accounts(ctx, RR_IX_INITIALIZE_CONFIG_ACC_COUNT, RR_IX_INITIALIZE_CONFIG_SIGNER_MASK, RR_IX_INITIALIZE_CONFIG_WRITABLE_MASK);
    if (err) return err;
    if (ctx->data_len != RR_IX_INITIALIZE_CONFIG_DATA_LEN) return RR_ERR_INVALID_INSTRUCTION_DATA;
    rr_acc *admin = ctx->accounts[RR_IX_INITIALIZE_CONFIG_ACC_ADMIN];
    rr_acc *config = ctx->accounts[RR_IX_INITIALIZE_CONFIG_ACC_CONFIG];
    rr_acc *program_data = ctx->accounts[RR_IX_INITIALIZE_CONFIG_ACC_PROGRAM_DATA];
    err = rr_check_program(ctx->accounts[RR_IX_INITIALIZE_CONFIG_ACC_SYSTEM_PROGRAM], RR_SYSTEM_PROGRAM_ID);
    if (err) return err;

    /* ProgramData: PDA([program_id], loader), owned by the loader, tag 3, authority set. */
    uint8_t expected[32], bump;
    SolBytes pd_seeds[1] = {{ctx->program_id, 32}};
    err = rr_pda_find(pd_seeds, 1, RR_LOADER_UPGRADEABLE_ID, expected, &bump);
    if (err) return err;
    if (!key_eq(ACC_KEY(program_data), expected)) return RR_ERR_INVALID_PROGRAM_DATA;
    if (!key_eq(ACC_OWNER(program_data), RR_LOADER_UPGRADEABLE_ID)) return RR_ERR_INVALID_PROGRAM_DATA;
    const uint8_t *pd = ACC_DATA(program_data);
    if (ACC_DATA_LEN(program_data) < RR_PROGRAM_DATA_METADATA_SIZE || ld32(pd) != RR_PROGRAM_DATA_TAG) return RR_ERR_INVALID_PROGRAM_DATA;
    if (pd[12] != 1 || !key_eq(pd + 13, ACC_KEY(admin))) return RR_ERR_NOT_UPGRADE_AUTHORITY;

    /* Config PDA, created once. */
    uint8_t config_key[32], config_bump;
    SolBytes seeds[2] = {{(const uint8_t *)RR_CONFIG_SEED, RR_CONFIG_SEED_LEN}, {&config_bump, 1}};
    err = rr_pda_find(seeds, 1, ctx->program_id, config_key, &config_bump);
    if (err) return err;
    if (!key_eq(ACC_KEY(config), config_key)) return RR_ERR_INVALID_PDA;
    if (key_eq(ACC_OWNER(config), ctx->program_id)) return RR_ERR_CONFIG_ALREADY_INITIALIZED;
    if (!key_eq(ACC_OWNER(config), RR_SYSTEM_PROGRAM_ID)) return RR_ERR_INVALID_ACCOUNT_OWNER;

    const uint8_t *args = ctx->data;
    uint16_t fee_bps = ld16(args + RR_IX_INITIALIZE_CONFIG_ARG_FEE_BPS_OFFSET);
    if (fee_bps > RR_FEE_BPS_DENOMINATOR) return RR_ERR_INVALID_FEE_BPS;

    SolSignerSeeds signer = {seeds, 2};
    RrCreateAccount create = {admin, config, RR_CONFIG_SIZE, ctx->program_id, &signer};
    err = rr_create_pda_account(&create);
    if (err) return err;

    uint8_t *c = ACC_DATA(config);
    st64(c, RR_CONFIG_DISCRIMINATOR);
    key_copy(c + RR_CONFIG_ADMIN_OFFSET, ACC_KEY(admin));
    key_copy(c + RR_CONFIG_PERMIT_SIGNERS_OFFSET, args + RR_IX_INITIALIZE_CONFIG_ARG_PERMIT_SIGNERS_OFFSET);
    key_copy(c + RR_CONFIG_PERMIT_SIGNERS_OFFSET + 32, args + RR_IX_INITIALIZE_CONFIG_ARG_PERMIT_SIGNERS_OFFSET + 32);
    key_copy(c + RR_CONFIG_DRAW_AUTHORITY_OFFSET, args + RR_IX_INITIALIZE_CONFIG_ARG_DRAW_AUTHORITY_OFFSET);
    key_copy(c + RR_CONFIG_DRAW_COMMITMENT_OFFSET, args + RR_IX_INITIALIZE_CONFIG_ARG_DRAW_COMMITMENT_OFFSET);
    key_copy(c + RR_CONFIG_SETTLE_AUTHORITY_OFFSET, args + RR_IX_INITIALIZE_CONFIG_ARG_SETTLE_AUTHORITY_OFFSET);
    key_copy(c + RR_CONFIG_TREASURY_OFFSET, args + RR_IX_INITIALIZE_CONFIG_ARG_TREASURY_OFFSET);
    st16(c + RR_CONFIG_FEE_BPS_OFFSET, fee_bps);
    key_copy(c + RR_CONFIG_MRFT_MINT_OFFSET, args + RR_IX_INITIALIZE_CONFIG_ARG_MRFT_MINT_OFFSET);
    c[RR_CONFIG_PAUSED_OFFSET] = 0;
    c[RR_CONFIG_BUMP_OFFSET] = config_bump;

    rr_emit_config_updated(ACC_KEY(config), c);
    return 0;
}
