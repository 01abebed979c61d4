// What CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED share in lowbit
// micro: the checks of their int8 operands [input, weights, bias?] ->
// [output], the sliding window, the int32 overflow guard and the
// per-channel requantization the qs8 kernels read. The arithmetic is the
// hosted operators' (src/ops/conv2d_common.cpp) through the same
// kernels/reference/ definitions, so outputs are byte-identical.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/qs8_gemm.h"
#include "kernels/reference/conv_geometry.h"
#include "micro/op.h"
#include "micro/ops/int8_operands.h"  // read_activation, check_int8_per_tensor

namespace lowbit {
namespace micro {

struct WeightedOperands {
  TensorView input, weights, bias, output;
  bool has_bias = false;
  int32_t output_channels = 0;
  const int8_t* weight_data = nullptr;
  const int32_t* bias_data = nullptr;  // nullptr without bias
};

// Checks arity, the options table (options_type), int8 input/output with
// per-tensor quantization (check_int8_per_tensor), constant int8 weights of weights_rank
// dimensions quantized per tensor or along channel_axis with zero point 0,
// and an optional constant int32 bias of one value per output channel
// (weights.dims[channel_axis] of them).
lowbit_status read_weighted_operands(PrepareContext& ctx, uint8_t options_type, int weights_rank,
                                     int channel_axis, WeightedOperands* operands);

// Fails with LOWBIT_UNSUPPORTED when some output channel's int32
// accumulator could overflow for some input, as the hosted runtime refuses
// (channel c's taps are weights[c * channel_stride + t * tap_stride]).
lowbit_status check_accumulator_range(PrepareContext& ctx, const WeightedOperands& operands,
                                      size_t channel_stride, size_t tap_stride, size_t taps);

// How the real multiplier in * w[c] / out is formed (NUMERICS section 3):
// in double, or in * w in float first (per-tensor FULLY_CONNECTED).
enum class ScaleProduct { kDouble, kFloat };

// params for the qs8 GEMM and depthwise kernels: the profile, output zero
// point, the fused activation's clamp and per-channel multiplier, shift
// and scale in persistent memory, zeros up to `padded_channels`.
// In the sizing pass it only counts the bytes.
lowbit_status make_requant_params(PrepareContext& ctx, const WeightedOperands& operands,
                                  int activation, ScaleProduct product, size_t padded_channels,
                                  Qs8GemmParams* params);

// The geometry of CONV_2D and DEPTHWISE_CONV_2D over NHWC tensors (the
// hosted drivers' struct).
using Window = ConvGeometry;

// Reads padding, strides and dilations (field ids 0-4 of Conv2DOptions and
// DepthwiseConv2DOptions), computes the output size for a kernel_h x
// kernel_w filter over the rank-4 input and checks the output tensor is
// [batch, output_h, output_w, output_c].
lowbit_status compute_window(PrepareContext& ctx, const WeightedOperands& operands,
                             int32_t kernel_h, int32_t kernel_w, int32_t output_c,
                             Window* window);

inline size_t round_up(size_t value, size_t step) { return (value + step - 1) / step * step; }

}  // namespace micro
}  // namespace lowbit
