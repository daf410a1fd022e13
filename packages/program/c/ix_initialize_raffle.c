/*
 * initialize_raffle_with_permit(raffle_id, tier, enterprise_id, prize_amount, ticket_price,
 * max_tickets, deadline, refund_mode, expires_at): checks the backend's ed25519 permit, then
 * creates the raffle and both vaults and moves the prize into the prize vault.
 */
#include "rr.h"

#define A(name) RR_IX_INITIALIZE_RAFFLE_WITH_PERMIT_ARG_##name##_OFFSET
#define ACC(name) ctx->accounts[RR_IX_INITIALIZE_RAFFLE_WITH_PERMIT_ACC_##name]

/* The 242-byte permit message v1 for these accounts and arguments. */
static void build_permit_message(const RrContext *ctx, uint8_t *m) {
    static const uint8_t magic[RR_PERMIT_MAGIC_LEN] = RR_PERMIT_MAGIC;
    const uint8_t *a = ctx->data;
    uint8_t *p = m;
    for (uint64_t i = 0; i < RR_PERMIT_MAGIC_LEN; i++) p[i] = magic[i];
    p += RR_PERMIT_MAGIC_LEN;
    key_copy(p, ctx->program_id), p += 32;
    key_copy(p, ACC_KEY(ACC(CONFIG))), p += 32;
    key_copy(p, ACC_KEY(ACC(ORGANIZER))), p += 32;
    st64(p, ld64(a + A(RAFFLE_ID))), p += 8;
    *p++ = a[A(TIER)];
    st64(p, ld64(a + A(ENTERPRISE_ID))), st64(p + 8, ld64(a + A(ENTERPRISE_ID) + 8)), p += 16;
    key_copy(p, ACC_KEY(ACC(PRIZE_MINT))), p += 32;
    st64(p, ld64(a + A(PRIZE_AMOUNT))), p += 8;
    key_copy(p, ACC_KEY(ACC(PAYMENT_MINT))), p += 32;
    st64(p, ld64(a + A(TICKET_PRICE))), p += 8;
    st32(p, ld32(a + A(MAX_TICKETS))), p += 4;
    st64(p, ld64(a + A(DEADLINE))), p += 8;
    *p++ = a[A(REFUND_MODE)];
    st64(p, ld64(a + A(EXPIRES_AT)));
}

/* Creates a vault token account at ["prize_vault" | "payment_vault", raffle] owned by the raffle. */
static uint64_t create_vault(const RrContext *ctx, rr_acc *vault, rr_acc *mint, bool prize, uint8_t *bump_out) {
    rr_acc *raffle = ACC(RAFFLE);
    uint8_t key[32], bump;
    SolBytes seeds[3] = {
        {prize ? (const uint8_t *)RR_PRIZE_VAULT_SEED : (const uint8_t *)RR_PAYMENT_VAULT_SEED, prize ? RR_PRIZE_VAULT_SEED_LEN : RR_PAYMENT_VAULT_SEED_LEN},
        {ACC_KEY(raffle), 32},
        {&bump, 1},
    };
    uint64_t err = rr_pda_find(seeds, 2, ctx->program_id, key, &bump);
    if (err) return err;
    if (!key_eq(ACC_KEY(vault), key)) return RR_ERR_INVALID_PDA;
    if (!key_eq(ACC_OWNER(vault), RR_SYSTEM_PROGRAM_ID) || ACC_DATA_LEN(vault) != 0) return RR_ERR_INVALID_ACCOUNT_OWNER;
    SolSignerSeeds signer = {seeds, 3};
    RrCreateAccount create = {ACC(ORGANIZER), vault, RR_TOKEN_ACCOUNT_SIZE, RR_TOKEN_PROGRAM_ID, &signer};
    err = rr_create_pda_account(&create);
    if (err) return err;
    *bump_out = bump;
    return rr_token_initialize_account3(vault, mint, ACC_KEY(raffle));
}

