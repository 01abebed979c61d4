#include "kernels/reference/qs8_logistic.h"

#include <algorithm>
#include <cmath>

#include "kernels/reference/qs8_logistic_fixedpoint.h"
#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {
namespace {
constexpr int kInputIntegerBits = 4;
constexpr int kOutputFractionalBits = 8;  // output scale 1/256
}  // namespace

bool make_qs8_logistic_params(float input_scale, int32_t input_zero_point,
                              Qs8LogisticParams* params) {
  // TFLite takes frexp of scale * 2^27 directly (no QuantizeMultiplier): the
  // float scale has 24 significant bits, so q * 2^31 is exact and below 2^31.
  const double real = static_cast<double>(input_scale) * (1 << (31 - kInputIntegerBits));
  if (!(real > 0.0) || !std::isfinite(real)) return false;
  int exponent = 0;
  const double q = std::frexp(real, &exponent);
  const double fixed = std::round(q * 2147483648.0);
  if (fixed >= 2147483648.0 || exponent > 30 || exponent < -31) return false;
  params->input_zero_point = input_zero_point;
  params->input_multiplier = static_cast<int32_t>(fixed);
  params->input_left_shift = exponent;
  params->input_range_radius = calculate_input_radius(kInputIntegerBits, exponent);
  return true;
}

void qs8_logistic__reference(const Qs8LogisticParams& p, size_t n, const int8_t* input,
                             int8_t* output) {
  for (size_t i = 0; i < n; ++i) {
    const int32_t centered = input[i] - p.input_zero_point;
    if (centered <= -p.input_range_radius) {
      output[i] = -128;
    } else if (centered >= p.input_range_radius) {
      output[i] = 127;
    } else {
      const int32_t in_q4 =
          multiply_by_quantized_multiplier(centered, p.input_multiplier, p.input_left_shift);
      const int32_t out_q0 = fixed_point::logistic(in_q4, kInputIntegerBits);
      int32_t q = rounding_divide_by_pot(out_q0, 31 - kOutputFractionalBits) - 128;
      q = q < -128 ? -128 : (q > 127 ? 127 : q);
      output[i] = static_cast<int8_t>(q);
    }
  }
}

void make_qs8_logistic_table(float input_scale, int32_t input_zero_point, float output_scale,
                             int32_t output_zero_point, LogisticTableRounding rounding,
                             int8_t table[256]) {
  make_float_table({input_scale, input_zero_point, false}, {output_scale, output_zero_point, false},
                   rounding, [](float x, float) { return 1.0f / (1.0f + std::exp(-x)); }, 0.0f,
                   reinterpret_cast<uint8_t*>(table));
}

void qs8_logistic_table__reference(const Qs8TableParams& params, size_t n, const int8_t* input,
                                   int8_t* output) {
  for (size_t i = 0; i < n; ++i) output[i] = params.table[static_cast<uint8_t>(input[i])];
}

}  // namespace ref
}  // namespace lowbit
