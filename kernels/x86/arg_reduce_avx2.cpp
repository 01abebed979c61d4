// ARG_MAX / ARG_MIN over int8 and uint8 channels with AVX2, 32 per vector:
// the keys' maximum (kernels/reference/arg_reduce.h's key_flip) by vertical
// then horizontal maxima, then the first lane equal to it. Other dtypes and
// axes are the reference's.
#include <immintrin.h>

#include <cstring>

#include "kernels/arg_reduce.h"

namespace lowbit {
namespace {

int8_t horizontal_max(__m256i v) {
  __m128i m = _mm_max_epi8(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  m = _mm_max_epi8(m, _mm_shuffle_epi32(m, 0x4e));
  m = _mm_max_epi8(m, _mm_shuffle_epi32(m, 0xb1));
  // Only byte 0 is read: the shifts' zeros never reach it.
  m = _mm_max_epi8(m, _mm_srli_epi32(m, 16));
  m = _mm_max_epi8(m, _mm_srli_epi16(m, 8));
  return static_cast<int8_t>(_mm_cvtsi128_si32(m));
}

// The last n < 32 bytes of a pixel as keys, lanes from n on at the lowest
// key; read through a copy when a full load would pass the input's end.
__m256i tail_keys(const uint8_t* x, size_t n, size_t readable, __m256i flip) {
  __m256i v;
  if (readable >= 32) {
    v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x));
  } else {
    alignas(32) uint8_t copy[32] = {};
    std::memcpy(copy, x, n);
    v = _mm256_load_si256(reinterpret_cast<const __m256i*>(copy));
  }
  const __m256i lanes = _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                         16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
                                         30, 31);
  const __m256i inside = _mm256_cmpgt_epi8(_mm256_set1_epi8(static_cast<char>(n)), lanes);
  return _mm256_blendv_epi8(_mm256_set1_epi8(-128), _mm256_xor_si256(v, flip), inside);
}

__m256i keys_at(const uint8_t* x, __m256i flip) {
  return _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x)), flip);
}

size_t first_best(const uint8_t* x, size_t n, size_t readable, __m256i flip) {
  const size_t whole = n / 32 * 32;
  __m256i best = _mm256_set1_epi8(-128);
  for (size_t i = 0; i < whole; i += 32) best = _mm256_max_epi8(best, keys_at(x + i, flip));
  __m256i tail = best;
  if (whole < n) {
    tail = tail_keys(x + whole, n - whole, readable - whole, flip);
    best = _mm256_max_epi8(best, tail);
  }
  const __m256i max = _mm256_set1_epi8(horizontal_max(best));
  for (size_t i = 0; i < whole; i += 32) {
    const uint32_t hits = static_cast<uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(keys_at(x + i, flip), max)));
    if (hits != 0) return i + static_cast<size_t>(__builtin_ctz(hits));
  }
  // The maximum is in the tail: a real lane holds it, before any padding.
  const uint32_t hits = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(tail, max)));
  return whole + static_cast<size_t>(__builtin_ctz(hits));
}

}  // namespace

void arg_reduce__avx2(const ref::ArgReduceParams& p, const void* input, void* output,
                      size_t outer_begin, size_t outer_end) {
  if (!ref::arg_reduce_takes_bytes(p)) {
    ref::arg_reduce__reference(p, input, output, outer_begin, outer_end);
    return;
  }
  const __m256i flip = _mm256_set1_epi8(static_cast<char>(ref::arg_reduce_key_flip(p)));
  ref::arg_reduce_bytes(p, input, output, outer_begin, outer_end,
                        [flip](const uint8_t* x, size_t n, size_t readable) {
                          return first_best(x, n, readable, flip);
                        });
}

}  // namespace lowbit
