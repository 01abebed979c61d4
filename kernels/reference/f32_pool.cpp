#include "kernels/reference/f32_pool.h"

#include <algorithm>
#include <limits>

namespace lowbit {
namespace ref {
namespace {

// Per output value, folds tap(acc, value) from `init` over the window's taps
// inside the image, then stores finish(acc, taps) clamped.
template <typename Tap, typename Finish>
void pool(const F32PoolParams& p, const float* input, float* output, float init, Tap tap,
          Finish finish) {
  for (int32_t b = 0; b < p.batch; ++b) {
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      // int64: strides and windows of any int32 value stay defined.
      const int64_t top = int64_t(oy) * p.stride_h - p.pad_top;
      const int64_t y0 = std::max<int64_t>(0, top);
      const int64_t y1 = std::min<int64_t>(p.in_h, top + p.filter_h);
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        const int64_t left = int64_t(ox) * p.stride_w - p.pad_left;
        const int64_t x0 = std::max<int64_t>(0, left);
        const int64_t x1 = std::min<int64_t>(p.in_w, left + p.filter_w);
        float* out = output + ((int64_t(b) * p.out_h + oy) * p.out_w + ox) * p.channels;
        const int64_t taps = std::max<int64_t>(0, y1 - y0) * std::max<int64_t>(0, x1 - x0);
        for (int32_t c = 0; c < p.channels; ++c) {
          float acc = init;
          for (int64_t y = y0; y < y1; ++y) {
            for (int64_t x = x0; x < x1; ++x) {
              acc = tap(acc, input[((int64_t(b) * p.in_h + y) * p.in_w + x) * p.channels + c]);
            }
          }
          out[c] = std::min(std::max(finish(acc, taps), p.out_min), p.out_max);
        }
      }
    }
  }
}

}  // namespace

void f32_avgpool2d__reference(const F32PoolParams& p, const float* input, float* output) {
  pool(
      p, input, output, 0.0f, [](float acc, float v) { return acc + v; },
      [](float sum, int64_t taps) { return taps > 0 ? sum / float(taps) : 0.0f; });
}

void f32_maxpool2d__reference(const F32PoolParams& p, const float* input, float* output) {
  pool(
      p, input, output, std::numeric_limits<float>::lowest(),
      [](float acc, float v) { return std::max(acc, v); }, [](float max, int64_t) { return max; });
}

void f32_mean__reference(const F32MeanParams& p, const float* input, float* output) {
  for (int32_t b = 0; b < p.batch; ++b) {
    const float* in = input + int64_t(b) * p.pixels * p.channels;
    for (int32_t c = 0; c < p.channels; ++c) {
      float sum = 0.0f;
      for (int64_t i = 0; i < p.pixels; ++i) sum += in[i * p.channels + c];
      output[int64_t(b) * p.channels + c] = sum / float(p.pixels);
    }
  }
}

}  // namespace ref
}  // namespace lowbit
