#include "kernels/reference/qs8_hardswish.h"

#include <algorithm>
#include <limits>

#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {
namespace {

constexpr int32_t kInt16Min = std::numeric_limits<int16_t>::min();
constexpr int32_t kInt16Max = std::numeric_limits<int16_t>::max();

int16_t saturate_int16(int64_t v) {
  return static_cast<int16_t>(std::min<int64_t>(std::max<int64_t>(v, kInt16Min), kInt16Max));
}

int16_t saturating_left_shift(int16_t v, int amount) {
  return saturate_int16(static_cast<int64_t>(v) * (int64_t{1} << amount));
}

// gemmlowp's int16 SaturatingRoundingDoublingHighMul.
int16_t rounding_doubling_high_mul(int16_t a, int16_t b) {
  if (a == b && a == kInt16Min) return static_cast<int16_t>(kInt16Max);
  const int32_t ab = static_cast<int32_t>(a) * b;
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

// Like the above but truncating toward zero instead of rounding.
int16_t doubling_high_mul(int16_t a, int16_t b) {
  if (a == b && a == kInt16Min) return static_cast<int16_t>(kInt16Max);
  return static_cast<int16_t>((static_cast<int32_t>(a) * b) / (1 << 15));
}

// gemmlowp's RoundingDivideByPOT evaluated on int16 values.
int16_t rounding_divide_by_pot_int16(int16_t x, int exponent) {
  if (exponent <= 0) return x;
  const int64_t mask = (int64_t{1} << exponent) - 1;
  const int64_t remainder = x & mask;
  const int64_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return static_cast<int16_t>((int64_t{x} >> exponent) + (remainder > threshold ? 1 : 0));
}

// TFLite's DownScaleInt32ToInt16Multiplier: round a Q31 multiplier to Q15.
int16_t downscale_multiplier(int32_t m) {
  constexpr int32_t kRoundingOffset = 1 << 15;
  if (m >= std::numeric_limits<int32_t>::max() - kRoundingOffset) return static_cast<int16_t>(kInt16Max);
  return static_cast<int16_t>((m + kRoundingOffset) >> 16);
}

}  // namespace

bool make_qs8_hardswish_params(float input_scale, int32_t input_zero_point, float output_scale,
                               int32_t output_zero_point, Qs8HardSwishParams* params) {
  // The ratios are formed in float, as TFLite does.
  const float hires_input_scale = (1.0f / 128.0f) * input_scale;
  const float reluish_scale = 3.0f / 32768.0f;
  const float output_multiplier = hires_input_scale / output_scale;
  const float reluish_multiplier = hires_input_scale / reluish_scale;
  if (!(output_multiplier > 0.0f) || !(reluish_multiplier > 0.0f)) return false;
  const QuantizedMultiplier out_q = quantize_multiplier(output_multiplier);
  const QuantizedMultiplier reluish_q = quantize_multiplier(reluish_multiplier);
  if (out_q.multiplier == 0 || reluish_q.multiplier == 0) return false;
  if (out_q.shift > 0 || out_q.shift < -31) return false;
  if (reluish_q.shift > 30 || reluish_q.shift < -31) return false;
  params->input_zero_point = input_zero_point;
  params->output_zero_point = output_zero_point;
  params->output_multiplier = downscale_multiplier(out_q.multiplier);
  params->output_exponent = out_q.shift;
  params->reluish_multiplier = downscale_multiplier(reluish_q.multiplier);
  params->reluish_exponent = reluish_q.shift;
  return true;
}

void qs8_hardswish__reference(const Qs8HardSwishParams& p, size_t n, const int8_t* input,
                              int8_t* output) {
  for (size_t i = 0; i < n; ++i) {
    const int16_t centered = static_cast<int16_t>(input[i] - p.input_zero_point);
    const int16_t hires = static_cast<int16_t>(centered * (1 << 7));  // |.| <= 255 * 128
    const int16_t preshift_output = rounding_doubling_high_mul(hires, p.output_multiplier);
    // Rescale so that real 3.0 maps to 32768 (saturating), without letting an
    // early saturation affect the result: all but the last left-shift bit first.
    int16_t reluish = hires;
    if (p.reluish_exponent > 0) reluish = saturating_left_shift(reluish, p.reluish_exponent - 1);
    reluish = rounding_doubling_high_mul(reluish, p.reluish_multiplier);
    if (p.reluish_exponent > 0) reluish = saturating_left_shift(reluish, 1);
    if (p.reluish_exponent < 0) reluish = rounding_divide_by_pot_int16(reluish, -p.reluish_exponent);
    // [-1, 1] -> [0, 1] in Q15.
    reluish = static_cast<int16_t>((static_cast<int32_t>(reluish) + (1 << 15)) >> 1);
    const int16_t preshift = doubling_high_mul(reluish, preshift_output);
    int32_t q = rounding_divide_by_pot_int16(preshift, -p.output_exponent) + p.output_zero_point;
    q = q < -128 ? -128 : (q > 127 ? 127 : q);
    output[i] = static_cast<int8_t>(q);
  }
}

}  // namespace ref
}  // namespace lowbit
