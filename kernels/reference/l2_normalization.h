// L2_NORMALIZATION over the last axis, as TFLite's reference kernels define it.
// Quantized: the sum of squared centered inputs gives a fixed-point inverse
// square root (gemmlowp-style Newton-Raphson, TFLite's
// GetInvSqrtQuantizedMultiplierExp); each centered input times it is the
// output in units of 1/128 (int8 zero point 0, uint8 zero point 128, each with
// its own rounding step). Float: x / max(sqrt(sum of squares), 1e-6).
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

// 1/sqrt(sum) as multiplier * 2^shift (shift <= 0; a left shift when positive),
// sum <= 1 taken as 1.
void inv_sqrt_quantized_multiplier(int32_t sum, int32_t* multiplier, int32_t* shift);

// Rows [row_begin, row_end), each `depth` values long.
void qs8_l2_normalization__reference(size_t depth, int32_t input_zero_point, const int8_t* input,
                                     int8_t* output, size_t row_begin, size_t row_end);
void qu8_l2_normalization__reference(size_t depth, int32_t input_zero_point, const uint8_t* input,
                                     uint8_t* output, size_t row_begin, size_t row_end);
void f32_l2_normalization__reference(size_t depth, const float* input, float* output,
                                     size_t row_begin, size_t row_end);

}  // namespace ref
}  // namespace lowbit
