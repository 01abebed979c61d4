// Depthwise row kernels with 512-bit vectors, 32 channels per block, shared
// by the AVX-512BW (vpmaddwd + vpaddd) and AVX-512 VNNI (vpdpwssd) variants,
// which differ only in the multiply-add steps of Ops: madd512 for full
// blocks, and madd / load for blocks of at most 16 channels, which run the
// 256-bit code of qs8_dwconv_rows_avx2.h (half the work of a masked 512-bit
// block for 8- and 16-channel layers).
//
// Per input column and pair of kernel rows, the two rows' int8 channels are
// widened to int16 and interleaved (vpunpcklwd / vpunpckhwd), so one 16-bit
// multiply-add against the packed weight pairs adds two taps for 16 channels.
// The interleave leaves channels in "unpack order" (see qs8_dwconv.h); the
// packed biases use the same order, and one vpermt2d per 16 channels brings
// the sums back to channel order before requantization.
// Include only from files compiled with AVX-512 flags.
#pragma once

#include <immintrin.h>

#include "kernels/qs8_dwconv.h"
#include "kernels/x86/qs8_dwconv_rows_avx2.h"
#include "kernels/x86/qs8_requant_avx512.h"

namespace lowbit {
namespace avx512 {
// Internal linkage: each including file is compiled with its own ISA flags,
// and the linker must not pick one file's copy for another.
namespace dwconv {
namespace {

constexpr size_t kBlock = 32;

// Requantization of one 16-channel half with its parameters loaded once per
// block, ending in int32 outputs. Clamping the rescaled value to
// [output_min - zp, output_max - zp] before adding the zero point equals the
// reference's limit-add-clamp sequence (those bounds lie within +-255, far
// inside the +-2^16 limit); in the fp32 profile the clamp happens on the
// float before rounding, which commutes with round-to-nearest because the
// bounds are integers. Five fewer instructions per 16 outputs.
template <RequantProfile kProfile>
struct HalfRequant {
  avx512::FixedPointTerms terms;  // every profile but xnnpack_fp32
  __m512 scale;
  // The parameters of the 16 lanes selected by `index` from channels
  // [channel, channel + 32) (vpermt2d: 0-15 the first 16, 16-31 the next).
  void load(const Qs8GemmParams& p, size_t channel, __m512i index) {
    if (kProfile == RequantProfile::kXnnpackFp32) {
      scale = _mm512_permutex2var_ps(_mm512_loadu_ps(p.scale + channel), index,
                                     _mm512_loadu_ps(p.scale + channel + 16));
      return;
    }
    terms.set(_mm512_permutex2var_epi32(_mm512_loadu_si512(p.multiplier + channel), index,
                                        _mm512_loadu_si512(p.multiplier + channel + 16)),
              _mm512_permutex2var_epi32(_mm512_loadu_si512(p.shift + channel), index,
                                        _mm512_loadu_si512(p.shift + channel + 16)),
              kProfile, p.output_zero_point);
    if (terms.zero_point_folded) set_high_shift(terms.shift);
  }
  // r - 1 per lane for rescale_folded, from the lanes' shifts (-r).
  void set_high_shift(__m512i shift) {
    high_shift = _mm512_sub_epi32(_mm512_set1_epi32(-1), shift);
  }
  // Terms stored by store() at prepare (qs8_dwconv_row_terms__avx512): five
  // loads instead of two permutes and the terms' arithmetic per output row.
  void load_stored(const __m512i* t) {
    terms.multiplier = _mm512_loadu_si512(t + 0);
    terms.right.multiplier_odd = _mm512_loadu_si512(t + 1);
    terms.right.round_even = _mm512_loadu_si512(t + 2);
    terms.right.round_odd = _mm512_loadu_si512(t + 3);
    high_shift = _mm512_loadu_si512(t + 4);
    terms.right.away_even = terms.right.away_odd = _mm512_set1_epi64(int64_t{1} << 31);
    terms.shift = _mm512_setzero_si512();  // only the general forms read it
    terms.right_only = terms.zero_point_folded = true;
  }
  // Whether the block's stored terms at `t` (its first half) are there, or
  // mark_unfolded marked them: then load() computes them per call.
  static bool stored_folded(const __m512i* t) {
    return _mm_cvtsi128_si32(_mm512_castsi512_si128(_mm512_loadu_si512(t + 4))) >= 0;
  }
  static void mark_unfolded(__m512i* t) { _mm512_storeu_si512(t + 4, _mm512_set1_epi32(-1)); }
  // Stores what load_stored reads; only terms with the zero point folded.
  void store(__m512i* t) const {
    _mm512_storeu_si512(t + 0, terms.multiplier);
    _mm512_storeu_si512(t + 1, terms.right.multiplier_odd);
    _mm512_storeu_si512(t + 2, terms.right.round_even);
    _mm512_storeu_si512(t + 3, terms.right.round_odd);
    _mm512_storeu_si512(t + 4, high_shift);
  }
  __m512i high_shift{};  // r - 1 per lane, where the zero point is folded
};
constexpr size_t kStoredHalfVectors = 5;  // per 16 channels; two halves per block

// Output range and zero point as vectors, shared by both halves.
struct OutputRange {
  __m512i zero_point, lo, hi;  // lo/hi: output_min/max - zero_point
  __m512 lo_f, hi_f;
  __m256i out_min, out_max;  // int8 bytes
  bool full_int8;             // [output_min, output_max] = [-128, 127]: saturation clamps
  explicit OutputRange(const Qs8GemmParams& p)
      : zero_point(_mm512_set1_epi32(p.output_zero_point)),
        lo(_mm512_set1_epi32(p.output_min - p.output_zero_point)),
        hi(_mm512_set1_epi32(p.output_max - p.output_zero_point)),
        lo_f(_mm512_set1_ps(float(p.output_min - p.output_zero_point))),
        hi_f(_mm512_set1_ps(float(p.output_max - p.output_zero_point))),
        out_min(_mm256_set1_epi8(static_cast<char>(p.output_min))),
        out_max(_mm256_set1_epi8(static_cast<char>(p.output_max))),
        full_int8(p.output_min == -128 && p.output_max == 127) {}
};

// RightShiftRescale::apply with the zero point folded, one 64-bit shift
// fewer: avx2::dwconv::rescale_folded_high (qs8_dwconv_rows_avx2.h).
template <bool kAwayFromZero, RequantProfile kProfile>
inline __m512i rescale_folded(__m512i acc, const HalfRequant<kProfile>& rq) {
  return avx2::dwconv::rescale_folded_high<kAwayFromZero>(acc, rq.terms, rq.high_shift);
}

// The outputs plus the zero point as int32 lanes, clamped to the output range
// unless the zero point is folded into the rescale: the caller's saturating
// narrowing and byte clamp then finish the job (saturating to int16, then to
// int8, then clamping to [output_min, output_max] inside int8 is that clamp).
template <RequantProfile kProfile>
inline __m512i requantize(__m512i acc, const HalfRequant<kProfile>& rq, const OutputRange& r) {
  __m512i v;
  if (kProfile == RequantProfile::kXnnpackFp32) {
    __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), rq.scale);
    f = _mm512_min_ps(_mm512_max_ps(f, r.lo_f), r.hi_f);
    return _mm512_add_epi32(_mm512_cvtps_epi32(f), r.zero_point);
  }
  if (rq.terms.zero_point_folded) {
    return rescale_folded<kProfile == RequantProfile::kTfliteReference>(acc, rq);
  }
  v = rq.terms.template apply<kProfile>(acc);
  v = _mm512_min_epi32(_mm512_max_epi32(v, r.lo), r.hi);
  return _mm512_add_epi32(v, r.zero_point);
}

// The channel of each lane of an unpack-ordered accumulator: lane i of the
// low half holds channel 8 * (i / 4) + i % 4, of the high half 4 more.
inline __m512i unpack_order_channels(size_t half) {
  alignas(64) int32_t idx[16];
  for (size_t i = 0; i < 16; ++i) idx[i] = int32_t(8 * (i / 4) + 4 * half + i % 4);
  return _mm512_load_si512(idx);
}

template <int K, int S, RequantProfile kProfile, typename Ops>
void row(const Qs8DwconvRowArgs& a) {
  constexpr int P = (K + 1) / 2;  // pairs of kernel rows
  constexpr size_t kBlockBytes = kBlock * sizeof(int32_t) + size_t(K) * P * kBlock * 4;
  const Qs8GemmParams& params = *a.params;
  // Requantization runs on the unpack-ordered sums with parameters gathered
  // into the same order; VPACKSSDW of the two halves then yields the int16
  // results in channel order (it interleaves 4-lane groups, undoing the
  // unpack), and VPMOVWB narrows them for one store.
  const __m512i low_channels = unpack_order_channels(0), high_channels = unpack_order_channels(1);
  const auto* w = static_cast<const uint8_t*>(a.packed_w);
  // Stored terms of block b: 2 * kStoredHalfVectors vectors from b / kBlock
  // on (narrow blocks: the first five, in channel order).
  auto stored_terms = [&](size_t block) -> const __m512i* {
    return a.row_terms ? static_cast<const __m512i*>(a.row_terms) + block / kBlock * 2 * kStoredHalfVectors
                       : nullptr;
  };
  if (S == 1 && avx2::dwconv::two_pixel_rows(a, S)) {
    return avx2::dwconv::row_block16<K, 1, kProfile, kBlock, Ops, true>(a, 0, 8, w, stored_terms(0));
  }
  for (size_t block = 0; block < a.channels; block += kBlock, w += kBlockBytes) {
    const size_t n = a.channels - block < kBlock ? a.channels - block : kBlock;
    if (n <= 16) {
      avx2::dwconv::row_block16<K, S, kProfile, kBlock, Ops>(a, block, n, w, stored_terms(block));
      continue;
    }
    const __mmask32 load_mask = n == kBlock ? ~__mmask32{0} : (__mmask32{1} << n) - 1;
    const OutputRange range(params);
    HalfRequant<kProfile> rq_low, rq_high;
    const __m512i* stored = stored_terms(block);
    if (kProfile != RequantProfile::kXnnpackFp32 && stored &&
        HalfRequant<kProfile>::stored_folded(stored)) {
      rq_low.load_stored(stored);
      rq_high.load_stored(stored + kStoredHalfVectors);
    } else {
      rq_low.load(params, block, low_channels);
      rq_high.load(params, block, high_channels);
    }
    const __m512i bias_lo = _mm512_loadu_si512(w), bias_hi = _mm512_loadu_si512(w + 64);
    __m512i wt[K][P][2];
    for (int kx = 0; kx < K; ++kx) {
      for (int p = 0; p < P; ++p) {
        const uint8_t* src = w + kBlock * sizeof(int32_t) + (size_t(kx) * P + p) * kBlock * 4;
        wt[kx][p][0] = _mm512_loadu_si512(src);
        wt[kx][p][1] = _mm512_loadu_si512(src + 64);
      }
    }
    // With a depth multiplier the block reads input channels
    // in_first + spread[j]: fewer bytes, spread over the lanes by VPERMW.
    const size_t in_first = qs8_dwconv_input_offset(a, block);
    const bool spread = a.depth_multiplier > 1;
    __mmask32 in_mask = load_mask;
    __m512i spread_index = _mm512_setzero_si512();
    if (spread) {
      alignas(64) int16_t idx[32];
      for (size_t j = 0; j < 32; ++j) {
        idx[j] = int16_t(qs8_dwconv_input_offset(a, block + (j < n ? j : n - 1)) - in_first);
      }
      spread_index = _mm512_load_si512(idx);
      in_mask = (__mmask32{1} << (idx[n - 1] + 1)) - 1;  // idx[n-1] < 31 when M > 1
    }
    auto load_row = [&](const int8_t* src) {
      const __m512i x = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(in_mask, src));
      return spread ? _mm512_permutexvar_epi16(spread_index, x) : x;
    };
    // One input column as P interleaved row pairs, low and high halves.
    auto load_column = [&](ptrdiff_t ix, __m512i (&col)[P][2]) {
      const bool inside = ix >= 0 && ix < ptrdiff_t(a.input_width);
      const size_t offset = inside ? size_t(ix) * a.input_stride + in_first : 0;
      for (int p = 0; p < P; ++p) {
        const __m512i x0 = load_row(inside ? a.rows[2 * p] + offset : a.zero_row + in_first);
        __m512i x1 = _mm512_setzero_si512();
        if (2 * p + 1 < K) x1 = load_row(inside ? a.rows[2 * p + 1] + offset : a.zero_row + in_first);
        col[p][0] = _mm512_unpacklo_epi16(x0, x1);
        col[p][1] = _mm512_unpackhi_epi16(x0, x1);
      }
    };
    __m512i win[K][P][2];
    ptrdiff_t ix = a.input_x;
    for (int kx = 0; kx < K - S; ++kx) load_column(ix + kx, win[kx]);
    int8_t* out = a.output + block;
    for (size_t o = 0; o < a.output_width; ++o, ix += S, out += a.pixel_stride) {
      for (int s = 0; s < S; ++s) load_column(ix + K - S + s, win[K - S + s]);
      // Two accumulator chains per half shorten the multiply-add latency chain.
      __m512i acc[2][2] = {{bias_lo, bias_hi}, {_mm512_setzero_si512(), _mm512_setzero_si512()}};
      for (int kx = 0; kx < K; ++kx) {
        for (int p = 0; p < P; ++p) {
          const int chain = (kx * P + p) & 1;
          acc[chain][0] = Ops::madd512(acc[chain][0], win[kx][p][0], wt[kx][p][0]);
          acc[chain][1] = Ops::madd512(acc[chain][1], win[kx][p][1], wt[kx][p][1]);
        }
      }
      for (int kx = 0; kx < K - S; ++kx) {
        for (int p = 0; p < P; ++p) {
          win[kx][p][0] = win[kx + S][p][0];
          win[kx][p][1] = win[kx + S][p][1];
        }
      }
      const __m512i sum_lo = _mm512_add_epi32(acc[0][0], acc[1][0]);
      const __m512i sum_hi = _mm512_add_epi32(acc[0][1], acc[1][1]);
      const __m512i words = _mm512_packs_epi32(requantize(sum_lo, rq_low, range),
                                               requantize(sum_hi, rq_high, range));
      __m256i bytes = _mm512_cvtsepi16_epi8(words);
      if (!range.full_int8) bytes = _mm256_min_epi8(_mm256_max_epi8(bytes, range.out_min), range.out_max);
      _mm256_mask_storeu_epi8(out, load_mask, bytes);
    }
  }
}

template <int K, int S, typename Ops>
void row_any_profile(const Qs8DwconvRowArgs& a) {
  switch (qs8_kernel_profile(*a.params)) {
    case RequantProfile::kXnnpackFp32:
      return row<K, S, RequantProfile::kXnnpackFp32, Ops>(a);
    case RequantProfile::kSingleRounding:
      return row<K, S, RequantProfile::kSingleRounding, Ops>(a);
    case RequantProfile::kTfliteOptimized:
      return row<K, S, RequantProfile::kTfliteOptimized, Ops>(a);
    case RequantProfile::kTfliteReference:
    default:
      return row<K, S, RequantProfile::kTfliteReference, Ops>(a);
  }
}

}  // namespace
}  // namespace dwconv
}  // namespace avx512
}  // namespace lowbit
