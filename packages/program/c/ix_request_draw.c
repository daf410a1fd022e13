/* request_draw_arcium(): permissionless; Drawing, or DrawRequested after DRAW_TIMEOUT_SLOTS. */
#include "rr.h"

#define ACC(name) ctx->accounts[RR_IX_REQUEST_DRAW_ARCIUM_ACC_##name]

uint64_t rr_request_draw_arcium(const RrContext *ctx) {
    uint64_t err = rr_check_accounts(ctx, RR_IX_REQUEST_DRAW_ARCIUM_ACC_COUNT, RR_IX_REQUEST_DRAW_ARCIUM_SIGNER_MASK, RR_IX_REQUEST_DRAW_ARCIUM_WRITABLE_MASK);
    if (err) return err;
    if (ctx->data_len != RR_IX_REQUEST_DRAW_ARCIUM_DATA_LEN) return RR_ERR_INVALID_INSTRUCTION_DATA;
    uint8_t *r;
    if ((err = rr_load_raffle(ctx, ACC(RAFFLE), &r))) return err;
    SolClock clock;
    rr_clock(&clock);
    uint8_t status = r[RR_RAFFLE_STATUS_OFFSET];
    if (status == RR_RAFFLE_STATUS_DRAW_REQUESTED) {
        uint64_t ready;
        if ((err = rr_add_u64(ld64(r + RR_RAFFLE_DRAW_REQUESTED_SLOT_OFFSET), RR_DRAW_TIMEOUT_SLOTS, &ready))) return err;
        if (clock.slot < ready) return RR_ERR_DRAW_NOT_READY;
    } else if (status != RR_RAFFLE_STATUS_DRAWING) {
        return RR_ERR_DRAW_NOT_READY;
    }
    r[RR_RAFFLE_STATUS_OFFSET] = RR_RAFFLE_STATUS_DRAW_REQUESTED;
    st64(r + RR_RAFFLE_DRAW_REQUESTED_SLOT_OFFSET, clock.slot);

    uint8_t e[RR_EVENT_DRAW_REQUESTED_SIZE];
    static const uint8_t disc[8] = RR_EVENT_DRAW_REQUESTED_DISCRIMINATOR_BYTES;
    key_copy(e + RR_EVENT_DRAW_REQUESTED_RAFFLE_OFFSET, ACC_KEY(ACC(RAFFLE)));
    key_copy(e + RR_EVENT_DRAW_REQUESTED_REQUESTER_OFFSET, ACC_KEY(ACC(REQUESTER)));
    st64(e + RR_EVENT_DRAW_REQUESTED_SLOT_OFFSET, clock.slot);
    rr_emit(e, RR_EVENT_DRAW_REQUESTED_SIZE, disc);
    return 0;
}
