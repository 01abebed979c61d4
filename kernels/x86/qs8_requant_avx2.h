// Requantization of eight int32 accumulators at once with AVX2, bit-exact with
// kernels/reference/requantize.cpp. Include only from files compiled with AVX2.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "kernels/qs8_gemm.h"

namespace lowbit {
namespace avx2 {

// AVX2 lacks a 64-bit arithmetic shift: flip negatives, shift, flip back.
inline __m256i srav_epi64(__m256i v, __m256i count) {
  const __m256i sign = _mm256_cmpgt_epi64(_mm256_setzero_si256(), v);
  return _mm256_xor_si256(_mm256_srlv_epi64(_mm256_xor_si256(v, sign), count), sign);
}

inline __m256i merge_even_odd(__m256i even, __m256i odd) {
  return _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

inline __m256i saturating_shift_left(__m256i x, __m256i left) {
  const __m256i max = _mm256_set1_epi32(INT32_MAX);
  const __m256i min = _mm256_set1_epi32(INT32_MIN);
  const __m256i hi = _mm256_srav_epi32(max, left);
  const __m256i lo = _mm256_srav_epi32(min, left);
  __m256i shifted = _mm256_sllv_epi32(x, left);
  shifted = _mm256_blendv_epi8(shifted, max, _mm256_cmpgt_epi32(x, hi));
  return _mm256_blendv_epi8(shifted, min, _mm256_cmpgt_epi32(lo, x));
}

// floor((x*M + 2^30) / 2^31), gemmlowp's doubling high multiply for M >= 0
// (see the AVX-512 version): bits 31..62 of each 64-bit sum, moved to the
// low half of even lanes and the high half of odd lanes.
inline __m256i doubling_high_mul(__m256i x, __m256i multiplier, __m256i multiplier_odd) {
  const __m256i half = _mm256_set1_epi64x(int64_t{1} << 30);
  const __m256i even = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(x, multiplier), half), 31);
  const __m256i odd = _mm256_slli_epi64(
      _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), multiplier_odd), half), 1);
  return _mm256_blend_epi32(even, odd, 0xAA);
}

// Divides by 2^right (mask = 2^right - 1, half_mask = mask >> 1), ties away
// from zero or, with half_up, toward +infinity.
inline __m256i rounding_shift_right(__m256i high, __m256i right, __m256i mask, __m256i half_mask,
                                    bool half_up) {
  const __m256i remainder = _mm256_and_si256(high, mask);
  const __m256i threshold =
      half_up ? half_mask
              : _mm256_sub_epi32(half_mask, _mm256_cmpgt_epi32(_mm256_setzero_si256(), high));
  const __m256i quotient = _mm256_srav_epi32(high, right);
  return _mm256_sub_epi32(quotient, _mm256_cmpgt_epi32(remainder, threshold));
}

// TFLite's MultiplyByQuantizedMultiplier, ties of the final shift as
// ref::rounds_half_up says.
inline __m256i requant_double_rounding(__m256i acc, __m256i multiplier, __m256i shift,
                                       bool half_up = false) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i one = _mm256_set1_epi32(1);
  const __m256i left = _mm256_min_epi32(_mm256_max_epi32(shift, zero), _mm256_set1_epi32(31));
  const __m256i right = _mm256_max_epi32(_mm256_sub_epi32(zero, shift), zero);
  const __m256i high = doubling_high_mul(saturating_shift_left(acc, left), multiplier,
                                         _mm256_srli_epi64(multiplier, 32));
  const __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, right), one);
  return rounding_shift_right(high, right, mask, _mm256_srai_epi32(mask, 1), half_up);
}

// requant_double_rounding for 8 channels with their terms computed once;
// without the saturating left shift when no channel shifts left.
struct DoubleRoundingTerms {
  __m256i multiplier, shift, multiplier_odd, right, mask, half_mask;
  bool right_only = false;

  // The terms of requant_double_rounding; single rounding needs only m, s.
  void set(__m256i m, __m256i s, RequantProfile profile) {
    const __m256i zero = _mm256_setzero_si256();
    multiplier = m;
    shift = s;
    if (profile == RequantProfile::kSingleRounding) return;
    right_only = _mm256_movemask_epi8(_mm256_cmpgt_epi32(shift, zero)) == 0;
    multiplier_odd = _mm256_srli_epi64(multiplier, 32);
    right = _mm256_max_epi32(_mm256_sub_epi32(zero, shift), zero);
    mask = _mm256_sub_epi32(_mm256_sllv_epi32(_mm256_set1_epi32(1), right), _mm256_set1_epi32(1));
    half_mask = _mm256_srai_epi32(mask, 1);
  }
  template <bool kHalfUp>
  __m256i apply(__m256i acc) const {
    if (!right_only) return requant_double_rounding(acc, multiplier, shift, kHalfUp);
    return rounding_shift_right(doubling_high_mul(acc, multiplier, multiplier_odd), right, mask,
                                half_mask, kHalfUp);
  }
};

