// float32 AVERAGE_POOL_2D, MAX_POOL_2D and MEAN over the spatial axes as
// TFLite's float reference kernels compute them: an average divides by the
// taps inside the image, padding contributes nothing to a maximum, then the
// fused activation's clamp.
#pragma once

#include <algorithm>
#include <cstdint>

namespace lowbit {
namespace ref {

struct F32PoolParams {
  int32_t batch = 0, in_h = 0, in_w = 0, channels = 0;
  int32_t out_h = 0, out_w = 0;
  int32_t filter_h = 1, filter_w = 1, stride_h = 1, stride_w = 1;
  int32_t pad_top = 0, pad_left = 0;
  float out_min = 0.0f, out_max = 0.0f;
};

using F32PoolSignature = void(const F32PoolParams& p, const float* input, float* output);
using F32PoolFn = F32PoolSignature*;

F32PoolSignature f32_avgpool2d__reference, f32_maxpool2d__reference;

// One output pixel's window: the taps inside the image are rows [y0, y1) and
// columns [x0, x1) of `image` (row stride `row` floats, channels innermost).
struct F32PoolWindow {
  const float* image;
  int64_t row, y0, y1, x0, x1, taps;
  float* out;  // the pixel's channels
};

// Calls fn(window) for every output pixel, batch by batch, row by row (the
// walk every float pool row shares: the reference and the SIMD loops).
template <typename Fn>
void for_each_pool_window(const F32PoolParams& p, const float* input, float* output, Fn fn) {
  const int64_t row = int64_t(p.in_w) * p.channels;
  for (int32_t b = 0; b < p.batch; ++b) {
    const float* image = input + int64_t(b) * p.in_h * row;
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      // int64: strides and windows of any int32 value stay defined.
      const int64_t top = int64_t(oy) * p.stride_h - p.pad_top;
      const int64_t y0 = std::max<int64_t>(0, top);
      const int64_t y1 = std::min<int64_t>(p.in_h, top + p.filter_h);
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        const int64_t left = int64_t(ox) * p.stride_w - p.pad_left;
        const int64_t x0 = std::max<int64_t>(0, left);
        const int64_t x1 = std::min<int64_t>(p.in_w, left + p.filter_w);
        const int64_t taps = std::max<int64_t>(0, y1 - y0) * std::max<int64_t>(0, x1 - x0);
        fn(F32PoolWindow{image, row, y0, y1, x0, x1, taps,
                         output + ((int64_t(b) * p.out_h + oy) * p.out_w + ox) * p.channels});
      }
    }
  }
}

// MEAN of [batch][pixels][channels] over the pixels (pixels > 0).
struct F32MeanParams {
  int32_t batch = 0, channels = 0;
  int64_t pixels = 0;
};

using F32MeanSignature = void(const F32MeanParams& p, const float* input, float* output);
using F32MeanFn = F32MeanSignature*;

F32MeanSignature f32_mean__reference;

}  // namespace ref
}  // namespace lowbit
