/*
 * claim_proceeds(): permissionless crank. Completed: the payment vault minus
 * floor(vault * fee_bps / 10000) to the organizer, the fee to the treasury. Refunded in vouchers
 * mode: the whole vault to the treasury (buyers get vouchers back, the tokens stay with the
 * protocol). Once.
 */
#include "rr.h"

#define ACC(name) ctx->accounts[RR_IX_CLAIM_PROCEEDS_ACC_##name]

uint64_t rr_claim_proceeds(const RrContext *ctx) {
    uint64_t err = rr_check_accounts(ctx, RR_IX_CLAIM_PROCEEDS_ACC_COUNT, RR_IX_CLAIM_PROCEEDS_SIGNER_MASK, RR_IX_CLAIM_PROCEEDS_WRITABLE_MASK);
    if (err) return err;
    if (ctx->data_len != RR_IX_CLAIM_PROCEEDS_DATA_LEN) return RR_ERR_INVALID_INSTRUCTION_DATA;
    if ((err = rr_check_program(ACC(TOKEN_PROGRAM), RR_TOKEN_PROGRAM_ID))) return err;
    rr_acc *raffle = ACC(RAFFLE);
    uint8_t *c, *r;
    if ((err = rr_load_config(ctx, ACC(CONFIG), &c))) return err;
    if ((err = rr_load_raffle(ctx, raffle, &r))) return err;
    rr_acc *vault = ACC(PAYMENT_VAULT);
    if ((err = rr_check_vault(ctx, vault, raffle, r, false))) return err;

    uint8_t status = r[RR_RAFFLE_STATUS_OFFSET];
    bool completed = status == RR_RAFFLE_STATUS_COMPLETED;
    bool vouchers_refunded = status == RR_RAFFLE_STATUS_REFUNDED && r[RR_RAFFLE_REFUND_MODE_OFFSET] == RR_REFUND_MODE_VOUCHERS;
    if (!completed && !vouchers_refunded) return RR_ERR_PROCEEDS_NOT_CLAIMABLE;
    if (r[RR_RAFFLE_PROCEEDS_CLAIMED_OFFSET]) return RR_ERR_ALREADY_CLAIMED;

    const uint8_t *mint = r + RR_RAFFLE_PAYMENT_MINT_OFFSET;
    rr_acc *organizer_account = ACC(ORGANIZER_PAYMENT_ACCOUNT);
    rr_acc *treasury_account = ACC(TREASURY_PAYMENT_ACCOUNT);
    if (completed && (err = rr_check_token_account(organizer_account, mint, r + RR_RAFFLE_ORGANIZER_OFFSET))) return err;
    if ((err = rr_check_token_account(treasury_account, mint, c + RR_CONFIG_TREASURY_OFFSET))) return err;

    uint64_t total = rr_token_amount(vault);
    uint64_t treasury_amount = completed ? rr_fee(total, ld16(c + RR_CONFIG_FEE_BPS_OFFSET)) : total;
    uint64_t organizer_amount = total - treasury_amount;

    RrRaffleSeeds s;
    rr_raffle_seeds(&s, r + RR_RAFFLE_ORGANIZER_OFFSET, r + RR_RAFFLE_RAFFLE_ID_OFFSET, r[RR_RAFFLE_BUMP_OFFSET]);
    SolSignerSeeds signer = {s.seeds, 4};
    if (organizer_amount > 0 && (err = rr_token_transfer(vault, organizer_account, raffle, organizer_amount, &signer))) return err;
    if (treasury_amount > 0 && (err = rr_token_transfer(vault, treasury_account, raffle, treasury_amount, &signer))) return err;
    r[RR_RAFFLE_PROCEEDS_CLAIMED_OFFSET] = 1;

    SolClock clock;
    rr_clock(&clock);
    uint8_t e[RR_EVENT_PROCEEDS_CLAIMED_SIZE];
    static const uint8_t disc[8] = RR_EVENT_PROCEEDS_CLAIMED_DISCRIMINATOR_BYTES;
    key_copy(e + RR_EVENT_PROCEEDS_CLAIMED_RAFFLE_OFFSET, ACC_KEY(raffle));
    st64(e + RR_EVENT_PROCEEDS_CLAIMED_ORGANIZER_AMOUNT_OFFSET, organizer_amount);
    st64(e + RR_EVENT_PROCEEDS_CLAIMED_TREASURY_AMOUNT_OFFSET, treasury_amount);
    st64(e + RR_EVENT_PROCEEDS_CLAIMED_SLOT_OFFSET, clock.slot);
    rr_emit(e, RR_EVENT_PROCEEDS_CLAIMED_SIZE, disc);
    return 0;
}
