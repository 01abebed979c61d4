// Reference (grouped) convolution on quantized NHWC activations with OHWI
// filters: the numerical definition every faster conv kernel must equal.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {

struct ConvQuantParams {
  int32_t batch = 0, input_h = 0, input_w = 0, input_c = 0;
  int32_t output_h = 0, output_w = 0, output_c = 0;
  int32_t kernel_h = 0, kernel_w = 0;
  int32_t stride_h = 1, stride_w = 1;
  int32_t dilation_h = 1, dilation_w = 1;
  int32_t pad_top = 0, pad_left = 0;
  // input_c = groups * filter input channels; output_c is a multiple of groups.
  int32_t groups = 1;
  int32_t input_zero_point = 0;
  int32_t filter_zero_point = 0;  // nonzero only for legacy uint8 weights
  int32_t output_zero_point = 0;
  int32_t act_min = -128, act_max = 127;
  RequantProfile profile{};
  const Requantizer* requantizers = nullptr;  // one per output channel
};

// Computes output rows [row_begin, row_end) of the batch * output_h rows.
// bias may be nullptr. Taps outside the image are skipped (zero in the real
// domain).
using Qs8Conv2dFn = void (*)(const ConvQuantParams& p, const int8_t* input, const int8_t* filter,
                             const int32_t* bias, int8_t* output, size_t row_begin,
                             size_t row_end);
using Qu8Conv2dFn = void (*)(const ConvQuantParams& p, const uint8_t* input,
                             const uint8_t* filter, const int32_t* bias, uint8_t* output,
                             size_t row_begin, size_t row_end);

void qs8_conv2d__reference(const ConvQuantParams& p, const int8_t* input, const int8_t* filter,
                           const int32_t* bias, int8_t* output, size_t row_begin, size_t row_end);
void qu8_conv2d__reference(const ConvQuantParams& p, const uint8_t* input, const uint8_t* filter,
                           const int32_t* bias, uint8_t* output, size_t row_begin,
                           size_t row_end);

}  // namespace ref
}  // namespace lowbit
