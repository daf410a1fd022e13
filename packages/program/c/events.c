/* Events: one `Program data:` log line of discriminator || Borsh fields, as Anchor's emit! does. */
#include "rr.h"

void rr_emit(uint8_t *event, uint64_t len, const uint8_t *discriminator) {
    st64(event, ld64(discriminator));
    SolBytes field = {event, len};
    sol_log_data(&field, 1);
}
