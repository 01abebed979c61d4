// The loop the SIMD rows of f32_gemm share (kernels/f32_float.h): per row of
// a, blocks of four weight rows then single ones, each through the ISA's
// Dot::rows<R>(row, w, k, sums) (R dot products of the row with consecutive
// weight rows), then bias and clamp. Included only by ISA files, so each
// instantiates it with its own flags.
#pragma once

#include <algorithm>

#include "kernels/reference/f32_conv.h"

namespace lowbit {

template <typename Dot>
void f32_gemm_in_blocks(const ref::F32GemmParams& p, const float* a, const float* w,
                        const float* bias, float* c) {
  for (size_t i = 0; i < p.m; ++i) {
    const float* row = a + i * p.a_stride;
    float* out = c + i * p.c_stride;
    size_t j = 0;
    float sums[4];
    auto store = [&](size_t count) {
      for (size_t r = 0; r < count; ++r) {
        const float value = sums[r] + (bias != nullptr ? bias[j + r] : 0.0f);
        out[j + r] = std::min(std::max(value, p.out_min), p.out_max);
      }
    };
    for (; j + 4 <= p.n; j += 4) {
      Dot::template rows<4>(row, w + j * p.k, p.k, sums);
      store(4);
    }
    for (; j < p.n; ++j) {
      Dot::template rows<1>(row, w + j * p.k, p.k, sums);
      store(1);
    }
  }
}

}  // namespace lowbit
