/*
 * What join_with_token and join_with_ticket share: the raffle checks before payment, and the
 * Entry account, counters, TicketsPurchased and (on sell-out) the draw seed and
 * ThresholdReached after it.
 */
#include "rr.h"

uint64_t rr_join_prepare(RrJoin *join, const uint8_t *config_data) {
    const RrContext *ctx = join->ctx;
    const uint8_t *r = join->raffle_data;
    rr_clock(&join->clock);
    if (config_data[RR_CONFIG_PAUSED_OFFSET]) return RR_ERR_PAUSED;
    if (r[RR_RAFFLE_STATUS_OFFSET] != RR_RAFFLE_STATUS_OPEN) return RR_ERR_RAFFLE_NOT_OPEN;
    if (join->clock.unix_timestamp >= (int64_t)ld64(r + RR_RAFFLE_DEADLINE_OFFSET)) return RR_ERR_DEADLINE_PASSED;
    if (join->ticket_count == 0) return RR_ERR_INVALID_TICKET_COUNT;
    uint32_t sold;
    if (rr_add_u32(ld32(r + RR_RAFFLE_TICKETS_SOLD_OFFSET), join->ticket_count, &sold)) return RR_ERR_SOLD_OUT;
    if (sold > ld32(r + RR_RAFFLE_MAX_TICKETS_OFFSET)) return RR_ERR_SOLD_OUT;

    /* The entry must be the PDA ["entry", raffle, entries_count LE] and not exist yet. */
    uint8_t key[32];
    SolBytes seeds[3] = {
        {(const uint8_t *)RR_ENTRY_SEED, RR_ENTRY_SEED_LEN},
        {ACC_KEY(join->raffle), 32},
        {r + RR_RAFFLE_ENTRIES_COUNT_OFFSET, 4},
    };
    uint64_t err = rr_pda_find(seeds, 3, ctx->program_id, key, &join->entry_bump);
    if (err) return err;
    if (!key_eq(ACC_KEY(join->entry), key)) return RR_ERR_ENTRY_INDEX_MISMATCH;
    if (!key_eq(ACC_OWNER(join->entry), RR_SYSTEM_PROGRAM_ID) || ACC_DATA_LEN(join->entry) != 0) return RR_ERR_ENTRY_INDEX_MISMATCH;
    return 0;
}

static void emit_tickets_purchased(const RrJoin *join, uint32_t index, uint32_t first_ticket, uint32_t sold) {
    uint8_t e[RR_EVENT_TICKETS_PURCHASED_SIZE];
    static const uint8_t disc[8] = RR_EVENT_TICKETS_PURCHASED_DISCRIMINATOR_BYTES;
    key_copy(e + RR_EVENT_TICKETS_PURCHASED_RAFFLE_OFFSET, ACC_KEY(join->raffle));
    key_copy(e + RR_EVENT_TICKETS_PURCHASED_BUYER_OFFSET, ACC_KEY(join->buyer));
    key_copy(e + RR_EVENT_TICKETS_PURCHASED_ENTRY_OFFSET, ACC_KEY(join->entry));
    st32(e + RR_EVENT_TICKETS_PURCHASED_ENTRY_INDEX_OFFSET, index);
    st32(e + RR_EVENT_TICKETS_PURCHASED_FIRST_TICKET_OFFSET, first_ticket);
    st32(e + RR_EVENT_TICKETS_PURCHASED_TICKET_COUNT_OFFSET, join->ticket_count);
    st64(e + RR_EVENT_TICKETS_PURCHASED_AMOUNT_PAID_OFFSET, join->amount_paid);
    e[RR_EVENT_TICKETS_PURCHASED_PAID_WITH_OFFSET] = join->paid_with;
    st32(e + RR_EVENT_TICKETS_PURCHASED_TICKETS_SOLD_OFFSET, sold);
    st64(e + RR_EVENT_TICKETS_PURCHASED_SLOT_OFFSET, join->clock.slot);
    rr_emit(e, RR_EVENT_TICKETS_PURCHASED_SIZE, disc);
}

