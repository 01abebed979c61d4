// The 256-bit W4A8 GEMM frame shared by the AVX2 and AVX-VNNI variants
// (include only from files compiled with AVX2): 4 rows x 8 channels per
// packed block, chunks of 32 bytes = 8 channels x 8 k-values as nibbles
// w + 8. AND and a 16-bit shift give two k-groups of unsigned bytes; a Dot
// policy multiplies them by the broadcast signed activations:
//   AVX2:     VPMADDUBSW per group (two products of at most 15 * 128 per
//             int16: nothing saturates), the two groups added in int16 (four
//             products), then VPMADDWD by ones into int32;
//   AVX-VNNI: VPDPBUSD per group into its own accumulator.
// The +8 is undone per row with -8 * sum(a).
#pragma once

#include <immintrin.h>

#include <cstring>

#include "kernels/qs8w4_gemm.h"
#include "kernels/x86/qs8_requant_avx2.h"

namespace lowbit {
// Internal linkage: each including file (compiled with its own ISA flags)
// keeps its own copies of these templates.
namespace w4avx2 {
namespace {

constexpr size_t kMR = 4, kNR = 8, kChunkK = 8, kChunkBytes = kNR * kChunkK / 2;
// Software prefetch distance, as the AVX-512 VNNI kernel's (never faults).
constexpr size_t kPrefetchBytes = 2048;

inline __m256i broadcast4(const int8_t* a) {
  int32_t bits;
  std::memcpy(&bits, a, 4);
  return _mm256_set1_epi32(bits);
}

// Two accumulators per row (the policy uses one or both), in named
// variables: with arrays GCC copies them through the stack every iteration.
#define LOWBIT_W4_ROWS(X) X(0) X(1) X(2) X(3)
#define LOWBIT_W4_DECLARE(m)                                \
  __m256i acc##m[2] = {_mm256_setzero_si256(), _mm256_setzero_si256()}; \
  const int8_t* a##m = rows[m];
#define LOWBIT_W4_TAIL(m) a##m = tails[m];
#define LOWBIT_W4_STEP(m)                                                   \
  if constexpr (m < kRows) {                                                \
    Dot::step(acc##m, low, high, broadcast4(a##m), broadcast4(a##m + 4));   \
    a##m += kChunkK;                                                        \
  }
#define LOWBIT_W4_STORE(m) \
  if constexpr (m < kRows) sums[m] = _mm256_add_epi32(acc##m[0], acc##m[1]);
template <typename Dot, size_t kRows>
__attribute__((noinline)) void accumulate(const int8_t* const (&rows)[kMR],
                                          const int8_t (&tails)[kMR][kChunkK], size_t main_chunks,
                                          size_t chunks, const uint8_t* w, __m256i (&sums)[kRows]) {
  const __m256i low_nibbles = _mm256_set1_epi8(0x0F);
  LOWBIT_W4_ROWS(LOWBIT_W4_DECLARE)
  for (size_t chunk = 0; chunk < chunks; ++chunk) {
    if (chunk == main_chunks) {
      LOWBIT_W4_ROWS(LOWBIT_W4_TAIL)
    }
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
    _mm_prefetch(reinterpret_cast<const char*>(w) + kPrefetchBytes, _MM_HINT_T0);
    w += kChunkBytes;
    const __m256i low = _mm256_and_si256(v, low_nibbles);
    const __m256i high = _mm256_and_si256(_mm256_srli_epi16(v, 4), low_nibbles);
    LOWBIT_W4_ROWS(LOWBIT_W4_STEP)
  }
  LOWBIT_W4_ROWS(LOWBIT_W4_STORE)
}
#undef LOWBIT_W4_ROWS
#undef LOWBIT_W4_DECLARE
#undef LOWBIT_W4_TAIL
#undef LOWBIT_W4_STEP
#undef LOWBIT_W4_STORE

template <typename Dot, size_t kRows>
void gemm_rows(size_t nc, size_t k, const int8_t* const (&rows)[kMR],
               const int8_t (&tails)[kMR][kChunkK], const int32_t (&correction)[kMR],
               const uint8_t* w, int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  const size_t main_chunks = k / kChunkK, chunks = (k + kChunkK - 1) / kChunkK;
  const size_t block_bytes = kNR * sizeof(int32_t) + chunks * kChunkBytes;
  for (size_t block = 0; block < nc; block += kNR) {
    __m256i sums[kRows];
    accumulate<Dot, kRows>(rows, tails, main_chunks, chunks, w + kNR * sizeof(int32_t), sums);
    const __m256i bias = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
    const size_t channels = nc - block < kNR ? nc - block : kNR;
    for (size_t m = 0; m < kRows; ++m) {
      const __m256i acc =
          _mm256_add_epi32(_mm256_add_epi32(bias, _mm256_set1_epi32(correction[m])), sums[m]);
      avx2::requantize_store(acc, params, block, c + m * c_stride + block, channels);
    }
    w += block_bytes;
  }
}

// The AVX2 multiply, for both variants: VPMADDUBSW per group (two products
// of at most 15 * 128 per int16), the groups added in int16 (four
// products), one VPMADDWD by ones into int32.
struct MaddubsDot {
  static __attribute__((always_inline)) inline void step(__m256i (&acc)[2], __m256i low,
                                                         __m256i high, __m256i a_low,
                                                         __m256i a_high) {
    const __m256i pairs =
        _mm256_add_epi16(_mm256_maddubs_epi16(low, a_low), _mm256_maddubs_epi16(high, a_high));
    acc[0] = _mm256_add_epi32(acc[0], _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
  }
};

// A single row runs SingleRowDot: its one VPDPBUSD chain per nibble group
// waits on the instruction's latency, where MaddubsDot's chain is one add.
template <typename Dot, typename SingleRowDot>
void gemm(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows, const void* packed_w,
          int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  const int8_t* rows[kMR];
  alignas(8) int8_t tails[kMR][kChunkK] = {};
  int32_t correction[kMR] = {};
  const size_t k_main = k / kChunkK * kChunkK;
  for (size_t m = 0; m < kMR; ++m) {
    rows[m] = a_rows[m < mr ? m : 0];
    std::memcpy(tails[m], rows[m] + k_main, k - k_main);
    if (m < mr) correction[m] = qs8w4_row_correction(rows[m], k);
  }
  const auto* w = static_cast<const uint8_t*>(packed_w);
  switch (mr) {
    case 1: return gemm_rows<SingleRowDot, 1>(nc, k, rows, tails, correction, w, c, c_stride, params);
    case 2: return gemm_rows<Dot, 2>(nc, k, rows, tails, correction, w, c, c_stride, params);
    case 3: return gemm_rows<Dot, 3>(nc, k, rows, tails, correction, w, c, c_stride, params);
    default: return gemm_rows<Dot, 4>(nc, k, rows, tails, correction, w, c, c_stride, params);
  }
}

}  // namespace
}  // namespace w4avx2
}  // namespace lowbit
