// Bitpacking and binary max pooling with AVX-512 (F + BW): compares straight
// into mask registers (16 floats or 64 int8 values per compare), masked loads
// for tails; pooling ANDs 16 words at once.
#include <immintrin.h>

#include <algorithm>

#include "kernels/bin_maxpool2d.h"
#include "kernels/bin_pack.h"

namespace lowbit {
namespace {

inline __mmask16 lanes16(size_t n) { return n >= 16 ? __mmask16(0xffff) : __mmask16((1u << n) - 1); }
inline __mmask64 lanes64(size_t n) { return n >= 64 ? ~__mmask64(0) : (__mmask64(1) << n) - 1; }

}  // namespace

void bin_pack_f32__avx512(const float* input, size_t channels, uint32_t* output, size_t row_begin,
                          size_t row_end) {
  const __m512 zero = _mm512_setzero_ps();
  ref::bin_pack_rows(input, channels, output, row_begin, row_end, [=](const float* in, size_t w) __attribute__((always_inline)) {
    uint32_t word = 0;
    for (size_t half = 0; half < 2; ++half) {
      const size_t c = w * 32 + half * 16;
      if (c >= channels) break;
      const __mmask16 mask = lanes16(channels - c);
      // Ordered less-than: -0.0 and NaN give 0, as x < 0.0f.
      const __m512 x = _mm512_maskz_loadu_ps(mask, in + c);
      word |= uint32_t(_mm512_mask_cmp_ps_mask(mask, x, zero, _CMP_LT_OQ)) << (half * 16);
    }
    return word;
  });
}

void bin_pack_qs8__avx512(const int8_t* input, size_t channels, int32_t zero_point,
                          uint32_t* output, size_t row_begin, size_t row_end) {
  if (zero_point < -128 || zero_point > 127) {
    // The compare below needs zero_point as an int8; these are rare.
    ref::bin_pack_qs8__reference(input, channels, zero_point, output, row_begin, row_end);
    return;
  }
  const size_t words = (channels + 31) / 32;
  const __m512i zp = _mm512_set1_epi8(static_cast<char>(zero_point));
  for (size_t row = row_begin; row < row_end; ++row) {
    const int8_t* in = input + row * channels;
    uint32_t* out = output + row * words;
    for (size_t w = 0; w < words; w += 2) {
      const __mmask64 mask = lanes64(channels - w * 32);
      const __m512i q = _mm512_maskz_loadu_epi8(mask, in + w * 32);
      const uint64_t bits = _mm512_mask_cmplt_epi8_mask(mask, q, zp);
      out[w] = static_cast<uint32_t>(bits);
      if (w + 1 < words) out[w + 1] = static_cast<uint32_t>(bits >> 32);
    }
  }
}

void bin_maxpool2d__avx512(const ref::BinMaxPool2DParams& p, const uint32_t* input,
                           uint32_t* output, size_t pixel_begin, size_t pixel_end) {
  const size_t words = (size_t(p.channels) + 31) / 32;
  const uint32_t last_mask = ref::bin_last_word_mask(size_t(p.channels));
  for (size_t pixel = pixel_begin; pixel < pixel_end; ++pixel) {
    const auto [n, y0, y1, x0, x1] = ref::bin_maxpool2d_window(p, pixel);
    uint32_t* out = output + pixel * words;
    const __m512i start = y0 >= y1 || x0 >= x1 ? _mm512_setzero_si512() : _mm512_set1_epi32(-1);
    for (size_t w = 0; w < words; w += 16) {
      const __mmask16 mask = lanes16(words - w);
      __m512i acc = start;
      for (int32_t iy = y0; iy < y1; ++iy) {
        const uint32_t* row = input + ((n * p.input_h + iy) * p.input_w) * words + w;
        for (int32_t ix = x0; ix < x1; ++ix) {
          acc = _mm512_and_si512(acc, _mm512_maskz_loadu_epi32(mask, row + size_t(ix) * words));
        }
      }
      _mm512_mask_storeu_epi32(out + w, mask, acc);
    }
    out[words - 1] &= last_mask;
  }
}

}  // namespace lowbit
