// int8 SOFTMAX over the innermost dimension, as TFLite's reference kernel
// (TFLite Micro): differences to the row maximum are scaled by beta into
// Q5.26, exponentiated with gemmlowp's fixed-point exp, summed in Q12.19 and
// normalized with a fixed-point reciprocal. Output scale 1/256, zero point -128.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

struct Qs8SoftmaxParams {
  // Fixed-point form (TFLite reference / TFLite Micro).
  int32_t input_multiplier = 0;  // beta * input scale * 2^26 as Q31 and left shift
  int32_t input_left_shift = 0;
  int32_t diff_min = 0;  // differences below it contribute exp = 0
  // Float-table form (TFLite's optimized kernel): exp_table[255 - d] =
  // expf(-input_scale * beta * d) for d = max - x in [0, 255].
  const float* exp_table = nullptr;
  // Fixed-point form as tables (SIMD variants only, kernels/qs8_softmax.h):
  // [d] = exp of the difference -d, [256 + d] = that exp rescaled to Q12,
  // both 0 where -d < diff_min.
  const int32_t* fixed_exp_table = nullptr;
};

// Fills the 256-entry table of the float form.
void make_qs8_softmax_exp_table(float beta, float input_scale, float table[256]);

// Fails (returns false) when beta * input scale is too small to represent.
bool make_qs8_softmax_params(float beta, float input_scale, Qs8SoftmaxParams* params);

// Rows [0, rows) of `row_size` elements each.
using Qs8SoftmaxFn = void (*)(const Qs8SoftmaxParams& params, size_t rows, size_t row_size,
                              const int8_t* input, int8_t* output);

void qs8_softmax__reference(const Qs8SoftmaxParams& params, size_t rows, size_t row_size,
                            const int8_t* input, int8_t* output);
// int8 in, int16 out (16x8 models): the same algorithm with probabilities
// at scale 1/65536, zero point -32768 (TFLite's reference kernel in every profile).
using Qs8Qs16SoftmaxFn = void (*)(const Qs8SoftmaxParams& params, size_t rows, size_t row_size,
                                  const int8_t* input, int16_t* output);
void qs8_qs16_softmax__reference(const Qs8SoftmaxParams& params, size_t rows, size_t row_size,
                                 const int8_t* input, int16_t* output);
// Float form: sum the row's table entries in float (in order), multiply each
// by 256 / sum, round half away from zero, subtract 128.
void qs8_softmax_table__reference(const Qs8SoftmaxParams& params, size_t rows, size_t row_size,
                                  const int8_t* input, int8_t* output);

}  // namespace ref
}  // namespace lowbit
