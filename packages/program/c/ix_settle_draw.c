/* settle_draw(winner_ticket): dev/test fallback by config.settle_authority (disabled when zero). */
#include "rr.h"

#define ACC(name) ctx->accounts[RR_IX_SETTLE_DRAW_ACC_##name]

uint64_t rr_settle_draw(const RrContext *ctx) {
    uint64_t err = rr_check_accounts(ctx, RR_IX_SETTLE_DRAW_ACC_COUNT, RR_IX_SETTLE_DRAW_SIGNER_MASK, RR_IX_SETTLE_DRAW_WRITABLE_MASK);
    if (err) return err;
    if (ctx->data_len != RR_IX_SETTLE_DRAW_DATA_LEN) return RR_ERR_INVALID_INSTRUCTION_DATA;
    uint8_t *c, *r;
    if ((err = rr_load_config(ctx, ACC(CONFIG), &c))) return err;
    if ((err = rr_load_raffle(ctx, ACC(RAFFLE), &r))) return err;
    const uint8_t *settle_authority = c + RR_CONFIG_SETTLE_AUTHORITY_OFFSET;
    if (key_is_zero(settle_authority)) return RR_ERR_SETTLE_DISABLED;
    if (!key_eq(ACC_KEY(ACC(SETTLE_AUTHORITY)), settle_authority)) return RR_ERR_UNAUTHORIZED;
    uint8_t status = r[RR_RAFFLE_STATUS_OFFSET];
    if (status != RR_RAFFLE_STATUS_DRAWING && status != RR_RAFFLE_STATUS_DRAW_REQUESTED) return RR_ERR_DRAW_NOT_REQUESTED;
    uint32_t winner = ld32(ctx->data + RR_IX_SETTLE_DRAW_ARG_WINNER_TICKET_OFFSET);
    if (winner >= ld32(r + RR_RAFFLE_TICKETS_SOLD_OFFSET)) return RR_ERR_INVALID_WINNER_TICKET;

    st32(r + RR_RAFFLE_WINNER_TICKET_OFFSET, winner);
    sol_memset_(r + RR_RAFFLE_RANDOMNESS_OFFSET, 0, RR_RAFFLE_RANDOMNESS_SIZE);
    r[RR_RAFFLE_STATUS_OFFSET] = RR_RAFFLE_STATUS_COMPLETED;

    SolClock clock;
    rr_clock(&clock);
    rr_emit_winner_drawn(ACC_KEY(ACC(RAFFLE)), r, true, clock.slot);
    return 0;
}
