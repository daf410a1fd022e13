/*
 * rwa_raffle: shared declarations of the C program.
 *
 * Layouts (discriminators, sizes, offsets, account indexes, masks, error codes) come only
 * from generated/rwa_raffle_idl.h; this header adds the runtime ABI (syscalls, CPI structs,
 * the serialized input format), small load/store helpers and the prototypes shared by the
 * instruction files.
 *
 * Build constraints (see docs/program.md): clang-19 -target bpf -mcpu=v2, at most 5
 * arguments per function, no struct by value, no mutable globals, no floats, unsigned
 * division only, fixed-size copies only (sol_memcpy_ for anything else).
 */
#ifndef RR_H
#define RR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rwa_raffle_idl.h"

/* ---- Sizes of foreign accounts (SPL Token classic, upgradeable loader) ---- */
#define RR_TOKEN_ACCOUNT_SIZE 165
#define RR_TOKEN_ACCOUNT_MINT_OFFSET 0
#define RR_TOKEN_ACCOUNT_OWNER_OFFSET 32
#define RR_TOKEN_ACCOUNT_AMOUNT_OFFSET 64
#define RR_TOKEN_ACCOUNT_STATE_OFFSET 108
#define RR_TOKEN_ACCOUNT_STATE_INITIALIZED 1
#define RR_MINT_SIZE 82
#define RR_MINT_IS_INITIALIZED_OFFSET 45
#define RR_PROGRAM_DATA_TAG 3
#define RR_PROGRAM_DATA_METADATA_SIZE 45 /* u32 tag, u64 slot, u8 option, 32 authority */

/* Instruction accounts the program accepts at most (the runtime's per-instruction cap). */
#define RR_MAX_ACCOUNTS 255

/* ---- Well-known program and sysvar ids (ids.c) ---- */
extern const uint8_t RR_TOKEN_PROGRAM_ID[32];
extern const uint8_t RR_SYSTEM_PROGRAM_ID[32];
extern const uint8_t RR_LOADER_UPGRADEABLE_ID[32];
extern const uint8_t RR_ED25519_PROGRAM_ID[32];
extern const uint8_t RR_INSTRUCTIONS_SYSVAR_ID[32];

/* ---- Runtime ABI ---- */
typedef struct {
    const uint8_t *addr;
    uint64_t len;
} SolBytes; /* also a signer seed */

typedef struct {
    const SolBytes *addr;
    uint64_t len;
} SolSignerSeeds;

typedef struct {
    const uint8_t *key;
    uint64_t *lamports;
    uint64_t data_len;
    uint8_t *data;
    const uint8_t *owner;
    uint64_t rent_epoch;
    bool is_signer;
    bool is_writable;
    bool executable;
} SolAccountInfo;

typedef struct {
    const uint8_t *pubkey;
    bool is_writable;
    bool is_signer;
} SolAccountMeta;

typedef struct {
    const uint8_t *program_id;
    const SolAccountMeta *accounts;
    uint64_t account_len;
    const uint8_t *data;
    uint64_t data_len;
} SolInstruction;

typedef struct {
    uint64_t slot;
    int64_t epoch_start_timestamp;
    uint64_t epoch;
    uint64_t leader_schedule_epoch;
    int64_t unix_timestamp;
} SolClock;

typedef struct {
    uint64_t lamports_per_byte_year;
    uint64_t exemption_threshold_bits; /* an f64, compared by its bits */
    uint8_t burn_percent;
} SolRent;

/* Syscalls (resolved by the loader by name). */
extern void sol_log_(const char *message, uint64_t len);
extern void sol_log_data(const SolBytes *fields, uint64_t len);
extern uint64_t sol_sha256(const SolBytes *values, uint64_t len, uint8_t *result);
extern uint64_t sol_create_program_address(const SolBytes *seeds, uint64_t len, const uint8_t *program_id, uint8_t *address);
extern uint64_t sol_try_find_program_address(const SolBytes *seeds, uint64_t len, const uint8_t *program_id, uint8_t *address, uint8_t *bump);
extern uint64_t sol_get_clock_sysvar(void *clock);
extern uint64_t sol_get_rent_sysvar(void *rent);
extern uint64_t sol_invoke_signed_c(const SolInstruction *instruction, const SolAccountInfo *infos, uint64_t infos_len, const SolSignerSeeds *signers, uint64_t signers_len);
extern void sol_memcpy_(void *dst, const void *src, uint64_t n);
extern void sol_memset_(void *dst, uint8_t c, uint64_t n);
extern void sol_memcmp_(const void *a, const void *b, uint64_t n, int32_t *result);

