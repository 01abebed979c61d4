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

}  // namespace ref
}  // namespace lowbit
