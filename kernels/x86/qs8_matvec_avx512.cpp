// The int8 matrix-vector product with AVX-512BW: four rows at a time, 32
// columns a step (sign extended to int16, vpmaddwd: a pair of int8 products
// never overflows), and the last 1..31 columns of each row through a masked
// load (zeros past the row, so no scalar tail and no read past the matrix).
// int32 lanes wrap as the reference's sum does.
#include <immintrin.h>

#include "kernels/qs8_matvec.h"

namespace lowbit {
namespace {

// The sum of 16 int32 lanes, wrapping: vector adds only (GCC's
// _mm512_reduce_add_epi32 adds scalar ints, whose overflow is undefined).
inline int32_t wrapping_sum(__m512i v) {
  __m256i h = _mm256_add_epi32(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
  __m128i q = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
  q = _mm_add_epi32(q, _mm_shuffle_epi32(q, 0x4E));
  q = _mm_add_epi32(q, _mm_shuffle_epi32(q, 0xB1));
  return _mm_cvtsi128_si32(q);
}


inline __m512i load32(const int8_t* p) {
  return _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}

inline __m512i load_tail(const int8_t* p, __mmask32 mask) {
  return _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(mask, p));
}

}  // namespace

void qs8_matvec__avx512(size_t rows, size_t cols, const int8_t* matrix, const int8_t* vector,
                        int32_t* sums) {
  const size_t body = cols / 32 * 32, tail = cols - body;
  const __mmask32 mask = static_cast<__mmask32>((uint64_t{1} << tail) - 1);
  const __m512i vector_tail = tail != 0 ? load_tail(vector + body, mask) : _mm512_setzero_si512();
  size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const int8_t* m = matrix + r * cols;
    __m512i acc0 = _mm512_setzero_si512(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    for (size_t c = 0; c < body; c += 32) {
      const __m512i v = load32(vector + c);
      acc0 = _mm512_add_epi32(acc0, _mm512_madd_epi16(load32(m + c), v));
      acc1 = _mm512_add_epi32(acc1, _mm512_madd_epi16(load32(m + cols + c), v));
      acc2 = _mm512_add_epi32(acc2, _mm512_madd_epi16(load32(m + 2 * cols + c), v));
      acc3 = _mm512_add_epi32(acc3, _mm512_madd_epi16(load32(m + 3 * cols + c), v));
    }
    if (tail != 0) {
      acc0 = _mm512_add_epi32(acc0, _mm512_madd_epi16(load_tail(m + body, mask), vector_tail));
      acc1 = _mm512_add_epi32(acc1, _mm512_madd_epi16(load_tail(m + cols + body, mask), vector_tail));
      acc2 =
          _mm512_add_epi32(acc2, _mm512_madd_epi16(load_tail(m + 2 * cols + body, mask), vector_tail));
      acc3 =
          _mm512_add_epi32(acc3, _mm512_madd_epi16(load_tail(m + 3 * cols + body, mask), vector_tail));
    }
    sums[r] = wrapping_sum(acc0);
    sums[r + 1] = wrapping_sum(acc1);
    sums[r + 2] = wrapping_sum(acc2);
    sums[r + 3] = wrapping_sum(acc3);
  }
  for (; r < rows; ++r) {
    const int8_t* m = matrix + r * cols;
    __m512i acc = _mm512_setzero_si512();
    for (size_t c = 0; c < body; c += 32) {
      acc = _mm512_add_epi32(acc, _mm512_madd_epi16(load32(m + c), load32(vector + c)));
    }
    if (tail != 0) acc = _mm512_add_epi32(acc, _mm512_madd_epi16(load_tail(m + body, mask), vector_tail));
    sums[r] = wrapping_sum(acc);
  }
}

}  // namespace lowbit
