// int16 (16x8) kernels of LEAKY_RELU, LOGISTIC and TANH as TFLite's reference
// kernels define them. Activations are symmetric (zero point 0): the int16
// tensor rule of graph validation.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {

// TFLite's CheckedLog2: whether x is a power of two within 1e-3 in log2
// (scales written as float are allowed that much), and the rounded log2.
bool checked_log2(float x, int* log2_rounded);

// LEAKY_RELU: x rescaled by s_in / s_out when x >= 0, else by
// s_in * alpha / s_out; both ratios formed in float as TFLite does, a negative
// alpha ratio rescaling by its magnitude with the result negated (the int8
// table builder make_leaky_relu_table runs the same rule).
struct LeakyReluRescale {
  QuantizedMultiplier identity, negative;
  int32_t negative_sign = 1;
};
LeakyReluRescale make_leaky_relu_rescale(float input_scale, float alpha, float output_scale);
int32_t leaky_relu_rescale(const LeakyReluRescale& r, int32_t centered);

struct Qs16LeakyReluParams {
  LeakyReluRescale rescale;
};
using Qs16LeakyReluFn = void (*)(const Qs16LeakyReluParams& params, size_t n,
                                 const int16_t* input, int16_t* output);
void qs16_leaky_relu__reference(const Qs16LeakyReluParams& params, size_t n,
                                const int16_t* input, int16_t* output);

// TFLite's 256-entry sigmoid table (sigmoid(i / 24), unsigned 0.16) that
// LOGISTIC and TANH interpolate.
extern const uint16_t kSigmoidTable[256];

// LOGISTIC and TANH: the input brought to units of 1/(3 * 4096) (TFLite's
// 3/4 range stretch, [-8, 8] to [-10.7, 10.7]) by
// (x * input_multiplier + round) >> input_left_shift, then TFLite's 256-entry
// sigmoid table (sigmoid(i / 24) in 0.16) interpolated on |x|, with
// tanh(x) = 2 sigmoid(2x) - 1. The output scale is 2^-15.
struct Qs16SigmoidParams {
  int32_t input_multiplier = 3;
  int32_t input_left_shift = 0;
};
// TFLite's Prepare: a power-of-two input scale s = 2^e (checked_log2) with
// e + 12 == 0 (LOGISTIC) or e + 12 in {0, 1} (TANH) uses multiplier
// 3 << (e + 12); any other scale the multiplier s * 3 * 4096 doubled until it
// exceeds 32767 / 2 (at most 31 times), truncated.
Qs16SigmoidParams make_qs16_sigmoid_params(float input_scale, bool tanh);

using Qs16SigmoidFn = void (*)(const Qs16SigmoidParams& params, size_t n, const int16_t* input,
                               int16_t* output);
void qs16_logistic__reference(const Qs16SigmoidParams& params, size_t n, const int16_t* input,
                              int16_t* output);
void qs16_tanh__reference(const Qs16SigmoidParams& params, size_t n, const int16_t* input,
                          int16_t* output);

}  // namespace ref
}  // namespace lowbit
