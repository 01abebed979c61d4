// The packed float GEMM family (f32_igemm): FULLY_CONNECTED, 1x1 CONV_2D and,
// through pointers to each output pixel's taps (an indirect GEMM, no im2col
// copy), every other ungrouped CONV_2D. Weights are packed once at prepare
// into panels of NR output channels; each SIMD row is an MR x NR register tile
// of fused multiply-adds over broadcast inputs (kernels/f32_igemm_tile.h), the
// fused activation's clamp in the epilogue.
//
// Sums start from the bias and run tap by tap, depth by depth with FMA, so
// they match the reference (TFLite's order: from zero, bias last) within
// float rounding, not bit for bit; tests/kernels/f32_igemm_test.cpp bounds
// the difference.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/isa.h"

namespace lowbit {

// c[m][j] = clamp(bias[j] + sum over taps t < `taps` and depths d < kc of
//               a[m * taps + t][d] * W[j][t * kc + d], out_min, out_max)
// for rows m < mr (at most the row's MR) and channels j < nc. `a` holds
// mr * taps row pointers (taps of one row adjacent; a tap in the padding
// points at kc zeros); `packed` is the first panel of these channels
// (f32_igemm_pack). Rows of c are c_stride floats apart; nothing past a row's
// nc outputs is written.
using F32IgemmFn = void (*)(size_t mr, size_t nc, size_t taps, size_t kc, const float* const* a,
                            const float* packed, float* c, size_t c_stride, float out_min,
                            float out_max);

struct F32IgemmTile {
  F32IgemmFn fn = nullptr;
  uint32_t mr = 0;  // rows per call, at most
  uint32_t nr = 0;  // channels per packed panel
};

struct F32IgemmKernel {
  F32IgemmTile wide;
  // Optional (fn null): a tile of narrower panels for layers of at most its
  // nr channels, such as an 8-channel stem, which the wide one would mostly
  // spend on zero weights.
  F32IgemmTile narrow;
  // The portable row: CONV_2D and FULLY_CONNECTED then run their direct
  // reference kernels (TFLite's summation order) instead.
  bool portable = false;
  // The tile for a layer of n channels.
  const F32IgemmTile& tile_for(size_t n) const {
    return narrow.fn != nullptr && n <= narrow.nr ? narrow : wide;
  }
};

// Floats of the packed weights of n channels of depth k in panels of nr:
// per panel, nr biases then k groups of nr weights (zeros past n).
inline size_t f32_igemm_packed_floats(size_t nr, size_t n, size_t k) {
  return (n + nr - 1) / nr * nr * (k + 1);
}
// Packs weights [n][k] (OHWI: k = taps * kc in tap order) and bias (null:
// zeros).
void f32_igemm_pack(size_t nr, size_t n, size_t k, const float* weights, const float* bias,
                    float* packed);

// Every variant this build has, best first; the last is portable
// (kernels/configs/f32_igemm_config.cpp).
KernelFamily<F32IgemmKernel> f32_igemm_variants();

void f32_igemm_4x8__reference(size_t mr, size_t nc, size_t taps, size_t kc,
                              const float* const* a, const float* packed, float* c,
                              size_t c_stride, float out_min, float out_max);
// x86-64: AVX2 + FMA, 6 rows x 16 channels, narrow 6 x 8
// (kernels/x86/f32_igemm_avx2.cpp).
void f32_igemm_6x16__avx2(size_t mr, size_t nc, size_t taps, size_t kc, const float* const* a,
                          const float* packed, float* c, size_t c_stride, float out_min,
                          float out_max);
void f32_igemm_6x8__avx2(size_t mr, size_t nc, size_t taps, size_t kc, const float* const* a,
                         const float* packed, float* c, size_t c_stride, float out_min,
                         float out_max);
// x86-64: AVX-512F, 7 rows x 32 channels, narrow: AVX2's 6 x 8
// (kernels/x86/f32_igemm_avx512.cpp).
void f32_igemm_7x32__avx512(size_t mr, size_t nc, size_t taps, size_t kc,
                            const float* const* a, const float* packed, float* c,
                            size_t c_stride, float out_min, float out_max);
// aarch64 NEON (FMLA), 6 rows x 8 channels (kernels/arm/f32_igemm_neon.cpp).
void f32_igemm_6x8__neon(size_t mr, size_t nc, size_t taps, size_t kc, const float* const* a,
                         const float* packed, float* c, size_t c_stride, float out_min,
                         float out_max);
// armv7 NEON (VMLA: multiply, round, add; -mfpu=neon has no vector FMA),
// 4 rows x 8 channels (kernels/arm/f32_igemm_armv7neon.cpp).
void f32_igemm_4x8__armv7neon(size_t mr, size_t nc, size_t taps, size_t kc,
                              const float* const* a, const float* packed, float* c,
                              size_t c_stride, float out_min, float out_max);

}  // namespace lowbit
