// The loop the SIMD rows of f32_dwconv2d share (kernels/f32_float.h): the
// taps of each output pixel in the reference's order (rows, then columns,
// skipping those in the padding), Vec::kLanes channels at a time with a
// separate multiply and add, then bias and clamp, so every value has the
// reference's bits. Included only by ISA files, so each instantiates it with
// its own flags.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/reference/f32_conv.h"

namespace lowbit {

struct F32PixelTaps {
  const ref::F32ConvParams& p;
  const float* input;
  int32_t b, oy, ox;

  // Calls add(input pixel channel pointer, tap index) for each tap in the image.
  template <typename Add>
  void for_each_tap(Add add) const {
    for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
      const int64_t iy = int64_t(oy) * p.stride_h - p.pad_top + int64_t(ky) * p.dilation_h;
      if (iy < 0 || iy >= p.in_h) continue;
      for (int32_t kx = 0; kx < p.kernel_w; ++kx) {
        const int64_t ix = int64_t(ox) * p.stride_w - p.pad_left + int64_t(kx) * p.dilation_w;
        if (ix < 0 || ix >= p.in_w) continue;
        add(input + ((int64_t(b) * p.in_h + iy) * p.in_w + ix) * p.in_channels,
            int64_t(ky) * p.kernel_w + kx);
      }
    }
  }
};

// Depth multiplier 1 (others: the reference). Vec supplies kLanes, and
// zero(), load(const float*), add(x, y), mul(x, y) and store_clamped(float*,
// x, lo, hi) (NaN kept, as std::min(std::max(x, lo), hi) keeps it).
template <typename Vec>
void f32_dwconv2d_in_lanes(const ref::F32ConvParams& p, const float* input, const float* weights,
                           const float* bias, float* output) {
  if (p.group_out != 1) {
    ref::f32_dwconv2d__reference(p, input, weights, bias, output);
    return;
  }
  const int32_t channels = p.in_channels;
  for (int32_t b = 0; b < p.batch; ++b) {
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        float* out = output + ((int64_t(b) * p.out_h + oy) * p.out_w + ox) * channels;
        const F32PixelTaps taps{p, input, b, oy, ox};
        int32_t c = 0;
        for (; c + Vec::kLanes <= channels; c += Vec::kLanes) {
          auto sum = Vec::zero();
          taps.for_each_tap([&](const float* pixel, int64_t tap) {
            const auto product =
                Vec::mul(Vec::load(pixel + c), Vec::load(weights + tap * channels + c));
            sum = Vec::add(sum, product);
          });
          if (bias != nullptr) sum = Vec::add(sum, Vec::load(bias + c));
          Vec::store_clamped(out + c, sum, p.out_min, p.out_max);
        }
        for (; c < channels; ++c) {
          float sum = 0.0f;
          taps.for_each_tap([&](const float* pixel, int64_t tap) {
            sum += pixel[c] * weights[tap * channels + c];
          });
          if (bias != nullptr) sum += bias[c];
          out[c] = std::min(std::max(sum, p.out_min), p.out_max);
        }
      }
    }
  }
}

}  // namespace lowbit
