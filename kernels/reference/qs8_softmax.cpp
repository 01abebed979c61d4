#include "kernels/reference/qs8_softmax.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/reference/qs8_logistic.h"
#include "kernels/reference/qs8_logistic_fixedpoint.h"
#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {
namespace {

constexpr int kScaledDiffIntegerBits = 5;
constexpr int kAccumulationIntegerBits = 12;

int count_leading_zeros(uint32_t x) {
  int n = 0;
  for (uint32_t bit = 0x80000000u; bit != 0 && (x & bit) == 0; bit >>= 1) ++n;
  return n;
}

// exp(diff * beta * scale) in Q0 for a difference that passed diff_min.
int32_t exp_of_difference(const Qs8SoftmaxParams& p, int32_t diff) {
  // diff >= diff_min keeps diff * 2^shift within int32 (TFLite's
  // MultiplyByQuantizedMultiplierGreaterThanOne).
  const int32_t lifted = diff * (int32_t{1} << p.input_left_shift);
  const int32_t scaled = saturating_rounding_doubling_high_mul(lifted, p.input_multiplier);
  return fixed_point::exp_on_negative_values(scaled, kScaledDiffIntegerBits);
}

}  // namespace

bool make_qs8_softmax_params(float beta, float input_scale, Qs8SoftmaxParams* params) {
  const double real = std::min(static_cast<double>(beta) * static_cast<double>(input_scale) *
                                   static_cast<double>(1 << (31 - kScaledDiffIntegerBits)),
                               2147483647.0);
  if (!(real > 1.0) || !std::isfinite(real)) return false;
  const QuantizedMultiplier qm = quantize_multiplier(real);
  if (qm.shift < 0 || qm.shift > 30) return false;
  params->input_multiplier = qm.multiplier;
  params->input_left_shift = qm.shift;
  params->diff_min = -calculate_input_radius(kScaledDiffIntegerBits, qm.shift);
  return true;
}

namespace {

// TFLite's reference Softmax<int8_t, Out>: probabilities in Out's full range
// (scale 2^-bits) offset by Out's minimum (zero point -128 or -32768).
template <typename Out>
void fixed_point_softmax(const Qs8SoftmaxParams& p, size_t rows, size_t row_size,
                         const int8_t* input, Out* output) {
  constexpr int32_t kMin = std::numeric_limits<Out>::min(), kMax = std::numeric_limits<Out>::max();
  constexpr int kOutputBits = 8 * sizeof(Out);
  for (size_t r = 0; r < rows && row_size > 0; ++r) {
    const int8_t* in = input + r * row_size;
    Out* out = output + r * row_size;
    const int32_t row_max = *std::max_element(in, in + row_size);
    int32_t sum_of_exps = 0;  // Q12
    for (size_t c = 0; c < row_size; ++c) {
      const int32_t diff = in[c] - row_max;
      if (diff >= p.diff_min) {
        sum_of_exps += fixed_point::rescale(exp_of_difference(p, diff), 0, kAccumulationIntegerBits);
      }
    }
    // 1 / sum as a Q0 fraction times 2^-num_bits_over_unit (TFLite's GetReciprocal).
    const int headroom_plus_one = count_leading_zeros(static_cast<uint32_t>(sum_of_exps));
    const int num_bits_over_unit = kAccumulationIntegerBits - headroom_plus_one;
    const int32_t shifted_sum_minus_one = static_cast<int32_t>(
        (static_cast<uint32_t>(sum_of_exps) << headroom_plus_one) - (uint32_t{1} << 31));
    const int32_t reciprocal = fixed_point::one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
    // Beyond 31 (sums over 256, i.e. many near-maximal entries) TFLite's shift
    // is undefined; the exact quotient of a Q0 value by 2^32 or more rounds to 0.
    const int output_shift = num_bits_over_unit + 31 - kOutputBits;
    for (size_t c = 0; c < row_size; ++c) {
      const int32_t diff = in[c] - row_max;
      if (diff >= p.diff_min) {
        const int32_t probability =
            saturating_rounding_doubling_high_mul(reciprocal, exp_of_difference(p, diff));
        const int32_t q =
            (output_shift > 31 ? 0 : rounding_divide_by_pot(probability, output_shift)) + kMin;
        out[c] = static_cast<Out>(q < kMin ? kMin : (q > kMax ? kMax : q));
      } else {
        out[c] = static_cast<Out>(kMin);
      }
    }
  }
}

}  // namespace

void qs8_softmax__reference(const Qs8SoftmaxParams& p, size_t rows, size_t row_size,
                            const int8_t* input, int8_t* output) {
  fixed_point_softmax(p, rows, row_size, input, output);
}

void qs8_qs16_softmax__reference(const Qs8SoftmaxParams& p, size_t rows, size_t row_size,
                                 const int8_t* input, int16_t* output) {
  fixed_point_softmax(p, rows, row_size, input, output);
}

void make_qs8_softmax_exp_table(float beta, float input_scale, float table[256]) {
  const float scale = -input_scale * beta;
  for (int32_t d = 0; d <= 255; ++d) table[255 - d] = std::exp(scale * static_cast<float>(d));
}

void qs8_softmax_table__reference(const Qs8SoftmaxParams& p, size_t rows, size_t row_size,
                                  const int8_t* input, int8_t* output) {
  constexpr float kOutputScale = 1.0f / 256;
  for (size_t r = 0; r < rows && row_size > 0; ++r) {
    const int8_t* in = input + r * row_size;
    int8_t* out = output + r * row_size;
    const int32_t row_max = *std::max_element(in, in + row_size);
    // Entry for x is exp_table[255 - (row_max - x)], always within [0, 255].
    const int32_t offset = 255 - row_max;
    float sum = 0.0f;
    for (size_t c = 0; c < row_size; ++c) sum += p.exp_table[offset + in[c]];
    const float inverse = 1.0f / (sum * kOutputScale);
    for (size_t c = 0; c < row_size; ++c) {
      const int32_t q = static_cast<int32_t>(std::round(p.exp_table[offset + in[c]] * inverse)) - 128;
      out[c] = static_cast<int8_t>(q < -128 ? -128 : (q > 127 ? 127 : q));
    }
  }
}

}  // namespace ref
}  // namespace lowbit