/* ---- Loads and stores at any alignment (the SBF VM allows unaligned access) ---- */
typedef uint64_t __attribute__((may_alias)) rr_u64a;
typedef uint32_t __attribute__((may_alias)) rr_u32a;
typedef uint16_t __attribute__((may_alias)) rr_u16a;

static inline uint64_t ld64(const uint8_t *p) { return *(const rr_u64a *)p; }
static inline uint32_t ld32(const uint8_t *p) { return *(const rr_u32a *)p; }
static inline uint16_t ld16(const uint8_t *p) { return *(const rr_u16a *)p; }
static inline void st64(uint8_t *p, uint64_t v) { *(rr_u64a *)p = v; }
static inline void st32(uint8_t *p, uint32_t v) { *(rr_u32a *)p = v; }
static inline void st16(uint8_t *p, uint16_t v) { *(rr_u16a *)p = v; }

static inline bool key_eq(const uint8_t *a, const uint8_t *b) {
    return ((ld64(a) ^ ld64(b)) | (ld64(a + 8) ^ ld64(b + 8)) | (ld64(a + 16) ^ ld64(b + 16)) | (ld64(a + 24) ^ ld64(b + 24))) == 0;
}
static inline bool key_is_zero(const uint8_t *a) {
    return (ld64(a) | ld64(a + 8) | ld64(a + 16) | ld64(a + 24)) == 0;
}
static inline void key_copy(uint8_t *dst, const uint8_t *src) {
    st64(dst, ld64(src));
    st64(dst + 8, ld64(src + 8));
    st64(dst + 16, ld64(src + 16));
    st64(dst + 24, ld64(src + 24));
}

/* ---- Serialized input: one account (aligned loader format) ----
 * 0 dup marker (0xff), 1 is_signer, 2 is_writable, 3 executable, 4..8 padding, 8 key,
 * 40 owner, 72 lamports, 80 data_len, 88 data, then 10 KiB realloc space, padding to 8,
 * rent_epoch. Duplicates are resolved to the first occurrence's header. */
typedef uint8_t rr_acc;
#define ACC_IS_SIGNER(a) ((a)[1] != 0)
#define ACC_IS_WRITABLE(a) ((a)[2] != 0)
#define ACC_IS_EXECUTABLE(a) ((a)[3] != 0)
#define ACC_KEY(a) ((const uint8_t *)(a) + 8)
#define ACC_OWNER(a) ((const uint8_t *)(a) + 40)
#define ACC_LAMPORTS(a) ((uint64_t *)((a) + 72))
#define ACC_DATA_LEN(a) ld64((a) + 80)
#define ACC_DATA(a) ((a) + 88)

/* The instruction being processed. */
typedef struct {
    rr_acc **accounts;
    uint64_t num_accounts;
    const uint8_t *data;
    uint64_t data_len;
    const uint8_t *program_id;
} RrContext;

/* ---- accounts.c: flags, owners, discriminators, PDAs ---- */
uint64_t rr_check_accounts(const RrContext *ctx, uint64_t count, uint32_t signer_mask, uint32_t writable_mask);
uint64_t rr_check_program(const rr_acc *acc, const uint8_t *program_id);
uint64_t rr_load_config(const RrContext *ctx, rr_acc *acc, uint8_t **data);
uint64_t rr_load_raffle(const RrContext *ctx, rr_acc *acc, uint8_t **data);
uint64_t rr_load_entry(const RrContext *ctx, rr_acc *acc, uint8_t **data);
uint64_t rr_check_vault(const RrContext *ctx, const rr_acc *vault, const rr_acc *raffle, const uint8_t *raffle_data, bool prize);
uint64_t rr_check_token_account(const rr_acc *acc, const uint8_t *mint, const uint8_t *owner);
uint64_t rr_check_mint(const rr_acc *acc);
static inline uint64_t rr_token_amount(const rr_acc *acc) { return ld64(ACC_DATA((rr_acc *)acc) + RR_TOKEN_ACCOUNT_AMOUNT_OFFSET); }

