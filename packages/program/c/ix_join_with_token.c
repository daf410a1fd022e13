/* join_with_token(ticket_count): pays ticket_price * ticket_count of the payment mint into the vault. */
#include "rr.h"

#define ACC(name) ctx->accounts[RR_IX_JOIN_WITH_TOKEN_ACC_##name]

uint64_t rr_join_with_token(const RrContext *ctx) {
    uint64_t err = rr_check_accounts(ctx, RR_IX_JOIN_WITH_TOKEN_ACC_COUNT, RR_IX_JOIN_WITH_TOKEN_SIGNER_MASK, RR_IX_JOIN_WITH_TOKEN_WRITABLE_MASK);
    if (err) return err;
    if (ctx->data_len != RR_IX_JOIN_WITH_TOKEN_DATA_LEN) return RR_ERR_INVALID_INSTRUCTION_DATA;
    if ((err = rr_check_program(ACC(TOKEN_PROGRAM), RR_TOKEN_PROGRAM_ID))) return err;
    if ((err = rr_check_program(ACC(SYSTEM_PROGRAM), RR_SYSTEM_PROGRAM_ID))) return err;
    uint8_t *c, *r;
    if ((err = rr_load_config(ctx, ACC(CONFIG), &c))) return err;
    if ((err = rr_load_raffle(ctx, ACC(RAFFLE), &r))) return err;

    RrJoin join;
    join.ctx = ctx;
    join.buyer = ACC(BUYER);
    join.raffle = ACC(RAFFLE);
    join.entry = ACC(ENTRY);
    join.raffle_data = r;
    join.ticket_count = ld32(ctx->data + RR_IX_JOIN_WITH_TOKEN_ARG_TICKET_COUNT_OFFSET);
    join.paid_with = RR_PAYMENT_KIND_TOKEN;
    if ((err = rr_join_prepare(&join, c))) return err;

    if ((err = rr_check_vault(ctx, ACC(PAYMENT_VAULT), ACC(RAFFLE), r, false))) return err;
    if ((err = rr_check_token_account(ACC(BUYER_PAYMENT_ACCOUNT), r + RR_RAFFLE_PAYMENT_MINT_OFFSET, ACC_KEY(ACC(BUYER))))) return err;
    if ((err = rr_mul_u64_u32(ld64(r + RR_RAFFLE_TICKET_PRICE_OFFSET), join.ticket_count, &join.amount_paid))) return err;
    if ((err = rr_token_transfer(ACC(BUYER_PAYMENT_ACCOUNT), ACC(PAYMENT_VAULT), ACC(BUYER), join.amount_paid, 0))) return err;
    return rr_join_finish(&join);
}
