// Conversions between quantizations and to/from float: QUANTIZE, DEQUANTIZE,
// and the int8 RELU / RELU6 (a requantization followed by a clamp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {

// Every kernel here converts n values of one type into another.
template <typename Params, typename In, typename Out>
using ConvertSignature = void(const Params& params, size_t n, const In* input, Out* output);

// out = clamp(requantize(x - input_zp) + output_zp, [act_min, act_max]).
// TFLite's Requantize (QUANTIZE between integer types) and ReluX share this.
struct RequantizeParams {
  RequantProfile profile{};
  int32_t input_zero_point = 0, output_zero_point = 0;
  Requantizer rescale;
  int32_t act_min = -128, act_max = 127;  // includes the output type's range
};

// Whether the rescale maps every 8-bit difference to itself in its profile: a
// ratio of 1 (the same scale on both sides, only the zero point moving, as in
// a uint8 model's input QUANTIZE). The fixed-point form of 1 is M = 2^30 with
// a left shift of 1, exact in all three fixed-point profiles for |v| < 2^30:
// (2v * 2^30 + 2^30) >> 31 = v, and single rounding's (v * 2^30 + 2^29) >> 30
// = v. SIMD kernels then only move the zero point.
inline bool is_identity_rescale(const RequantizeParams& p) {
  if (p.profile == RequantProfile::kXnnpackFp32) return p.rescale.scale == 1.0f;
  return p.rescale.multiplier == int32_t{1} << 30 && p.rescale.shift == 1;
}

template <typename In, typename Out>
using RequantizeSignature = ConvertSignature<RequantizeParams, In, Out>;
template <typename In, typename Out>
using RequantizeFn = RequantizeSignature<In, Out>*;

// qs8_relu: RELU and RELU6, the int8 requantization with act_min/act_max the
// activation's range.
RequantizeSignature<int8_t, int8_t> qs8_requantize__reference, qs8_relu__reference;
RequantizeSignature<uint8_t, uint8_t> qu8_relu__reference;  // legacy uint8 RELU, RELU6
RequantizeSignature<uint8_t, int8_t> qu8_qs8_requantize__reference;
RequantizeSignature<int8_t, uint8_t> qs8_qu8_requantize__reference;
RequantizeSignature<uint8_t, uint8_t> qu8_requantize__reference;

// float -> int: clamp(round(x / scale) + zp) with float division and ties
// away from zero (TFLite's AffineQuantize); or, with `xnnpack_rounding`,
// XNNPACK's convert: x * (1 / scale) rounded half to even. NaN maps to the
// zero point.
struct QuantizeParams {
  float scale = 1.0f;
  float inverse_scale = 1.0f;  // 1 / scale in float, for xnnpack_rounding
  bool xnnpack_rounding = false;
  int32_t zero_point = 0;
  int32_t qmin = -128, qmax = 127;
};

template <typename Out>
using QuantizeFn = ConvertSignature<QuantizeParams, float, Out>*;
ConvertSignature<QuantizeParams, float, int8_t> qs8_quantize__reference;
ConvertSignature<QuantizeParams, float, uint8_t> qu8_quantize__reference;

// int -> float: float(double(scale) * (q - zp)), as TFLite's Dequantize.
struct DequantizeParams {
  double scale = 1.0;
  int32_t zero_point = 0;
};

template <typename In>
using DequantizeFn = ConvertSignature<DequantizeParams, In, float>*;
ConvertSignature<DequantizeParams, int8_t, float> qs8_dequantize__reference;
ConvertSignature<DequantizeParams, uint8_t, float> qu8_dequantize__reference;

// requantize() + zero point, clamped; the sum is formed in 64 bits because a
// huge rescale saturates requantize() at the int32 limits.
int32_t requantize_and_clamp(int32_t acc, const Requantizer& r, RequantProfile profile,
                             int32_t zero_point, int32_t lo, int32_t hi);

// One value of the float -> int rule, shared by the kernels and constant folding.
int32_t quantize_float_value(const QuantizeParams& params, float x);

// The loops every kernel above runs, for any pair of types.
template <typename In, typename Out>
void requantize_any(const RequantizeParams& p, size_t n, const In* input, Out* output) {
  for (size_t i = 0; i < n; ++i) {
    // Wraps like TFLite's int32 subtraction where an int32 input could overflow.
    const auto centered = static_cast<int32_t>(
        static_cast<uint32_t>(static_cast<int32_t>(input[i])) -
        static_cast<uint32_t>(p.input_zero_point));
    if constexpr (sizeof(In) == 1) {
      output[i] = static_cast<Out>(requantize_and_clamp(
          centered, p.rescale, p.profile, p.output_zero_point, p.act_min, p.act_max));
    } else {  // int16/int32 inputs reach TFLite's wrapping left shift
      const int64_t v = int64_t{requantize_wrapping(centered, p.rescale, p.profile)} +
                        p.output_zero_point;
      output[i] = static_cast<Out>(v < p.act_min ? p.act_min : (v > p.act_max ? p.act_max : v));
    }
  }
}

template <typename Out>
void quantize_any(const QuantizeParams& p, size_t n, const float* input, Out* output) {
  for (size_t i = 0; i < n; ++i) output[i] = static_cast<Out>(quantize_float_value(p, input[i]));
}

template <typename In>
void dequantize_any(const DequantizeParams& p, size_t n, const In* input, float* output) {
  for (size_t i = 0; i < n; ++i) {
    output[i] = static_cast<float>(p.scale * static_cast<double>(static_cast<int32_t>(input[i]) -
                                                                 p.zero_point));
  }
}

// 16x8 QUANTIZE and DEQUANTIZE: float <-> int16, and the requantizations
// int16 <-> int16, int8, int32 (TFLite's and TFLite Micro's Requantize).
constexpr QuantizeFn<int16_t> qs16_quantize__reference = quantize_any<int16_t>;
constexpr DequantizeFn<int16_t> qs16_dequantize__reference = dequantize_any<int16_t>;
constexpr RequantizeFn<int16_t, int16_t> qs16_requantize__reference = requantize_any;
constexpr RequantizeFn<int16_t, int8_t> qs16_qs8_requantize__reference = requantize_any;
constexpr RequantizeFn<int8_t, int16_t> qs8_qs16_requantize__reference = requantize_any;
constexpr RequantizeFn<int16_t, int32_t> qs16_qs32_requantize__reference = requantize_any;
constexpr RequantizeFn<int32_t, int16_t> qs32_qs16_requantize__reference = requantize_any;

}  // namespace ref
}  // namespace lowbit