/* ---- pda.c ---- */
/* Seeds of a raffle PDA: "raffle", organizer, raffle_id LE (+ bump when given). */
typedef struct {
    SolBytes seeds[4];
    uint8_t bump;
} RrRaffleSeeds;
void rr_raffle_seeds(RrRaffleSeeds *s, const uint8_t *organizer, const uint8_t *raffle_id_le, uint8_t bump);
uint64_t rr_pda_matches(const SolBytes *seeds, uint64_t len, const uint8_t *program_id, const uint8_t *expected);
uint64_t rr_pda_find(const SolBytes *seeds, uint64_t len, const uint8_t *program_id, uint8_t *address, uint8_t *bump);

/* ---- sysvars.c ---- */
void rr_clock(SolClock *clock);
uint64_t rr_rent_minimum_balance(uint64_t data_len, uint64_t *lamports);

/* ---- math.c ---- */
uint64_t rr_add_u64(uint64_t a, uint64_t b, uint64_t *out);
uint64_t rr_add_u32(uint32_t a, uint32_t b, uint32_t *out);
uint64_t rr_mul_u64_u32(uint64_t a, uint32_t b, uint64_t *out);
uint64_t rr_fee(uint64_t amount, uint16_t fee_bps);

/* ---- system_cpi.c ---- */
typedef struct {
    rr_acc *payer;
    rr_acc *target;
    uint64_t space;
    const uint8_t *owner;
    const SolSignerSeeds *target_seeds;
} RrCreateAccount;
uint64_t rr_create_pda_account(const RrCreateAccount *args);

/* ---- token_cpi.c ---- */
uint64_t rr_token_transfer(rr_acc *source, rr_acc *destination, rr_acc *authority, uint64_t amount, const SolSignerSeeds *signer);
uint64_t rr_token_initialize_account3(rr_acc *account, rr_acc *mint, const uint8_t *owner);
uint64_t rr_token_burn_checked(rr_acc *account, rr_acc *mint, rr_acc *authority, uint64_t amount, uint8_t decimals);

/* ---- permit.c ---- */
uint64_t rr_verify_permit(rr_acc *instructions_sysvar, const uint8_t *config_data, const uint8_t *message, const uint8_t **permit_signer);

/* ---- events.c ---- */
void rr_emit(uint8_t *event, uint64_t len, const uint8_t *discriminator);
/* ix_update_config.c: ConfigUpdated from the config's current fields. */
void rr_emit_config_updated(const uint8_t *config_key, const uint8_t *config_data);

/* draw_events.c: WinnerDrawn from the raffle's winner_ticket and randomness. */
void rr_emit_winner_drawn(const uint8_t *raffle_key, const uint8_t *raffle_data, bool settled, uint64_t slot);

/* ---- instruction handlers ---- */
uint64_t rr_initialize_config(const RrContext *ctx);
uint64_t rr_update_config(const RrContext *ctx);
uint64_t rr_initialize_raffle_with_permit(const RrContext *ctx);
uint64_t rr_join_with_token(const RrContext *ctx);
uint64_t rr_join_with_ticket(const RrContext *ctx);
uint64_t rr_request_draw_arcium(const RrContext *ctx);
uint64_t rr_draw_callback(const RrContext *ctx);
uint64_t rr_settle_draw(const RrContext *ctx);
uint64_t rr_refund_batch(const RrContext *ctx);
uint64_t rr_claim_prize(const RrContext *ctx);
uint64_t rr_claim_proceeds(const RrContext *ctx);
uint64_t rr_cancel_raffle(const RrContext *ctx);

/* join_common.c: what join_with_token and join_with_ticket share. */
typedef struct {
    const RrContext *ctx;
    rr_acc *buyer;
    rr_acc *raffle;
    rr_acc *entry;
    uint8_t *raffle_data;
    uint32_t ticket_count;
    uint64_t amount_paid;
    uint8_t paid_with;
    uint8_t entry_bump;
    SolClock clock;
} RrJoin;
uint64_t rr_join_prepare(RrJoin *join, const uint8_t *config_data);
uint64_t rr_join_finish(RrJoin *join);

#endif /* RR_H */
