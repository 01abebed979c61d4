// int16 -> int16 SOFTMAX over the innermost dimension, as TFLite's reference
// kernel (SoftmaxInt16): differences to the row maximum rescaled so that
// [-65535, 0] covers [-10, 0], exp and 1 / (1 + x) read from two 513-entry
// interpolated tables (TFLite's gen_lut), output Q0.15 (scale 1/32768,
// zero point 0).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {

constexpr int kInt16LutSize = 513;  // 512 segments and the last slope's end

// TFLite's gen_lut for int16 in and out: f sampled on [input_min, input_max]
// in 512 steps, output range [-1, 1] mapped to the int16 range, each sample
// biased by half the interpolation error at its segment's midpoint.
void make_int16_lut(double (*f)(double), double input_min, double input_max,
                    int16_t lut[kInt16LutSize]);
// TFLite's interpolated lookup: segment (value >> 7) + 256, 7 fraction bits.
int16_t int16_lut_lookup(int16_t value, const int16_t* lut);

struct Qs16SoftmaxParams {
  RequantProfile profile{};
  Requantizer input_rescale;  // input scale * beta / (10 / 65535)
  const int16_t* exp_lut = nullptr;                // exp on [-10, 0]
  const int16_t* one_over_one_plus_x_lut = nullptr;  // 1 / (1 + x) on [0, 1]
};

using Qs16SoftmaxFn = void (*)(const Qs16SoftmaxParams& params, size_t rows, size_t row_size,
                               const int16_t* input, int16_t* output);
void qs16_softmax__reference(const Qs16SoftmaxParams& params, size_t rows, size_t row_size,
                             const int16_t* input, int16_t* output);

}  // namespace ref
}  // namespace lowbit
