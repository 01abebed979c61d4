// Requantization of sixteen int32 accumulators at once, bit-exact with
// kernels/reference/requantize.cpp in every profile. Include only from files
// compiled with AVX-512 flags.
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cstdint>

#include "kernels/qs8_gemm.h"

namespace lowbit {
namespace avx512 {

// The requantization steps are always inlined: GCC 12 otherwise leaves them
// out of line in the larger GEMM translation units (a call per block), where
// it also misreports the intrinsics' undefined operand as uninitialized (GCC
// bug 105593).
#define LOWBIT_AVX512_ALWAYS_INLINE inline __attribute__((always_inline))

// Combines the 64-bit results of even and odd lanes back into 32-bit lanes.
LOWBIT_AVX512_ALWAYS_INLINE __m512i merge_even_odd(__m512i even, __m512i odd) {
  return _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
}

// x * 2^left with saturation to int32, as the reference does in 64 bits.
LOWBIT_AVX512_ALWAYS_INLINE __m512i saturating_shift_left(__m512i x, __m512i left) {
  const __m512i hi = _mm512_srav_epi32(_mm512_set1_epi32(INT32_MAX), left);
  const __m512i lo = _mm512_srav_epi32(_mm512_set1_epi32(INT32_MIN), left);
  __m512i shifted = _mm512_sllv_epi32(x, left);
  shifted = _mm512_mask_mov_epi32(shifted, _mm512_cmpgt_epi32_mask(x, hi),
                                  _mm512_set1_epi32(INT32_MAX));
  return _mm512_mask_mov_epi32(shifted, _mm512_cmplt_epi32_mask(x, lo),
                               _mm512_set1_epi32(INT32_MIN));
}

// The doubling high multiply rounds (x*M + nudge) / 2^31 toward zero, which
// for both signs equals floor((x*M + 2^30) / 2^31). Only bits 31..62 of the
// sum matter: the even lanes' shift right by 31 leaves them in the low half,
// the odd lanes' shift left by 1 in the high half.
LOWBIT_AVX512_ALWAYS_INLINE __m512i doubling_high_mul(__m512i x, __m512i multiplier, __m512i multiplier_odd) {
  const __m512i half = _mm512_set1_epi64(int64_t{1} << 30);
  const __m512i even = _mm512_srli_epi64(_mm512_add_epi64(_mm512_mul_epi32(x, multiplier), half), 31);
  const __m512i odd = _mm512_slli_epi64(
      _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), multiplier_odd), half), 1);
  return _mm512_mask_blend_epi32(0xAAAA, even, odd);
}

// Divides by 2^right (mask = 2^right - 1, half_mask = mask >> 1), rounding
// ties away from zero or, with half_up, toward +infinity: a remainder above
// half_mask rounds up, and away from zero a negative tie does not.
LOWBIT_AVX512_ALWAYS_INLINE __m512i rounding_shift_right(__m512i high, __m512i right, __m512i mask, __m512i half_mask,
                                    bool half_up) {
  const __m512i remainder = _mm512_and_si512(high, mask);
  const __m512i threshold =
      half_up ? half_mask
              : _mm512_mask_add_epi32(half_mask, _mm512_cmplt_epi32_mask(high, _mm512_setzero_si512()),
                                      half_mask, _mm512_set1_epi32(1));
  const __m512i quotient = _mm512_srav_epi32(high, right);
  return _mm512_mask_add_epi32(quotient, _mm512_cmpgt_epi32_mask(remainder, threshold), quotient,
                               _mm512_set1_epi32(1));
}

// TFLite's MultiplyByQuantizedMultiplier (saturating left shift, doubling
// high multiply, rounding right shift), ties as rounds_half_up says.
LOWBIT_AVX512_ALWAYS_INLINE __m512i requant_double_rounding(__m512i acc, __m512i multiplier, __m512i shift,
                                       bool half_up = false) {
  const __m512i zero = _mm512_setzero_si512();
  const __m512i left = _mm512_min_epi32(_mm512_max_epi32(shift, zero), _mm512_set1_epi32(31));
  const __m512i right = _mm512_max_epi32(_mm512_sub_epi32(zero, shift), zero);
  const __m512i high = doubling_high_mul(saturating_shift_left(acc, left), multiplier,
                                         _mm512_srli_epi64(multiplier, 32));
  const __m512i mask = _mm512_sub_epi32(_mm512_sllv_epi32(_mm512_set1_epi32(1), right),
                                        _mm512_set1_epi32(1));
  return rounding_shift_right(high, right, mask, _mm512_srai_epi32(mask, 1), half_up);
}

