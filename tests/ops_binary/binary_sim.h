// Test-side model of binary tensors: ±1 values held as int8, packed and
// unpacked here independently of kernels/reference, and a direct convolution
// over those values (zero for zero-padded taps) to compare the kernels with.
#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <vector>

#include "kernels/reference/bin_conv2d.h"

namespace lowbit {
namespace testing {

// Draws one of a few listed values with `rng` (a value listed twice comes
// twice as often): how the random sweeps pick shapes.
class ValuePicker {
 public:
  explicit ValuePicker(std::mt19937& rng) : rng_(rng) {}
  int operator()(std::initializer_list<int> values) const {
    std::uniform_int_distribution<size_t> index(0, values.size() - 1);
    return values.begin()[index(rng_)];
  }

 private:
  std::mt19937& rng_;
};

// Logical ±1 values (+1 or -1) in row-major order.
using Signs = std::vector<int8_t>;

inline Signs random_signs(std::mt19937& rng, size_t n) {
  std::bernoulli_distribution negative(0.5);
  Signs s(n);
  for (auto& v : s) v = negative(rng) ? -1 : 1;
  return s;
}

// Packs rows of `channels` signs: bit 1 = -1, pad bits 0.
inline std::vector<uint32_t> pack_signs(const Signs& s, size_t channels) {
  const size_t rows = s.size() / channels, words = (channels + 31) / 32;
  std::vector<uint32_t> out(rows * words, 0u);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < channels; ++c) {
      if (s[r * channels + c] < 0) out[r * words + c / 32] |= uint32_t(1) << (c % 32);
    }
  }
  return out;
}

inline Signs unpack_signs(const std::vector<uint32_t>& words_in, size_t rows, size_t channels) {
  const size_t words = (channels + 31) / 32;
  Signs s(rows * channels);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < channels; ++c) {
      s[r * channels + c] = (words_in[r * words + c / 32] >> (c % 32)) & 1u ? -1 : 1;
    }
  }
  return s;
}

// Pad bits of a packed tensor (rows of `channels`) that are not zero.
inline int count_nonzero_pad_bits(const std::vector<uint32_t>& packed, size_t channels) {
  const size_t words = (channels + 31) / 32;
  if (channels % 32 == 0) return 0;
  int n = 0;
  const uint32_t pad_mask = ~((uint32_t(1) << (channels % 32)) - 1u);
  for (size_t r = 0; r < packed.size() / words; ++r) {
    n += __builtin_popcount(packed[r * words + words - 1] & pad_mask);
  }
  return n;
}

struct ConvSpec {
  int n = 1, h = 1, w = 1, cin = 1;
  int cout = 1, kh = 1, kw = 1, groups = 1;
  int stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  bool same = false;
  int pad_values = 1;
  int out_h() const { return same ? (h + stride_h - 1) / stride_h : (h - ((kh - 1) * dilation_h + 1)) / stride_h + 1; }
  int out_w() const { return same ? (w + stride_w - 1) / stride_w : (w - ((kw - 1) * dilation_w + 1)) / stride_w + 1; }
  int pad_top() const {
    if (!same) return 0;
    const int total = (out_h() - 1) * stride_h + (kh - 1) * dilation_h + 1 - h;
    return total > 0 ? total / 2 : 0;
  }
  int pad_left() const {
    if (!same) return 0;
    const int total = (out_w() - 1) * stride_w + (kw - 1) * dilation_w + 1 - w;
    return total > 0 ? total / 2 : 0;
  }
  int group_channels() const { return cin / groups; }
  // Whether the dilated kernel fits the image, as VALID padding needs.
  bool fits_valid() const {
    return (kh - 1) * dilation_h + 1 <= h && (kw - 1) * dilation_w + 1 <= w;
  }
  int k() const { return kh * kw * group_channels(); }
};

// A random window for `c`: kernel 1 or 3 rows by 1 to 3 columns, strides and
// dilations 1 or 2.
inline void pick_window(const ValuePicker& pick, ConvSpec& c) {
  c.kh = pick({1, 3});
  c.kw = pick({1, 2, 3});
  c.stride_h = pick({1, 2});
  c.stride_w = pick({1, 2});
  c.dilation_h = pick({1, 2});
  c.dilation_w = pick({1, 2});
}

