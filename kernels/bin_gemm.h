// Binary GEMM microkernels: XOR-popcount dot products of bit-packed rows.
//
//   c[m*c_stride + n] = sum over k < k_words of popcount(a[m*a_stride + k] ^ b[n*b_stride + k])
//
// for m < mr <= MR and n < nr <= NR. Rows hold `k_words` 32-bit words, a
// multiple of kBinGemmKAlign, zero-filled past the data (0 ^ 0 adds nothing)
// and 64-byte aligned. Callers (BCONV2D, BFULLY_CONNECTED) turn the popcounts
// into LCE's accumulator and apply the output stage.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/cpu_features.h"

namespace lowbit {

constexpr size_t kBinGemmKAlign = 16;  // words: one 512-bit vector

using BinGemmFn = void (*)(size_t mr, size_t nr, size_t k_words, const uint32_t* a,
                           size_t a_stride, const uint32_t* b, size_t b_stride, int32_t* c,
                           size_t c_stride);

struct BinGemmKernel {
  BinGemmFn fn;
  uint32_t mr;
  uint32_t nr;
};

void bin_gemm_4x4__scalar(size_t mr, size_t nr, size_t k_words, const uint32_t* a,
                          size_t a_stride, const uint32_t* b, size_t b_stride, int32_t* c,
                          size_t c_stride);
#if defined(__x86_64__) || defined(__i386__)
void bin_gemm_2x4__avx2(size_t mr, size_t nr, size_t k_words, const uint32_t* a, size_t a_stride,
                        const uint32_t* b, size_t b_stride, int32_t* c, size_t c_stride);
void bin_gemm_4x4__avx512vpopcnt(size_t mr, size_t nr, size_t k_words, const uint32_t* a,
                                 size_t a_stride, const uint32_t* b, size_t b_stride, int32_t* c,
                                 size_t c_stride);
#endif

// Every variant this build has, best first; the last needs nothing.
const KernelVariant<BinGemmKernel>* bin_gemm_variants(size_t* count);

}  // namespace lowbit