// Channels that only shift right (shift <= 0: multipliers below 1, which is
// practically every layer) rescaled with one rounding of the 64-bit product
// in each fixed-point profile. With p = x * M, r = -shift and the doubling
// high multiply h = floor((p + 2^30) / 2^31):
//   tflite_optimized  floor((h + 2^(r-1)) / 2^r)      = (p + 2^30 + 2^(30+r)) >> (31+r)
//   tflite_reference  the same with h - 1 where h < 0 (ties away from zero);
//                     p < 0 may stand for h < 0, since -2^30 <= p < 0 gives
//                     h = 0, and 0 + 2^(r-1) - 1 rounds to 0 as well:
//                                                     = (p + 2^30 + 2^(30+r) - 2^31 [p < 0]) >> (31+r)
//   single_rounding                                   = (p + 2^(30+r)) >> (31+r)
// where r = 0 leaves the first two at h (2^30 added, nothing else). A floor of
// a floor of divisions by powers of two is one floor, |p| < 2^62 keeps the
// sums inside 64 bits and every result fits 32 bits (single rounding needs no
// saturation here), so each profile is a multiply, an add (two more ops for
// ties away from zero) and one arithmetic shift per 64-bit half. Exact for
// any multiplier but INT32_MIN (negative ones included: SUB's negated b).
struct RightShiftRescale {
  // Per 64-bit lane, for the even and the odd channel of the pair.
  __m512i multiplier_odd, round_even, round_odd, shift_even, shift_odd, away_even, away_odd;

  LOWBIT_AVX512_ALWAYS_INLINE void set(__m512i multiplier, __m512i shift, RequantProfile profile) {
    const __m512i right = _mm512_sub_epi32(_mm512_setzero_si512(), shift);
    const __m512i right_even = _mm512_and_si512(right, _mm512_set1_epi64(0xffffffff));
    const __m512i right_odd = _mm512_srli_epi64(right, 32);
    multiplier_odd = _mm512_srli_epi64(multiplier, 32);
    shift_even = _mm512_add_epi64(right_even, _mm512_set1_epi64(31));
    shift_odd = _mm512_add_epi64(right_odd, _mm512_set1_epi64(31));
    const __m512i half = _mm512_set1_epi64(int64_t{1} << 30);
    const __mmask8 even_right = _mm512_test_epi64_mask(right_even, right_even);
    const __mmask8 odd_right = _mm512_test_epi64_mask(right_odd, right_odd);
    if (profile == RequantProfile::kSingleRounding) {
      round_even = _mm512_sllv_epi64(half, right_even);
      round_odd = _mm512_sllv_epi64(half, right_odd);
    } else {
      round_even = _mm512_add_epi64(half, _mm512_maskz_sllv_epi64(even_right, half, right_even));
      round_odd = _mm512_add_epi64(half, _mm512_maskz_sllv_epi64(odd_right, half, right_odd));
    }
    const __m512i away = _mm512_set1_epi64(int64_t{1} << 31);
    away_even = _mm512_maskz_mov_epi64(even_right, away);
    away_odd = _mm512_maskz_mov_epi64(odd_right, away);
  }