static void emit_raffle_created(const uint8_t *raffle_key, const uint8_t *r, const uint8_t *permit_signer, uint64_t slot) {
    uint8_t e[RR_EVENT_RAFFLE_CREATED_SIZE];
    static const uint8_t disc[8] = RR_EVENT_RAFFLE_CREATED_DISCRIMINATOR_BYTES;
    key_copy(e + RR_EVENT_RAFFLE_CREATED_RAFFLE_OFFSET, raffle_key);
    key_copy(e + RR_EVENT_RAFFLE_CREATED_ORGANIZER_OFFSET, r + RR_RAFFLE_ORGANIZER_OFFSET);
    st64(e + RR_EVENT_RAFFLE_CREATED_RAFFLE_ID_OFFSET, ld64(r + RR_RAFFLE_RAFFLE_ID_OFFSET));
    e[RR_EVENT_RAFFLE_CREATED_TIER_OFFSET] = r[RR_RAFFLE_TIER_OFFSET];
    st64(e + RR_EVENT_RAFFLE_CREATED_ENTERPRISE_ID_OFFSET, ld64(r + RR_RAFFLE_ENTERPRISE_ID_OFFSET));
    st64(e + RR_EVENT_RAFFLE_CREATED_ENTERPRISE_ID_OFFSET + 8, ld64(r + RR_RAFFLE_ENTERPRISE_ID_OFFSET + 8));
    key_copy(e + RR_EVENT_RAFFLE_CREATED_PRIZE_MINT_OFFSET, r + RR_RAFFLE_PRIZE_MINT_OFFSET);
    st64(e + RR_EVENT_RAFFLE_CREATED_PRIZE_AMOUNT_OFFSET, ld64(r + RR_RAFFLE_PRIZE_AMOUNT_OFFSET));
    key_copy(e + RR_EVENT_RAFFLE_CREATED_PAYMENT_MINT_OFFSET, r + RR_RAFFLE_PAYMENT_MINT_OFFSET);
    st64(e + RR_EVENT_RAFFLE_CREATED_TICKET_PRICE_OFFSET, ld64(r + RR_RAFFLE_TICKET_PRICE_OFFSET));
    st32(e + RR_EVENT_RAFFLE_CREATED_MAX_TICKETS_OFFSET, ld32(r + RR_RAFFLE_MAX_TICKETS_OFFSET));
    st64(e + RR_EVENT_RAFFLE_CREATED_DEADLINE_OFFSET, ld64(r + RR_RAFFLE_DEADLINE_OFFSET));
    e[RR_EVENT_RAFFLE_CREATED_REFUND_MODE_OFFSET] = r[RR_RAFFLE_REFUND_MODE_OFFSET];
    key_copy(e + RR_EVENT_RAFFLE_CREATED_PERMIT_SIGNER_OFFSET, permit_signer);
    st64(e + RR_EVENT_RAFFLE_CREATED_SLOT_OFFSET, slot);
    rr_emit(e, RR_EVENT_RAFFLE_CREATED_SIZE, disc);
}

