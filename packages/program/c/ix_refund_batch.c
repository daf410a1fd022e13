/*
 * refund_batch(): permissionless and idempotent. After the deadline an unsold Open raffle moves
 * to Refunding; then each remaining account group is refunded: (entry, buyer_payment_account)
 * in tokens mode, (entry) in vouchers mode. Token-paid entries in tokens mode get amount_paid
 * back from the payment vault (signed by the raffle PDA); voucher-paid entries and every entry
 * in vouchers mode are marked refunded and logged for the voucher issuer. Entries already
 * refunded are skipped. When every entry is refunded the raffle is Refunded.
 */
#include "rr.h"

#define ACC(name) ctx->accounts[RR_IX_REFUND_BATCH_ACC_##name]

static void emit_entry_event(const RrContext *ctx, const rr_acc *entry, const uint8_t *d, bool tokens, uint64_t slot) {
    uint8_t e[RR_EVENT_ENTRY_REFUNDED_SIZE]; /* the larger of the two */
    const uint8_t *raffle_key = ACC_KEY(ACC(RAFFLE));
    if (tokens) {
        static const uint8_t disc[8] = RR_EVENT_ENTRY_REFUNDED_DISCRIMINATOR_BYTES;
        key_copy(e + RR_EVENT_ENTRY_REFUNDED_RAFFLE_OFFSET, raffle_key);
        key_copy(e + RR_EVENT_ENTRY_REFUNDED_ENTRY_OFFSET, ACC_KEY(entry));
        key_copy(e + RR_EVENT_ENTRY_REFUNDED_BUYER_OFFSET, d + RR_ENTRY_BUYER_OFFSET);
        st64(e + RR_EVENT_ENTRY_REFUNDED_AMOUNT_OFFSET, ld64(d + RR_ENTRY_AMOUNT_PAID_OFFSET));
        st64(e + RR_EVENT_ENTRY_REFUNDED_SLOT_OFFSET, slot);
        rr_emit(e, RR_EVENT_ENTRY_REFUNDED_SIZE, disc);
    } else {
        static const uint8_t disc[8] = RR_EVENT_REFUND_TICKETS_REQUESTED_DISCRIMINATOR_BYTES;
        key_copy(e + RR_EVENT_REFUND_TICKETS_REQUESTED_RAFFLE_OFFSET, raffle_key);
        key_copy(e + RR_EVENT_REFUND_TICKETS_REQUESTED_ENTRY_OFFSET, ACC_KEY(entry));
        key_copy(e + RR_EVENT_REFUND_TICKETS_REQUESTED_BUYER_OFFSET, d + RR_ENTRY_BUYER_OFFSET);
        st32(e + RR_EVENT_REFUND_TICKETS_REQUESTED_TICKETS_OFFSET, ld32(d + RR_ENTRY_TICKET_COUNT_OFFSET));
        st64(e + RR_EVENT_REFUND_TICKETS_REQUESTED_SLOT_OFFSET, slot);
        rr_emit(e, RR_EVENT_REFUND_TICKETS_REQUESTED_SIZE, disc);
    }
}

static void emit_raffle_event(const uint8_t *raffle_key, const uint8_t *r, bool started, uint64_t slot) {
    uint8_t e[RR_EVENT_REFUND_STARTED_SIZE]; /* the larger of the two */
    if (started) {
        static const uint8_t disc[8] = RR_EVENT_REFUND_STARTED_DISCRIMINATOR_BYTES;
        key_copy(e + RR_EVENT_REFUND_STARTED_RAFFLE_OFFSET, raffle_key);
        st32(e + RR_EVENT_REFUND_STARTED_TICKETS_SOLD_OFFSET, ld32(r + RR_RAFFLE_TICKETS_SOLD_OFFSET));
        st32(e + RR_EVENT_REFUND_STARTED_ENTRIES_COUNT_OFFSET, ld32(r + RR_RAFFLE_ENTRIES_COUNT_OFFSET));
        st64(e + RR_EVENT_REFUND_STARTED_SLOT_OFFSET, slot);
        rr_emit(e, RR_EVENT_REFUND_STARTED_SIZE, disc);
    } else {
        static const uint8_t disc[8] = RR_EVENT_RAFFLE_REFUNDED_DISCRIMINATOR_BYTES;
        key_copy(e + RR_EVENT_RAFFLE_REFUNDED_RAFFLE_OFFSET, raffle_key);
        st32(e + RR_EVENT_RAFFLE_REFUNDED_ENTRIES_COUNT_OFFSET, ld32(r + RR_RAFFLE_ENTRIES_COUNT_OFFSET));
        st64(e + RR_EVENT_RAFFLE_REFUNDED_SLOT_OFFSET, slot);
        rr_emit(e, RR_EVENT_RAFFLE_REFUNDED_SIZE, disc);
    }
}