  // set() with zero_point * 2^(31+r) added to the rounding terms, so that
  // apply() returns the rescaled value plus the zero point: a multiple of the
  // divisor passes through the floor unchanged. Only where folds_zero_point
  // says so: every lane's r in [1, 30] and |zero_point| <= 2^(30-r). Then
  // |x*M| < 2^62, |zero_point| * 2^(31+r) <= 2^61 and the rounding terms
  // (<= 2^30 + 2^60, 2^31 for ties away) keep the sum inside 64 bits, and
  // r >= 1 keeps the result, the sum over 2^32 or more, inside int32. With
  // r >= 1 everywhere the terms need no masks: the rounding is
  // (1 + 2 zero_point) * 2^(30+r), plus 2^30 for the double rounding.
  LOWBIT_AVX512_ALWAYS_INLINE void set_folded(__m512i multiplier, __m512i shift,
                                              RequantProfile profile, int32_t zero_point) {
    const __m512i low = _mm512_set1_epi64(0xffffffff);
    const __m512i shifts = _mm512_sub_epi32(_mm512_set1_epi32(30), shift);  // 30 + r
    const __m512i shifts_even = _mm512_and_si512(shifts, low);
    const __m512i shifts_odd = _mm512_srli_epi64(shifts, 32);
    multiplier_odd = _mm512_srli_epi64(multiplier, 32);
    const __m512i base = _mm512_set1_epi64(1 + 2 * int64_t{zero_point});
    round_even = _mm512_sllv_epi64(base, shifts_even);
    round_odd = _mm512_sllv_epi64(base, shifts_odd);
    if (profile != RequantProfile::kSingleRounding) {
      const __m512i half = _mm512_set1_epi64(int64_t{1} << 30);
      round_even = _mm512_add_epi64(round_even, half);
      round_odd = _mm512_add_epi64(round_odd, half);
    }
    const __m512i one = _mm512_set1_epi64(1);
    shift_even = _mm512_add_epi64(shifts_even, one);
    shift_odd = _mm512_add_epi64(shifts_odd, one);
    away_even = away_odd = _mm512_set1_epi64(int64_t{1} << 31);
  }
  static LOWBIT_AVX512_ALWAYS_INLINE bool folds_zero_point(__m512i shift, int32_t zero_point) {
    if (zero_point < -(1 << 29) || zero_point > (1 << 29)) return false;
    const uint32_t magnitude = static_cast<uint32_t>(zero_point < 0 ? -zero_point : zero_point);
    // ceil(log2(magnitude)), 0 for magnitudes 0 and 1.
    const int bits = magnitude <= 1 ? 0 : 32 - __builtin_clz(magnitude - 1);
    // r - 1 = -shift - 1 in [0, 29 - bits], one unsigned comparison.
    const __m512i r_minus_1 = _mm512_sub_epi32(_mm512_set1_epi32(-1), shift);
    return _mm512_cmpgt_epu32_mask(r_minus_1, _mm512_set1_epi32(29 - bits)) == 0;
  }

  template <bool kAwayFromZero>
  LOWBIT_AVX512_ALWAYS_INLINE __m512i apply(__m512i acc, __m512i multiplier) const {
    const __m512i product_even = _mm512_mul_epi32(acc, multiplier);
    const __m512i product_odd =
        _mm512_mul_epi32(_mm512_shuffle_epi32(acc, _MM_PERM_DDBB), multiplier_odd);
    __m512i even = _mm512_add_epi64(product_even, round_even);
    __m512i odd = _mm512_add_epi64(product_odd, round_odd);
    if (kAwayFromZero) {
      const __m512i zero = _mm512_setzero_si512();
      even = _mm512_mask_sub_epi64(even, _mm512_cmplt_epi64_mask(product_even, zero), even,
                                   away_even);
      odd = _mm512_mask_sub_epi64(odd, _mm512_cmplt_epi64_mask(product_odd, zero), odd, away_odd);
    }
    even = _mm512_srav_epi64(even, shift_even);
    odd = _mm512_srav_epi64(odd, shift_odd);
    // Odd channels' results, in the low half of their 64-bit lanes, move up.
    return _mm512_mask_shuffle_epi32(even, 0xAAAA, odd, _MM_PERM_CCAA);
  }
};

// Single rounding: (x*M + 2^(30-shift)) >> (31-shift) in 64 bits, saturated.
LOWBIT_AVX512_ALWAYS_INLINE __m512i requant_single_rounding(__m512i acc, __m512i multiplier, __m512i shift) {
  const __m512i total = _mm512_sub_epi32(_mm512_set1_epi32(31), shift);
  auto lanes = [&](__m512i x64, __m512i m64, __m512i total64) {
    const __m512i round = _mm512_sllv_epi64(_mm512_set1_epi64(1),
                                            _mm512_sub_epi64(total64, _mm512_set1_epi64(1)));
    __m512i v = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(x64, m64), round), total64);
    v = _mm512_min_epi64(v, _mm512_set1_epi64(INT32_MAX));
    return _mm512_max_epi64(v, _mm512_set1_epi64(INT32_MIN));
  };
  const __m512i low_mask = _mm512_set1_epi64(0xffffffff);
  const __m512i even = lanes(acc, multiplier, _mm512_and_si512(total, low_mask));
  const __m512i odd = lanes(_mm512_srli_epi64(acc, 32), _mm512_srli_epi64(multiplier, 32),
                            _mm512_srli_epi64(total, 32));
  return merge_even_odd(even, odd);
}

// The fixed-point rescale of 16 channels with their terms computed once, for
// kernels that rescale many pixels of the same channels: RightShiftRescale
// when no channel shifts left, the general forms above otherwise.
struct FixedPointTerms {
  __m512i multiplier, shift;
  RightShiftRescale right;
  bool right_only = false;
  bool zero_point_folded = false;  // set(..., zero_point) could fold it

