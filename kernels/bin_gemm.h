// Binary GEMM microkernels: XOR-popcount dot products of bit-packed rows, with
// the A rows read through row pointers (indirection), never copied:
//
//   c[m*c_stride + n] = sum over taps t < taps, 64-bit steps q of one tap:
//                         popcount(A(t, m)[q] ^ B(n, t)[q])
//
// for m < mr <= MR and n < nr <= NR. A(t, m) = a[t*mr + m] points at `tap_words`
// 32-bit words (a pixel of a bit-packed tensor, or a zero row for padding); a
// kernel never reads past them. The last word of every A run is ANDed with
// `last_mask` (pad bits of a channel count that is not a multiple of 32 may
// hold anything). B is the filter packed by bin_gemm_pack_block: per block of
// NR output channels, per tap, per 64-bit step q < bin_gemm_tap_steps, the
// 64-bit words of the NR channels side by side (channel n at 64-bit index
// (t*steps + q)*NR + n), zero past the data; so a kernel broadcasts one 64-bit
// A word against NR channels and keeps one output channel per 64-bit lane,
// with no reduction across lanes. Callers (BCONV2D, BFULLY_CONNECTED) turn the
// popcounts into LCE's accumulator and apply the output stage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <climits>
#include <cstring>

#include "kernels/isa.h"

namespace lowbit {

using BinGemmSignature = void(size_t mr, size_t nr, size_t taps, size_t tap_words,
                              const uint32_t* const* a, uint32_t last_mask, const uint32_t* b,
                              int32_t* c, size_t c_stride);
using BinGemmFn = BinGemmSignature*;

// The same tile with the output stage applied in registers (BinGemmOutput,
// below), writing output rows instead of popcounts.
struct BinGemmOutput;
using BinGemmFusedSignature = void(size_t mr, size_t nr, size_t taps, size_t tap_words,
                                   const uint32_t* const* a, uint32_t last_mask,
                                   const uint32_t* b, const BinGemmOutput& out);
using BinGemmFusedFn = BinGemmFusedSignature*;

struct BinGemmKernel {
  BinGemmFn fn;
  uint32_t mr;
  uint32_t nr;
  BinGemmFusedFn fused = nullptr;  // optional
  // The portable definition, for the kernel tests: BCONV2D and
  // BFULLY_CONNECTED run the direct reference convolution instead.
  bool portable = false;
};

// 64-bit steps per tap: the tap's words rounded up to an even count.
inline size_t bin_gemm_tap_steps(size_t tap_words) { return (tap_words + 1) / 2; }

// Steps a kernel reads as whole 64-bit A words; a tap with a tail (odd word
// count or a partial last word) ends with one step built by bin_gemm_tail_word.
inline size_t bin_gemm_full_steps(size_t tap_words, uint32_t last_mask) {
  return (tap_words % 2 != 0 || last_mask != ~0u) ? (tap_words - 1) / 2 : tap_words / 2;
}
inline bool bin_gemm_has_tail(size_t tap_words, uint32_t last_mask) {
  return tap_words % 2 != 0 || last_mask != ~0u;
}
inline uint64_t bin_gemm_tail_word(const uint32_t* row, size_t tap_words, uint32_t last_mask) {
  const uint64_t last = row[tap_words - 1] & last_mask;
  return tap_words % 2 != 0 ? last : (uint64_t(row[tap_words - 2]) | last << 32);
}
inline uint64_t bin_gemm_load_word(const uint32_t* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof(w));
  return w;
}

// Words of one packed block of kernel.nr output channels.
size_t bin_gemm_block_words(const BinGemmKernel& kernel, size_t taps, size_t tap_words);
// Packs channels [0, n) (n <= kernel.nr) into one block of bin_gemm_block_words
// words: channel r's tap t is the `tap_words` words at rows + r*row_stride +
// t*tap_stride (pad bits already cleared); channels n..nr-1 are zero.
void bin_gemm_pack_block(const BinGemmKernel& kernel, size_t n, size_t taps, size_t tap_words,
                         const uint32_t* rows, size_t row_stride, size_t tap_stride,
                         uint32_t* block);

BinGemmSignature bin_gemm_4x4c2__reference;
// x86-64 (kernels/x86/):
BinGemmSignature bin_gemm_4x4c2__avx2, bin_gemm_12x16c2__avx512vpopcnt;
BinGemmFusedSignature bin_gemm_12x16c2__avx512vpopcnt_fused;
// aarch64 (kernels/arm/):
BinGemmSignature bin_gemm_4x4c2__neon;
// 32-bit ARM (kernels/arm/*_armv7neon.cpp):
BinGemmSignature bin_gemm_2x4c2__armv7neon;

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/bin_gemm_config.cpp).
KernelFamily<BinGemmKernel> bin_gemm_variants();

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

// What a fused GEMM tile writes: for each of its mr pixels, output channels
// [channel, channel + nr) of `rows[m]` (float, int8 or bit-packed words, as
// the BinOutputFn of `kind` would), from D = 2*popcounts + corrections[m][c]
// (corrections[m] may be nullptr). Bit output needs `channel` % 16 == 0; a
// block writes its 16 bits, and the whole word (upper half 0) when no later
// block shares it (channel % 32 == 0 and channel + 16 >= channels).
enum class BinGemmOutputKind : uint8_t { kFloat, kInt8, kBits };
struct BinGemmOutput {
  BinGemmOutputKind kind = BinGemmOutputKind::kFloat;
  const BinOutputStageParams* stage = nullptr;
  size_t channel = 0;
  size_t channels = 0;  // output channels of a row
  void* const* rows = nullptr;
  const int32_t* const* corrections = nullptr;
};

using BinOutputSignature = void(size_t channels, const int32_t* popcounts,
                                const int32_t* correction, const BinOutputStageParams& params,
                                void* output);
using BinOutputFn = BinOutputSignature*;

struct BinOutputKernel {
  BinOutputFn to_float;
  BinOutputFn to_int8;
  BinOutputFn to_bits;
};

// Per ISA, the three modes' kernels.
BinOutputSignature bin_output_float__reference, bin_output_int8__reference,
    bin_output_bits__reference;
// x86-64 (kernels/x86/):
BinOutputSignature bin_output_float__avx2, bin_output_int8__avx2, bin_output_bits__avx2;
BinOutputSignature bin_output_float__avx512, bin_output_int8__avx512, bin_output_bits__avx512;
// aarch64 (kernels/arm/):
BinOutputSignature bin_output_float__neon, bin_output_int8__neon, bin_output_bits__neon;
// 32-bit ARM (kernels/arm/*_armv7neon.cpp):
BinOutputSignature bin_output_float__armv7neon, bin_output_int8__armv7neon,
    bin_output_bits__armv7neon;

// Every output-stage variant, best first; the last needs nothing
// (kernels/configs/bin_output_config.cpp).
KernelFamily<BinOutputKernel> bin_output_variants();

}  // namespace lowbit
