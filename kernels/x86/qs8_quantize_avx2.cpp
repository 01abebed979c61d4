// Integer requantization, eight values per step, bit-exact with
// kernels/reference/qs8_quantize.cpp: the vector requantization equals
// ref::requantize lane for lane; the tail goes through the reference.
#include <immintrin.h>

#include <cstring>
#include <type_traits>

#include "kernels/qs8_quantize.h"
#include "kernels/x86/qs8_requant_avx2.h"

namespace lowbit {
namespace {

template <typename In>
inline __m256i load8(const In* p) {
  int64_t bits;
  std::memcpy(&bits, p, 8);
  const __m128i v = _mm_cvtsi64_si128(bits);
  return std::is_signed<In>::value ? _mm256_cvtepi8_epi32(v) : _mm256_cvtepu8_epi32(v);
}

template <typename Out>
inline void store8(__m256i v, Out* out) {
  const __m256i p16 = _mm256_packs_epi32(v, v);  // values are within Out's range
  const __m256i p8 =
      std::is_signed<Out>::value ? _mm256_packs_epi16(p16, p16) : _mm256_packus_epi16(p16, p16);
  const __m128i bytes =
      _mm_unpacklo_epi32(_mm256_castsi256_si128(p8), _mm256_extracti128_si256(p8, 1));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), bytes);
}

// The identity rescale: out = clamp(x - input_zp + output_zp), 32 values per
// step in 16-bit lanes (|x - zp| fits easily), narrowed by the saturating
// pack of the output's signedness (exact: the values are clamped to its range).
template <typename In>
inline __m256i widen16(const In* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return std::is_signed<In>::value ? _mm256_cvtepi8_epi16(v) : _mm256_cvtepu8_epi16(v);
}

template <typename In, typename Out>
size_t shift_zero_point(const ref::RequantizeParams& p, size_t n, const In* input, Out* output) {
  const __m256i offset =
      _mm256_set1_epi16(static_cast<int16_t>(p.output_zero_point - p.input_zero_point));
  const __m256i lo = _mm256_set1_epi16(static_cast<int16_t>(p.act_min));
  const __m256i hi = _mm256_set1_epi16(static_cast<int16_t>(p.act_max));
  auto shifted = [&](const In* src) {
    return _mm256_min_epi16(_mm256_max_epi16(_mm256_add_epi16(widen16(src), offset), lo), hi);
  };
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i a = shifted(input + i), b = shifted(input + i + 16);
    // The packs interleave 128-bit lanes; the permute restores the order.
    const __m256i bytes = std::is_signed<Out>::value ? _mm256_packs_epi16(a, b)
                                                      : _mm256_packus_epi16(a, b);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(output + i),
                        _mm256_permute4x64_epi64(bytes, 0xD8));
  }
  return i;
}

template <typename In, typename Out>
void requantize_avx2(const ref::RequantizeParams& p, size_t n, const In* input, Out* output,
                     ref::RequantizeFn<In, Out> reference) {
  const __m256i input_zp = _mm256_set1_epi32(p.input_zero_point);
  const __m256i multiplier = _mm256_set1_epi32(p.rescale.multiplier);
  const __m256i shift = _mm256_set1_epi32(p.rescale.shift);
  const __m256 scale = _mm256_set1_ps(p.rescale.scale);
  size_t i = ref::is_identity_rescale(p) ? shift_zero_point(p, n, input, output) : 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i centered = _mm256_sub_epi32(load8(input + i), input_zp);
    const __m256i v = avx2::offset_and_clamp(
        avx2::requant(centered, p.profile, multiplier, shift, scale), p.output_zero_point,
        p.act_min, p.act_max);
    store8(v, output + i);
  }
  if (i < n) reference(p, n - i, input + i, output + i);
}

}  // namespace

void qs8_requantize__avx2(const ref::RequantizeParams& params, size_t n, const int8_t* input,
                          int8_t* output) {
  requantize_avx2(params, n, input, output, ref::qs8_requantize__reference);
}

void qu8_qs8_requantize__avx2(const ref::RequantizeParams& params, size_t n,
                              const uint8_t* input, int8_t* output) {
  requantize_avx2(params, n, input, output, ref::qu8_qs8_requantize__reference);
}

void qs8_qu8_requantize__avx2(const ref::RequantizeParams& params, size_t n, const int8_t* input,
                              uint8_t* output) {
  requantize_avx2(params, n, input, output, ref::qs8_qu8_requantize__reference);
}

}  // namespace lowbit
