// The table, PRELU and SQUARED_DIFFERENCE kernels of the quantized math
// operators (kernels/reference/qs8_math.h).
#pragma once

#include "kernels/isa.h"
#include "kernels/reference/math_elementwise.h"
#include "kernels/reference/qs16_activation.h"
#include "kernels/reference/qs8_math.h"

namespace lowbit {

// x86-64 (kernels/x86/):
void x8_lut__avx2(const ref::X8LutParams& params, size_t n, const uint8_t* input, uint8_t* output);
// Sixteen (AVX-512) or eight (AVX2) outputs per step over runs of strides 0
// and 1 (kernels/x86/qs8_math_binary_<isa>.cpp).
void qs8_prelu__avx512(const ref::Qs8PreluParams& params, size_t n, const int8_t* x,
                       size_t x_stride, const int8_t* alpha, size_t alpha_stride,
                       int8_t* output);
void qs8_squared_difference__avx512(const ref::Qs8SquaredDifferenceParams& params, size_t n,
                                    const int8_t* a, size_t a_stride, const int8_t* b,
                                    size_t b_stride, int8_t* output);
void qs8_prelu__avx2(const ref::Qs8PreluParams& params, size_t n, const int8_t* x,
                     size_t x_stride, const int8_t* alpha, size_t alpha_stride, int8_t* output);
void qs8_squared_difference__avx2(const ref::Qs8SquaredDifferenceParams& params, size_t n,
                                  const int8_t* a, size_t a_stride, const int8_t* b,
                                  size_t b_stride, int8_t* output);
// aarch64 (kernels/arm/):
void x8_lut__neon(const ref::X8LutParams& params, size_t n, const uint8_t* input, uint8_t* output);
// aarch64 and 32-bit ARM (kernels/arm/qs8_math_binary_neon.h): eight outputs
// per step over runs of strides 0 and 1.
void qs8_prelu__neon(const ref::Qs8PreluParams& params, size_t n, const int8_t* x,
                     size_t x_stride, const int8_t* alpha, size_t alpha_stride, int8_t* output);
void qs8_prelu__armv7neon(const ref::Qs8PreluParams& params, size_t n, const int8_t* x,
                          size_t x_stride, const int8_t* alpha, size_t alpha_stride,
                          int8_t* output);
void qs8_squared_difference__neon(const ref::Qs8SquaredDifferenceParams& params, size_t n,
                                  const int8_t* a, size_t a_stride, const int8_t* b,
                                  size_t b_stride, int8_t* output);
void qs8_squared_difference__armv7neon(const ref::Qs8SquaredDifferenceParams& params, size_t n,
                                       const int8_t* a, size_t a_stride, const int8_t* b,
                                       size_t b_stride, int8_t* output);

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/qs8_math_config.cpp).
KernelFamily<ref::X8LutFn> x8_lut_variants();
KernelFamily<ref::Qs8PreluFn> qs8_prelu_variants();
KernelFamily<ref::Qs8SquaredDifferenceFn> qs8_squared_difference_variants();
// float32 LEAKY_RELU, alpha as its parameter.
using F32LeakyReluFn = void (*)(const float& alpha, size_t n, const float* in, float* out);
KernelFamily<F32LeakyReluFn> f32_leaky_relu_variants();
// int16 (16x8) LOGISTIC and TANH, eight lanes with one gather of each
// lane's two neighbouring table entries (kernels/x86/qs16_activation_avx2.cpp).
void qs16_logistic__avx2(const ref::Qs16SigmoidParams& params, size_t n, const int16_t* input,
                         int16_t* output);
void qs16_tanh__avx2(const ref::Qs16SigmoidParams& params, size_t n, const int16_t* input,
                     int16_t* output);
// int16 (16x8) LEAKY_RELU (the reference only, so far), LOGISTIC and TANH.
KernelFamily<ref::Qs16LeakyReluFn> qs16_leaky_relu_variants();
KernelFamily<ref::Qs16SigmoidFn> qs16_logistic_variants();
KernelFamily<ref::Qs16SigmoidFn> qs16_tanh_variants();

}  // namespace lowbit
