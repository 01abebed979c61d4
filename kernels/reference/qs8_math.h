// int8/uint8 kernels of the math operators TFLite quantizes: TANH, EXP, LOG,
// LEAKY_RELU, ABS, NEG, SQRT, RSQRT (one input) and PRELU, SQUARED_DIFFERENCE
// (two). A one-input operator maps each input byte to one output byte, so it
// runs as a 256-entry table built once when the model loads: from TFLite's
// float transform (its LUTPopulate), or by running TFLite's integer algorithm
// on each of the 256 input values. Both give TFLite's bytes by construction.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {

// An 8-bit tensor's quantization, as the table builders see it.
struct ByteQuant {
  float scale = 1.0f;
  int32_t zero_point = 0;
  bool is_uint8 = false;
};

// out[i] = table[in[i]]: the table is indexed by the input's byte.
struct X8LutParams {
  const uint8_t* table = nullptr;
};
using X8LutFn = void (*)(const X8LutParams& params, size_t n, const uint8_t* input,
                         uint8_t* output);
void x8_lut__reference(const X8LutParams& params, size_t n, const uint8_t* input, uint8_t* output);

// TFLite's LUTPopulate: x = s_in * (q - zp_in) in float, q_out =
// int32(round(f(x, param) * (1 / s_out)) + zp_out) clamped to the output type,
// a value beyond int32 saturating (as LiteRT's tables do). TFLite rounds half
// away from zero; the xnnpack_fp32 profile's LOGISTIC rounds half to even.
enum class TableRounding { kHalfAwayFromZero, kHalfToEven };
void make_float_table(const ByteQuant& in, const ByteQuant& out, TableRounding rounding,
                      float (*f)(float x, float param), float param, uint8_t table[256]);

// Every table builder has this type; `param` is LEAKY_RELU's alpha, unused
// by the others.
using TableBuilder = void (*)(float param, const ByteQuant& in, const ByteQuant& out,
                              uint8_t table[256]);
// make_float_table of std::tanh, std::exp, or std::log with x <= 0 giving the
// output's lowest value (TFLite's LOG), rounded half away from zero.
void make_tanh_table(float unused, const ByteQuant& in, const ByteQuant& out, uint8_t table[256]);
void make_exp_table(float unused, const ByteQuant& in, const ByteQuant& out, uint8_t table[256]);
void make_log_table(float unused, const ByteQuant& in, const ByteQuant& out, uint8_t table[256]);

// Tables from TFLite's integer algorithms (elementwise.cc, activations.cc).
// ABS: |q - zp_in|, rescaled by s_in / s_out unless the scales are equal.
void make_abs_table(float unused, const ByteQuant& in, const ByteQuant& out, uint8_t table[256]);
// NEG on int8: the stored value negated, wrapping (-(-128) is -128);
// TFLite's NEG ignores quantization.
void make_neg_table(float unused, const ByteQuant& in, const ByteQuant& out, uint8_t table[256]);
// SQRT: trunc(sqrt(s_in * (q - zp_in)) / s_out) + zp_out, in float. RSQRT:
// the fixed-point inverse square root of q - zp_in, rescaled by
// 1 / (sqrt(s_in) s_out); q == zp_in gives the maximum. Inputs below zp_in
// are refused by the operator before the table is read (entries left 0).
void make_sqrt_table(float unused, const ByteQuant& in, const ByteQuant& out, uint8_t table[256]);
void make_rsqrt_table(float unused, const ByteQuant& in, const ByteQuant& out, uint8_t table[256]);
// LEAKY_RELU: q - zp_in rescaled by s_in / s_out when >= 0, else by
// s_in * alpha / s_out (both ratios formed in float, as TFLite); a negative
// ratio rescales by its magnitude and negates the result.
void make_leaky_relu_table(float alpha, const ByteQuant& in, const ByteQuant& out,
                           uint8_t table[256]);

// TFLite's gemmlowp-style inverse square root of x >= 1 (GetInvSqrtQuantized-
// MultiplierExp with a reversed shift): 1/sqrt(x) ~ multiplier * 2^(shift-31).
QuantizedMultiplier inverse_sqrt_multiplier(int32_t x);

// Binary kernels over one broadcast run (strides 0 or 1). uint8 tensors run
// as int8 with each byte XORed with sign_flip and zero points lowered by 128,
// as the ADD kernels (kernels/reference/qs8_elementwise.h).
//
// PRELU: x - zp_x rescaled by s_x / s_out when >= 0, else (x - zp_x) *
// (alpha - zp_alpha) rescaled by s_x * s_alpha / s_out.
struct Qs8PreluParams {
  int32_t input_zero_point = 0, alpha_zero_point = 0, output_zero_point = 0;
  QuantizedMultiplier positive, negative;
  uint8_t sign_flip = 0;
};
void make_qs8_prelu_params(float input_scale, float alpha_scale, float output_scale,
                           Qs8PreluParams* params);
using Qs8PreluFn = void (*)(const Qs8PreluParams& params, size_t n, const int8_t* x,
                            size_t x_stride, const int8_t* alpha, size_t alpha_stride,
                            int8_t* output);
void qs8_prelu__reference(const Qs8PreluParams& params, size_t n, const int8_t* x,
                          size_t x_stride, const int8_t* alpha, size_t alpha_stride,
                          int8_t* output);

// SQUARED_DIFFERENCE (int8 only in TFLite): both inputs lifted by 2^7 and
// rescaled onto 2 max(s_a, s_b) as ADD does, the difference squared, then
// rescaled by (2 max)^2 / (2^14 s_out).
struct Qs8SquaredDifferenceParams {
  int32_t a_zero_point = 0, b_zero_point = 0, output_zero_point = 0;
  QuantizedMultiplier a, b, output;
};
// False when the output multiplier is not below 1 (TFLite's kernel has no
// left shift for it).
bool make_qs8_squared_difference_params(float a_scale, float b_scale, float output_scale,
                                        Qs8SquaredDifferenceParams* params);
using Qs8SquaredDifferenceFn = void (*)(const Qs8SquaredDifferenceParams& params, size_t n,
                                        const int8_t* a, size_t a_stride, const int8_t* b,
                                        size_t b_stride, int8_t* output);
void qs8_squared_difference__reference(const Qs8SquaredDifferenceParams& params, size_t n,
                                       const int8_t* a, size_t a_stride, const int8_t* b,
                                       size_t b_stride, int8_t* output);

// What the SIMD PRELU and SQUARED_DIFFERENCE kernels share: step(a, b, out)
// computes kStep outputs from runs of strides 0 or 1 (it knows the strides);
// other strides and the run's tail go through `reference`.
template <size_t kStep, typename Params, typename Step>
void binary_steps(const Params& p, size_t n, const int8_t* a, size_t a_stride, const int8_t* b,
                  size_t b_stride, int8_t* output,
                  void (*reference)(const Params&, size_t, const int8_t*, size_t, const int8_t*,
                                    size_t, int8_t*),
                  Step&& step) {
  size_t i = 0;
  if (a_stride <= 1 && b_stride <= 1) {
    for (; i + kStep <= n; i += kStep) step(a + i * a_stride, b + i * b_stride, output + i);
  }
  if (i < n) reference(p, n - i, a + i * a_stride, a_stride, b + i * b_stride, b_stride, output + i);
}

}  // namespace ref
}  // namespace lowbit
