// Reference depthwise convolution on quantized NHWC activations with a
// 1 x KH x KW x (C * depth_multiplier) filter; output channel = c * M + m.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {

struct DepthwiseQuantParams {
  int32_t batch = 0, input_h = 0, input_w = 0, input_c = 0;
  int32_t output_h = 0, output_w = 0;
  int32_t depth_multiplier = 1;  // output channels = input_c * depth_multiplier
  int32_t kernel_h = 0, kernel_w = 0;
  int32_t stride_h = 1, stride_w = 1;
  int32_t dilation_h = 1, dilation_w = 1;
  int32_t pad_top = 0, pad_left = 0;
  int32_t input_zero_point = 0;
  int32_t filter_zero_point = 0;  // nonzero only for legacy uint8 weights
  int32_t output_zero_point = 0;
  int32_t act_min = -128, act_max = 127;
  RequantProfile profile{};
  const Requantizer* requantizers = nullptr;  // one per output channel
};

// Computes output rows [row_begin, row_end) of the batch * output_h rows.
using Qs8DepthwiseConv2dFn = void (*)(const DepthwiseQuantParams& p, const int8_t* input,
                                      const int8_t* filter, const int32_t* bias, int8_t* output,
                                      size_t row_begin, size_t row_end);
using Qu8DepthwiseConv2dFn = void (*)(const DepthwiseQuantParams& p, const uint8_t* input,
                                      const uint8_t* filter, const int32_t* bias,
                                      uint8_t* output, size_t row_begin, size_t row_end);

void qs8_depthwise_conv2d__reference(const DepthwiseQuantParams& p, const int8_t* input,
                                     const int8_t* filter, const int32_t* bias, int8_t* output,
                                     size_t row_begin, size_t row_end);
void qu8_depthwise_conv2d__reference(const DepthwiseQuantParams& p, const uint8_t* input,
                                     const uint8_t* filter, const int32_t* bias, uint8_t* output,
                                     size_t row_begin, size_t row_end);

}  // namespace ref
}  // namespace lowbit
