// QUANTIZE between 8-bit integer types (int8/uint8 in and out), sixteen
// values per step with the tail under a mask, bit-exact with
// kernels/reference/qs8_quantize.cpp: the rescale of
// kernels/x86/qs8_requant_avx512.h (the 64-bit rounding, the output zero
// point folded into it where the shift allows), then the output type's
// saturating narrowing. A rescale of 1 (only the zero point moves, a uint8
// model's input) is a clamped offset on 16-bit lanes, 32 per step.
#include <immintrin.h>

#include <algorithm>
#include <type_traits>

#include "kernels/qs8_quantize.h"
#include "kernels/x86/qs8_requant_avx512.h"

namespace lowbit {
namespace {

__mmask16 lanes16(size_t count) {
  return static_cast<__mmask16>(count >= 16 ? 0xffffu : (1u << count) - 1u);
}
__mmask32 lanes32(size_t count) {
  return count >= 32 ? ~__mmask32{0} : static_cast<__mmask32>((1u << count) - 1u);
}

// out = clamp(x - input_zp + output_zp, act_min, act_max) on 16-bit lanes
// (8-bit values and zero points: no overflow), then the low bytes.
template <typename In, typename Out>
void shift_zero_point(const ref::RequantizeParams& p, size_t n, const In* input, Out* output) {
  const __m512i offset =
      _mm512_set1_epi16(static_cast<int16_t>(p.output_zero_point - p.input_zero_point));
  const __m512i lo = _mm512_set1_epi16(static_cast<int16_t>(p.act_min));
  const __m512i hi = _mm512_set1_epi16(static_cast<int16_t>(p.act_max));
  for (size_t i = 0; i < n; i += 32) {
    const __mmask32 mask = lanes32(n - i);
    const __m256i bytes = _mm256_maskz_loadu_epi8(mask, input + i);
    const __m512i x = std::is_signed<In>::value ? _mm512_cvtepi8_epi16(bytes)
                                                : _mm512_cvtepu8_epi16(bytes);
    const __m512i v = _mm512_min_epi16(_mm512_max_epi16(_mm512_add_epi16(x, offset), lo), hi);
    _mm256_mask_storeu_epi8(output + i, mask, _mm512_cvtepi16_epi8(v));
  }
}

// act_min/act_max lie in Out's range (QUANTIZE's parameters include it).
template <typename In, typename Out>
void requantize_avx512(const ref::RequantizeParams& p, size_t n, const In* input, Out* output) {
  if (ref::is_identity_rescale(p) && p.act_min >= -32768 && p.act_max <= 32767) {
    return shift_zero_point(p, n, input, output);
  }
  const __m512i input_zp = _mm512_set1_epi32(p.input_zero_point);
  auto centered = [&](size_t i, __mmask16 mask) {
    const __m128i bytes = _mm_maskz_loadu_epi8(mask, input + i);
    const __m512i x = std::is_signed<In>::value ? _mm512_cvtepi8_epi32(bytes)
                                                : _mm512_cvtepu8_epi32(bytes);
    return _mm512_sub_epi32(x, input_zp);
  };
  // Clamped lanes to bytes: exact, the values lie in Out's range.
  auto store = [&](size_t i, __mmask16 mask, __m512i v) {
    _mm_mask_storeu_epi8(output + i, mask, _mm512_cvtepi32_epi8(v));
  };
  // requantize_and_clamp adds the zero point in 64 bits and clamps:
  // clamping to [act_min - zp, act_max - zp] first is the same in 32 bits.
  const __m512i lo = _mm512_set1_epi32(p.act_min - p.output_zero_point);
  const __m512i hi = _mm512_set1_epi32(p.act_max - p.output_zero_point);
  const __m512i zp = _mm512_set1_epi32(p.output_zero_point);
  auto finish = [&](__m512i v) { return _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(v, lo), hi), zp); };
  if (p.profile == RequantProfile::kXnnpackFp32) {
    const __m512 scale = _mm512_set1_ps(p.rescale.scale);
    for (size_t i = 0; i < n; i += 16) {
      const __mmask16 mask = lanes16(n - i);
      store(i, mask, finish(avx512::requant_fp32(centered(i, mask), scale)));
    }
    return;
  }
  avx512::FixedPointTerms terms;
  terms.set(_mm512_set1_epi32(p.rescale.multiplier), _mm512_set1_epi32(p.rescale.shift),
            p.profile, p.output_zero_point);
  const bool away = p.profile == RequantProfile::kTfliteReference;
  if (terms.zero_point_folded) {
    // The rescaled value plus the zero point, narrowed with saturation to
    // Out's range, which with the clamp inside it gives the clamp.
    const __m128i lo_bytes = _mm_set1_epi8(static_cast<char>(p.act_min));
    const __m128i hi_bytes = _mm_set1_epi8(static_cast<char>(p.act_max));
    const __m512i lo_lanes = _mm512_set1_epi32(p.act_min);
    for (size_t i = 0; i < n; i += 16) {
      const __mmask16 mask = lanes16(n - i);
      const __m512i acc = centered(i, mask);
      const __m512i v = away ? terms.right.apply<true>(acc, terms.multiplier)
                             : terms.right.apply<false>(acc, terms.multiplier);
      __m128i bytes;
      if constexpr (std::is_signed<Out>::value) {
        bytes = _mm_min_epi8(_mm_max_epi8(_mm512_cvtsepi32_epi8(v), lo_bytes), hi_bytes);
      } else {
        bytes = _mm_min_epu8(_mm512_cvtusepi32_epi8(_mm512_max_epi32(v, lo_lanes)), hi_bytes);
      }
      _mm_mask_storeu_epi8(output + i, mask, bytes);
    }
    return;
  }
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 mask = lanes16(n - i);
    const __m512i acc = centered(i, mask);
    __m512i v;
    switch (p.profile) {
      case RequantProfile::kSingleRounding:
        v = terms.apply<RequantProfile::kSingleRounding>(acc);
        break;
      case RequantProfile::kTfliteOptimized:
        v = terms.apply<RequantProfile::kTfliteOptimized>(acc);
        break;
      case RequantProfile::kTfliteReference:
      default:
        v = terms.apply<RequantProfile::kTfliteReference>(acc);
        break;
    }
    store(i, mask, finish(v));
  }
}

}  // namespace

void qs8_requantize__avx512(const ref::RequantizeParams& params, size_t n, const int8_t* input,
                            int8_t* output) {
  requantize_avx512(params, n, input, output);
}

void qu8_qs8_requantize__avx512(const ref::RequantizeParams& params, size_t n,
                                const uint8_t* input, int8_t* output) {
  requantize_avx512(params, n, input, output);
}

void qs8_qu8_requantize__avx512(const ref::RequantizeParams& params, size_t n,
                                const int8_t* input, uint8_t* output) {
  requantize_avx512(params, n, input, output);
}

void qu8_requantize__avx512(const ref::RequantizeParams& params, size_t n, const uint8_t* input,
                            uint8_t* output) {
  requantize_avx512(params, n, input, output);
}

}  // namespace lowbit
