// An independent model of the int8 operators, written from ../shared/NUMERICS.md
// without using kernels/reference: straightforward loop nests with int64
// accumulators, and the requantization formulas restated with plain integer
// division instead of the kernels' shift-and-mask tricks.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "lowbit/interpreter.h"

namespace lowbit {
namespace sim {

// Rounds n / d (d > 0) half away from zero.
inline int64_t divide_round_half_away(int64_t n, int64_t d) {
  const int64_t magnitude = ((n < 0 ? -n : n) + d / 2) / d;
  return n < 0 ? -magnitude : magnitude;
}

// floor(n / d) for d > 0.
inline int64_t floor_divide(int64_t n, int64_t d) {
  const int64_t q = n / d;
  return (q * d > n) ? q - 1 : q;
}

struct Multiplier {
  int64_t m = 0;  // Q31 significand
  int e = 0;      // exponent
};

// NUMERICS section 3.
inline Multiplier quantize(double real, bool single_rounding) {
  Multiplier out;
  if (!(real > 0)) return out;
  int e = 0;
  const double q = std::frexp(real, &e);
  int64_t m = static_cast<int64_t>(std::round(q * 2147483648.0));
  if (m == 2147483648LL) {
    m = 1LL << 30;
    ++e;
  }
  if (e < -31) {
    m = 0;
    e = 0;
  }
  if (single_rounding && e > 30) {
    e = 30;
    m = 2147483647LL;
  }
  out.m = m;
  out.e = e;
  return out;
}

// NUMERICS section 4, double rounding: scale by 2^l, round(a*M / 2^31), then
// round(v / 2^r) half away from zero. The nudge-and-truncate of step 2 works
// out to round half UP (towards +inf: -0.5 -> 0, -1.5 -> -1), which is what
// gemmlowp and ARM's SQRDMULH do; only the final divide is half-away.
inline int64_t apply_double_rounding(int64_t x, Multiplier q) {
  const int l = std::max(q.e, 0);
  const int r = std::max(-q.e, 0);
  int64_t a = x * (int64_t{1} << l);
  a = std::min<int64_t>(std::max<int64_t>(a, INT32_MIN), INT32_MAX);
  const int64_t v = floor_divide(a * q.m + (int64_t{1} << 30), int64_t{1} << 31);
  if (r == 0) return v;
  if (r >= 62) return 0;
  return divide_round_half_away(v, int64_t{1} << r);
}

// Single rounding: floor((x*M + 2^(30-e)) / 2^(31-e)), i.e. round half up.
inline int64_t apply_single_rounding(int64_t x, Multiplier q) {
  const int shift = 31 - q.e;
  if (shift > 62) return 0;
  return floor_divide(x * q.m + (int64_t{1} << (shift - 1)), int64_t{1} << shift);
}

// tflite_optimized: the same high multiply as apply_double_rounding, then
// floor(v / 2^r + 1/2), i.e. halves round up (ARM SRSHL).
inline int64_t apply_double_rounding_half_up(int64_t x, Multiplier q) {
  const int r = std::max(-q.e, 0);
  const int64_t v = apply_double_rounding(x, Multiplier{q.m, std::max(q.e, 0)});
  if (r == 0) return v;
  if (r >= 62) return 0;
  return floor_divide(v + (int64_t{1} << (r - 1)), int64_t{1} << r);
}

inline int64_t apply_fp32(int64_t x, float scale) {
  return static_cast<int64_t>(std::rint(static_cast<float>(x) * scale));  // ties to even
}

// Everything needed to rescale one output channel under any profile.
struct ChannelScale {
  double real = 0;
  float fp32 = 0;
};

inline int64_t requantize(int64_t acc, const ChannelScale& s, RequantProfile profile) {
  switch (profile) {
    case RequantProfile::kTfliteReference:
      return apply_double_rounding(acc, quantize(s.real, false));
    case RequantProfile::kSingleRounding:
      return apply_single_rounding(acc, quantize(s.real, true));
    case RequantProfile::kXnnpackFp32:
      return apply_fp32(acc, s.fp32);
    case RequantProfile::kTfliteOptimized:
      return apply_double_rounding_half_up(acc, quantize(s.real, false));
  }
  return 0;
}

inline int32_t clamp(int64_t v, int32_t lo, int32_t hi) {
  return static_cast<int32_t>(v < lo ? lo : (v > hi ? hi : v));
}

// NUMERICS section 5: Q(f) = zp + round(f / scale), float division, ties away.
inline void activation_range(Activation act, float scale, int32_t zp, bool is_uint8,
                             int32_t* lo, int32_t* hi) {
  const int32_t qmin = is_uint8 ? 0 : -128, qmax = is_uint8 ? 255 : 127;
  auto q = [&](float f) { return zp + static_cast<int32_t>(std::round(f / scale)); };
  *lo = qmin;
  *hi = qmax;
  if (act == Activation::kRelu || act == Activation::kRelu6) *lo = std::max(qmin, q(0.0f));
  if (act == Activation::kRelu6) *hi = std::min(qmax, q(6.0f));
  if (act == Activation::kReluN1To1) {
    *lo = std::max(qmin, q(-1.0f));
    *hi = std::min(qmax, q(1.0f));
  }
}

// One spatial dimension under SAME/VALID (NUMERICS section 5).
struct Dim {
  int out = 0;
  int pad_before = 0;
};
inline Dim padded(int in, int k, int stride, int dilation, Padding padding) {
  const int effective = (k - 1) * dilation + 1;
  Dim d;
  if (padding == Padding::kValid) {
    d.out = (in - effective) / stride + 1;
    return d;
  }
  d.out = (in + stride - 1) / stride;
  d.pad_before = std::max(0, (d.out - 1) * stride + effective - in) / 2;
  return d;
}

struct Quant {
  int32_t input_zp = 0, filter_zp = 0, output_zp = 0;
  int32_t act_min = -128, act_max = 127;
  RequantProfile profile = RequantProfile::kTfliteReference;
  std::vector<ChannelScale> scales;  // per output channel
};

// Convolution shape: NHWC input, OHWI filter; groups = c / filter_c.
struct ConvShape {
  int n = 1, h = 1, w = 1, c = 1;  // input
  int oc = 1, kh = 1, kw = 1;
  int stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int groups = 1;
  Padding padding = Padding::kValid;
};

template <typename T>
std::vector<T> conv2d(const ConvShape& s, const Quant& q, const std::vector<T>& input,
                      const std::vector<T>& filter, const std::vector<int32_t>& bias) {
  const Dim dh = padded(s.h, s.kh, s.stride_h, s.dilation_h, s.padding);
  const Dim dw = padded(s.w, s.kw, s.stride_w, s.dilation_w, s.padding);
  const int fc = s.c / s.groups, oc_per_group = s.oc / s.groups;
  std::vector<T> out;
  for (int b = 0; b < s.n; ++b)
    for (int oy = 0; oy < dh.out; ++oy)
      for (int ox = 0; ox < dw.out; ++ox)
        for (int o = 0; o < s.oc; ++o) {
          int64_t acc = bias.empty() ? 0 : bias[o];
          for (int ky = 0; ky < s.kh; ++ky)
            for (int kx = 0; kx < s.kw; ++kx)
              for (int i = 0; i < fc; ++i) {
                const int y = oy * s.stride_h - dh.pad_before + ky * s.dilation_h;
                const int x = ox * s.stride_w - dw.pad_before + kx * s.dilation_w;
                if (y < 0 || y >= s.h || x < 0 || x >= s.w) continue;
                const int ic = (o / oc_per_group) * fc + i;
                const int64_t xv = input[((int64_t(b) * s.h + y) * s.w + x) * s.c + ic];
                const int64_t wv = filter[((int64_t(o) * s.kh + ky) * s.kw + kx) * fc + i];
                acc += (xv - q.input_zp) * (wv - q.filter_zp);
              }
          out.push_back(static_cast<T>(clamp(
              requantize(acc, q.scales[o], q.profile) + q.output_zp, q.act_min, q.act_max)));
        }
  return out;
}

struct DepthwiseShape {
  int n = 1, h = 1, w = 1, c = 1, multiplier = 1, kh = 1, kw = 1;
  int stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  Padding padding = Padding::kValid;
};

template <typename T>
std::vector<T> depthwise_conv2d(const DepthwiseShape& s, const Quant& q,
                                const std::vector<T>& input, const std::vector<T>& filter,
                                const std::vector<int32_t>& bias) {
  const Dim dh = padded(s.h, s.kh, s.stride_h, s.dilation_h, s.padding);
  const Dim dw = padded(s.w, s.kw, s.stride_w, s.dilation_w, s.padding);
  const int oc = s.c * s.multiplier;
  std::vector<T> out;
  for (int b = 0; b < s.n; ++b)
    for (int oy = 0; oy < dh.out; ++oy)
      for (int ox = 0; ox < dw.out; ++ox)
        for (int ic = 0; ic < s.c; ++ic)
          for (int m = 0; m < s.multiplier; ++m) {
            const int o = ic * s.multiplier + m;
            int64_t acc = bias.empty() ? 0 : bias[o];
            for (int ky = 0; ky < s.kh; ++ky)
              for (int kx = 0; kx < s.kw; ++kx) {
                const int y = oy * s.stride_h - dh.pad_before + ky * s.dilation_h;
                const int x = ox * s.stride_w - dw.pad_before + kx * s.dilation_w;
                if (y < 0 || y >= s.h || x < 0 || x >= s.w) continue;
                const int64_t xv = input[((int64_t(b) * s.h + y) * s.w + x) * s.c + ic];
                const int64_t wv = filter[(int64_t(ky) * s.kw + kx) * oc + o];
                acc += (xv - q.input_zp) * (wv - q.filter_zp);
              }
            out.push_back(static_cast<T>(clamp(
                requantize(acc, q.scales[o], q.profile) + q.output_zp, q.act_min, q.act_max)));
          }
  return out;
}

// LiteRT's reference FULLY_CONNECTED (what profile tflite_reference follows for
// FC): round(acc * real) in double, ties away from zero; `real` must be formed
// as double(in) * double(w) / double(out), per-tensor too.
inline int64_t rescale_in_double(int64_t acc, double real) {
  return static_cast<int64_t>(std::round(static_cast<double>(acc) * real));
}

template <typename T>
std::vector<T> fully_connected(int batch, int k, int oc, const Quant& q,
                               const std::vector<T>& input, const std::vector<T>& weights,
                               const std::vector<int32_t>& bias) {
  std::vector<T> out;
  for (int b = 0; b < batch; ++b)
    for (int o = 0; o < oc; ++o) {
      int64_t acc = bias.empty() ? 0 : bias[o];
      for (int i = 0; i < k; ++i) {
        acc += (int64_t(input[int64_t(b) * k + i]) - q.input_zp) *
               (int64_t(weights[int64_t(o) * k + i]) - q.filter_zp);
      }
      const int64_t rescaled = q.profile == RequantProfile::kTfliteReference
                                   ? rescale_in_double(acc, q.scales[o].real)
                                   : requantize(acc, q.scales[o], q.profile);
      out.push_back(static_cast<T>(clamp(rescaled + q.output_zp, q.act_min, q.act_max)));
    }
  return out;
}

struct PoolShape {
  int n = 1, h = 1, w = 1, c = 1, fh = 1, fw = 1, stride_h = 1, stride_w = 1;
  Padding padding = Padding::kValid;
};

template <typename T>
std::vector<T> pool2d(const PoolShape& s, bool average, int32_t act_min, int32_t act_max,
                      const std::vector<T>& input) {
  const Dim dh = padded(s.h, s.fh, s.stride_h, 1, s.padding);
  const Dim dw = padded(s.w, s.fw, s.stride_w, 1, s.padding);
  std::vector<T> out;
  for (int b = 0; b < s.n; ++b)
    for (int oy = 0; oy < dh.out; ++oy)
      for (int ox = 0; ox < dw.out; ++ox)
        for (int c = 0; c < s.c; ++c) {
          int64_t sum = 0, count = 0, best = INT64_MIN;
          for (int ky = 0; ky < s.fh; ++ky)
            for (int kx = 0; kx < s.fw; ++kx) {
              const int y = oy * s.stride_h - dh.pad_before + ky;
              const int x = ox * s.stride_w - dw.pad_before + kx;
              if (y < 0 || y >= s.h || x < 0 || x >= s.w) continue;
              const int64_t v = input[((int64_t(b) * s.h + y) * s.w + x) * s.c + c];
              sum += v;
              ++count;
              best = std::max(best, v);
            }
          const int64_t v = average ? divide_round_half_away(sum, count) : best;
          out.push_back(static_cast<T>(clamp(v, act_min, act_max)));
        }
  return out;
}

// MEAN over `reduced` axes (TFLite Micro; NUMERICS section 5), computed by
// scattering every input element into its output's sum. The xnnpack_fp32
// profile scales by s_in / (s_out * count) in float.
template <typename T>
std::vector<T> mean(const std::vector<int>& dims, const std::vector<bool>& reduced,
                    float in_scale, int32_t in_zp, float out_scale, int32_t out_zp,
                    RequantProfile profile, const std::vector<T>& input) {
  const int32_t qmin = std::is_same<T, uint8_t>::value ? 0 : -128;
  const int32_t qmax = std::is_same<T, uint8_t>::value ? 255 : 127;
  int64_t count = 1, outputs = 1;
  for (size_t d = 0; d < dims.size(); ++d) (reduced[d] ? count : outputs) *= dims[d];
  std::vector<int64_t> sums(outputs, 0);
  std::vector<int> coord(dims.size(), 0);
  for (size_t i = 0; i < input.size(); ++i) {
    int64_t o = 0;
    for (size_t d = 0; d < dims.size(); ++d) {
      if (!reduced[d]) o = o * dims[d] + coord[d];
    }
    sums[o] += input[i];
    for (int d = int(dims.size()) - 1; d >= 0; --d) {
      if (++coord[d] < dims[d]) break;
      coord[d] = 0;
    }
  }
  const bool single = profile == RequantProfile::kSingleRounding;
  const Multiplier base = quantize(double(in_scale) / double(out_scale), single);
  int sh = 0;
  while ((int64_t{2} << sh) <= count) ++sh;  // floor(log2(count))
  sh = std::min({sh, 32, 31 + base.e});
  const Multiplier folded{(base.m << sh) / count, base.e - sh};
  std::vector<T> out;
  for (int64_t sum : sums) {
    const int64_t centered = sum - count * in_zp;
    int64_t v = 0;
    if (profile == RequantProfile::kTfliteReference) v = apply_double_rounding(centered, folded);
    if (profile == RequantProfile::kSingleRounding) v = apply_single_rounding(centered, folded);
    if (profile == RequantProfile::kXnnpackFp32) {
      v = apply_fp32(centered, in_scale / (out_scale * static_cast<float>(count)));
    }
    out.push_back(static_cast<T>(clamp(v + out_zp, qmin, qmax)));
  }
  return out;
}

}  // namespace sim
}  // namespace lowbit