  LOWBIT_AVX512_ALWAYS_INLINE void set(__m512i m, __m512i s, RequantProfile profile) {
    multiplier = m;
    shift = s;
    right_only = _mm512_cmpgt_epi32_mask(shift, _mm512_setzero_si512()) == 0;
    zero_point_folded = false;
    if (right_only) right.set(m, s, profile);
  }
  // The same with the zero point folded into the rounding terms where
  // RightShiftRescale allows it (zero_point_folded): right.apply() then
  // returns the rescaled value plus the zero point.
  LOWBIT_AVX512_ALWAYS_INLINE void set(__m512i m, __m512i s, RequantProfile profile,
                                       int32_t zero_point) {
    zero_point_folded = RightShiftRescale::folds_zero_point(s, zero_point);
    if (!zero_point_folded) return set(m, s, profile);
    multiplier = m;
    shift = s;
    right_only = true;
    right.set_folded(m, s, profile, zero_point);
  }
  // kProfile: the profile set() was given (not xnnpack_fp32).
  template <RequantProfile kProfile>
  LOWBIT_AVX512_ALWAYS_INLINE __m512i apply(__m512i acc) const {
    if (right_only) {
      return right.apply<kProfile == RequantProfile::kTfliteReference>(acc, multiplier);
    }
    if (kProfile == RequantProfile::kSingleRounding) {
      return requant_single_rounding(acc, multiplier, shift);
    }
    return requant_double_rounding(acc, multiplier, shift, ref::rounds_half_up(kProfile));
  }
};

// Float multiply, round half to even (the default MXCSR mode).
inline __m512i requant_fp32(__m512i acc, __m512 scale) {
  __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), scale);
  v = _mm512_min_ps(_mm512_max_ps(v, _mm512_set1_ps(-2147483520.0f)),
                    _mm512_set1_ps(2147483520.0f));
  return _mm512_cvtps_epi32(v);
}

// Sixteen channels starting at `channel`: requantize, add the zero point,
// clamp, narrow to int8 and store `count` bytes.
inline void requantize_store(__m512i acc, const Qs8GemmParams& p, size_t channel, int8_t* out,
                             __mmask16 store_mask) {
  __m512i v;
  switch (qs8_kernel_profile(p)) {
    case RequantProfile::kSingleRounding:
      v = requant_single_rounding(acc, _mm512_loadu_si512(p.multiplier + channel),
                                  _mm512_loadu_si512(p.shift + channel));
      break;
    case RequantProfile::kXnnpackFp32:
      v = requant_fp32(acc, _mm512_loadu_ps(p.scale + channel));
      break;
    case RequantProfile::kTfliteReference:
    case RequantProfile::kTfliteOptimized:
    default:
      v = requant_double_rounding(acc, _mm512_loadu_si512(p.multiplier + channel),
                                  _mm512_loadu_si512(p.shift + channel),
                                  ref::rounds_half_up(qs8_kernel_profile(p)));
      break;
  }
  v = _mm512_max_epi32(v, _mm512_set1_epi32(-ref::kRequantizedLimit));
  v = _mm512_min_epi32(v, _mm512_set1_epi32(ref::kRequantizedLimit));
  v = _mm512_add_epi32(v, _mm512_set1_epi32(p.output_zero_point));
  v = _mm512_max_epi32(v, _mm512_set1_epi32(p.output_min));
  v = _mm512_min_epi32(v, _mm512_set1_epi32(p.output_max));
  _mm_mask_storeu_epi8(out, store_mask, _mm512_cvtepi32_epi8(v));
}

