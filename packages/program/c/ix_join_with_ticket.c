/* join_with_ticket(ticket_count): burns ticket_count MRFT vouchers (config.mrft_mint, decimals 0). */
#include "rr.h"

#define ACC(name) ctx->accounts[RR_IX_JOIN_WITH_TICKET_ACC_##name]
#define MRFT_DECIMALS 0

uint64_t rr_join_with_ticket(const RrContext *ctx) {
    uint64_t err = rr_check_accounts(ctx, RR_IX_JOIN_WITH_TICKET_ACC_COUNT, RR_IX_JOIN_WITH_TICKET_SIGNER_MASK, RR_IX_JOIN_WITH_TICKET_WRITABLE_MASK);
    if (err) return err;
    if (ctx->data_len != RR_IX_JOIN_WITH_TICKET_DATA_LEN) return RR_ERR_INVALID_INSTRUCTION_DATA;
    if ((err = rr_check_program(ACC(TOKEN_PROGRAM), RR_TOKEN_PROGRAM_ID))) return err;
    if ((err = rr_check_program(ACC(SYSTEM_PROGRAM), RR_SYSTEM_PROGRAM_ID))) return err;
    uint8_t *c, *r;
    if ((err = rr_load_config(ctx, ACC(CONFIG), &c))) return err;
    if ((err = rr_load_raffle(ctx, ACC(RAFFLE), &r))) return err;
    const uint8_t *mrft = c + RR_CONFIG_MRFT_MINT_OFFSET;
    if (key_is_zero(mrft)) return RR_ERR_VOUCHERS_DISABLED;

    RrJoin join;
    join.ctx = ctx;
    join.buyer = ACC(BUYER);
    join.raffle = ACC(RAFFLE);
    join.entry = ACC(ENTRY);
    join.raffle_data = r;
    join.ticket_count = ld32(ctx->data + RR_IX_JOIN_WITH_TICKET_ARG_TICKET_COUNT_OFFSET);
    join.paid_with = RR_PAYMENT_KIND_VOUCHER;
    join.amount_paid = 0;
    if ((err = rr_join_prepare(&join, c))) return err;

    if (!key_eq(ACC_KEY(ACC(MRFT_MINT)), mrft)) return RR_ERR_INVALID_TOKEN_ACCOUNT;
    if ((err = rr_check_mint(ACC(MRFT_MINT)))) return err;
    if ((err = rr_check_token_account(ACC(BUYER_MRFT_ACCOUNT), mrft, ACC_KEY(ACC(BUYER))))) return err;
    if ((err = rr_token_burn_checked(ACC(BUYER_MRFT_ACCOUNT), ACC(MRFT_MINT), ACC(BUYER), join.ticket_count, MRFT_DECIMALS))) return err;
    return rr_join_finish(&join);
}
