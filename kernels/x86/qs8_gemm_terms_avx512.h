// The AVX-512 GEMM tiles' requantization of one block of 16 channels, with
// the fixed-point terms either computed per call (BlockRequantizer) or read
// from a layer's stored terms (Qs8GemmParams::requant_terms, written once at
// prepare by store_gemm_terms). Include only from files compiled with
// AVX-512 flags.
//
// Stored terms exist only where every channel of the layer lets
// RightShiftRescale fold the output zero point (right shifts of 1..30, which
// is practically every layer): then a block's epilogue is the rescale alone,
// returning the output value plus nothing else, and the saturating packs
// the tiles narrow with (VPACKSSDW, VPACKSSWB / VPACKUSWB) are the clamp to
// the narrowing's range; a narrower activation range costs one VPMAXSB /
// VPMINSB (VPMAXUB / VPMINUB) per 64 packed bytes instead of two per 16
// lanes. Saturating then clamping inside the saturated range is the clamp,
// and the +-2^16 limit of the reference cannot matter: it lies far outside
// every 8-bit output range and the folded sum fits int32.
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "kernels/qs8_gemm.h"
#include "kernels/x86/qs8_requant_avx512.h"

namespace lowbit {
namespace avx512 {

// One block's stored terms: RightShiftRescale::set_folded's multiplier and
// rounding vectors, and each lane's r - 1. The shift by 31 + r >= 32 is the
// high dword of the 64-bit sum (floor(x / 2^32), which fits int32 there)
// shifted right by r - 1: nested floors of divisions by powers of two are
// one floor, and one VPSRAVD on the merged lanes replaces two VPSRAVQ.
//
// tflite_reference stores another form, which rounds ties away from zero
// with one compare and one masked subtract instead of a compare and a
// masked subtract per 64-bit half. With p = acc * M, R the folded rounding
// term and n = [acc < 0], the result is floor((p + R - 2^31 n) / 2^(31+r)),
// where n may stand for [p < 0]: they differ only where p = 0 (acc = 0 or
// M = 0), and there h = 0 rounds to 0 either way (RightShiftRescale; r >= 1
// here). The doubled numerator W = 2p + 2R - 2^32 n moves the tie term to
// whole units of the high dword: VPMULUDQ of acc's bits (acc + 2^32 n as
// an unsigned number) by 2M < 2^32 gives 2p + 2^33 M n exactly, so the
// high dword of that plus 2R is floor(W / 2^32) + (2M + 1) n, modulo 2^32.
// Subtracting (2M + 1) where acc < 0 leaves floor(W / 2^32), the result
// shifted right by r. That needs floor(W / 2^32) inside int32, i.e.
// |p + R - 2^31 n| < 2^62: R <= 2^61 + 2^60 + 2^30 (r <= 30 and a zero
// point that folds) leaves |acc| * 2^31 < 2^60 - 2^31 - 2^30, so the layer's
// accumulators must stay below kMaxFastTiesAccumulator in magnitude
// (every real layer: K * 255 * 255 + |bias| with K up to about 8000), and
// every multiplier must be >= 0 (real layers' are).
struct StoredGemmTerms {
  // tflite_reference: 2M, 2M of the odd lanes, 2R even and odd, r, and
  // 2M + 1 (away).
  __m512i multiplier, multiplier_odd, round_even, round_odd, high_shift, away;
};
constexpr uint32_t kGemmTermsBlockBytes = sizeof(StoredGemmTerms);
constexpr uint32_t kMaxFastTiesAccumulator = (uint32_t{1} << 29) - 2;

// Writes the terms of `channels` channels (16 per block) into `terms`
// (kGemmTermsBlockBytes per block), or returns false where the layer cannot
// use them (the fp32 profile, or a channel whose shift or zero point does
// not fold; tflite_reference also wants max_abs_accumulator, a bound on
// every accumulator's magnitude, in (0, kMaxFastTiesAccumulator] and no
// negative multiplier). Lanes past `channels` get terms that fold and are
// never stored.
inline bool store_gemm_terms(size_t channels, const Qs8GemmParams& p,
                             uint32_t max_abs_accumulator, void* terms) {
  const RequantProfile profile = qs8_kernel_profile(p);
  if (profile == RequantProfile::kXnnpackFp32) return false;
  const bool reference = profile == RequantProfile::kTfliteReference;
  if (reference &&
      (max_abs_accumulator == 0 || max_abs_accumulator > kMaxFastTiesAccumulator)) {
    return false;
  }
  auto* out = static_cast<uint8_t*>(terms);
  for (size_t c = 0; c < channels; c += 16, out += kGemmTermsBlockBytes) {
    const size_t rest = channels - c;
    const __mmask16 used = rest >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << rest) - 1u);
    const __m512i multiplier = _mm512_maskz_loadu_epi32(used, p.multiplier + c);
    const __m512i shift =
        _mm512_mask_loadu_epi32(_mm512_set1_epi32(-1), used, p.shift + c);
    if (!RightShiftRescale::folds_zero_point(shift, p.output_zero_point)) return false;
    RightShiftRescale rescale;
    rescale.set_folded(multiplier, shift, profile, p.output_zero_point);
    StoredGemmTerms block{multiplier, rescale.multiplier_odd, rescale.round_even,
                          rescale.round_odd,
                          _mm512_sub_epi32(_mm512_set1_epi32(-1), shift),  // r - 1
                          _mm512_setzero_si512()};
    if (reference) {
      if (_mm512_cmplt_epi32_mask(multiplier, _mm512_setzero_si512()) != 0) return false;
      const __m512i doubled = _mm512_add_epi32(multiplier, multiplier);
      block = StoredGemmTerms{doubled,
                              _mm512_srli_epi64(doubled, 32),
                              _mm512_slli_epi64(rescale.round_even, 1),
                              _mm512_slli_epi64(rescale.round_odd, 1),
                              _mm512_sub_epi32(_mm512_setzero_si512(), shift),  // r
                              _mm512_add_epi32(doubled, _mm512_set1_epi32(1))};
    }
    const __m512i* v = &block.multiplier;
    for (size_t i = 0; i < kGemmTermsBlockBytes / 64; ++i) {
      _mm512_storeu_si512(out + 64 * i, v[i]);
    }
  }
  return true;
}