inline __m256i requant_single_rounding(__m256i acc, __m256i multiplier, __m256i shift) {
  const __m256i total = _mm256_sub_epi32(_mm256_set1_epi32(31), shift);
  const __m256i max = _mm256_set1_epi64x(INT32_MAX);
  const __m256i min = _mm256_set1_epi64x(INT32_MIN);
  auto lanes = [&](__m256i x64, __m256i m64, __m256i total64) {
    const __m256i round = _mm256_sllv_epi64(_mm256_set1_epi64x(1),
                                            _mm256_sub_epi64(total64, _mm256_set1_epi64x(1)));
    __m256i v = srav_epi64(_mm256_add_epi64(_mm256_mul_epi32(x64, m64), round), total64);
    v = _mm256_blendv_epi8(v, max, _mm256_cmpgt_epi64(v, max));
    return _mm256_blendv_epi8(v, min, _mm256_cmpgt_epi64(min, v));
  };
  const __m256i low_mask = _mm256_set1_epi64x(0xffffffff);
  const __m256i even = lanes(acc, multiplier, _mm256_and_si256(total, low_mask));
  const __m256i odd = lanes(_mm256_srli_epi64(acc, 32), _mm256_srli_epi64(multiplier, 32),
                            _mm256_srli_epi64(total, 32));
  return merge_even_odd(even, odd);
}

inline __m256i requant_fp32(__m256i acc, __m256 scale) {
  __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), scale);
  v = _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(-2147483520.0f)),
                    _mm256_set1_ps(2147483520.0f));
  return _mm256_cvtps_epi32(v);
}

// Rescales eight accumulators under `profile` (per-lane parameters).
inline __m256i requant(__m256i acc, RequantProfile profile, __m256i multiplier, __m256i shift,
                       __m256 scale) {
  switch (profile) {
    case RequantProfile::kSingleRounding:
      return requant_single_rounding(acc, multiplier, shift);
    case RequantProfile::kXnnpackFp32:
      return requant_fp32(acc, scale);
    case RequantProfile::kTfliteReference:
    case RequantProfile::kTfliteOptimized:
    default:
      return requant_double_rounding(acc, multiplier, shift, ref::rounds_half_up(profile));
  }
}

// Limits (as ref::requantize_to_output does, so adding the zero point cannot
// overflow), adds the zero point and clamps to [lo, hi].
inline __m256i offset_and_clamp(__m256i v, int32_t zero_point, int32_t lo, int32_t hi) {
  v = _mm256_max_epi32(v, _mm256_set1_epi32(-ref::kRequantizedLimit));
  v = _mm256_min_epi32(v, _mm256_set1_epi32(ref::kRequantizedLimit));
  v = _mm256_add_epi32(v, _mm256_set1_epi32(zero_point));
  v = _mm256_max_epi32(v, _mm256_set1_epi32(lo));
  return _mm256_min_epi32(v, _mm256_set1_epi32(hi));
}

// Eight int32 values already in int8 range, as bytes in the low 64 bits
// (the saturating packs are exact then).
inline __m128i narrow_to_int8(__m256i v) {
  const __m256i p16 = _mm256_packs_epi32(v, v);
  const __m256i p8 = _mm256_packs_epi16(p16, p16);
  return _mm_unpacklo_epi32(_mm256_castsi256_si128(p8), _mm256_extracti128_si256(p8, 1));
}

// Eight channels starting at `channel`; stores `count` <= 8 bytes.
inline void requantize_store(__m256i acc, const Qs8GemmParams& p, size_t channel, int8_t* out,
                             size_t count) {
  __m256i v = requant(
      acc, qs8_kernel_profile(p),
      _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.multiplier + channel)),
      _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.shift + channel)),
      _mm256_loadu_ps(p.scale + channel));
  v = offset_and_clamp(v, p.output_zero_point, p.output_min, p.output_max);
  alignas(16) int8_t tmp[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(tmp), narrow_to_int8(v));
  std::memcpy(out, tmp, count);
}

}  // namespace avx2
}  // namespace lowbit
