// TFLite's 16x8 convolution family (int16 activations with zero point 0,
// int8 symmetric weights, int64 bias) as its reference integer kernels
// define it: the exact int64 sum of input x weight products, plus the bias,
// rescaled by the 64-bit form of MultiplyByQuantizedMultiplier and clamped
// to the fused activation's int16 range. There is no input or output offset
// (both zero points are 0). CONV_2D, FULLY_CONNECTED and TRANSPOSE_CONV form
// their sums with the 16x8 GEMM (kernels/qs16_gemm.h); DEPTHWISE_CONV_2D
// with qs16_depthwise_conv2d below, or with multiplier 1 the per-pixel taps
// of kernels/qs16_dwconv.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/range_kernels.h"

namespace lowbit {
namespace ref {

// TFLite's MultiplyByQuantizedMultiplier(int64_t x, int32_t multiplier, int
// shift): the Q31 multiplier reduced to Q15 with rounding (0x7FFF when it
// would overflow), then x * reduced rounded-half-up right by 15 - shift.
// Valid for |x| < 2^47 and shift <= 14 (the operators check both); the
// result is not narrowed, so callers clamp it.
int64_t multiply_by_quantized_multiplier_wide(int64_t x, int32_t multiplier, int shift);

// round(double(acc) * scale), ties away from zero: LiteRT's reference
// FULLY_CONNECTED rescales 16x8 sums this way, as its int8 ones.
int64_t rescale_wide_in_double(int64_t acc, double scale);

// Per output channel: Q31 multiplier and shift, or (FULLY_CONNECTED) the
// real scale in double, and the bias (may be null).
struct Qs16Rescale {
  const int32_t* multiplier = nullptr;
  const int32_t* shift = nullptr;
  const double* double_scale = nullptr;  // when set, replaces multiplier and shift
  const int64_t* bias = nullptr;
  int32_t act_min = -32768, act_max = 32767;
};

inline int16_t qs16_output(int64_t acc, const Qs16Rescale& r, size_t channel) {
  if (r.bias != nullptr) acc += r.bias[channel];
  int64_t v = r.double_scale != nullptr
                  ? rescale_wide_in_double(acc, r.double_scale[channel])
                  : multiply_by_quantized_multiplier_wide(acc, r.multiplier[channel],
                                                          r.shift[channel]);
  v = v < r.act_min ? r.act_min : (v > r.act_max ? r.act_max : v);
  return static_cast<int16_t>(v);
}

// DEPTHWISE_CONV_2D: output channel c = ic * depth_multiplier + m reads input
// channel ic; weights [1][kernel_h][kernel_w][output_c]. Output rows
// [row_begin, row_end) of batch * output_h.
struct Qs16DepthwiseParams : ConvWindowParams {
  int32_t depth_multiplier = 1;
  int32_t output_c = 1;
  Qs16Rescale rescale;
};
void qs16_depthwise_conv2d__reference(const Qs16DepthwiseParams& p, const int16_t* input,
                                      const int8_t* weights, int16_t* output, size_t row_begin,
                                      size_t row_end);

// TRANSPOSE_CONV's gather: `columns` holds, per input pixel, the int64 sums
// over input channels for every (output channel, ky, kx) in that order (the
// 16x8 GEMM of the pixels against the OHWI weights); each output value adds
// the columns of the taps that reach it, then qs16_output. Output rows
// [row_begin, row_end) of batch * output_h; dilation is 1.
struct Qs16TransposeConvParams : ConvWindowParams {
  int32_t output_c = 1;
  Qs16Rescale rescale;
};
void qs16_transpose_conv_output__reference(const Qs16TransposeConvParams& p,
                                           const int64_t* columns, int16_t* output,
                                           size_t row_begin, size_t row_end);

}  // namespace ref
}  // namespace lowbit
