// ARG_MAX / ARG_MIN over int8 and uint8 channels with AVX-512 (BW, VL) on
// 32-byte vectors: as the AVX2 variant (kernels/x86/arg_reduce_avx2.cpp), but
// a pixel's last channels are one masked load (no copy near the input's end,
// no padding blend) and compares give lane masks directly. 64-byte vectors
// lose on a segmentation model's 21 classes (a wider horizontal maximum for
// the same one pixel).
#include <immintrin.h>

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

// Keys of the chunk at x; lanes outside `lanes` are never read and hold the
// lowest key.
__m256i keys_at(const uint8_t* x, __mmask32 lanes, __m256i flip) {
  const __m256i lowest = _mm256_xor_si256(_mm256_set1_epi8(-128), flip);
  return _mm256_xor_si256(_mm256_mask_loadu_epi8(lowest, lanes, x), flip);
}

__mmask32 first_lanes(size_t n) {
  return n >= 32 ? ~__mmask32{0} : static_cast<__mmask32>((uint32_t{1} << n) - 1);
}

size_t first_best(const uint8_t* x, size_t n, __m256i flip) {
  if (n <= 32) {
    // One vector holds the pixel: load it once.
    const __mmask32 lanes = first_lanes(n);
    const __m256i keys = keys_at(x, lanes, flip);
    const __m256i max = _mm256_set1_epi8(horizontal_max(keys));
    return static_cast<size_t>(__builtin_ctz(_mm256_mask_cmpeq_epi8_mask(lanes, keys, max)));
  }
  __m256i best = _mm256_set1_epi8(-128);
  for (size_t i = 0; i < n; i += 32) {
    best = _mm256_max_epi8(best, keys_at(x + i, first_lanes(n - i), flip));
  }
  const __m256i max = _mm256_set1_epi8(horizontal_max(best));
  for (size_t i = 0;; i += 32) {
    const __mmask32 lanes = first_lanes(n - i);
    const __mmask32 hits = _mm256_mask_cmpeq_epi8_mask(lanes, keys_at(x + i, lanes, flip), max);
    if (hits != 0) return i + static_cast<size_t>(__builtin_ctz(hits));
  }
}

}  // namespace

void arg_reduce__avx512(const ref::ArgReduceParams& p, const void* input, void* output,
                        size_t outer_begin, size_t outer_end) {
  if (!ref::arg_reduce_takes_bytes(p)) {
    ref::arg_reduce__reference(p, input, output, outer_begin, outer_end);
    return;
  }
  const __m256i flip = _mm256_set1_epi8(static_cast<char>(ref::arg_reduce_key_flip(p)));
  ref::arg_reduce_bytes(p, input, output, outer_begin, outer_end,
                        [flip](const uint8_t* x, size_t n, size_t) { return first_best(x, n, flip); });
}

}  // namespace lowbit
