// Binary GEMM tile of up to 12 rows x 16 channels with AVX-512 VPOPCNTDQ on
// the interleaved filter layout (kernels/bin_gemm.h): each 64-bit A word is
// broadcast against the same word of 16 filter channels (two vectors), so
// every 64-bit lane accumulates one output channel: no horizontal reduction,
// and K costs whole 64-bit words only (3x3x64 channels: 9 steps).
// Per step: 2 loads, 12 broadcasts from memory, 24 x (XOR, VPOPCNTQ, add);
// the 24 accumulators, 2 filter vectors and one broadcast fill 27 of the 32
// vector registers. A rows come through the indirection pointers, reloaded
// once per tap. Short tiles (fully connected layers of batch 1, the last
// tile of a layer) run a 4- or 8-row body instead of repeating rows.
//
// The fused variant applies the output stage to the accumulators while they
// are still in registers (no popcount store and reload, no call per pixel).
#include <immintrin.h>

#include "kernels/bin_gemm.h"
#include "kernels/x86/bin_output_avx512.h"

namespace lowbit {
namespace {

template <int kRows>
__attribute__((always_inline)) inline void accumulate(size_t mr, size_t taps, size_t tap_words,
                                                      const uint32_t* const* a,
                                                      uint32_t last_mask, const uint32_t* b,
                                                      __m512i (&acc)[kRows][2]) {
#pragma GCC unroll 12
  for (int m = 0; m < kRows; ++m) acc[m][0] = acc[m][1] = _mm512_setzero_si512();

  const size_t full = bin_gemm_full_steps(tap_words, last_mask);
  const bool tail = bin_gemm_has_tail(tap_words, last_mask);
  const uint32_t* w = b;
  for (size_t t = 0; t < taps; ++t, a += mr) {
    // Rows past mr repeat the last valid row: computed, never stored.
    const uint32_t* rows[kRows];
#pragma GCC unroll 12
    for (int m = 0; m < kRows; ++m) rows[m] = a[size_t(m) < mr ? m : mr - 1];
    for (size_t q = 0; q < full; ++q, w += 32) {
      const __m512i b0 = _mm512_loadu_si512(w);
      const __m512i b1 = _mm512_loadu_si512(w + 16);
#pragma GCC unroll 12
      for (int m = 0; m < kRows; ++m) {
        const __m512i va =
            _mm512_set1_epi64(static_cast<long long>(bin_gemm_load_word(rows[m] + 2 * q)));
        acc[m][0] = _mm512_add_epi64(acc[m][0], _mm512_popcnt_epi64(_mm512_xor_si512(va, b0)));
        acc[m][1] = _mm512_add_epi64(acc[m][1], _mm512_popcnt_epi64(_mm512_xor_si512(va, b1)));
      }
    }
    if (tail) {
      const __m512i b0 = _mm512_loadu_si512(w);
      const __m512i b1 = _mm512_loadu_si512(w + 16);
      w += 32;
#pragma GCC unroll 12
      for (int m = 0; m < kRows; ++m) {
        const __m512i va = _mm512_set1_epi64(
            static_cast<long long>(bin_gemm_tail_word(rows[m], tap_words, last_mask)));
        acc[m][0] = _mm512_add_epi64(acc[m][0], _mm512_popcnt_epi64(_mm512_xor_si512(va, b0)));
        acc[m][1] = _mm512_add_epi64(acc[m][1], _mm512_popcnt_epi64(_mm512_xor_si512(va, b1)));
      }
    }
  }
}

// The 16 channel sums of one row as int32 (each fits: K < 2^28).
inline __m512i row_sums(const __m512i (&row)[2]) {
  return _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi64_epi32(row[0])),
                            _mm512_cvtepi64_epi32(row[1]), 1);
}

template <int kRows>
void popcounts_tile(size_t mr, size_t nr, size_t taps, size_t tap_words, const uint32_t* const* a,
                    uint32_t last_mask, const uint32_t* b, int32_t* c, size_t c_stride) {
  __m512i acc[kRows][2];
  accumulate<kRows>(mr, taps, tap_words, a, last_mask, b, acc);
  const __mmask16 columns = bin_avx512::lanes(nr);
#pragma GCC unroll 12
  for (int m = 0; m < kRows; ++m) {
    if (size_t(m) >= mr) break;
    _mm512_mask_storeu_epi32(c + m * c_stride, columns, row_sums(acc[m]));
  }
}

