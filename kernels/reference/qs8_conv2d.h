// Reference (grouped) convolution on quantized NHWC activations with OHWI
// filters: the numerical definition every faster conv kernel must equal.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/range_kernels.h"
#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {

struct ConvQuantParams : ConvWindowParams, LayerQuantParams {
  int32_t output_c = 0;
  // input_c = groups * filter input channels; output_c is a multiple of groups.
  int32_t groups = 1;
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
