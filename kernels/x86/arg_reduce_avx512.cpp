// ARG_MAX / ARG_MIN over int8 and uint8 channels with AVX-512 (BW, VL), 64
// per vector: as the AVX2 variant (kernels/x86/arg_reduce_avx2.cpp), but a
// pixel's last channels are one masked load (no copy near the input's end,
// no padding blend) and compares give lane masks directly.
#include <immintrin.h>

#include "kernels/arg_reduce.h"

namespace lowbit {
namespace {

int8_t horizontal_max(__m512i v) {
  const __m256i h = _mm256_max_epi8(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
  __m128i m = _mm_max_epi8(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
  m = _mm_max_epi8(m, _mm_shuffle_epi32(m, 0x4e));
  m = _mm_max_epi8(m, _mm_shuffle_epi32(m, 0xb1));
  // Only byte 0 is read: the shifts' zeros never reach it.
  m = _mm_max_epi8(m, _mm_srli_epi32(m, 16));
  m = _mm_max_epi8(m, _mm_srli_epi16(m, 8));
  return static_cast<int8_t>(_mm_cvtsi128_si32(m));
}

// Keys of the chunk at x, lanes outside `lanes` at the lowest key (never read).
__m512i keys_at(const uint8_t* x, __mmask64 lanes, __m512i flip) {
  const __m512i lowest = _mm512_xor_si512(_mm512_set1_epi8(-128), flip);
  return _mm512_xor_si512(_mm512_mask_loadu_epi8(lowest, lanes, x), flip);
}

__mmask64 first_lanes(size_t n) { return n >= 64 ? ~__mmask64{0} : (__mmask64{1} << n) - 1; }

size_t first_best(const uint8_t* x, size_t n, __m512i flip) {
  __m512i best = _mm512_set1_epi8(-128);
  for (size_t i = 0; i < n; i += 64) {
    best = _mm512_max_epi8(best, keys_at(x + i, first_lanes(n - i), flip));
  }
  const __m512i max = _mm512_set1_epi8(horizontal_max(best));
  size_t i = 0;
  for (;; i += 64) {
    const __mmask64 lanes = first_lanes(n - i);
    const __mmask64 hits = _mm512_mask_cmpeq_epi8_mask(lanes, keys_at(x + i, lanes, flip), max);
    if (hits != 0) return i + static_cast<size_t>(__builtin_ctzll(hits));
  }
}

}  // namespace

void arg_reduce__avx512(const ref::ArgReduceParams& p, const void* input, void* output,
                        size_t outer_begin, size_t outer_end) {
  if (!ref::arg_reduce_takes_bytes(p)) {
    ref::arg_reduce__reference(p, input, output, outer_begin, outer_end);
    return;
  }
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(ref::arg_reduce_key_flip(p)));
  ref::arg_reduce_bytes(p, input, output, outer_begin, outer_end,
                        [flip](const uint8_t* x, size_t n, size_t) { return first_best(x, n, flip); });
}

}  // namespace lowbit
