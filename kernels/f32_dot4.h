// SIMD variants of the float dot products in LiteRT's order, with the
// signature and results of kernels/reference/f32_dot4.h: four rows at a time,
// each row's four running sums in one 128-bit register (a multiply then an
// add: the build compiles with -ffp-contract=off, so nothing fuses them).
// No 32-bit ARM row: its NEON flushes subnormals to zero, the scalar code
// does not.
#pragma once

#include "kernels/isa.h"
#include "kernels/reference/f32_dot4.h"

namespace lowbit {

// x86-64 (kernels/x86/f32_dot4_avx2.cpp; SSE instructions, in the AVX2 file
// set as every x86 row is).
void f32_dot4__avx2(size_t rows, size_t cols, const float* a, const float* b, size_t b_stride,
                    float* out);
// aarch64 (kernels/arm/f32_dot4_neon.cpp).
void f32_dot4__neon(size_t rows, size_t cols, const float* a, const float* b, size_t b_stride,
                    float* out);

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/f32_dot4_config.cpp).
KernelFamily<ref::F32Dot4Fn> f32_dot4_variants();

}  // namespace lowbit
