// Reference depthwise convolution on quantized NHWC activations with a
// 1 x KH x KW x (C * depth_multiplier) filter; output channel = c * M + m.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/range_kernels.h"
#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {

struct DepthwiseQuantParams : ConvWindowParams, LayerQuantParams {
  int32_t depth_multiplier = 1;  // output channels = input_c * depth_multiplier
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