uint64_t rr_refund_batch(const RrContext *ctx) {
    uint64_t err = rr_check_accounts(ctx, RR_IX_REFUND_BATCH_ACC_COUNT, RR_IX_REFUND_BATCH_SIGNER_MASK, RR_IX_REFUND_BATCH_WRITABLE_MASK);
    if (err) return err;
    if (ctx->data_len != RR_IX_REFUND_BATCH_DATA_LEN) return RR_ERR_INVALID_INSTRUCTION_DATA;
    if ((err = rr_check_program(ACC(TOKEN_PROGRAM), RR_TOKEN_PROGRAM_ID))) return err;
    rr_acc *raffle = ACC(RAFFLE);
    uint8_t *r;
    if ((err = rr_load_raffle(ctx, raffle, &r))) return err;
    if ((err = rr_check_vault(ctx, ACC(PAYMENT_VAULT), raffle, r, false))) return err;

    SolClock clock;
    rr_clock(&clock);
    uint8_t status = r[RR_RAFFLE_STATUS_OFFSET];
    if (status == RR_RAFFLE_STATUS_OPEN) {
        if (clock.unix_timestamp < (int64_t)ld64(r + RR_RAFFLE_DEADLINE_OFFSET)) return RR_ERR_DEADLINE_NOT_REACHED;
        /* Open implies tickets_sold < max_tickets: a sell-out moves the raffle to Drawing. */
        r[RR_RAFFLE_STATUS_OFFSET] = status = RR_RAFFLE_STATUS_REFUNDING;
        emit_raffle_event(ACC_KEY(raffle), r, true, clock.slot);
    } else if (status != RR_RAFFLE_STATUS_REFUNDING && status != RR_RAFFLE_STATUS_REFUNDED) {
        return RR_ERR_RAFFLE_NOT_REFUNDABLE;
    }

    bool tokens_mode = r[RR_RAFFLE_REFUND_MODE_OFFSET] == RR_REFUND_MODE_TOKENS;
    uint64_t stride = tokens_mode ? 2 : 1;
    uint64_t remaining = ctx->num_accounts - RR_IX_REFUND_BATCH_ACC_COUNT;
    if (remaining % stride != 0) return RR_ERR_REMAINING_ACCOUNTS_INVALID;

    RrRaffleSeeds s;
    rr_raffle_seeds(&s, r + RR_RAFFLE_ORGANIZER_OFFSET, r + RR_RAFFLE_RAFFLE_ID_OFFSET, r[RR_RAFFLE_BUMP_OFFSET]);
    SolSignerSeeds signer = {s.seeds, 4};
    uint32_t refunded = ld32(r + RR_RAFFLE_ENTRIES_REFUNDED_OFFSET);

    for (uint64_t i = RR_IX_REFUND_BATCH_ACC_COUNT; i < ctx->num_accounts; i += stride) {
        rr_acc *entry = ctx->accounts[i];
        uint8_t *d;
        if ((err = rr_load_entry(ctx, entry, &d))) return err;
        if (!key_eq(d + RR_ENTRY_RAFFLE_OFFSET, ACC_KEY(raffle))) return RR_ERR_ENTRY_RAFFLE_MISMATCH;
        if (d[RR_ENTRY_REFUNDED_OFFSET]) continue;
        if (!ACC_IS_WRITABLE(entry)) return RR_ERR_ACCOUNT_NOT_WRITABLE;
        bool pay_back = tokens_mode && d[RR_ENTRY_PAID_WITH_OFFSET] == RR_PAYMENT_KIND_TOKEN;
        if (pay_back) {
            rr_acc *destination = ctx->accounts[i + 1];
            if (!ACC_IS_WRITABLE(destination)) return RR_ERR_ACCOUNT_NOT_WRITABLE;
            if ((err = rr_check_token_account(destination, r + RR_RAFFLE_PAYMENT_MINT_OFFSET, d + RR_ENTRY_BUYER_OFFSET))) return err;
            uint64_t amount = ld64(d + RR_ENTRY_AMOUNT_PAID_OFFSET);
            if (amount > 0 && (err = rr_token_transfer(ACC(PAYMENT_VAULT), destination, raffle, amount, &signer))) return err;
        }
        d[RR_ENTRY_REFUNDED_OFFSET] = 1;
        if ((err = rr_add_u32(refunded, 1, &refunded))) return err;
        emit_entry_event(ctx, entry, d, pay_back, clock.slot);
    }
    st32(r + RR_RAFFLE_ENTRIES_REFUNDED_OFFSET, refunded);

    if (status == RR_RAFFLE_STATUS_REFUNDING && refunded == ld32(r + RR_RAFFLE_ENTRIES_COUNT_OFFSET)) {
        r[RR_RAFFLE_STATUS_OFFSET] = RR_RAFFLE_STATUS_REFUNDED;
        emit_raffle_event(ACC_KEY(raffle), r, false, clock.slot);
    }
    return 0;
}