template <int kRows, BinGemmOutputKind kKind>
void fused_tile(size_t mr, size_t nr, size_t taps, size_t tap_words, const uint32_t* const* a,
                uint32_t last_mask, const uint32_t* b, const BinGemmOutput& out) {
  __m512i acc[kRows][2];
  accumulate<kRows>(mr, taps, tap_words, a, last_mask, b, acc);
  const __mmask16 columns = bin_avx512::lanes(nr);
  const BinOutputStageParams& stage = *out.stage;
  const size_t c = out.channel;
  // Unrolled, so the accumulators stay registers (indexed by constants).
#pragma GCC unroll 12
  for (int m = 0; m < kRows; ++m) {
    if (size_t(m) >= mr) break;
    const __m512i sums = row_sums(acc[m]);
    __m512i d = _mm512_add_epi32(sums, sums);
    if (out.corrections[m] != nullptr) {
      d = _mm512_add_epi32(d, _mm512_maskz_loadu_epi32(columns, out.corrections[m] + c));
    }
    if (kKind == BinGemmOutputKind::kFloat) {
      _mm512_mask_storeu_ps(static_cast<float*>(out.rows[m]) + c, columns,
                            bin_avx512::transform(d, stage, c, columns));
    } else if (kKind == BinGemmOutputKind::kInt8) {
      _mm512_mask_cvtsepi32_storeu_epi8(
          static_cast<int8_t*>(out.rows[m]) + c, columns,
          bin_avx512::round_to_int8_range(bin_avx512::transform(d, stage, c, columns)));
    } else {
      const __m512i threshold = _mm512_maskz_loadu_epi32(columns, stage.doubled_threshold + c);
      const uint16_t bits = _mm512_mask_cmpgt_epi32_mask(columns, d, threshold);
      uint8_t* row = static_cast<uint8_t*>(out.rows[m]) + c / 8;
      if (c % 32 == 0 && c + 16 >= out.channels) {
        const uint32_t word = bits;  // no later block shares this word
        __builtin_memcpy(row, &word, 4);
      } else {
        __builtin_memcpy(row, &bits, 2);
      }
    }
  }
}

template <int kRows>
void fused_tile_of_kind(size_t mr, size_t nr, size_t taps, size_t tap_words,
                        const uint32_t* const* a, uint32_t last_mask, const uint32_t* b,
                        const BinGemmOutput& out) {
  switch (out.kind) {
    case BinGemmOutputKind::kFloat:
      return fused_tile<kRows, BinGemmOutputKind::kFloat>(mr, nr, taps, tap_words, a, last_mask,
                                                          b, out);
    case BinGemmOutputKind::kInt8:
      return fused_tile<kRows, BinGemmOutputKind::kInt8>(mr, nr, taps, tap_words, a, last_mask,
                                                         b, out);
    case BinGemmOutputKind::kBits:
      return fused_tile<kRows, BinGemmOutputKind::kBits>(mr, nr, taps, tap_words, a, last_mask,
                                                         b, out);
  }
}

}  // namespace

void bin_gemm_12x16c2__avx512vpopcnt(size_t mr, size_t nr, size_t taps, size_t tap_words,
                                     const uint32_t* const* a, uint32_t last_mask,
                                     const uint32_t* b, int32_t* c, size_t c_stride) {
  if (mr <= 4) {
    popcounts_tile<4>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  } else if (mr <= 8) {
    popcounts_tile<8>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  } else {
    popcounts_tile<12>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  }
}

void bin_gemm_12x16c2__avx512vpopcnt_fused(size_t mr, size_t nr, size_t taps, size_t tap_words,
                                           const uint32_t* const* a, uint32_t last_mask,
                                           const uint32_t* b, const BinGemmOutput& out) {
  if (mr <= 4) {
    fused_tile_of_kind<4>(mr, nr, taps, tap_words, a, last_mask, b, out);
  } else if (mr <= 8) {
    fused_tile_of_kind<8>(mr, nr, taps, tap_words, a, last_mask, b, out);
  } else {
    fused_tile_of_kind<12>(mr, nr, taps, tap_words, a, last_mask, b, out);
  }
}

}  // namespace lowbit
