// W4A8 GEMM, 4 rows x 8 channels, with the 256-bit VEX VPDPBUSD of AVX-VNNI
// (kernels/x86/qs8w4_gemm_avx2_tile.h): the unsigned nibbles are VPDPBUSD's
// unsigned operand, each nibble group in its own accumulator. A single row
// runs the AVX2 multiply: with only its two VPDPBUSD chains it waits on the
// instruction's latency, and on weights in cache it ran at 0.69-1.05x the
// int8 row where the AVX2 loop ran at 0.83-1.35x (same run, bench_kernels
// fc_int4_vs_int8).
#include "kernels/x86/qs8w4_gemm_avx2_tile.h"

namespace lowbit {
namespace {

// acc += VPDPBUSD(u, s) in place: through the intrinsic GCC 12 copies every
// accumulator to a new register and back each iteration.
inline __attribute__((always_inline)) void dpbusd(__m256i& acc, __m256i u, __m256i s) {
  __asm__("%{vex%} vpdpbusd %2, %1, %0" : "+x"(acc) : "x"(u), "x"(s));
}

struct VnniDot {
  static __attribute__((always_inline)) inline void step(__m256i (&acc)[2], __m256i low,
                                                         __m256i high, __m256i a_low,
                                                         __m256i a_high) {
    dpbusd(acc[0], low, a_low);
    dpbusd(acc[1], high, a_high);
  }
};

}  // namespace

void qs8w4_gemm_4x8c4__avxvnni(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                               const void* packed_w, int8_t* c, size_t c_stride,
                               const Qs8GemmParams& params) {
  w4avx2::gemm<VnniDot, w4avx2::MaddubsDot>(mr, nc, k, a_rows, packed_w, c, c_stride, params);
}

}  // namespace lowbit
