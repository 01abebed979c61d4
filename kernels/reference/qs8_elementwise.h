// Binary int8 elementwise kernels (ADD, MUL). A call handles one run of n
// outputs; each input advances by its own stride (0 = broadcast value, 1 =
// contiguous), so the operator covers any NumPy broadcast with runs.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {

// TFLite's int8 ADD: both inputs are lifted by 2^left_shift, rescaled onto a
// common scale (2 * max(s_a, s_b)), summed, then rescaled to the output.
// xnnpack_fp32 instead sums (x - zp) * (s / s_out) in float and rounds half
// to even; a, b and output requantizers are then unused.
struct Qs8AddParams {
  RequantProfile profile{};
  int32_t a_zero_point = 0, b_zero_point = 0, output_zero_point = 0;
  int32_t left_shift = 20;
  Requantizer a, b, output;
  float a_scale = 0.0f, b_scale = 0.0f;  // xnnpack_fp32 only
  int32_t act_min = -128, act_max = 127;
};

// TFLite's int8 MUL: (x_a - zp_a) * (x_b - zp_b) rescaled by s_a * s_b / s_out.
struct Qs8MulParams {
  RequantProfile profile{};
  int32_t a_zero_point = 0, b_zero_point = 0, output_zero_point = 0;
  Requantizer output;
  int32_t act_min = -128, act_max = 127;
};

using Qs8AddFn = void (*)(const Qs8AddParams& params, size_t n, const int8_t* a, size_t a_stride,
                          const int8_t* b, size_t b_stride, int8_t* output);
using Qs8MulFn = void (*)(const Qs8MulParams& params, size_t n, const int8_t* a, size_t a_stride,
                          const int8_t* b, size_t b_stride, int8_t* output);

void qs8_add__reference(const Qs8AddParams& params, size_t n, const int8_t* a, size_t a_stride,
                        const int8_t* b, size_t b_stride, int8_t* output);
void qs8_mul__reference(const Qs8MulParams& params, size_t n, const int8_t* a, size_t a_stride,
                        const int8_t* b, size_t b_stride, int8_t* output);

}  // namespace ref
}  // namespace lowbit
