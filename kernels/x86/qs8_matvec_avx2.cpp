#include <immintrin.h>

#include "kernels/qs8_matvec.h"

namespace lowbit {
namespace {

// 16 int8 products of a row with the vector, summed in pairs into 8 int32.
inline __m256i pair_sums(const int8_t* row, __m256i vector16) {
  const __m256i row16 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row)));
  return _mm256_madd_epi16(row16, vector16);
}

inline int32_t horizontal_sum(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(s);
}

// The tail of one row after `begin` (a multiple of 16): eight columns through
// the 128-bit vpmaddwd if there are as many, the rest in scalar code, all
// wrapping as the reference.
inline int32_t tail_sum(const int8_t* row, const int8_t* vector, size_t begin, size_t cols,
                        int32_t sum) {
  uint32_t s = static_cast<uint32_t>(sum);
  size_t c = begin;
  if (c + 8 <= cols) {
    const __m128i r = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(row + c)));
    const __m128i v =
        _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(vector + c)));
    __m128i p = _mm_madd_epi16(r, v);
    p = _mm_add_epi32(p, _mm_shuffle_epi32(p, _MM_SHUFFLE(1, 0, 3, 2)));
    p = _mm_add_epi32(p, _mm_shuffle_epi32(p, _MM_SHUFFLE(2, 3, 0, 1)));
    s += static_cast<uint32_t>(_mm_cvtsi128_si32(p));
    c += 8;
  }
  for (; c < cols; ++c) s += static_cast<uint32_t>(int32_t{row[c]} * vector[c]);
  return static_cast<int32_t>(s);
}

}  // namespace

void qs8_matvec__avx2(size_t rows, size_t cols, const int8_t* matrix, const int8_t* vector,
                      int32_t* sums) {
  const size_t body = cols / 16 * 16;
  size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const int8_t* m = matrix + r * cols;
    __m256i acc0 = _mm256_setzero_si256(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    for (size_t c = 0; c < body; c += 16) {
      const __m256i v =
          _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(vector + c)));
      acc0 = _mm256_add_epi32(acc0, pair_sums(m + c, v));
      acc1 = _mm256_add_epi32(acc1, pair_sums(m + cols + c, v));
      acc2 = _mm256_add_epi32(acc2, pair_sums(m + 2 * cols + c, v));
      acc3 = _mm256_add_epi32(acc3, pair_sums(m + 3 * cols + c, v));
    }
    const __m256i accs[4] = {acc0, acc1, acc2, acc3};
    for (size_t k = 0; k < 4; ++k) {
      sums[r + k] = tail_sum(m + k * cols, vector, body, cols, horizontal_sum(accs[k]));
    }
  }
  for (; r < rows; ++r) {
    const int8_t* m = matrix + r * cols;
    __m256i acc = _mm256_setzero_si256();
    for (size_t c = 0; c < body; c += 16) {
      const __m256i v =
          _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(vector + c)));
      acc = _mm256_add_epi32(acc, pair_sums(m + c, v));
    }
    sums[r] = tail_sum(m, vector, body, cols, horizontal_sum(acc));
  }
}

}  // namespace lowbit