// Requantized lanes of a block (operator()) and the clamp of the packed
// bytes (clamp_bytes), computing the terms: BlockRequantizer's lanes are
// clamped already.
template <RequantProfile kProfile, bool kStored>
struct GemmBlockRequant {
  LOWBIT_AVX512_ALWAYS_INLINE GemmBlockRequant(const Qs8GemmParams& p, size_t channel)
      : requant(p, channel) {}
  LOWBIT_AVX512_ALWAYS_INLINE __m512i operator()(__m512i acc) const { return requant(acc); }
  LOWBIT_AVX512_ALWAYS_INLINE __m512i clamp_bytes(__m512i bytes) const { return bytes; }
  const BlockRequantizer<kProfile> requant;
};

// The same from stored terms (fixed-point profiles only): lanes hold the
// output value unclamped, and clamp_bytes clamps what the tile's saturating
// packs left (signed bytes, or unsigned where output_max > 127, as the tiles
// pack them).
template <RequantProfile kProfile>
struct GemmBlockRequant<kProfile, true> {
  LOWBIT_AVX512_ALWAYS_INLINE GemmBlockRequant(const Qs8GemmParams& p, size_t channel) {
    const auto* t = static_cast<const uint8_t*>(p.requant_terms) + channel / 16 * kGemmTermsBlockBytes;
    multiplier = _mm512_loadu_si512(t);
    multiplier_odd = _mm512_loadu_si512(t + 64);
    round_even = _mm512_loadu_si512(t + 128);
    round_odd = _mm512_loadu_si512(t + 192);
    high_shift = _mm512_loadu_si512(t + 256);
    away = _mm512_loadu_si512(t + 320);
    unsigned_bytes = p.output_max > 127;
    lo = _mm512_set1_epi8(static_cast<char>(p.output_min));
    hi = _mm512_set1_epi8(static_cast<char>(p.output_max));
    clamp_lo = p.output_min > (unsigned_bytes ? 0 : -128);
    clamp_hi = p.output_max < (unsigned_bytes ? 255 : 127);
  }
  // RightShiftRescale::apply with the final shift as StoredGemmTerms says.
  LOWBIT_AVX512_ALWAYS_INLINE __m512i operator()(__m512i acc) const {
    if (kProfile == RequantProfile::kTfliteReference) {
      // StoredGemmTerms' doubled form: unsigned products, (2M + 1) taken
      // back from the high dword where acc < 0.
      const __m512i even = _mm512_add_epi64(_mm512_mul_epu32(acc, multiplier), round_even);
      const __m512i odd = _mm512_add_epi64(
          _mm512_mul_epu32(_mm512_shuffle_epi32(acc, _MM_PERM_DDBB), multiplier_odd), round_odd);
      __m512i high = _mm512_mask_shuffle_epi32(odd, 0x5555, even, _MM_PERM_DDBB);
      high = _mm512_mask_sub_epi32(high, _mm512_cmplt_epi32_mask(acc, _mm512_setzero_si512()),
                                   high, away);
      return _mm512_srav_epi32(high, high_shift);
    }
    const __m512i product_even = _mm512_mul_epi32(acc, multiplier);
    const __m512i product_odd =
        _mm512_mul_epi32(_mm512_shuffle_epi32(acc, _MM_PERM_DDBB), multiplier_odd);
    const __m512i even = _mm512_add_epi64(product_even, round_even);
    const __m512i odd = _mm512_add_epi64(product_odd, round_odd);
    // High dwords: the odd lanes' in place, the even lanes' moved down.
    const __m512i high = _mm512_mask_shuffle_epi32(odd, 0x5555, even, _MM_PERM_DDBB);
    return _mm512_srav_epi32(high, high_shift);
  }
  LOWBIT_AVX512_ALWAYS_INLINE __m512i clamp_bytes(__m512i bytes) const {
    if (unsigned_bytes) {
      if (clamp_lo) bytes = _mm512_max_epu8(bytes, lo);
      if (clamp_hi) bytes = _mm512_min_epu8(bytes, hi);
      return bytes;
    }
    if (clamp_lo) bytes = _mm512_max_epi8(bytes, lo);
    if (clamp_hi) bytes = _mm512_min_epi8(bytes, hi);
    return bytes;
  }
  __m512i multiplier, multiplier_odd, round_even, round_odd, high_shift, away, lo, hi;
  bool unsigned_bytes, clamp_lo, clamp_hi;
};

}  // namespace avx512
}  // namespace lowbit
