/*
 * draw_callback(reveal): the draw authority reveals the next value of its hash chain.
 * sha256(reveal) must equal config.draw_commitment; then the commitment moves to reveal,
 * randomness = sha256(reveal || draw_seed) and winner_ticket = u64_le(randomness[0..8]) % tickets_sold.
 */
#include "rr.h"

#define ACC(name) ctx->accounts[RR_IX_DRAW_CALLBACK_ACC_##name]

uint64_t rr_draw_callback(const RrContext *ctx) {
    uint64_t err = rr_check_accounts(ctx, RR_IX_DRAW_CALLBACK_ACC_COUNT, RR_IX_DRAW_CALLBACK_SIGNER_MASK, RR_IX_DRAW_CALLBACK_WRITABLE_MASK);
    if (err) return err;
    if (ctx->data_len != RR_IX_DRAW_CALLBACK_DATA_LEN) return RR_ERR_INVALID_INSTRUCTION_DATA;
    uint8_t *c, *r;
    if ((err = rr_load_config(ctx, ACC(CONFIG), &c))) return err;
    if ((err = rr_load_raffle(ctx, ACC(RAFFLE), &r))) return err;
    if (!key_eq(ACC_KEY(ACC(DRAW_AUTHORITY)), c + RR_CONFIG_DRAW_AUTHORITY_OFFSET)) return RR_ERR_UNAUTHORIZED;
    if (r[RR_RAFFLE_STATUS_OFFSET] != RR_RAFFLE_STATUS_DRAW_REQUESTED) return RR_ERR_DRAW_NOT_REQUESTED;

    const uint8_t *reveal = ctx->data + RR_IX_DRAW_CALLBACK_ARG_REVEAL_OFFSET;
    uint8_t hash[32];
    SolBytes one = {reveal, 32};
    sol_sha256(&one, 1, hash);
    if (!key_eq(hash, c + RR_CONFIG_DRAW_COMMITMENT_OFFSET)) return RR_ERR_INVALID_REVEAL;
    uint32_t sold = ld32(r + RR_RAFFLE_TICKETS_SOLD_OFFSET);
    if (sold == 0) return RR_ERR_MATH_OVERFLOW;

    key_copy(c + RR_CONFIG_DRAW_COMMITMENT_OFFSET, reveal);
    SolBytes parts[2] = {{reveal, 32}, {r + RR_RAFFLE_DRAW_SEED_OFFSET, 32}};
    sol_sha256(parts, 2, r + RR_RAFFLE_RANDOMNESS_OFFSET);
    uint64_t winner = ld64(r + RR_RAFFLE_RANDOMNESS_OFFSET) % (uint64_t)sold;
    st32(r + RR_RAFFLE_WINNER_TICKET_OFFSET, (uint32_t)winner);
    r[RR_RAFFLE_STATUS_OFFSET] = RR_RAFFLE_STATUS_COMPLETED;

    SolClock clock;
    rr_clock(&clock);
    rr_emit_winner_drawn(ACC_KEY(ACC(RAFFLE)), r, false, clock.slot);
    return 0;
}
