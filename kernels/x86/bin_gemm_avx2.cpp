// Binary GEMM tile of up to 4 rows x 4 channels with AVX2, on the interleaved
// filter layout (kernels/bin_gemm.h): each 64-bit A word is broadcast against
// the same word of 4 channels, so every 64-bit lane is one output channel and
// no horizontal sums are needed. AVX2 has no vector popcount: bytes are
// counted with a 16-entry nibble table (VPSHUFB) and added up as bytes for up
// to 31 steps (a byte gains at most 8 per step), then widened into the 64-bit
// lanes with VPSADBW. Registers: 4 byte counters, 4 totals, the filter vector,
// one broadcast and two constants.
#include <immintrin.h>

#include "kernels/bin_gemm.h"

namespace lowbit {
namespace {

inline __m256i popcount_bytes(__m256i v, __m256i table, __m256i low_mask) {
  const __m256i lo = _mm256_and_si256(v, low_mask);
  const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low_mask);
  return _mm256_add_epi8(_mm256_shuffle_epi8(table, lo), _mm256_shuffle_epi8(table, hi));
}

constexpr size_t kStepsPerFlush = 31;

template <int kMR>
void gemm_rows(size_t mr, size_t nr, size_t taps, size_t tap_words, const uint32_t* const* a,
               uint32_t last_mask, const uint32_t* b, int32_t* c, size_t c_stride) {
  const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1,
                                         2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low_mask = _mm256_set1_epi8(0x0f);
  const __m256i zero = _mm256_setzero_si256();
  __m256i total[kMR], bytes[kMR];
  for (int m = 0; m < kMR; ++m) total[m] = bytes[m] = zero;

  const size_t full = bin_gemm_full_steps(tap_words, last_mask);
  const bool tail = bin_gemm_has_tail(tap_words, last_mask);
  size_t pending = 0;  // steps in the byte counters
  auto flush_if_full = [&] {
    if (++pending < kStepsPerFlush) return;
    pending = 0;
    for (int m = 0; m < kMR; ++m) {
      total[m] = _mm256_add_epi64(total[m], _mm256_sad_epu8(bytes[m], zero));
      bytes[m] = zero;
    }
  };
  const uint32_t* w = b;
  for (size_t t = 0; t < taps; ++t, a += mr) {
    // Rows past mr repeat the last valid row: computed, never stored.
    const uint32_t* rows[kMR];
    for (int m = 0; m < kMR; ++m) rows[m] = a[size_t(m) < mr ? m : mr - 1];
    for (size_t q = 0; q < full; ++q, w += 8) {
      const __m256i vb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
      for (int m = 0; m < kMR; ++m) {
        const __m256i va =
            _mm256_set1_epi64x(static_cast<long long>(bin_gemm_load_word(rows[m] + 2 * q)));
        bytes[m] = _mm256_add_epi8(bytes[m],
                                   popcount_bytes(_mm256_xor_si256(va, vb), table, low_mask));
      }
      flush_if_full();
    }
    if (tail) {
      const __m256i vb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
      w += 8;
      for (int m = 0; m < kMR; ++m) {
        const __m256i va = _mm256_set1_epi64x(
            static_cast<long long>(bin_gemm_tail_word(rows[m], tap_words, last_mask)));
        bytes[m] = _mm256_add_epi8(bytes[m],
                                   popcount_bytes(_mm256_xor_si256(va, vb), table, low_mask));
      }
      flush_if_full();
    }
  }

  // The low 32 bits of each 64-bit lane, in channel order.
  const __m256i even = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
  const __m128i columns = _mm_cmpgt_epi32(_mm_set1_epi32(int(nr)), _mm_setr_epi32(0, 1, 2, 3));
  for (size_t m = 0; m < mr; ++m) {
    const __m256i sums = _mm256_add_epi64(total[m], _mm256_sad_epu8(bytes[m], zero));
    const __m128i packed = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(sums, even));
    _mm_maskstore_epi32(c + m * c_stride, columns, packed);
  }
}

}  // namespace

void bin_gemm_4x4c2__avx2(size_t mr, size_t nr, size_t taps, size_t tap_words,
                          const uint32_t* const* a, uint32_t last_mask, const uint32_t* b,
                          int32_t* c, size_t c_stride) {
  // Short tiles (a fully connected layer's single row, a layer's last tile)
  // run a body with that many rows instead of repeating rows.
  if (mr == 1) {
    gemm_rows<1>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  } else if (mr == 2) {
    gemm_rows<2>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  } else {
    gemm_rows<4>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  }
}

}  // namespace lowbit