/* draw_seed = sha256(raffle || tickets_sold u32 LE || slot u64 LE || unix_time i64 LE || buyer). */
static void sell_out(const RrJoin *join, uint8_t *r, uint32_t sold) {
    uint8_t sold_le[4], slot_le[8], time_le[8];
    st32(sold_le, sold);
    st64(slot_le, join->clock.slot);
    st64(time_le, (uint64_t)join->clock.unix_timestamp);
    SolBytes parts[5] = {{ACC_KEY(join->raffle), 32}, {sold_le, 4}, {slot_le, 8}, {time_le, 8}, {ACC_KEY(join->buyer), 32}};
    sol_sha256(parts, 5, r + RR_RAFFLE_DRAW_SEED_OFFSET);
    r[RR_RAFFLE_STATUS_OFFSET] = RR_RAFFLE_STATUS_DRAWING;

    uint8_t e[RR_EVENT_THRESHOLD_REACHED_SIZE];
    static const uint8_t disc[8] = RR_EVENT_THRESHOLD_REACHED_DISCRIMINATOR_BYTES;
    key_copy(e + RR_EVENT_THRESHOLD_REACHED_RAFFLE_OFFSET, ACC_KEY(join->raffle));
    st32(e + RR_EVENT_THRESHOLD_REACHED_TICKETS_SOLD_OFFSET, sold);
    key_copy(e + RR_EVENT_THRESHOLD_REACHED_DRAW_SEED_OFFSET, r + RR_RAFFLE_DRAW_SEED_OFFSET);
    st64(e + RR_EVENT_THRESHOLD_REACHED_SLOT_OFFSET, join->clock.slot);
    rr_emit(e, RR_EVENT_THRESHOLD_REACHED_SIZE, disc);
}

uint64_t rr_join_finish(RrJoin *join) {
    uint8_t *r = join->raffle_data;
    uint32_t index = ld32(r + RR_RAFFLE_ENTRIES_COUNT_OFFSET);
    uint32_t first_ticket = ld32(r + RR_RAFFLE_TICKETS_SOLD_OFFSET);
    uint32_t sold, entries;
    uint64_t err = rr_add_u32(first_ticket, join->ticket_count, &sold);
    if (err) return err;
    if ((err = rr_add_u32(index, 1, &entries))) return err;

    uint8_t index_le[4];
    st32(index_le, index);
    SolBytes seeds[4] = {
        {(const uint8_t *)RR_ENTRY_SEED, RR_ENTRY_SEED_LEN},
        {ACC_KEY(join->raffle), 32},
        {index_le, 4},
        {&join->entry_bump, 1},
    };
    SolSignerSeeds signer = {seeds, 4};
    RrCreateAccount create = {join->buyer, join->entry, RR_ENTRY_SIZE, join->ctx->program_id, &signer};
    if ((err = rr_create_pda_account(&create))) return err;

    uint8_t *d = ACC_DATA(join->entry);
    st64(d, RR_ENTRY_DISCRIMINATOR);
    key_copy(d + RR_ENTRY_RAFFLE_OFFSET, ACC_KEY(join->raffle));
    key_copy(d + RR_ENTRY_BUYER_OFFSET, ACC_KEY(join->buyer));
    st32(d + RR_ENTRY_INDEX_OFFSET, index);
    st32(d + RR_ENTRY_FIRST_TICKET_OFFSET, first_ticket);
    st32(d + RR_ENTRY_TICKET_COUNT_OFFSET, join->ticket_count);
    st64(d + RR_ENTRY_AMOUNT_PAID_OFFSET, join->amount_paid);
    d[RR_ENTRY_PAID_WITH_OFFSET] = join->paid_with;
    d[RR_ENTRY_REFUNDED_OFFSET] = 0;
    d[RR_ENTRY_BUMP_OFFSET] = join->entry_bump;

    st32(r + RR_RAFFLE_TICKETS_SOLD_OFFSET, sold);
    st32(r + RR_RAFFLE_ENTRIES_COUNT_OFFSET, entries);
    emit_tickets_purchased(join, index, first_ticket, sold);
    if (sold == ld32(r + RR_RAFFLE_MAX_TICKETS_OFFSET)) sell_out(join, r, sold);
    return 0;
}
