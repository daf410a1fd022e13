/* Program derived addresses: checks with a stored bump (cheap) and searches on creation. */
#include "rr.h"

void rr_raffle_seeds(RrRaffleSeeds *s, const uint8_t *organizer, const uint8_t *raffle_id_le, uint8_t bump) {
    s->bump = bump;
    s->seeds[0].addr = (const uint8_t *)RR_RAFFLE_SEED;
    s->seeds[0].len = RR_RAFFLE_SEED_LEN;
    s->seeds[1].addr = organizer;
    s->seeds[1].len = 32;
    s->seeds[2].addr = raffle_id_le;
    s->seeds[2].len = 8;
    s->seeds[3].addr = &s->bump;
    s->seeds[3].len = 1;
}

uint64_t rr_pda_matches(const SolBytes *seeds, uint64_t len, const uint8_t *program_id, const uint8_t *expected) {
    uint8_t derived[32];
    if (sol_create_program_address(seeds, len, program_id, derived) != 0) return RR_ERR_INVALID_PDA;
    return key_eq(derived, expected) ? 0 : RR_ERR_INVALID_PDA;
}

uint64_t rr_pda_find(const SolBytes *seeds, uint64_t len, const uint8_t *program_id, uint8_t *address, uint8_t *bump) {
    if (sol_try_find_program_address(seeds, len, program_id, address, bump) != 0) return RR_ERR_INVALID_PDA;
    return 0;
}
