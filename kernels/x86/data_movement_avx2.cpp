// TRANSPOSE's inner transposes (NCHW <-> NHWC, 2-D) with AVX2: whole 16x16
// tiles of 1-byte elements as four rounds of byte interleaves, of 4-byte
// elements as four 8x8 register transposes; partial tiles, other element
// sizes and every other copy are the reference's (kernels/reference/
// data_movement.h), so bytes are identical by construction.
#include <immintrin.h>

#include "kernels/data_movement.h"

namespace lowbit {
namespace {

// 16 rows of 16 bytes: interleaving row i with row i + 8 rotates each byte's
// 8-bit (row, column) address left by one; four rounds swap row and column.
void transpose_16x16_bytes(const uint8_t* src, int64_t src_stride, uint8_t* dst,
                           int64_t dst_stride) {
  __m128i a[16], b[16];
  for (int i = 0; i < 16; ++i) {
    a[i] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i * src_stride));
  }
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < 8; ++i) {
      b[2 * i] = _mm_unpacklo_epi8(a[i], a[i + 8]);
      b[2 * i + 1] = _mm_unpackhi_epi8(a[i], a[i + 8]);
    }
    for (int i = 0; i < 16; ++i) a[i] = b[i];
  }
  for (int i = 0; i < 16; ++i) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i * dst_stride), a[i]);
  }
}

// 8 rows of 8 4-byte elements (strides in elements).
void transpose_8x8_words(const uint8_t* src, int64_t src_stride, uint8_t* dst,
                         int64_t dst_stride) {
  __m256i r[8], t[8], s[8];
  for (int i = 0; i < 8; ++i) {
    r[i] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + 4 * i * src_stride));
  }
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_epi32(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_epi32(r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    s[i] = _mm256_unpacklo_epi64(t[i], t[i + 2]);
    s[i + 1] = _mm256_unpackhi_epi64(t[i], t[i + 2]);
    s[i + 2] = _mm256_unpacklo_epi64(t[i + 1], t[i + 3]);
    s[i + 3] = _mm256_unpackhi_epi64(t[i + 1], t[i + 3]);
  }
  for (int i = 0; i < 4; ++i) {
    // 128-bit halves: rows 0-3 hold columns 0-3 (low) and 4-7 (high).
    const __m256i low = _mm256_permute2x128_si256(s[i], s[i + 4], 0x20);
    const __m256i high = _mm256_permute2x128_si256(s[i], s[i + 4], 0x31);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 4 * i * dst_stride), low);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 4 * (i + 4) * dst_stride), high);
  }
}

void transpose_block__avx2(size_t element_size, const uint8_t* src, int64_t src_stride,
                           uint8_t* dst, int64_t dst_stride, int64_t rows, int64_t cols) {
  ref::transpose_whole_tiles<8>(element_size, src, src_stride, dst, dst_stride, rows, cols,
                                transpose_16x16_bytes, transpose_8x8_words);
}

}  // namespace

void move_strided__avx2(const ref::StridedCopyParams& p, const void* input, void* output,
                        size_t row_begin, size_t row_end) {
  ref::move_strided_tiled(p, input, output, row_begin, row_end, transpose_block__avx2);
}

}  // namespace lowbit
