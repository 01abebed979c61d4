// SIMD variants of the int8 elementwise kernels (ADD, MUL) with the
// signatures and results of kernels/reference/qs8_elementwise.h. Runs with
// strides 0 or 1 are vectorised; any other stride (and, with AVX2, each run's
// tail) goes through the reference, so every output equals the reference bit
// for bit.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/isa.h"
#include "kernels/reference/qs8_elementwise.h"

namespace lowbit {

// x86-64 (kernels/x86/):
void qs8_add__avx2(const ref::Qs8AddParams& params, size_t n, const int8_t* a, size_t a_stride,
                   const int8_t* b, size_t b_stride, int8_t* output);
void qs8_mul__avx2(const ref::Qs8MulParams& params, size_t n, const int8_t* a, size_t a_stride,
                   const int8_t* b, size_t b_stride, int8_t* output);
void qs8_add__avx512(const ref::Qs8AddParams& params, size_t n, const int8_t* a,
                     size_t a_stride, const int8_t* b, size_t b_stride, int8_t* output);
void qs8_mul__avx512(const ref::Qs8MulParams& params, size_t n, const int8_t* a,
                     size_t a_stride, const int8_t* b, size_t b_stride, int8_t* output);
void qs16_add__avx2(const ref::Qs8AddParams& params, size_t n, const int16_t* a,
                    size_t a_stride, const int16_t* b, size_t b_stride, int16_t* output);
void qs16_add__avx512(const ref::Qs8AddParams& params, size_t n, const int16_t* a,
                      size_t a_stride, const int16_t* b, size_t b_stride, int16_t* output);

// ARM (kernels/arm/qs8_elementwise_neon.h): aarch64 and 32-bit NEON.
void qs8_add__neon(const ref::Qs8AddParams& params, size_t n, const int8_t* a, size_t a_stride,
                   const int8_t* b, size_t b_stride, int8_t* output);
void qs8_mul__neon(const ref::Qs8MulParams& params, size_t n, const int8_t* a, size_t a_stride,
                   const int8_t* b, size_t b_stride, int8_t* output);
void qs8_add__armv7neon(const ref::Qs8AddParams& params, size_t n, const int8_t* a,
                        size_t a_stride, const int8_t* b, size_t b_stride, int8_t* output);
void qs8_mul__armv7neon(const ref::Qs8MulParams& params, size_t n, const int8_t* a,
                        size_t a_stride, const int8_t* b, size_t b_stride, int8_t* output);

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/qs8_elementwise_config.cpp).
KernelFamily<ref::Qs8AddFn> qs8_add_variants();
KernelFamily<ref::Qs8MulFn> qs8_mul_variants();
// 16x8 ADD/SUB (AVX-512, AVX2) and MUL (the reference only, so far).
KernelFamily<ref::Qs16AddFn> qs16_add_variants();
KernelFamily<ref::Qs16MulFn> qs16_mul_variants();
KernelFamily<ref::Qs16PotAddFn> qs16_add_pot_variants();

}  // namespace lowbit
