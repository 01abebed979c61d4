// Legacy uint8 input of a 1x1 GEMM layer: each pixel flipped to int8
// (x ^ 0x80) and the sum of its int8 values, VPSADBW summing the unsigned
// bytes 64 at a time (sum of x - 128 per byte). Without an output the input
// is flipped already (int8) and only summed, flipped back to unsigned first.
#include <immintrin.h>

#include "kernels/qs8_gemm.h"

namespace lowbit {
namespace {

template <bool kWrite>
void flip_sums(const uint8_t* input, int8_t* output, size_t pixels, size_t pixel_bytes,
               int32_t* sums) {
  const __m512i sign_bits = _mm512_set1_epi8(static_cast<char>(0x80));
  const __m512i zero = _mm512_setzero_si512();
  // The bytes summed as unsigned: the input itself when it is uint8.
  const __m512i to_unsigned = kWrite ? zero : sign_bits;
  for (size_t p = 0; p < pixels; ++p) {
    const uint8_t* in = input + p * pixel_bytes;
    __m512i acc = zero;
    size_t i = 0;
    for (; i + 64 <= pixel_bytes; i += 64) {
      const __m512i v = _mm512_loadu_si512(in + i);
      acc = _mm512_add_epi64(acc, _mm512_sad_epu8(_mm512_xor_si512(v, to_unsigned), zero));
      if (kWrite) _mm512_storeu_si512(output + p * pixel_bytes + i, _mm512_xor_si512(v, sign_bits));
    }
    if (i < pixel_bytes) {
      const __mmask64 mask = _cvtu64_mask64(~uint64_t{0} >> (64 - (pixel_bytes - i)));
      const __m512i v = _mm512_maskz_loadu_epi8(mask, in + i);
      const __m512i u = _mm512_maskz_mov_epi8(mask, _mm512_xor_si512(v, to_unsigned));
      acc = _mm512_add_epi64(acc, _mm512_sad_epu8(u, zero));
      if (kWrite) {
        _mm512_mask_storeu_epi8(output + p * pixel_bytes + i, mask,
                                _mm512_xor_si512(v, sign_bits));
      }
    }
    sums[p] = static_cast<int32_t>(_mm512_reduce_add_epi64(acc) - 128 * int64_t(pixel_bytes));
  }
}

}  // namespace

void qu8_flip_sums__avx512(const uint8_t* input, int8_t* output, size_t pixels,
                           size_t pixel_bytes, int32_t* sums) {
  if (output != nullptr) {
    flip_sums<true>(input, output, pixels, pixel_bytes, sums);
  } else {
    flip_sums<false>(input, nullptr, pixels, pixel_bytes, sums);
  }
}

}  // namespace lowbit
