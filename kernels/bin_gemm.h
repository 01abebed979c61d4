// Binary GEMM microkernels: XOR-popcount dot products of bit-packed rows.
//
//   c[m*c_stride + n] = sum over k < k_words of popcount(a[m*a_stride + k] ^ b[n*b_stride + k])
//
// for m < mr <= MR and n < nr <= NR, B packed as the kernel's layout says
// (BinGemmLayout). Rows hold `k_words` 32-bit words, a multiple of the
// kernel's k_align, zero-filled past the data (0 ^ 0 adds nothing) and, for
// k_align 8, 32-byte aligned. Callers (BCONV2D, BFULLY_CONNECTED) turn the popcounts
// into LCE's accumulator and apply the output stage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <climits>

#include "runtime/cpu_features.h"

namespace lowbit {

constexpr size_t kBinGemmKAlign = 8;  // words: one 256-bit vector

using BinGemmFn = void (*)(size_t mr, size_t nr, size_t k_words, const uint32_t* a,
                           size_t a_stride, const uint32_t* b, size_t b_stride, int32_t* c,
                           size_t c_stride);

// How a kernel wants its B rows (the filter) packed, one block of nr rows at a time:
//   kRows:          row n at b + n*b_stride, b_stride = k_words (rows past nr zero)
//   kInterleaved64: the 64-bit words of the block's nr rows interleaved, word q of
//                   row n at 64-bit index q*nr + n (b_stride unused); the kernel
//                   broadcasts A's words and keeps one output channel per 64-bit
//                   lane, so it never reduces across lanes and K needs only 64-bit
//                   granularity.
enum class BinGemmLayout : uint8_t { kRows, kInterleaved64 };

struct BinGemmKernel {
  BinGemmFn fn;
  uint32_t mr;
  uint32_t nr;
  BinGemmLayout layout = BinGemmLayout::kRows;
  uint32_t k_align = kBinGemmKAlign;  // k_words must be a multiple of this
};

// Words of one packed block of kernel.nr B rows.
size_t bin_gemm_block_words(const BinGemmKernel& kernel, size_t k_words);
// Packs rows [0, n) (n <= kernel.nr, `row_stride` words apart, zero past k_words
// of data) into one block of bin_gemm_block_words words; rows n..nr-1 are zero.
void bin_gemm_pack_block(const BinGemmKernel& kernel, size_t n, size_t k_words,
                         const uint32_t* rows, size_t row_stride, uint32_t* block);

void bin_gemm_4x4__scalar(size_t mr, size_t nr, size_t k_words, const uint32_t* a,
                          size_t a_stride, const uint32_t* b, size_t b_stride, int32_t* c,
                          size_t c_stride);
#if defined(__x86_64__) || defined(__i386__)
void bin_gemm_2x4__avx2(size_t mr, size_t nr, size_t k_words, const uint32_t* a, size_t a_stride,
                        const uint32_t* b, size_t b_stride, int32_t* c, size_t c_stride);
void bin_gemm_12x16c2__avx512vpopcnt(size_t mr, size_t nr, size_t k_words, const uint32_t* a,
                                     size_t a_stride, const uint32_t* b, size_t b_stride,
                                     int32_t* c, size_t c_stride);
void bin_gemm_4x4__avx512vpopcnt(size_t mr, size_t nr, size_t k_words, const uint32_t* a,
                                 size_t a_stride, const uint32_t* b, size_t b_stride, int32_t* c,
                                 size_t c_stride);
#endif

// Every variant this build has, best first; the last needs nothing.
const KernelVariant<BinGemmKernel>* bin_gemm_variants(size_t* count);

// Output stages: one output pixel's GEMM popcounts -> its output row, with
//   D[c] = 2*popcounts[c] + (correction ? correction[c] : 0)
// (the doubled accumulator of kernels/reference/bin_conv2d.h) and, per mode,
//   float: float(clamp(D, clamp_min, clamp_max)) * multiplier[c] + bias[c],
//          a multiply then an add, never fused (as the reference)
//   int8:  that float rounded half away from zero, saturated
//   bit:   bit c = D > doubled_threshold[c], pad bits of the last word 0
// Loads stay inside the `channels` elements of every row.
struct BinOutputStageParams {
  const float* multiplier = nullptr;
  const float* bias = nullptr;
  int32_t clamp_min = INT32_MIN;
  int32_t clamp_max = INT32_MAX;
  // 2*threshold saturated to int32 (D never reaches INT32_MIN or INT32_MAX).
  const int32_t* doubled_threshold = nullptr;
};

using BinOutputFn = void (*)(size_t channels, const int32_t* popcounts, const int32_t* correction,
                             const BinOutputStageParams& params, void* output);

struct BinOutputKernel {
  BinOutputFn to_float;
  BinOutputFn to_int8;
  BinOutputFn to_bits;
};

void bin_output_float__scalar(size_t, const int32_t*, const int32_t*, const BinOutputStageParams&,
                              void*);
void bin_output_int8__scalar(size_t, const int32_t*, const int32_t*, const BinOutputStageParams&,
                             void*);
void bin_output_bits__scalar(size_t, const int32_t*, const int32_t*, const BinOutputStageParams&,
                             void*);
#if defined(__x86_64__) || defined(__i386__)
void bin_output_float__avx2(size_t, const int32_t*, const int32_t*, const BinOutputStageParams&,
                            void*);
void bin_output_int8__avx2(size_t, const int32_t*, const int32_t*, const BinOutputStageParams&,
                           void*);
void bin_output_bits__avx2(size_t, const int32_t*, const int32_t*, const BinOutputStageParams&,
                           void*);
void bin_output_float__avx512(size_t, const int32_t*, const int32_t*, const BinOutputStageParams&,
                              void*);
void bin_output_int8__avx512(size_t, const int32_t*, const int32_t*, const BinOutputStageParams&,
                             void*);
void bin_output_bits__avx512(size_t, const int32_t*, const int32_t*, const BinOutputStageParams&,
                             void*);
#endif

// Every output-stage variant, best first; the last needs nothing.
const KernelVariant<BinOutputKernel>* bin_output_variants(size_t* count);

}  // namespace lowbit
