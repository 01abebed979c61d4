// int8 LOGISTIC as TFLite's reference integer kernel (TFLite Micro): the
// centered input is rescaled into Q4.27, gemmlowp's fixed-point logistic gives
// Q0.31, which is rounded to the output scale 1/256 with zero point -128.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/qs8_logistic_fixedpoint.h"  // calculate_input_radius
#include "kernels/reference/qs8_math.h"

namespace lowbit {
namespace ref {

struct Qs8LogisticParams {
  int32_t input_zero_point = 0;
  int32_t input_range_radius = 0;  // |x - zp| at or beyond it saturates
  int32_t input_multiplier = 0;    // input scale * 2^27 as Q31 and left shift
  int32_t input_left_shift = 0;
};

// Fails (returns false) when the input scale cannot be represented.
bool make_qs8_logistic_params(float input_scale, int32_t input_zero_point,
                              Qs8LogisticParams* params);

using Qs8LogisticFn = void (*)(const Qs8LogisticParams& params, size_t n, const int8_t* input,
                               int8_t* output);

void qs8_logistic__reference(const Qs8LogisticParams& params, size_t n, const int8_t* input,
                             int8_t* output);

// The float lookup-table forms of LOGISTIC, as the optimized TFLite kernel
// (TFLite's PopulateLookupTable: round(sigmoid(x) * (1 / s_out)) half away
// from zero) and the xnnpack_fp32 profile (the same table rounded half to
// even) build them. x = s_in * (q - zp_in) in float.
using LogisticTableRounding = TableRounding;
void make_qs8_logistic_table(float input_scale, int32_t input_zero_point, float output_scale,
                             int32_t output_zero_point, LogisticTableRounding rounding,
                             int8_t table[256]);

// out[i] = table[uint8(in[i])].
struct Qs8TableParams {
  const int8_t* table = nullptr;  // 256 entries indexed by the input's bit pattern
};
using Qs8TableFn = void (*)(const Qs8TableParams& params, size_t n, const int8_t* input,
                            int8_t* output);
void qs8_logistic_table__reference(const Qs8TableParams& params, size_t n, const int8_t* input,
                                   int8_t* output);

}  // namespace ref
}  // namespace lowbit
