// QUANTIZE float32 -> int8/uint8 and DEQUANTIZE back, eight values per
// vector, bit-exact with kernels/reference/qs8_quantize.cpp: the same IEEE
// division or multiply (one MXCSR for scalar and vector code), NaN to the
// zero point, the clamp to integer bounds taken before rounding (equal, see
// kernels/qs8_quantize.h), TFLite's ties away from zero as truncation plus a
// step where the exact fraction reaches one half. Tails go through the
// reference.
#include <immintrin.h>

#include <cstring>
#include <type_traits>

#include "kernels/qs8_quantize.h"

namespace lowbit {
namespace {

// Eight quantized values as int32, zero point added.
// (The broadcasts of the parameters leave the loops once inlined.)
template <bool kXnnpackRounding>
__m256i quantize8(const ref::QuantizeParams& p, const float* input) {
  const __m256 x = _mm256_loadu_ps(input);
  __m256 q = kXnnpackRounding ? _mm256_mul_ps(x, _mm256_set1_ps(p.inverse_scale))
                              : _mm256_div_ps(x, _mm256_set1_ps(p.scale));
  q = _mm256_and_ps(q, _mm256_cmp_ps(q, q, _CMP_ORD_Q));  // NaN -> 0
  q = _mm256_max_ps(q, _mm256_set1_ps(static_cast<float>(p.qmin - p.zero_point)));
  q = _mm256_min_ps(q, _mm256_set1_ps(static_cast<float>(p.qmax - p.zero_point)));
  __m256i rounded;
  if (kXnnpackRounding) {
    rounded = _mm256_cvtps_epi32(q);  // MXCSR's mode, as nearbyint
  } else {
    const __m256 truncated = _mm256_round_ps(q, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m256 fraction = _mm256_sub_ps(q, truncated);  // exact
    const __m256i up =
        _mm256_castps_si256(_mm256_cmp_ps(fraction, _mm256_set1_ps(0.5f), _CMP_GE_OQ));
    const __m256i down =
        _mm256_castps_si256(_mm256_cmp_ps(fraction, _mm256_set1_ps(-0.5f), _CMP_LE_OQ));
    // The masks are -1 where true: subtracting `up` adds one.
    rounded = _mm256_add_epi32(_mm256_sub_epi32(_mm256_cvttps_epi32(truncated), up), down);
  }
  return _mm256_add_epi32(rounded, _mm256_set1_epi32(p.zero_point));
}

// 32 int32 values within Out's range, in order, as 32 bytes.
template <typename Out>
__m256i narrow32(__m256i a, __m256i b, __m256i c, __m256i d) {
  const __m256i ab = _mm256_packs_epi32(a, b), cd = _mm256_packs_epi32(c, d);
  const __m256i bytes =
      std::is_signed<Out>::value ? _mm256_packs_epi16(ab, cd) : _mm256_packus_epi16(ab, cd);
  // The packs interleave 128-bit halves: lanes hold a0 b0 c0 d0 a1 b1 c1 d1.
  return _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

template <bool kXnnpackRounding, typename Out>
void quantize_avx2(const ref::QuantizeParams& p, size_t n, const float* input, Out* output,
                   ref::QuantizeFn<Out> reference) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i bytes = narrow32<Out>(
        quantize8<kXnnpackRounding>(p, input + i), quantize8<kXnnpackRounding>(p, input + i + 8),
        quantize8<kXnnpackRounding>(p, input + i + 16),
        quantize8<kXnnpackRounding>(p, input + i + 24));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(output + i), bytes);
  }
  for (; i + 8 <= n; i += 8) {
    const __m256i q = quantize8<kXnnpackRounding>(p, input + i);
    const __m256i bytes = narrow32<Out>(q, q, q, q);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(output + i), _mm256_castsi256_si128(bytes));
  }
  if (i < n) reference(p, n - i, input + i, output + i);
}

template <typename In>
__m256i load8_as_int32(const In* p) {
  int64_t bits;
  std::memcpy(&bits, p, 8);
  const __m128i v = _mm_cvtsi64_si128(bits);
  return std::is_signed<In>::value ? _mm256_cvtepi8_epi32(v) : _mm256_cvtepu8_epi32(v);
}

template <typename In>
void dequantize_avx2(const ref::DequantizeParams& p, size_t n, const In* input, float* output,
                     ref::DequantizeFn<In> reference) {
  size_t i = 0;
  if (dequantize_is_float_product(p)) {
    const __m256i zero_point = _mm256_set1_epi32(p.zero_point);
    const __m256 scale = _mm256_set1_ps(static_cast<float>(p.scale));
    for (; i + 8 <= n; i += 8) {
      const __m256i centered = _mm256_sub_epi32(load8_as_int32(input + i), zero_point);
      _mm256_storeu_ps(output + i, _mm256_mul_ps(_mm256_cvtepi32_ps(centered), scale));
    }
  }
  if (i < n) reference(p, n - i, input + i, output + i);
}

}  // namespace
}  // namespace lowbit

LOWBIT_DEFINE_QUANTIZE_FLOAT_ENTRIES(avx2, quantize_avx2, dequantize_avx2)
