// SIMD variants of the int8 matrix-vector product into int32 sums, with the
// signature and results of kernels/reference/qs8_matvec.h.
#pragma once

#include "kernels/isa.h"
#include "kernels/reference/qs8_matvec.h"

namespace lowbit {

// x86-64 (kernels/x86/): four rows at a time, 16 columns per step through
// sign extension to int16 and vpmaddwd (int8 products summed in pairs never
// overflow int16 x int16 -> int32); then eight columns with 128-bit vectors
// and the last ones in scalar code.
void qs8_matvec__avx2(size_t rows, size_t cols, const int8_t* matrix, const int8_t* vector,
                      int32_t* sums);

// aarch64 (kernels/arm/): 16 columns per step, SMULL and SADALP into int32 lanes.
void qs8_matvec__neon(size_t rows, size_t cols, const int8_t* matrix, const int8_t* vector,
                      int32_t* sums);

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/qs8_matvec_config.cpp).
KernelFamily<ref::Qs8MatvecFn> qs8_matvec_variants();

}  // namespace lowbit
