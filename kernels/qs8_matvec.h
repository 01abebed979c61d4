// SIMD variants of the int8 matrix-vector product into int32 sums and of the
// row-by-row dot products, with the signatures and results of
// kernels/reference/qs8_matvec.h.
#pragma once

#include "kernels/isa.h"
#include "kernels/reference/qs8_matvec.h"

namespace lowbit {

// x86-64 (kernels/x86/): four rows at a time through sign extension to int16
// and vpmaddwd (int8 products summed in pairs never overflow int16 x int16 ->
// int32). AVX-512BW: 32 columns per step and the rest through a masked load;
// AVX2: 16 columns per step, then eight with 128-bit vectors and the last
// ones in scalar code.
void qs8_matvec__avx512(size_t rows, size_t cols, const int8_t* matrix, const int8_t* vector,
                        int32_t* sums);
void qs8_matvec__avx2(size_t rows, size_t cols, const int8_t* matrix, const int8_t* vector,
                      int32_t* sums);
// Row dot products (qs8_rowdot_avx2.cpp): 16 columns a step through
// vpmaddwd, the tail read 16 wide and masked, eight rows reduced together.
void qs8_rowdot__avx2(size_t rows, size_t cols, const int8_t* a, const int8_t* b, int32_t* sums);
void qs16_rowdot__avx2(size_t rows, size_t cols, const int16_t* a, const int16_t* b,
                       int32_t* sums);

// aarch64 and 32-bit ARM (kernels/arm/qs8_matvec_neon.h): the matrix product
// 16 columns per step, SMULL and SADALP into int32 lanes; the row dot
// products 8 columns a step (int16: SMLAL), the tail masked.
void qs8_matvec__neon(size_t rows, size_t cols, const int8_t* matrix, const int8_t* vector,
                      int32_t* sums);
void qs8_rowdot__neon(size_t rows, size_t cols, const int8_t* a, const int8_t* b, int32_t* sums);
void qs16_rowdot__neon(size_t rows, size_t cols, const int16_t* a, const int16_t* b,
                       int32_t* sums);
void qs8_matvec__armv7neon(size_t rows, size_t cols, const int8_t* matrix, const int8_t* vector,
                           int32_t* sums);
void qs8_rowdot__armv7neon(size_t rows, size_t cols, const int8_t* a, const int8_t* b,
                           int32_t* sums);
void qs16_rowdot__armv7neon(size_t rows, size_t cols, const int16_t* a, const int16_t* b,
                            int32_t* sums);

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/qs8_matvec_config.cpp).
KernelFamily<ref::Qs8MatvecFn> qs8_matvec_variants();
KernelFamily<ref::Qs8RowdotFn> qs8_rowdot_variants();
KernelFamily<ref::Qs16RowdotFn> qs16_rowdot_variants();

}  // namespace lowbit
