// Bitpacking and binary max pooling with AVX2: a compare per 8 floats or 32
// int8 values, MOVMSK turns the sign masks into bits; pooling ANDs 8 words at once.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/bin_maxpool2d.h"
#include "kernels/bin_pack.h"

namespace lowbit {
namespace {

inline __m256i tail_mask(size_t n) {
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int32_t>(n)), lanes);
}

}  // namespace

void bin_pack_f32__avx2(const float* input, size_t channels, uint32_t* output, size_t row_begin,
                        size_t row_end) {
  const __m256 zero = _mm256_setzero_ps();
  ref::bin_pack_rows(input, channels, output, row_begin, row_end, [=](const float* in, size_t w) __attribute__((always_inline)) {
    uint32_t word = 0;
    for (size_t part = 0; part < 4; ++part) {
      const size_t c = w * 32 + part * 8;
      if (c >= channels) break;
      const size_t n = channels - c;
      // Masked-off lanes load 0.0f, which is not negative: their bits stay 0.
      const __m256 x = n >= 8 ? _mm256_loadu_ps(in + c) : _mm256_maskload_ps(in + c, tail_mask(n));
      // Ordered less-than: -0.0 and NaN give 0, as x < 0.0f.
      word |= uint32_t(_mm256_movemask_ps(_mm256_cmp_ps(x, zero, _CMP_LT_OQ))) << (part * 8);
    }
    return word;
  });
}

void bin_pack_qs8__avx2(const int8_t* input, size_t channels, int32_t zero_point, uint32_t* output,
                        size_t row_begin, size_t row_end) {
  if (zero_point < -128 || zero_point > 127) {
    // The compare below needs zero_point as an int8; these are rare.
    ref::bin_pack_qs8__reference(input, channels, zero_point, output, row_begin, row_end);
    return;
  }
  const __m256i zp = _mm256_set1_epi8(static_cast<int8_t>(zero_point));
  ref::bin_pack_rows(input, channels, output, row_begin, row_end, [=](const int8_t* in, size_t w) __attribute__((always_inline)) {
    const size_t n = channels - w * 32;
    __m256i q;
    if (n >= 32) {
      q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + w * 32));
    } else {
      // Tail bytes are zero_point itself, never below it.
      alignas(32) int8_t tail[32];
      std::memset(tail, zero_point, sizeof(tail));
      std::memcpy(tail, in + w * 32, n);
      q = _mm256_load_si256(reinterpret_cast<const __m256i*>(tail));
    }
    return uint32_t(_mm256_movemask_epi8(_mm256_cmpgt_epi8(zp, q)));
  });
}

void bin_maxpool2d__avx2(const ref::BinMaxPool2DParams& p, const uint32_t* input,
                         uint32_t* output, size_t pixel_begin, size_t pixel_end) {
  const size_t words = (size_t(p.channels) + 31) / 32;
  const uint32_t last_mask = ref::bin_last_word_mask(size_t(p.channels));
  for (size_t pixel = pixel_begin; pixel < pixel_end; ++pixel) {
    const auto [n, y0, y1, x0, x1] = ref::bin_maxpool2d_window(p, pixel);
    uint32_t* out = output + pixel * words;
    const __m256i start = y0 >= y1 || x0 >= x1 ? _mm256_setzero_si256() : _mm256_set1_epi32(-1);
    for (size_t w = 0; w < words; w += 8) {
      const size_t count = words - w;
      const __m256i mask = tail_mask(count);
      __m256i acc = start;
      for (int32_t iy = y0; iy < y1; ++iy) {
        const uint32_t* row = input + ((n * p.input_h + iy) * p.input_w) * words + w;
        for (int32_t ix = x0; ix < x1; ++ix) {
          const int* src = reinterpret_cast<const int*>(row + size_t(ix) * words);
          const __m256i v = count >= 8 ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src))
                                       : _mm256_maskload_epi32(src, mask);
          acc = _mm256_and_si256(acc, v);
        }
      }
      if (count >= 8) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + w), acc);
      } else {
        _mm256_maskstore_epi32(reinterpret_cast<int*>(out + w), mask, acc);
      }
    }
    out[words - 1] &= last_mask;
  }
}

}  // namespace lowbit
