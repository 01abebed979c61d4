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
  for_each_pool_window(p, input, output, [&](const F32PoolWindow& w) {
    for (int32_t c = 0; c < p.channels; ++c) {
      float acc = init;
      for (int64_t y = w.y0; y < w.y1; ++y) {
        const float* in_row = w.image + y * w.row + c;
        for (int64_t x = w.x0; x < w.x1; ++x) acc = tap(acc, in_row[x * p.channels]);
      }
      w.out[c] = std::min(std::max(finish(acc, w.taps), p.out_min), p.out_max);
    }
  });
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
