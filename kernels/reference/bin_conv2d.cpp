#include "kernels/reference/bin_conv2d.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/reference/bin_pack.h"

namespace lowbit {
namespace ref {
namespace {

inline int32_t popcount32(uint32_t x) { return __builtin_popcount(x); }

// GCC contracts a*b + c into a fused multiply-add wherever the target has one
// (aarch64 by default: the reference gave other floats on ARM than on x86).
// The reference rounds twice, so the product goes through a register the
// compiler must assume was changed.
inline float unfusable(float x) {
#if defined(__GNUC__) && (defined(__aarch64__) || defined(__arm__))
  asm("" : "+w"(x));
#elif defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  asm("" : "+x"(x));
#else
  volatile float v = x;
  x = v;
#endif
  return x;
}

// Doubled accumulator D (see the header) of one output pixel and channel.
int32_t doubled_accumulator(const BinConv2DParams& p, const uint32_t* input,
                            const uint32_t* filter, int32_t n, int32_t oy, int32_t ox,
                            int32_t c) {
  const int32_t words = bin_group_words(p);
  const uint32_t mask = bin_last_word_mask(p.group_channels);
  const int32_t channels_per_group_out = p.out_channels / p.groups;
  const int32_t group_word_offset = (c / channels_per_group_out) * words;
  const int32_t taps = p.kernel_h * p.kernel_w;
  const uint32_t* channel_filter = filter + size_t(c) * taps * words;
  int32_t d = 0;
  for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
    const int32_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
    for (int32_t kx = 0; kx < p.kernel_w; ++kx) {
      const int32_t ix = ox * p.stride_w - p.pad_left + kx * p.dilation_w;
      const int32_t tap = ky * p.kernel_w + kx;
      if (iy < 0 || iy >= p.input_h || ix < 0 || ix >= p.input_w) {
        d += p.zero_padding ? p.group_channels : 2 * p.tap_popcounts[size_t(c) * taps + tap];
        continue;
      }
      const uint32_t* x =
          input + ((size_t(n) * p.input_h + iy) * p.input_w + ix) * p.input_words +
          group_word_offset;
      const uint32_t* w = channel_filter + size_t(tap) * words;
      int32_t pc = 0;
      for (int32_t i = 0; i + 1 < words; ++i) pc += popcount32(x[i] ^ w[i]);
      pc += popcount32((x[words - 1] ^ w[words - 1]) & mask);
      d += 2 * pc;
    }
  }
  return d;
}

}  // namespace

float bin_transform_float(int32_t d, float folded_mul, float folded_bias, int32_t clamp_min,
                          int32_t clamp_max) {
  const int32_t clamped = std::min(std::max(d, clamp_min), clamp_max);
  // Two separate float operations (no fused multiply-add), as LCE's kernels.
  const float product = unfusable(static_cast<float>(clamped) * folded_mul);
  return product + folded_bias;
}

int8_t bin_transform_int8(int32_t d, float folded_mul, float folded_bias, int32_t clamp_min,
                          int32_t clamp_max) {
  const float y = bin_transform_float(d, folded_mul, folded_bias, clamp_min, clamp_max);
  // LCE: saturate(TfLiteRound(y)), i.e. round half away from zero, then clamp.
  // Clamping first to the integer bounds gives the same result and keeps the
  // conversion defined; NaN (not producible from finite folded values) -> -128.
  if (!(y > -128.0f)) return -128;
  if (y >= 127.0f) return 127;
  return static_cast<int8_t>(std::round(y));
}

void bin_conv2d(const BinConv2DParams& p, const uint32_t* input, const uint32_t* filter,
                void* output, size_t pixel_begin, size_t pixel_end) {
  const BinOutputTransform& t = p.transform;
  const int32_t out_words = (p.out_channels + 31) / 32;
  for (size_t pixel = pixel_begin; pixel < pixel_end; ++pixel) {
    const int32_t ox = static_cast<int32_t>(pixel % p.output_w);
    const int32_t oy = static_cast<int32_t>((pixel / p.output_w) % p.output_h);
    const int32_t n = static_cast<int32_t>(pixel / (size_t(p.output_w) * p.output_h));
    // The float and int8 modes: every channel through `transform`.
    auto transform_pixel = [&](auto* out, auto transform) {
      for (int32_t c = 0; c < p.out_channels; ++c) {
        const int32_t d = doubled_accumulator(p, input, filter, n, oy, ox, c);
        out[c] = transform(d, t.multiplier[c], t.bias[c], t.clamp_min, t.clamp_max);
      }
    };
    switch (t.mode) {
      case BinOutputMode::kFloat32:
        transform_pixel(static_cast<float*>(output) + pixel * p.out_channels, bin_transform_float);
        break;
      case BinOutputMode::kInt8:
        transform_pixel(static_cast<int8_t*>(output) + pixel * p.out_channels, bin_transform_int8);
        break;
      case BinOutputMode::kBit: {
        uint32_t* out = static_cast<uint32_t*>(output) + pixel * out_words;
        std::fill(out, out + out_words, 0u);
        for (int32_t c = 0; c < p.out_channels; ++c) {
          const int32_t d = doubled_accumulator(p, input, filter, n, oy, ox, c);
          if (int64_t(d) > 2 * int64_t(t.threshold[c])) out[c / 32] |= 1u << (c % 32);
        }
        break;
      }
    }
  }
}

void bin_tap_popcounts(const uint32_t* filter, int32_t out_channels, int32_t taps,
                       int32_t group_channels, int32_t* popcounts) {
  const int32_t words = (group_channels + 31) / 32;
  const uint32_t mask = bin_last_word_mask(group_channels);
  for (size_t i = 0; i < size_t(out_channels) * taps; ++i) {
    const uint32_t* w = filter + i * words;
    int32_t pc = 0;
    for (int32_t j = 0; j + 1 < words; ++j) pc += popcount32(w[j]);
    pc += popcount32(w[words - 1] & mask);
    popcounts[i] = pc;
  }
}

bool fold_bin_output_transform(const float* mul, const float* bias, int32_t channels, int32_t k,
                               double out_scale, double out_zero_point, int32_t act_min,
                               int32_t act_max, float* folded_mul, float* folded_bias,
                               int32_t* clamp_min, int32_t* clamp_max) {
  const double max_float = std::numeric_limits<float>::max();
  for (int32_t c = 0; c < channels; ++c) {
    const double m = -1.0 * double(mul[c]) / out_scale;
    const double b = (double(bias[c]) + double(k) * double(mul[c])) / out_scale + out_zero_point;
    if (!(std::fabs(m) <= max_float) || !(std::fabs(b) <= max_float)) return false;
    folded_mul[c] = static_cast<float>(m);
    folded_bias[c] = static_cast<float>(b);
    if (!std::isfinite(folded_mul[c]) || !std::isfinite(folded_bias[c])) return false;
  }
  const int32_t lo = std::max(act_min, -k);
  const int32_t hi = std::min(act_max, k);
  *clamp_min = k - hi;
  *clamp_max = k - lo;
  return true;
}

}  // namespace ref
}  // namespace lowbit