uint64_t rr_initialize_raffle_with_permit(const RrContext *ctx) {
    uint64_t err = rr_check_accounts(ctx, RR_IX_INITIALIZE_RAFFLE_WITH_PERMIT_ACC_COUNT, RR_IX_INITIALIZE_RAFFLE_WITH_PERMIT_SIGNER_MASK,
                                     RR_IX_INITIALIZE_RAFFLE_WITH_PERMIT_WRITABLE_MASK);
    if (err) return err;
    if (ctx->data_len != RR_IX_INITIALIZE_RAFFLE_WITH_PERMIT_DATA_LEN) return RR_ERR_INVALID_INSTRUCTION_DATA;
    const uint8_t *a = ctx->data;
    if (a[A(REFUND_MODE)] >= RR_REFUND_MODE_COUNT) return RR_ERR_INVALID_INSTRUCTION_DATA;
    if ((err = rr_check_program(ACC(TOKEN_PROGRAM), RR_TOKEN_PROGRAM_ID))) return err;
    if ((err = rr_check_program(ACC(SYSTEM_PROGRAM), RR_SYSTEM_PROGRAM_ID))) return err;
    uint8_t *c;
    if ((err = rr_load_config(ctx, ACC(CONFIG), &c))) return err;
    rr_acc *organizer = ACC(ORGANIZER);
    rr_acc *raffle = ACC(RAFFLE);

    /* The permit: ed25519 over the message rebuilt from our accounts and arguments. */
    uint8_t message[RR_PERMIT_MESSAGE_LEN];
    build_permit_message(ctx, message);
    const uint8_t *permit_signer;
    if ((err = rr_verify_permit(ACC(INSTRUCTIONS_SYSVAR), c, message, &permit_signer))) return err;

    SolClock clock;
    rr_clock(&clock);
    if (c[RR_CONFIG_PAUSED_OFFSET]) return RR_ERR_PAUSED;
    if (clock.unix_timestamp > (int64_t)ld64(a + A(EXPIRES_AT))) return RR_ERR_PERMIT_EXPIRED;
    if ((int64_t)ld64(a + A(DEADLINE)) <= clock.unix_timestamp) return RR_ERR_DEADLINE_NOT_IN_FUTURE;
    uint32_t max_tickets = ld32(a + A(MAX_TICKETS));
    if (max_tickets == 0 || max_tickets > RR_MAX_TICKETS) return RR_ERR_INVALID_MAX_TICKETS;
    if (ld64(a + A(TICKET_PRICE)) == 0) return RR_ERR_INVALID_TICKET_PRICE;
    uint64_t prize_amount = ld64(a + A(PRIZE_AMOUNT));
    if (prize_amount == 0) return RR_ERR_INVALID_PRIZE_AMOUNT;
    if (key_eq(ACC_OWNER(raffle), ctx->program_id)) return RR_ERR_RAFFLE_ID_ALREADY_USED;

    if ((err = rr_check_mint(ACC(PRIZE_MINT)))) return err;
    if ((err = rr_check_mint(ACC(PAYMENT_MINT)))) return err;
    if ((err = rr_check_token_account(ACC(ORGANIZER_PRIZE_ACCOUNT), ACC_KEY(ACC(PRIZE_MINT)), ACC_KEY(organizer)))) return err;

    /* Raffle PDA ["raffle", organizer, raffle_id LE]. */
    RrRaffleSeeds s;
    uint8_t raffle_key[32];
    rr_raffle_seeds(&s, ACC_KEY(organizer), a + A(RAFFLE_ID), 0);
    if ((err = rr_pda_find(s.seeds, 3, ctx->program_id, raffle_key, &s.bump))) return err;
    if (!key_eq(ACC_KEY(raffle), raffle_key)) return RR_ERR_INVALID_PDA;
    if (!key_eq(ACC_OWNER(raffle), RR_SYSTEM_PROGRAM_ID) || ACC_DATA_LEN(raffle) != 0) return RR_ERR_INVALID_ACCOUNT_OWNER;
    SolSignerSeeds signer = {s.seeds, 4};
    RrCreateAccount create = {organizer, raffle, RR_RAFFLE_SIZE, ctx->program_id, &signer};
    if ((err = rr_create_pda_account(&create))) return err;

    uint8_t prize_bump, payment_bump;
    if ((err = create_vault(ctx, ACC(PRIZE_VAULT), ACC(PRIZE_MINT), true, &prize_bump))) return err;
    if ((err = create_vault(ctx, ACC(PAYMENT_VAULT), ACC(PAYMENT_MINT), false, &payment_bump))) return err;

    uint8_t *r = ACC_DATA(raffle);
    sol_memset_(r, 0, RR_RAFFLE_SIZE);
    st64(r, RR_RAFFLE_DISCRIMINATOR);
    key_copy(r + RR_RAFFLE_ORGANIZER_OFFSET, ACC_KEY(organizer));
    st64(r + RR_RAFFLE_RAFFLE_ID_OFFSET, ld64(a + A(RAFFLE_ID)));
    r[RR_RAFFLE_TIER_OFFSET] = a[A(TIER)];
    st64(r + RR_RAFFLE_ENTERPRISE_ID_OFFSET, ld64(a + A(ENTERPRISE_ID)));
    st64(r + RR_RAFFLE_ENTERPRISE_ID_OFFSET + 8, ld64(a + A(ENTERPRISE_ID) + 8));
    key_copy(r + RR_RAFFLE_PRIZE_MINT_OFFSET, ACC_KEY(ACC(PRIZE_MINT)));
    st64(r + RR_RAFFLE_PRIZE_AMOUNT_OFFSET, prize_amount);
    key_copy(r + RR_RAFFLE_PAYMENT_MINT_OFFSET, ACC_KEY(ACC(PAYMENT_MINT)));
    st64(r + RR_RAFFLE_TICKET_PRICE_OFFSET, ld64(a + A(TICKET_PRICE)));
    st32(r + RR_RAFFLE_MAX_TICKETS_OFFSET, max_tickets);
    st64(r + RR_RAFFLE_DEADLINE_OFFSET, ld64(a + A(DEADLINE)));
    r[RR_RAFFLE_REFUND_MODE_OFFSET] = a[A(REFUND_MODE)];
    r[RR_RAFFLE_STATUS_OFFSET] = RR_RAFFLE_STATUS_OPEN;
    st64(r + RR_RAFFLE_CREATED_AT_OFFSET, (uint64_t)clock.unix_timestamp);
    r[RR_RAFFLE_BUMP_OFFSET] = s.bump;
    r[RR_RAFFLE_PRIZE_VAULT_BUMP_OFFSET] = prize_bump;
    r[RR_RAFFLE_PAYMENT_VAULT_BUMP_OFFSET] = payment_bump;

    if ((err = rr_token_transfer(ACC(ORGANIZER_PRIZE_ACCOUNT), ACC(PRIZE_VAULT), organizer, prize_amount, 0))) return err;

    emit_raffle_created(ACC_KEY(raffle), r, permit_signer, clock.slot);
    return 0;
}
