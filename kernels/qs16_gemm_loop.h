// The loop of the SIMD 16x8 GEMMs (kernels/qs16_gemm.h), over a Steps type
// giving the vector width (kStep int16 values), the multiply-add of kStep
// activations and weights into int32 lanes, and the int64 sum of the lanes.
// Four channels share each activation load; the k remainder below kStep is
// summed in scalar int64.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/qs16_gemm.h"

namespace lowbit {

template <typename Steps, size_t kChannels>
inline void qs16_dot_channels(const int16_t* a, const int8_t* w, size_t k, int64_t* out) {
  using Vec = typename Steps::Vec;
  const size_t vector_k = k / Steps::kStep * Steps::kStep;
  int64_t total[kChannels] = {};
  for (size_t block = 0; block < vector_k; block += kQs16Int32Block) {
    const size_t end = std::min(vector_k, block + kQs16Int32Block);
    Vec lanes[kChannels];
    for (size_t j = 0; j < kChannels; ++j) lanes[j] = Steps::zero();
    for (size_t i = block; i < end; i += Steps::kStep) {
      for (size_t j = 0; j < kChannels; ++j) lanes[j] = Steps::madd(lanes[j], a + i, w + j * k + i);
    }
    for (size_t j = 0; j < kChannels; ++j) total[j] += Steps::sum(lanes[j]);
  }
  for (size_t i = vector_k; i < k; ++i) {
    for (size_t j = 0; j < kChannels; ++j) total[j] += int64_t{a[i]} * w[j * k + i];
  }
  for (size_t j = 0; j < kChannels; ++j) out[j] = total[j];
}

template <typename Steps>
void qs16_gemm_simd(size_t mr, size_t nc, size_t k, const int16_t* const* a_rows,
                   const int8_t* weights, int64_t* acc) {
  for (size_t m = 0; m < mr; ++m) {
    int64_t* out = acc + m * nc;
    size_t n = 0;
    for (; n + 4 <= nc; n += 4) qs16_dot_channels<Steps, 4>(a_rows[m], weights + n * k, k, out + n);
    for (; n < nc; ++n) qs16_dot_channels<Steps, 1>(a_rows[m], weights + n * k, k, out + n);
  }
}

}  // namespace lowbit
