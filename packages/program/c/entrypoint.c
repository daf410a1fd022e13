/* Entrypoint: deserializes the aligned loader input and dispatches on the Anchor discriminator. */
#include "rr.h"

uint64_t entrypoint(uint8_t *input) {
    rr_acc *accounts[RR_MAX_ACCOUNTS];
    RrContext ctx;
    uint64_t count = ld64(input);
    uint8_t *p = input + 8;
    if (count > RR_MAX_ACCOUNTS) return RR_ERR_INVALID_INSTRUCTION_DATA;
    for (uint64_t i = 0; i < count; i++) {
        uint8_t dup = p[0];
        if (dup != 0xff) {
            /* A duplicate names an earlier account: share its header (and so its data). */
            if (dup >= i) return RR_ERR_INVALID_INSTRUCTION_DATA;
            accounts[i] = accounts[dup];
            p += 8;
            continue;
        }
        accounts[i] = p;
        uint64_t end = (uint64_t)(uintptr_t)p + 88 + ld64(p + 80) + 10240;
        end = (end + 7) & ~(uint64_t)7;
        p = (uint8_t *)(uintptr_t)(end + 8); /* rent_epoch */
    }
    ctx.accounts = accounts;
    ctx.num_accounts = count;
    ctx.data_len = ld64(p);
    ctx.data = p + 8;
    ctx.program_id = ctx.data + ctx.data_len;

    if (ctx.data_len < 8) return RR_ERR_UNKNOWN_INSTRUCTION;
    switch (ld64(ctx.data)) {
    case RR_IX_INITIALIZE_CONFIG_DISCRIMINATOR: return rr_initialize_config(&ctx);
    case RR_IX_UPDATE_CONFIG_DISCRIMINATOR: return rr_update_config(&ctx);
    case RR_IX_INITIALIZE_RAFFLE_WITH_PERMIT_DISCRIMINATOR: return rr_initialize_raffle_with_permit(&ctx);
    case RR_IX_JOIN_WITH_TOKEN_DISCRIMINATOR: return rr_join_with_token(&ctx);
    case RR_IX_JOIN_WITH_TICKET_DISCRIMINATOR: return rr_join_with_ticket(&ctx);
    case RR_IX_REQUEST_DRAW_ARCIUM_DISCRIMINATOR: return rr_request_draw_arcium(&ctx);
    case RR_IX_DRAW_CALLBACK_DISCRIMINATOR: return rr_draw_callback(&ctx);
    case RR_IX_SETTLE_DRAW_DISCRIMINATOR: return rr_settle_draw(&ctx);
    case RR_IX_REFUND_BATCH_DISCRIMINATOR: return rr_refund_batch(&ctx);
    case RR_IX_CLAIM_PRIZE_DISCRIMINATOR: return rr_claim_prize(&ctx);
    case RR_IX_CLAIM_PROCEEDS_DISCRIMINATOR: return rr_claim_proceeds(&ctx);
    case RR_IX_CANCEL_RAFFLE_DISCRIMINATOR: return rr_cancel_raffle(&ctx);
    default: return RR_ERR_UNKNOWN_INSTRUCTION;
    }
}
