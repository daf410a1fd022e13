/* Clock and rent, read through their syscalls. */
#include "rr.h"

#define F64_ONE_BITS 0x3ff0000000000000ULL
#define F64_TWO_BITS 0x4000000000000000ULL
#define ACCOUNT_STORAGE_OVERHEAD 128

void rr_clock(SolClock *clock) {
    sol_get_clock_sysvar(clock);
}

/* floor(base * threshold) for an f64 threshold given by its bits, integers only. */
static uint64_t mul_by_f64(uint64_t base, uint64_t bits, uint64_t *out) {
    if (bits == F64_TWO_BITS) return rr_add_u64(base, base, out);
    if (bits == F64_ONE_BITS) {
        *out = base;
        return 0;
    }
    /* General case: threshold = m * 2^(e - 1075), m of 53 bits; positive normal values only. */
    uint64_t exponent = (bits >> 52) & 0x7ff;
    if ((bits >> 63) || exponent == 0 || exponent == 0x7ff) return RR_ERR_MATH_OVERFLOW;
    uint64_t mantissa = (bits & 0xfffffffffffffULL) | (1ULL << 52);
    /* 64x53-bit product in 32-bit limbs: (hi, lo) 128 bits. */
    uint64_t b_lo = base & 0xffffffff, b_hi = base >> 32, m_lo = mantissa & 0xffffffff, m_hi = mantissa >> 32;
    uint64_t ll = b_lo * m_lo, lh = b_lo * m_hi, hl = b_hi * m_lo, hh = b_hi * m_hi;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffff) + (hl & 0xffffffff);
    uint64_t lo = (ll & 0xffffffff) | (mid << 32);
    uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    if (exponent >= 1075) {
        uint64_t shift = exponent - 1075;
        if (shift >= 64 || hi != 0 || (shift > 0 && (lo >> (64 - shift)) != 0)) return RR_ERR_MATH_OVERFLOW;
        *out = lo << shift;
        return 0;
    }
    uint64_t shift = 1075 - exponent;
    if (shift >= 128) {
        *out = 0;
        return 0;
    }
    if (shift >= 64) {
        *out = hi >> (shift - 64);
        return 0;
    }
    if ((hi >> shift) != 0) return RR_ERR_MATH_OVERFLOW;
    *out = shift == 0 ? lo : (lo >> shift) | (hi << (64 - shift));
    return 0;
}

uint64_t rr_rent_minimum_balance(uint64_t data_len, uint64_t *lamports) {
    SolRent rent;
    sol_get_rent_sysvar(&rent);
    uint64_t bytes, base;
    uint64_t err = rr_add_u64(data_len, ACCOUNT_STORAGE_OVERHEAD, &bytes);
    if (err) return err;
    if (bytes >> 32) return RR_ERR_MATH_OVERFLOW;
    err = rr_mul_u64_u32(rent.lamports_per_byte_year, (uint32_t)bytes, &base);
    if (err) return err;
    return mul_by_f64(base, rent.exemption_threshold_bits, lamports);
}
