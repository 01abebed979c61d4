// Depthwise row kernels, AVX-512BW: vpmaddwd then vpaddd per tap pair.
#include "kernels/x86/qs8_dwconv_rows_avx512.h"

#include <algorithm>

namespace lowbit {
namespace {

struct MaddAdd {
  static __m512i madd512(__m512i acc, __m512i x, __m512i w) {
    return _mm512_add_epi32(acc, _mm512_madd_epi16(x, w));
  }
  static __m256i madd(__m256i acc, __m256i x, __m256i w) {
    return _mm256_add_epi32(acc, _mm256_madd_epi16(x, w));
  }
  // n <= 16 channels; masked, so nothing past them is read.
  static __m128i load_bytes(const int8_t* src, size_t n) {
    return _mm_maskz_loadu_epi8(__mmask16((1u << n) - 1), src);
  }
};

}  // namespace

void qs8_dwconv_row3x3s1__avx512(const Qs8DwconvRowArgs& a) {
  avx512::dwconv::row_any_profile<3, 1, MaddAdd>(a);
}
void qs8_dwconv_row3x3s2__avx512(const Qs8DwconvRowArgs& a) {
  avx512::dwconv::row_any_profile<3, 2, MaddAdd>(a);
}
void qs8_dwconv_row5x5s1__avx512(const Qs8DwconvRowArgs& a) {
  avx512::dwconv::row_any_profile<5, 1, MaddAdd>(a);
}
void qs8_dwconv_row5x5s2__avx512(const Qs8DwconvRowArgs& a) {
  avx512::dwconv::row_any_profile<5, 2, MaddAdd>(a);
}

namespace {

// Both halves' terms of each block as HalfRequant::load would set them, the
// lanes in unpack order (the row kernels' sums) or in channel order (the
// generic kernel's); with unpack order, blocks of at most 16 channels (the
// 256-bit code's, WideRequant) one half in channel order. A block
// whose zero point does not fold (some channel with a scale of 1/2 or more)
// is marked (HalfRequant::stored_folded) and computes its terms per call, so
// one such channel costs its block, not the layer. Lanes past `channels`
// (zero multipliers) take the block's first shift, so that they fold
// whenever the real channels do; their outputs are never stored.
bool store_terms(size_t channels, const Qs8GemmParams& params, void* terms, bool unpack_order) {
  using namespace avx512::dwconv;
  const RequantProfile profile = qs8_kernel_profile(params);
  if (profile == RequantProfile::kXnnpackFp32 || channels == 0) return false;
  auto* out = static_cast<__m512i*>(terms);
  bool any_folded = false;
  for (size_t block = 0; block < channels; block += kBlock, out += 2 * kStoredHalfVectors) {
    const size_t n = std::min(kBlock, channels - block);
    if (unpack_order && n <= 16) {
      // Narrow blocks run the 256-bit code, which rescales 16 lanes in
      // channel order: blocks of up to 8 channels hold them twice (two
      // pixels per vector in 8-channel rows). The first half's five vectors.
      alignas(64) int32_t multiplier[16], shift[16];
      for (size_t j = 0; j < 16; ++j) {
        const size_t c = n <= 8 ? j % 8 : j;
        multiplier[j] = c < n ? params.multiplier[block + c] : 0;
        shift[j] = params.shift[block + (c < n ? c : 0)];
      }
      HalfRequant<RequantProfile::kTfliteReference> rq;
      rq.terms.set(_mm512_load_si512(multiplier), _mm512_load_si512(shift), profile,
                   params.output_zero_point);
      if (rq.terms.zero_point_folded) {
        rq.set_high_shift(rq.terms.shift);
        rq.store(out);
        any_folded = true;
      } else {
        HalfRequant<RequantProfile::kTfliteReference>::mark_unfolded(out);
      }
      continue;
    }
    alignas(64) int32_t multiplier[kBlock], shift[kBlock];
    for (size_t j = 0; j < kBlock; ++j) {
      multiplier[j] = j < n ? params.multiplier[block + j] : 0;
      shift[j] = params.shift[block + (j < n ? j : 0)];
    }
    bool folded = true;
    for (size_t half = 0; half < 2 && folded; ++half) {
      const __m512i index = unpack_order
                                ? unpack_order_channels(half)
                                : _mm512_add_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7,
                                                                    6, 5, 4, 3, 2, 1, 0),
                                                   _mm512_set1_epi32(int32_t(16 * half)));
      // The profile only selects the fp32 branch, which cannot happen here.
      HalfRequant<RequantProfile::kTfliteReference> rq;
      rq.terms.set(_mm512_permutex2var_epi32(_mm512_load_si512(multiplier), index,
                                             _mm512_load_si512(multiplier + 16)),
                   _mm512_permutex2var_epi32(_mm512_load_si512(shift), index,
                                             _mm512_load_si512(shift + 16)),
                   profile, params.output_zero_point);
      folded = rq.terms.zero_point_folded;
      if (!folded) break;
      rq.set_high_shift(rq.terms.shift);
      rq.store(out + half * kStoredHalfVectors);
    }
    if (!folded) HalfRequant<RequantProfile::kTfliteReference>::mark_unfolded(out);
    any_folded = any_folded || folded;
  }
  return any_folded;
}

}  // namespace

bool qs8_dwconv_row_terms__avx512(size_t channels, const Qs8GemmParams& params, void* terms) {
  return store_terms(channels, params, terms, true);
}
bool qs8_dwconv_generic_terms__avx512(size_t channels, const Qs8GemmParams& params,
                                      void* terms) {
  return store_terms(channels, params, terms, false);
}

}  // namespace lowbit
