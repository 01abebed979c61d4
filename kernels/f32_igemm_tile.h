// The register tile the SIMD rows of f32_igemm share (kernels/f32_igemm.h):
// MR rows x NV vectors of V::kLanes channels of accumulators, started from
// the panel's biases; per depth, NV weight vectors are loaded once and each
// row's input is broadcast into NV fused multiply-adds. Included only by ISA
// files, so each instantiates it with its own flags. V supplies the vector
// type T, kLanes, load, store, set1, fma(a, b, acc) = acc + a * b, and
// clamp(x, lo, hi) (NaN kept, as the reference's std::min(std::max()) keeps it).
#pragma once

#include <algorithm>
#include <cstddef>

namespace lowbit {

#define LOWBIT_UNROLL _Pragma("GCC unroll 16")

template <typename V, size_t MR, size_t NV>
void f32_igemm_tile(size_t mr, size_t nc, size_t taps, size_t kc, const float* const* a,
                    const float* w, float* c, size_t c_stride, float out_min, float out_max) {
  using T = typename V::T;
  constexpr size_t L = V::kLanes, NR = NV * L;
  // Rows past mr repeat the last one (computed, never stored): one code path.
  size_t row_of[MR];
  LOWBIT_UNROLL for (size_t m = 0; m < MR; ++m) row_of[m] = std::min(m, mr - 1) * taps;
  const T lo = V::set1(out_min), hi = V::set1(out_max);
  for (;;) {
    T acc[MR][NV];
    LOWBIT_UNROLL for (size_t j = 0; j < NV; ++j) acc[0][j] = V::load(w + j * L);
    LOWBIT_UNROLL for (size_t m = 1; m < MR; ++m) {
      LOWBIT_UNROLL for (size_t j = 0; j < NV; ++j) acc[m][j] = acc[0][j];
    }
    w += NR;
    for (size_t t = 0; t < taps; ++t) {
      const float* x[MR];
      LOWBIT_UNROLL for (size_t m = 0; m < MR; ++m) x[m] = a[row_of[m] + t];
      for (size_t d = 0; d < kc; ++d) {
        T wv[NV];
        LOWBIT_UNROLL for (size_t j = 0; j < NV; ++j) wv[j] = V::load(w + j * L);
        w += NR;
        LOWBIT_UNROLL for (size_t m = 0; m < MR; ++m) {
          const T xm = V::set1(x[m][d]);
          LOWBIT_UNROLL for (size_t j = 0; j < NV; ++j) acc[m][j] = V::fma(xm, wv[j], acc[m][j]);
        }
      }
    }
    if (nc >= NR) {
      LOWBIT_UNROLL for (size_t m = 0; m < MR; ++m) {
        if (m < mr) {
          LOWBIT_UNROLL for (size_t j = 0; j < NV; ++j) {
            V::store(c + m * c_stride + j * L, V::clamp(acc[m][j], lo, hi));
          }
        }
      }
    } else {
      // The last, partial panel: whole vectors, then the rest through a buffer.
      LOWBIT_UNROLL for (size_t m = 0; m < MR; ++m) {
        if (m >= mr) break;
        float* out = c + m * c_stride;
        LOWBIT_UNROLL for (size_t j = 0; j < NV; ++j) {
          const T v = V::clamp(acc[m][j], lo, hi);
          if ((j + 1) * L <= nc) {
            V::store(out + j * L, v);
          } else if (j * L < nc) {
            float buffer[L];
            V::store(buffer, v);
            std::copy(buffer, buffer + (nc - j * L), out + j * L);
          }
        }
      }
    }
    if (nc <= NR) return;
    nc -= NR;
    c += NR;
  }
}

// The tile of exactly mr rows (1 <= mr <= MR): a batch-1 FULLY_CONNECTED
// computes one row, not MR copies of it.
template <typename V, size_t MR, size_t NV>
void f32_igemm_rows(size_t mr, size_t nc, size_t taps, size_t kc, const float* const* a,
                    const float* w, float* c, size_t c_stride, float out_min, float out_max) {
  if constexpr (MR > 1) {
    if (mr < MR) {
      f32_igemm_rows<V, MR - 1, NV>(mr, nc, taps, kc, a, w, c, c_stride, out_min, out_max);
      return;
    }
  }
  f32_igemm_tile<V, MR, NV>(mr, nc, taps, kc, a, w, c, c_stride, out_min, out_max);
}

#undef LOWBIT_UNROLL

}  // namespace lowbit
