// The portable row of f32_igemm and the weight packing every row reads
// (kernels/f32_igemm.h).
#include <algorithm>

#include "kernels/f32_igemm.h"

namespace lowbit {

void f32_igemm_pack(size_t nr, size_t n, size_t k, const float* weights, const float* bias,
                    float* packed) {
  for (size_t first = 0; first < n; first += nr) {
    const size_t count = std::min(nr, n - first);
    for (size_t j = 0; j < nr; ++j) {
      packed[j] = j < count && bias != nullptr ? bias[first + j] : 0.0f;
    }
    packed += nr;
    for (size_t d = 0; d < k; ++d) {
      for (size_t j = 0; j < nr; ++j) packed[j] = j < count ? weights[(first + j) * k + d] : 0.0f;
      packed += nr;
    }
  }
}

// The tile's order in scalars, for the tester and builds without SIMD rows
// (whose operators run the direct reference kernels instead).
void f32_igemm_4x8__reference(size_t mr, size_t nc, size_t taps, size_t kc,
                              const float* const* a, const float* packed, float* c,
                              size_t c_stride, float out_min, float out_max) {
  constexpr size_t kNr = 8;
  for (size_t first = 0; first < nc; first += kNr) {
    const size_t count = std::min(kNr, nc - first);
    for (size_t m = 0; m < mr; ++m) {
      const float* w = packed;
      float acc[kNr];
      std::copy(w, w + kNr, acc);
      w += kNr;
      for (size_t t = 0; t < taps; ++t) {
        const float* x = a[m * taps + t];
        for (size_t d = 0; d < kc; ++d, w += kNr) {
          for (size_t j = 0; j < kNr; ++j) acc[j] += x[d] * w[j];
        }
      }
      for (size_t j = 0; j < count; ++j) {
        c[m * c_stride + first + j] = std::min(std::max(acc[j], out_min), out_max);
      }
    }
    packed += kNr * (taps * kc + 1);
  }
}

}  // namespace lowbit