// The reference kernel's parameters for `c` (input packed to 32-bit words).
inline ref::BinConv2DParams bin_conv2d_params(const ConvSpec& c) {
  ref::BinConv2DParams p;
  p.batch = c.n;
  p.input_h = c.h;
  p.input_w = c.w;
  p.input_words = (c.cin + 31) / 32;
  p.output_h = c.out_h();
  p.output_w = c.out_w();
  p.out_channels = c.cout;
  p.kernel_h = c.kh;
  p.kernel_w = c.kw;
  p.stride_h = c.stride_h;
  p.stride_w = c.stride_w;
  p.dilation_h = c.dilation_h;
  p.dilation_w = c.dilation_w;
  p.pad_top = c.pad_top();
  p.pad_left = c.pad_left();
  p.groups = c.groups;
  p.group_channels = c.group_channels();
  p.zero_padding = c.same && c.pad_values == 0;
  return p;
}

// s = Σ x·w over the window (out-of-image taps: +1 with pad_values 1, 0 with
// pad_values 0), one value per [n][oy][ox][cout].
inline std::vector<int32_t> simulate_conv(const ConvSpec& c, const Signs& input,
                                          const Signs& filter) {
  const int oh = c.out_h(), ow = c.out_w(), gc = c.group_channels();
  const int per_group_out = c.cout / c.groups;
  std::vector<int32_t> out(size_t(c.n) * oh * ow * c.cout);
  for (int n = 0; n < c.n; ++n)
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox)
        for (int co = 0; co < c.cout; ++co) {
          const int g = co / per_group_out;
          int32_t s = 0;
          for (int ky = 0; ky < c.kh; ++ky)
            for (int kx = 0; kx < c.kw; ++kx) {
              const int iy = oy * c.stride_h - c.pad_top() + ky * c.dilation_h;
              const int ix = ox * c.stride_w - c.pad_left() + kx * c.dilation_w;
              const bool inside = iy >= 0 && iy < c.h && ix >= 0 && ix < c.w;
              for (int ci = 0; ci < gc; ++ci) {
                const int x = inside ? input[((size_t(n) * c.h + iy) * c.w + ix) * c.cin + g * gc + ci]
                                     : (c.pad_values == 1 ? 1 : 0);
                s += x * filter[((size_t(co) * c.kh + ky) * c.kw + kx) * gc + ci];
              }
            }
          out[((size_t(n) * oh + oy) * ow + ox) * c.cout + co] = s;
        }
  return out;
}

inline int32_t clamp_conv_value(int32_t s, int act_kind /*0 none,1 relu,2 relu6,3 n1to1*/) {
  switch (act_kind) {
    case 1: return s < 0 ? 0 : s;
    case 2: return s < 0 ? 0 : (s > 6 ? 6 : s);
    case 3: return s < -1 ? -1 : (s > 1 ? 1 : s);
  }
  return s;
}

// A float the compiler cannot fuse into a multiply-add (GCC contracts a*b + c
// wherever the target has FMA, aarch64 by default; LCE rounds twice).
inline float unfused(float x) {
  volatile float v = x;
  return v;
}

// LCE's output transform written from its documented definition (NUMERICS.md
// section 7 and LCE's OneTimeSetup): the clamped value s is back-transformed to
// the doubled accumulator K - s, multiplied by the float -mul/scale and added
// to the float (bias + K·mul)/scale + zero_point (both folded in double).
inline float lce_float_output(int32_t clamped_s, int k, float mul, float bias) {
  const float m = static_cast<float>(-double(mul));
  const float b = static_cast<float>(double(bias) + double(k) * double(mul));
  const float product = unfused(float(k - clamped_s) * m);
  return product + b;
}

inline int8_t lce_int8_output(int32_t clamped_s, int k, float mul, float bias, float scale,
                              int zero_point) {
  const float m = static_cast<float>(-double(mul) / double(scale));
  const float b = static_cast<float>((double(bias) + double(k) * double(mul)) / double(scale) +
                                     double(zero_point));
  const float product = unfused(float(k - clamped_s) * m);
  const float y = product + b;
  const float r = std::round(y);  // ties away from zero (TfLiteRound)
  return static_cast<int8_t>(r < -128.0f ? -128 : (r > 127.0f ? 127 : r));
}

}  // namespace testing
}  // namespace lowbit
