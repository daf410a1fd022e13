/* Checked arithmetic without __int128 or the overflow intrinsics (no __multi3 on BPF). */
#include "rr.h"

uint64_t rr_add_u64(uint64_t a, uint64_t b, uint64_t *out) {
    uint64_t r = a + b;
    if (r < a) return RR_ERR_MATH_OVERFLOW;
    *out = r;
    return 0;
}

uint64_t rr_add_u32(uint32_t a, uint32_t b, uint32_t *out) {
    uint64_t r = (uint64_t)a + (uint64_t)b;
    if (r >> 32) return RR_ERR_MATH_OVERFLOW;
    *out = (uint32_t)r;
    return 0;
}

/* a * b with 32-bit limbs: a = hi * 2^32 + lo; both partial products fit in 64 bits. */
uint64_t rr_mul_u64_u32(uint64_t a, uint32_t b, uint64_t *out) {
    uint64_t lo = (a & 0xffffffff) * (uint64_t)b;
    uint64_t hi = (a >> 32) * (uint64_t)b;
    __asm__ volatile("" : "+r"(hi)); /* keep LLVM from fusing this into mul.with.overflow */
    if (hi >> 32) return RR_ERR_MATH_OVERFLOW;
    uint64_t r = lo + (hi << 32);
    if (r < lo) return RR_ERR_MATH_OVERFLOW;
    *out = r;
    return 0;
}

/* floor(amount * fee_bps / 10000), exact for fee_bps <= 10000 without a 128-bit product:
 * amount = q * 10000 + r  =>  amount * bps / 10000 = q * bps + r * bps / 10000. */
uint64_t rr_fee(uint64_t amount, uint16_t fee_bps) {
    uint64_t q = amount / RR_FEE_BPS_DENOMINATOR;
    uint64_t r = amount % RR_FEE_BPS_DENOMINATOR;
    return q * fee_bps + (r * fee_bps) / RR_FEE_BPS_DENOMINATOR;
}