// The requantization of one block of sixteen channels with its per-channel
// parameters loaded once, for kernels that store many rows of the same
// channels. The +-kRequantizedLimit clamp, the zero point and the activation
// clamp fold into one clamp to [lo, hi] before adding the zero point (the
// same result for any zero point inside [act_min - limit, act_max + limit],
// i.e. every int8 zero point). In the fp32 profile that clamp happens on the
// float before rounding: rounding is monotonic and lo, hi are integers, so
// round(clamp(x)) == clamp(round(x)), and it also keeps the conversion in range.
template <RequantProfile kProfile>
struct BlockRequantizer {
  LOWBIT_AVX512_ALWAYS_INLINE BlockRequantizer(const Qs8GemmParams& p, size_t channel)
      : BlockRequantizer(p, _mm512_loadu_si512(p.multiplier + channel),
                         _mm512_loadu_si512(p.shift + channel), _mm512_loadu_ps(p.scale + channel)) {}
  // The parameters of 16 lanes given (e.g. 8 channels twice, for two pixels).
  LOWBIT_AVX512_ALWAYS_INLINE BlockRequantizer(const Qs8GemmParams& p, __m512i multiplier,
                                               __m512i shift, __m512 scales) {
    const int32_t lo_value = std::max(p.output_min - p.output_zero_point, -ref::kRequantizedLimit);
    const int32_t hi_value = std::min(p.output_max - p.output_zero_point, ref::kRequantizedLimit);
    zero_point = _mm512_set1_epi32(p.output_zero_point);
    lo = _mm512_set1_epi32(lo_value);
    hi = _mm512_set1_epi32(hi_value);
    lo_f = _mm512_set1_ps(static_cast<float>(lo_value));
    hi_f = _mm512_set1_ps(static_cast<float>(hi_value));
    if (kProfile == RequantProfile::kXnnpackFp32) {
      scale = scales;
    } else {
      terms.set(multiplier, shift, kProfile, p.output_zero_point);
      const int32_t out_lo = lo_value + p.output_zero_point, out_hi = hi_value + p.output_zero_point;
      lo_offset = _mm512_set1_epi32(out_lo);
      hi_offset = _mm512_set1_epi32(out_hi);
      lo_bytes = _mm_set1_epi8(static_cast<char>(out_lo));
      hi_bytes = _mm_set1_epi8(static_cast<char>(out_hi));
      if (out_lo >= -128 && out_hi <= 127) {
        narrowing = Narrowing::kSigned;
        full_range = out_lo == -128 && out_hi == 127;
      } else if (out_lo >= 0 && out_hi <= 255) {
        narrowing = Narrowing::kUnsigned;
        full_range = out_hi == 255;
      }
    }
  }

  // Output values (already in [act_min, act_max]) as int32 lanes.
  LOWBIT_AVX512_ALWAYS_INLINE __m512i operator()(__m512i acc) const {
    if (kProfile == RequantProfile::kXnnpackFp32) {
      __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), scale);
      v = _mm512_min_ps(_mm512_max_ps(v, lo_f), hi_f);
      return _mm512_add_epi32(_mm512_cvtps_epi32(v), zero_point);
    }
    if (terms.zero_point_folded) {
      // The clamp to [lo, hi] moved by the zero point: the same outputs.
      const __m512i v = terms.right.template apply<kProfile == RequantProfile::kTfliteReference>(
          acc, terms.multiplier);
      return _mm512_min_epi32(_mm512_max_epi32(v, lo_offset), hi_offset);
    }
    const __m512i v = terms.template apply<kProfile>(acc);
    return _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(v, lo), hi), zero_point);
  }

  // The same outputs as bytes: int8, or uint8 where the output range lies in
  // [0, 255] (the low-byte stores of a uint8 layer). With the zero point
  // folded, VPMOVSDB's saturation to [-128, 127] is the clamp where the
  // output range is all of int8 (RELU6 with zero point -128 and no
  // activation alike), so neither bound costs an instruction there; a
  // narrower range is clamped on the bytes (saturating, then clamping inside
  // the saturated range, clamps to the range). uint8: the lower bound on the
  // lanes, then VPMOVUSDB saturates at 255.
  LOWBIT_AVX512_ALWAYS_INLINE __m128i bytes(__m512i acc) const {
    if (kProfile != RequantProfile::kXnnpackFp32 && terms.zero_point_folded &&
        narrowing != Narrowing::kLowByte) {
      const __m512i v = terms.right.template apply<kProfile == RequantProfile::kTfliteReference>(
          acc, terms.multiplier);
      if (narrowing == Narrowing::kUnsigned) {
        const __m128i b = _mm512_cvtusepi32_epi8(_mm512_max_epi32(v, lo_offset));
        return full_range ? b : _mm_min_epu8(b, hi_bytes);
      }
      const __m128i b = _mm512_cvtsepi32_epi8(v);
      return full_range ? b : _mm_min_epi8(_mm_max_epi8(b, lo_bytes), hi_bytes);
    }
    return _mm512_cvtepi32_epi8((*this)(acc));
  }

  enum class Narrowing { kSigned, kUnsigned, kLowByte };
  FixedPointTerms terms{};
  __m512i zero_point, lo, hi;
  __m512i lo_offset{}, hi_offset{};  // lo, hi + zero_point
  __m128i lo_bytes{}, hi_bytes{};    // the same as bytes, for bytes()
  __m512 scale{}, lo_f, hi_f;
  Narrowing narrowing = Narrowing::kLowByte;
  bool full_range = false;           // lo, hi + zero_point = the narrowing's whole range
};

}  // namespace avx512
}  // namespace lowbit
