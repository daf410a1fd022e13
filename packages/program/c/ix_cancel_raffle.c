/* cancel_raffle(): the organizer (or the admin) cancels an Open raffle that sold no ticket. */
#include "rr.h"

#define ACC(name) ctx->accounts[RR_IX_CANCEL_RAFFLE_ACC_##name]

uint64_t rr_cancel_raffle(const RrContext *ctx) {
    uint64_t err = rr_check_accounts(ctx, RR_IX_CANCEL_RAFFLE_ACC_COUNT, RR_IX_CANCEL_RAFFLE_SIGNER_MASK, RR_IX_CANCEL_RAFFLE_WRITABLE_MASK);
    if (err) return err;
    if (ctx->data_len != RR_IX_CANCEL_RAFFLE_DATA_LEN) return RR_ERR_INVALID_INSTRUCTION_DATA;
    uint8_t *c, *r;
    if ((err = rr_load_config(ctx, ACC(CONFIG), &c))) return err;
    if ((err = rr_load_raffle(ctx, ACC(RAFFLE), &r))) return err;
    const uint8_t *by = ACC_KEY(ACC(AUTHORITY));
    if (!key_eq(by, r + RR_RAFFLE_ORGANIZER_OFFSET) && !key_eq(by, c + RR_CONFIG_ADMIN_OFFSET)) return RR_ERR_UNAUTHORIZED;
    if (r[RR_RAFFLE_STATUS_OFFSET] != RR_RAFFLE_STATUS_OPEN || ld32(r + RR_RAFFLE_TICKETS_SOLD_OFFSET) != 0) return RR_ERR_RAFFLE_NOT_CANCELLABLE;
    r[RR_RAFFLE_STATUS_OFFSET] = RR_RAFFLE_STATUS_CANCELLED;

    SolClock clock;
    rr_clock(&clock);
    uint8_t e[RR_EVENT_RAFFLE_CANCELLED_SIZE];
    static const uint8_t disc[8] = RR_EVENT_RAFFLE_CANCELLED_DISCRIMINATOR_BYTES;
    key_copy(e + RR_EVENT_RAFFLE_CANCELLED_RAFFLE_OFFSET, ACC_KEY(ACC(RAFFLE)));
    key_copy(e + RR_EVENT_RAFFLE_CANCELLED_BY_OFFSET, by);
    st64(e + RR_EVENT_RAFFLE_CANCELLED_SLOT_OFFSET, clock.slot);
    rr_emit(e, RR_EVENT_RAFFLE_CANCELLED_SIZE, disc);
    return 0;
}
