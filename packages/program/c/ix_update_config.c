/* update_config(params): the admin rotates keys, fee, voucher mint and the pause flag. */
#include "rr.h"

void rr_emit_config_updated(const uint8_t *config_key, const uint8_t *c) {
    uint8_t e[RR_EVENT_CONFIG_UPDATED_SIZE];
    static const uint8_t disc[8] = RR_EVENT_CONFIG_UPDATED_DISCRIMINATOR_BYTES;
    SolClock clock;
    rr_clock(&clock);
    key_copy(e + RR_EVENT_CONFIG_UPDATED_CONFIG_OFFSET, config_key);
    key_copy(e + RR_EVENT_CONFIG_UPDATED_ADMIN_OFFSET, c + RR_CONFIG_ADMIN_OFFSET);
    key_copy(e + RR_EVENT_CONFIG_UPDATED_PERMIT_SIGNERS_OFFSET, c + RR_CONFIG_PERMIT_SIGNERS_OFFSET);
    key_copy(e + RR_EVENT_CONFIG_UPDATED_PERMIT_SIGNERS_OFFSET + 32, c + RR_CONFIG_PERMIT_SIGNERS_OFFSET + 32);
    key_copy(e + RR_EVENT_CONFIG_UPDATED_DRAW_AUTHORITY_OFFSET, c + RR_CONFIG_DRAW_AUTHORITY_OFFSET);
    key_copy(e + RR_EVENT_CONFIG_UPDATED_SETTLE_AUTHORITY_OFFSET, c + RR_CONFIG_SETTLE_AUTHORITY_OFFSET);
    key_copy(e + RR_EVENT_CONFIG_UPDATED_TREASURY_OFFSET, c + RR_CONFIG_TREASURY_OFFSET);
    st16(e + RR_EVENT_CONFIG_UPDATED_FEE_BPS_OFFSET, ld16(c + RR_CONFIG_FEE_BPS_OFFSET));
    key_copy(e + RR_EVENT_CONFIG_UPDATED_MRFT_MINT_OFFSET, c + RR_CONFIG_MRFT_MINT_OFFSET);
    e[RR_EVENT_CONFIG_UPDATED_PAUSED_OFFSET] = c[RR_CONFIG_PAUSED_OFFSET];
    st64(e + RR_EVENT_CONFIG_UPDATED_SLOT_OFFSET, clock.slot);
    rr_emit(e, RR_EVENT_CONFIG_UPDATED_SIZE, disc);
}

/* Reads one Borsh Option<T> of `size` bytes; *value is 0 when None. */
static uint64_t read_option(const RrContext *ctx, uint64_t *at, uint64_t size, const uint8_t **value) {
    if (*at + 1 > ctx->data_len) return RR_ERR_INVALID_INSTRUCTION_DATA;
    uint8_t tag = ctx->data[*at];
    *at += 1;
    *value = 0;
    if (tag == 0) return 0;
    if (tag != 1 || *at + size > ctx->data_len) return RR_ERR_INVALID_INSTRUCTION_DATA;
    *value = ctx->data + *at;
    *at += size;
    return 0;
}

uint64_t rr_update_config(const RrContext *ctx) {
    uint64_t err = rr_check_accounts(ctx, RR_IX_UPDATE_CONFIG_ACC_COUNT, RR_IX_UPDATE_CONFIG_SIGNER_MASK, RR_IX_UPDATE_CONFIG_WRITABLE_MASK);
    if (err) return err;
    rr_acc *admin = ctx->accounts[RR_IX_UPDATE_CONFIG_ACC_ADMIN];
    rr_acc *config = ctx->accounts[RR_IX_UPDATE_CONFIG_ACC_CONFIG];
    uint8_t *c;
    err = rr_load_config(ctx, config, &c);
    if (err) return err;
    if (!key_eq(ACC_KEY(admin), c + RR_CONFIG_ADMIN_OFFSET)) return RR_ERR_UNAUTHORIZED;

    const uint8_t *new_admin, *permit_signers, *draw_authority, *draw_commitment, *settle_authority, *treasury, *fee_bps, *mrft_mint, *paused;
    uint64_t at = 8;
    if ((err = read_option(ctx, &at, RR_IX_UPDATE_CONFIG_ARG_NEW_ADMIN_SIZE, &new_admin))) return err;
    if ((err = read_option(ctx, &at, RR_IX_UPDATE_CONFIG_ARG_PERMIT_SIGNERS_SIZE, &permit_signers))) return err;
    if ((err = read_option(ctx, &at, RR_IX_UPDATE_CONFIG_ARG_DRAW_AUTHORITY_SIZE, &draw_authority))) return err;
    if ((err = read_option(ctx, &at, RR_IX_UPDATE_CONFIG_ARG_DRAW_COMMITMENT_SIZE, &draw_commitment))) return err;
    if ((err = read_option(ctx, &at, RR_IX_UPDATE_CONFIG_ARG_SETTLE_AUTHORITY_SIZE, &settle_authority))) return err;
    if ((err = read_option(ctx, &at, RR_IX_UPDATE_CONFIG_ARG_TREASURY_SIZE, &treasury))) return err;
    if ((err = read_option(ctx, &at, RR_IX_UPDATE_CONFIG_ARG_FEE_BPS_SIZE, &fee_bps))) return err;
    if ((err = read_option(ctx, &at, RR_IX_UPDATE_CONFIG_ARG_MRFT_MINT_SIZE, &mrft_mint))) return err;
    if ((err = read_option(ctx, &at, RR_IX_UPDATE_CONFIG_ARG_PAUSED_SIZE, &paused))) return err;
    if (at != ctx->data_len) return RR_ERR_INVALID_INSTRUCTION_DATA;
    if (fee_bps && ld16(fee_bps) > RR_FEE_BPS_DENOMINATOR) return RR_ERR_INVALID_FEE_BPS;
    if (paused && paused[0] > 1) return RR_ERR_INVALID_INSTRUCTION_DATA;

    if (new_admin) key_copy(c + RR_CONFIG_ADMIN_OFFSET, new_admin);
    if (permit_signers) {
        key_copy(c + RR_CONFIG_PERMIT_SIGNERS_OFFSET, permit_signers);
        key_copy(c + RR_CONFIG_PERMIT_SIGNERS_OFFSET + 32, permit_signers + 32);
    }
    if (draw_authority) key_copy(c + RR_CONFIG_DRAW_AUTHORITY_OFFSET, draw_authority);
    if (draw_commitment) key_copy(c + RR_CONFIG_DRAW_COMMITMENT_OFFSET, draw_commitment);
    if (settle_authority) key_copy(c + RR_CONFIG_SETTLE_AUTHORITY_OFFSET, settle_authority);
    if (treasury) key_copy(c + RR_CONFIG_TREASURY_OFFSET, treasury);
    if (fee_bps) st16(c + RR_CONFIG_FEE_BPS_OFFSET, ld16(fee_bps));
    if (mrft_mint) key_copy(c + RR_CONFIG_MRFT_MINT_OFFSET, mrft_mint);
    if (paused) c[RR_CONFIG_PAUSED_OFFSET] = paused[0];

    rr_emit_config_updated(ACC_KEY(config), c);
    return 0;
}
