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
// x, lo, hi) (NaN kept, as std::min(std::max(x, lo), hi) keeps it); with
// kPartial also load_partial(p, n) and store_clamped_partial(out, x, lo, hi,
// n) for the last n < kLanes channels (else those run in scalars).
//
// Per output pixel the taps inside the image are listed once (input and
// weight pointers, in the reference's order), then every block of channels
// runs down that list: four vectors at a time, then one, then the rest.
template <typename Vec>
void f32_dwconv2d_in_lanes(const ref::F32ConvParams& p, const float* input, const float* weights,
                           const float* bias, float* output) {
  constexpr int32_t kMaxTaps = 64;
  if (p.group_out != 1 || int64_t(p.kernel_h) * p.kernel_w > kMaxTaps) {
    ref::f32_dwconv2d__reference(p, input, weights, bias, output);
    return;
  }
  constexpr int32_t L = Vec::kLanes;
  const int32_t channels = p.in_channels;
  const float* in_tap[kMaxTaps];
  const float* w_tap[kMaxTaps];
  // Pixels whose window lies inside the image take every tap at a fixed
  // offset from the window's corner; only border pixels test each tap.
  const int32_t all_taps = p.kernel_h * p.kernel_w;
  int64_t offset[kMaxTaps];
  for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
    for (int32_t kx = 0; kx < p.kernel_w; ++kx) {
      offset[ky * p.kernel_w + kx] =
          (int64_t(ky) * p.dilation_h * p.in_w + int64_t(kx) * p.dilation_w) * channels;
    }
  }
  const int64_t span_h = int64_t(p.kernel_h - 1) * p.dilation_h;
  const int64_t span_w = int64_t(p.kernel_w - 1) * p.dilation_w;
  for (int32_t b = 0; b < p.batch; ++b) {
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        float* out = output + ((int64_t(b) * p.out_h + oy) * p.out_w + ox) * channels;
        int32_t count = 0;
        const int64_t iy0 = int64_t(oy) * p.stride_h - p.pad_top;
        const int64_t ix0 = int64_t(ox) * p.stride_w - p.pad_left;
        if (iy0 >= 0 && iy0 + span_h < p.in_h && ix0 >= 0 && ix0 + span_w < p.in_w) {
          const float* corner = input + ((int64_t(b) * p.in_h + iy0) * p.in_w + ix0) * channels;
          for (; count < all_taps; ++count) {
            in_tap[count] = corner + offset[count];
            w_tap[count] = weights + int64_t(count) * channels;
          }
        } else {
          F32PixelTaps{p, input, b, oy, ox}.for_each_tap([&](const float* pixel, int64_t tap) {
            in_tap[count] = pixel;
            w_tap[count++] = weights + tap * channels;
          });
        }
        int32_t c = 0;
        for (; c + 4 * L <= channels; c += 4 * L) {
          auto s0 = Vec::zero(), s1 = Vec::zero(), s2 = Vec::zero(), s3 = Vec::zero();
          for (int32_t t = 0; t < count; ++t) {
            const float* x = in_tap[t] + c;
            const float* w = w_tap[t] + c;
            s0 = Vec::add(s0, Vec::mul(Vec::load(x), Vec::load(w)));
            s1 = Vec::add(s1, Vec::mul(Vec::load(x + L), Vec::load(w + L)));
            s2 = Vec::add(s2, Vec::mul(Vec::load(x + 2 * L), Vec::load(w + 2 * L)));
            s3 = Vec::add(s3, Vec::mul(Vec::load(x + 3 * L), Vec::load(w + 3 * L)));
          }
          if (bias != nullptr) {
            s0 = Vec::add(s0, Vec::load(bias + c));
            s1 = Vec::add(s1, Vec::load(bias + c + L));
            s2 = Vec::add(s2, Vec::load(bias + c + 2 * L));
            s3 = Vec::add(s3, Vec::load(bias + c + 3 * L));
          }
          Vec::store_clamped(out + c, s0, p.out_min, p.out_max);
          Vec::store_clamped(out + c + L, s1, p.out_min, p.out_max);
          Vec::store_clamped(out + c + 2 * L, s2, p.out_min, p.out_max);
          Vec::store_clamped(out + c + 3 * L, s3, p.out_min, p.out_max);
        }
        for (; c + L <= channels; c += L) {
          auto sum = Vec::zero();
          for (int32_t t = 0; t < count; ++t) {
            sum = Vec::add(sum, Vec::mul(Vec::load(in_tap[t] + c), Vec::load(w_tap[t] + c)));
          }
          if (bias != nullptr) sum = Vec::add(sum, Vec::load(bias + c));
          Vec::store_clamped(out + c, sum, p.out_min, p.out_max);
        }
        if (c == channels) continue;
        if constexpr (Vec::kPartial) {
          const int32_t n = channels - c;
          auto sum = Vec::zero();
          for (int32_t t = 0; t < count; ++t) {
            sum = Vec::add(sum, Vec::mul(Vec::load_partial(in_tap[t] + c, n),
                                         Vec::load_partial(w_tap[t] + c, n)));
          }
          if (bias != nullptr) sum = Vec::add(sum, Vec::load_partial(bias + c, n));
          Vec::store_clamped_partial(out + c, sum, p.out_min, p.out_max, n);
        } else {
          for (; c < channels; ++c) {
            float sum = 0.0f;
            for (int32_t t = 0; t < count; ++t) sum += in_tap[t][c] * w_tap[t][c];
            if (bias != nullptr) sum += bias[c];
            out[c] = std::min(std::max(sum, p.out_min), p.out_max);
          }
        }
      }
    }
  }
}

}  // namespace lowbit
