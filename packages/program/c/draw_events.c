/* WinnerDrawn, shared by draw_callback and settle_draw. */
#include "rr.h"

void rr_emit_winner_drawn(const uint8_t *raffle_key, const uint8_t *r, bool settled, uint64_t slot) {
    uint8_t e[RR_EVENT_WINNER_DRAWN_SIZE];
    static const uint8_t disc[8] = RR_EVENT_WINNER_DRAWN_DISCRIMINATOR_BYTES;
    key_copy(e + RR_EVENT_WINNER_DRAWN_RAFFLE_OFFSET, raffle_key);
    st32(e + RR_EVENT_WINNER_DRAWN_WINNER_TICKET_OFFSET, ld32(r + RR_RAFFLE_WINNER_TICKET_OFFSET));
    key_copy(e + RR_EVENT_WINNER_DRAWN_RANDOMNESS_OFFSET, r + RR_RAFFLE_RANDOMNESS_OFFSET);
    e[RR_EVENT_WINNER_DRAWN_SETTLED_OFFSET] = settled ? 1 : 0;
    st64(e + RR_EVENT_WINNER_DRAWN_SLOT_OFFSET, slot);
    rr_emit(e, RR_EVENT_WINNER_DRAWN_SIZE, disc);
}
