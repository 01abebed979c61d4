// f32_dwconv2d (kernels/reference/f32_conv.h) in AVX2 for depth multiplier 1:
// eight channels at a time, taps in the reference's order with a separate
// multiply and add (no FMA), then bias and clamp, so every value has the
// reference's bits. Other multipliers run the reference.
#include <immintrin.h>

#include <algorithm>

#include "kernels/f32_float.h"

namespace lowbit {
namespace {

// One output pixel's channels [c, c + 8) or, with Vector = false, channel c.
struct PixelTaps {
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

}  // namespace

void f32_dwconv2d__avx2(const ref::F32ConvParams& p, const float* input, const float* weights,
                        const float* bias, float* output) {
  if (p.group_out != 1) {
    ref::f32_dwconv2d__reference(p, input, weights, bias, output);
    return;
  }
  const int32_t channels = p.in_channels;
  const __m256 lo = _mm256_set1_ps(p.out_min), hi = _mm256_set1_ps(p.out_max);
  for (int32_t b = 0; b < p.batch; ++b) {
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        float* out = output + ((int64_t(b) * p.out_h + oy) * p.out_w + ox) * channels;
        const PixelTaps taps{p, input, b, oy, ox};
        int32_t c = 0;
        for (; c + 8 <= channels; c += 8) {
          __m256 sum = _mm256_setzero_ps();
          taps.for_each_tap([&](const float* pixel, int64_t tap) {
            const __m256 product = _mm256_mul_ps(_mm256_loadu_ps(pixel + c),
                                                 _mm256_loadu_ps(weights + tap * channels + c));
            sum = _mm256_add_ps(sum, product);
          });
          if (bias != nullptr) sum = _mm256_add_ps(sum, _mm256_loadu_ps(bias + c));
          // max(lo, x) and min(hi, x) return x when it is NaN, as std::max/min(x, ...) do.
          _mm256_storeu_ps(out + c, _mm256_min_ps(hi, _mm256_max_ps(lo, sum)));
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
