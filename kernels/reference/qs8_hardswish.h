// int8 HARD_SWISH, x * relu6(x + 3) / 6, as TFLite's reference kernel: int16
// fixed point, with the input lifted by 2^7, a "reluish" factor in [0, 1]
// and a final non-rounding doubling high multiply (SQDMULH-like).
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

struct Qs8HardSwishParams {
  int32_t input_zero_point = 0, output_zero_point = 0;
  int16_t output_multiplier = 0;  // (input scale / 128) / output scale, Q15
  int32_t output_exponent = 0;    // always <= 0
  int16_t reluish_multiplier = 0;  // (input scale / 128) / (3 / 32768), Q15
  int32_t reluish_exponent = 0;
};

// Fails (returns false) when the output scale is too small for the int16
// path (TFLite requires the output exponent to be <= 0).
bool make_qs8_hardswish_params(float input_scale, int32_t input_zero_point, float output_scale,
                               int32_t output_zero_point, Qs8HardSwishParams* params);

using Qs8HardSwishFn = void (*)(const Qs8HardSwishParams& params, size_t n, const int8_t* input,
                                int8_t* output);

void qs8_hardswish__reference(const Qs8HardSwishParams& params, size_t n, const int8_t* input,
                              int8_t* output);

}  // namespace ref
}  // namespace lowbit
