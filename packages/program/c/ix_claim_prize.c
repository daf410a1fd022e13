/*
 * claim_prize(): permissionless crank. Completed: the prize goes to the winning entry's buyer
 * (winning_entry must hold winner_ticket). Refunded or Cancelled: back to the organizer. Once.
 */
#include "rr.h"

#define ACC(name) ctx->accounts[RR_IX_CLAIM_PRIZE_ACC_##name]

uint64_t rr_claim_prize(const RrContext *ctx) {
    uint64_t err = rr_check_accounts(ctx, RR_IX_CLAIM_PRIZE_ACC_COUNT, RR_IX_CLAIM_PRIZE_SIGNER_MASK, RR_IX_CLAIM_PRIZE_WRITABLE_MASK);
    if (err) return err;
    if (ctx->data_len != RR_IX_CLAIM_PRIZE_DATA_LEN) return RR_ERR_INVALID_INSTRUCTION_DATA;
    if ((err = rr_check_program(ACC(TOKEN_PROGRAM), RR_TOKEN_PROGRAM_ID))) return err;
    rr_acc *raffle = ACC(RAFFLE);
    uint8_t *r;
    if ((err = rr_load_raffle(ctx, raffle, &r))) return err;
    if ((err = rr_check_vault(ctx, ACC(PRIZE_VAULT), raffle, r, true))) return err;

    const uint8_t *recipient;
    bool to_winner;
    uint8_t status = r[RR_RAFFLE_STATUS_OFFSET];
    if (status == RR_RAFFLE_STATUS_COMPLETED) {
        if (r[RR_RAFFLE_PRIZE_CLAIMED_OFFSET]) return RR_ERR_ALREADY_CLAIMED;
        rr_acc *entry = ACC(WINNING_ENTRY);
        if (key_eq(ACC_KEY(entry), ctx->program_id)) return RR_ERR_NOT_WINNER; /* optional account absent */
        uint8_t *d;
        if ((err = rr_load_entry(ctx, entry, &d))) return err;
        if (!key_eq(d + RR_ENTRY_RAFFLE_OFFSET, ACC_KEY(raffle))) return RR_ERR_ENTRY_RAFFLE_MISMATCH;
        uint64_t winner = ld32(r + RR_RAFFLE_WINNER_TICKET_OFFSET);
        uint64_t first = ld32(d + RR_ENTRY_FIRST_TICKET_OFFSET);
        uint64_t end = first + (uint64_t)ld32(d + RR_ENTRY_TICKET_COUNT_OFFSET);
        if (winner < first || winner >= end) return RR_ERR_NOT_WINNER;
        recipient = d + RR_ENTRY_BUYER_OFFSET;
        to_winner = true;
    } else if (status == RR_RAFFLE_STATUS_REFUNDED || status == RR_RAFFLE_STATUS_CANCELLED) {
        if (r[RR_RAFFLE_PRIZE_CLAIMED_OFFSET]) return RR_ERR_ALREADY_CLAIMED;
        recipient = r + RR_RAFFLE_ORGANIZER_OFFSET;
        to_winner = false;
    } else {
        return RR_ERR_PRIZE_NOT_CLAIMABLE;
    }
    rr_acc *destination = ACC(RECIPIENT_PRIZE_ACCOUNT);
    if ((err = rr_check_token_account(destination, r + RR_RAFFLE_PRIZE_MINT_OFFSET, recipient))) return err;

    /* The whole vault: prize_amount, plus anything sent to it since. */
    uint64_t amount = rr_token_amount(ACC(PRIZE_VAULT));
    RrRaffleSeeds s;
    rr_raffle_seeds(&s, r + RR_RAFFLE_ORGANIZER_OFFSET, r + RR_RAFFLE_RAFFLE_ID_OFFSET, r[RR_RAFFLE_BUMP_OFFSET]);
    SolSignerSeeds signer = {s.seeds, 4};
    if (amount > 0 && (err = rr_token_transfer(ACC(PRIZE_VAULT), destination, raffle, amount, &signer))) return err;
    r[RR_RAFFLE_PRIZE_CLAIMED_OFFSET] = 1;

    SolClock clock;
    rr_clock(&clock);
    uint8_t e[RR_EVENT_PRIZE_CLAIMED_SIZE];
    static const uint8_t disc[8] = RR_EVENT_PRIZE_CLAIMED_DISCRIMINATOR_BYTES;
    key_copy(e + RR_EVENT_PRIZE_CLAIMED_RAFFLE_OFFSET, ACC_KEY(raffle));
    key_copy(e + RR_EVENT_PRIZE_CLAIMED_RECIPIENT_OFFSET, recipient);
    st64(e + RR_EVENT_PRIZE_CLAIMED_AMOUNT_OFFSET, amount);
    e[RR_EVENT_PRIZE_CLAIMED_TO_WINNER_OFFSET] = to_winner ? 1 : 0;
    st64(e + RR_EVENT_PRIZE_CLAIMED_SLOT_OFFSET, clock.slot);
    rr_emit(e, RR_EVENT_PRIZE_CLAIMED_SIZE, disc);
    return 0;
}
