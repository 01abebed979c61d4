// One 16-channel block of a depthwise row kernel with 256-bit vectors: the
// whole AVX2 row kernel, and the narrow-block path of the AVX-512 kernels
// (layers of 8 or 16 channels, the last 16 channels of 144). The scheme of
// qs8_dwconv_rows_avx512.h at half the width: per input column and pair of
// kernel rows, the rows' channels are widened to int16 and interleaved, and
// one 16-bit multiply-add adds two taps for 8 channels; vperm2i128 brings the
// unpack-ordered sums back to channel order.
//
// Ops supplies madd(acc, x, w) (vpmaddwd + vpaddd, or vpdpwssd) and
// load_bytes(src, n), 16 int8 channels of which only n are read. kPackedBlock is
// the channel block of the packed layout (16, or 32 for the AVX-512 kernels,
// whose first 16 channels sit in the first half of each 64-byte half).
// Include only from files compiled with AVX2 flags or more.
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "kernels/qs8_dwconv.h"
#include "kernels/x86/qs8_requant_avx2.h"
#if defined(__AVX512F__) && defined(__AVX512BW__)
#include "kernels/x86/qs8_requant_avx512.h"
#endif

namespace lowbit {
namespace avx2 {
// Internal linkage: each including file is compiled with its own ISA flags,
// and the linker must not pick one file's copy for another.
namespace dwconv {
namespace {

// Requantization of 8 channels with parameters loaded once per block, as in
// qs8_dwconv_rows_avx512.h: clamping to [output_min - zp, output_max - zp]
// before adding the zero point (on the float in the fp32 profile) equals the
// reference's limit-add-clamp sequence.
template <RequantProfile kProfile>
struct HalfRequant {
  DoubleRoundingTerms terms;  // every profile but xnnpack_fp32
  __m256 scale;
  void load(const Qs8GemmParams& p, size_t channel) {
    if (kProfile == RequantProfile::kXnnpackFp32) {
      scale = _mm256_loadu_ps(p.scale + channel);
      return;
    }
    terms.set(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.multiplier + channel)),
              _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.shift + channel)), kProfile);
  }
};

struct OutputRange {
  __m256i zero_point, lo, hi;
  __m256 lo_f, hi_f;
  explicit OutputRange(const Qs8GemmParams& p)
      : zero_point(_mm256_set1_epi32(p.output_zero_point)),
        lo(_mm256_set1_epi32(p.output_min - p.output_zero_point)),
        hi(_mm256_set1_epi32(p.output_max - p.output_zero_point)),
        lo_f(_mm256_set1_ps(float(p.output_min - p.output_zero_point))),
        hi_f(_mm256_set1_ps(float(p.output_max - p.output_zero_point))) {}
};

// Eight outputs as int8 in the low 64 bits.
template <RequantProfile kProfile>
inline __m128i requantize(__m256i acc, const HalfRequant<kProfile>& rq, const OutputRange& r) {
  __m256i v;
  if (kProfile == RequantProfile::kXnnpackFp32) {
    __m256 f = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), rq.scale);
    f = _mm256_min_ps(_mm256_max_ps(f, r.lo_f), r.hi_f);
    v = _mm256_cvtps_epi32(f);
  } else {
    v = kProfile == RequantProfile::kSingleRounding
            ? requant_single_rounding(acc, rq.terms.multiplier, rq.terms.shift)
            : rq.terms.template apply<ref::rounds_half_up(kProfile)>(acc);
    v = _mm256_min_epi32(_mm256_max_epi32(v, r.lo), r.hi);
  }
  return narrow_to_int8(_mm256_add_epi32(v, r.zero_point));
}

#if defined(__AVX512F__) && defined(__AVX512BW__)
// RightShiftRescale::apply with the zero point folded (terms.zero_point_folded),
// one 64-bit shift fewer: there every lane's r >= 1, so the divisor
// 2^(31+r) is at least 2^32 and floor(sum / 2^(31+r)) =
// floor(floor(sum / 2^32) / 2^(r-1)), where floor(sum / 2^32) is the sum's
// high half. One shuffle gathers the even and odd lanes' high halves, and one
// 32-bit arithmetic shift by r - 1 (high_shift) finishes: per 16 outputs two
// 64-bit shifts and a merge become a merge and one 32-bit shift, which leaves
// the port of VPMULDQ, VPDPWSSD and the shifts one instruction less busy.
template <bool kAwayFromZero>
LOWBIT_AVX512_ALWAYS_INLINE __m512i rescale_folded_high(__m512i acc,
                                                        const avx512::FixedPointTerms& terms,
                                                        __m512i high_shift) {
  // The odd lanes move down with a 64-bit shift and the products' signs
  // come from VPMOVQ2M, not VPSHUFD and VPCMPQ: on Intel's AVX-512 cores
  // those leave port 5 (already busy with the kernels' byte shuffles and
  // narrowing) for port 0.
  const avx512::RightShiftRescale& t = terms.right;
  const __m512i product_even = _mm512_mul_epi32(acc, terms.multiplier);
  const __m512i product_odd = _mm512_mul_epi32(_mm512_srli_epi64(acc, 32), t.multiplier_odd);
  __m512i even = _mm512_add_epi64(product_even, t.round_even);
  __m512i odd = _mm512_add_epi64(product_odd, t.round_odd);
  if (kAwayFromZero) {
    even = _mm512_mask_sub_epi64(even, _mm512_movepi64_mask(product_even), even, t.away_even);
    odd = _mm512_mask_sub_epi64(odd, _mm512_movepi64_mask(product_odd), odd, t.away_odd);
  }
  // Even lanes take the even sums' high halves (dwords 1 and 3 of each
  // 128-bit lane); odd lanes keep the odd sums' own high halves.
  const __m512i high = _mm512_mask_shuffle_epi32(odd, 0x5555, even, _MM_PERM_DDBB);
  return _mm512_srav_epi32(high, high_shift);
}

// The AVX-512 kernels' narrow blocks requantize both 8-lane halves as one
// 512-bit vector (half the requantization instructions): channels block to
// block + 16, or with two pixels the same 8 channels twice. The folded terms
// come from `stored` (five vectors qs8_dwconv_row_terms__avx512 wrote at
// prepare, lanes in channel order, blocks of up to 8 channels twice) where
// the driver passes them, else are computed per call.
template <RequantProfile kProfile>
struct WideRequant {
  LOWBIT_AVX512_ALWAYS_INLINE static avx512::BlockRequantizer<kProfile> make(
      const Qs8GemmParams& p, size_t block, bool two_pixels) {
    if (!two_pixels) return avx512::BlockRequantizer<kProfile>(p, block);
    auto twice = [](const int32_t* v) {
      return _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(v)));
    };
    return avx512::BlockRequantizer<kProfile>(
        p, twice(p.multiplier + block), twice(p.shift + block),
        _mm512_castsi512_ps(twice(reinterpret_cast<const int32_t*>(p.scale + block))));
  }
  // Whether stored terms (their r - 1 vector, the fifth) are there: a block
  // whose zero point does not fold is marked with -1.
  static bool stored_folded(const __m512i* stored) {
    return stored && _mm_cvtsi128_si32(_mm512_castsi512_si128(_mm512_loadu_si512(stored + 4))) >= 0;
  }
  LOWBIT_AVX512_ALWAYS_INLINE WideRequant(const Qs8GemmParams& p, size_t block, bool two_pixels,
                                          const void* stored_terms = nullptr) {
    const auto* stored = static_cast<const __m512i*>(stored_terms);
    const int32_t out_lo =
        std::max(p.output_min - p.output_zero_point, -ref::kRequantizedLimit) + p.output_zero_point;
    const int32_t out_hi =
        std::min(p.output_max - p.output_zero_point, ref::kRequantizedLimit) + p.output_zero_point;
    lo_bytes = _mm_set1_epi8(static_cast<char>(out_lo));
    hi_bytes = _mm_set1_epi8(static_cast<char>(out_hi));
    full_range = out_lo == -128 && out_hi == 127;
    if (kProfile != RequantProfile::kXnnpackFp32 && out_lo >= -128 && out_hi <= 127 &&
        stored_folded(stored)) {
      terms.multiplier = _mm512_loadu_si512(stored + 0);
      terms.right.multiplier_odd = _mm512_loadu_si512(stored + 1);
      terms.right.round_even = _mm512_loadu_si512(stored + 2);
      terms.right.round_odd = _mm512_loadu_si512(stored + 3);
      high_shift = _mm512_loadu_si512(stored + 4);
      terms.right.away_even = terms.right.away_odd = _mm512_set1_epi64(int64_t{1} << 31);
      fast = true;
      return;
    }
    general.emplace(make(p, block, two_pixels));
    using Narrowing = typename avx512::BlockRequantizer<kProfile>::Narrowing;
    fast = kProfile != RequantProfile::kXnnpackFp32 && general->terms.zero_point_folded &&
           general->narrowing == Narrowing::kSigned;
    terms = general->terms;
    high_shift = _mm512_sub_epi32(_mm512_set1_epi32(-1), general->terms.shift);
  }
  // Sixteen int8 outputs of the channel-ordered low and high halves: as
  // BlockRequantizer::bytes, with the folded rescale's cheaper last step.
  LOWBIT_AVX512_ALWAYS_INLINE __m128i operator()(__m256i low, __m256i high) const {
    const __m512i acc = _mm512_inserti64x4(_mm512_castsi256_si512(low), high, 1);
    if (kProfile != RequantProfile::kXnnpackFp32 && fast) {
      const __m128i b = _mm512_cvtsepi32_epi8(
          rescale_folded_high<kProfile == RequantProfile::kTfliteReference>(acc, terms, high_shift));
      return full_range ? b : _mm_min_epi8(_mm_max_epi8(b, lo_bytes), hi_bytes);
    }
    return general->bytes(acc);
  }

  // Computed per call where no stored terms apply (and for xnnpack_fp32).
  std::optional<avx512::BlockRequantizer<kProfile>> general;
  avx512::FixedPointTerms terms{};
  __m512i high_shift{};  // r - 1 per lane where the zero point is folded
  __m128i lo_bytes, hi_bytes;
  bool full_range = false, fast = false;
};
#endif

// kTwoPixels: an 8-channel layer with stride 1 (pixel_stride 8) puts two
// horizontally adjacent output pixels in one 16-lane block instead of leaving
// half of it empty: a "column" is then two adjacent input pixels, the weights
// and parameters of the 8 channels fill both 128-bit lanes, and consecutive
// output pairs advance by two columns (so the column loop runs with step 2).
template <int K, int S, RequantProfile kProfile, size_t kPackedBlock, typename Ops,
          bool kTwoPixels = false>
void row_block16(const Qs8DwconvRowArgs& a, size_t block, size_t n, const uint8_t* w,
                 const void* stored_terms = nullptr) {
  static_assert(!kTwoPixels || S == 1, "two pixels per block need contiguous columns");
  constexpr int P = (K + 1) / 2;
  constexpr int kStep = kTwoPixels ? 2 : S;   // columns per block of outputs
  constexpr size_t kPixels = kTwoPixels ? 2 : 1;
  constexpr size_t kHalf = kPackedBlock * 2;  // bytes from the low to the high half
  const Qs8GemmParams& params = *a.params;
  const OutputRange range(params);
  HalfRequant<kProfile> rq_low, rq_high;
  rq_low.load(params, block);
  rq_high.load(params, kTwoPixels ? block : block + 8);
#if defined(__AVX512F__) && defined(__AVX512BW__)
  const WideRequant<kProfile> wide(params, block, kTwoPixels, stored_terms);
#else
  (void)stored_terms;  // the AVX2 variant stores no terms
#endif
  // Channels 0-3 and 4-7 sit in the low 128-bit lane of the two halves.
  auto load_half = [](const uint8_t* src) {
    return kTwoPixels ? _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src)))
                      : _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src));
  };
  const __m256i bias_lo = load_half(w);
  const __m256i bias_hi = load_half(w + kHalf);
  __m256i wt[K][P][2];
  for (int kx = 0; kx < K; ++kx) {
    for (int p = 0; p < P; ++p) {
      const uint8_t* src = w + kPackedBlock * sizeof(int32_t) + (size_t(kx) * P + p) * kPackedBlock * 4;
      wt[kx][p][0] = load_half(src);
      wt[kx][p][1] = load_half(src + kHalf);
    }
  }
  const ptrdiff_t width = ptrdiff_t(a.input_width);
  // With a depth multiplier the block reads input channels in_first +
  // spread[j]: fewer bytes, spread over the lanes by PSHUFB.
  const size_t in_first = qs8_dwconv_input_offset(a, block);
  const bool spread = a.depth_multiplier > 1;
  size_t in_count = n;
  __m128i spread_index = _mm_setzero_si128();
  if (spread) {
    alignas(16) int8_t idx[16];
    for (size_t j = 0; j < 16; ++j) {
      idx[j] = int8_t(qs8_dwconv_input_offset(a, block + (j < n ? j : n - 1)) - in_first);
    }
    spread_index = _mm_load_si128(reinterpret_cast<const __m128i*>(idx));
    in_count = size_t(idx[n - 1]) + 1;
  }
  auto load_row = [&](const int8_t* row, ptrdiff_t ix) -> __m256i {
    if (!kTwoPixels) {
      const bool inside = ix >= 0 && ix < width;
      const int8_t* src = inside ? row + size_t(ix) * a.input_stride + in_first : a.zero_row + in_first;
      __m128i bytes = Ops::load_bytes(src, in_count);
      if (spread) bytes = _mm_shuffle_epi8(bytes, spread_index);
      return _mm256_cvtepi8_epi16(bytes);
    }
    if (ix >= 0 && ix + 1 < width) {
      return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + size_t(ix) * 8)));
    }
    // A pixel of the pair in the padding (or past the input) reads zero points.
    const int8_t* first = ix >= 0 && ix < width ? row + size_t(ix) * 8 : a.zero_row;
    const int8_t* second = ix + 1 >= 0 && ix + 1 < width ? row + size_t(ix + 1) * 8 : a.zero_row;
    return _mm256_cvtepi8_epi16(
        _mm_unpacklo_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(first)),
                           _mm_loadl_epi64(reinterpret_cast<const __m128i*>(second))));
  };
  auto load_column = [&](ptrdiff_t ix, __m256i (&col)[P][2]) {
    for (int p = 0; p < P; ++p) {
      const __m256i x0 = load_row(a.rows[2 * p], ix);
      __m256i x1 = _mm256_setzero_si256();
      if (2 * p + 1 < K) x1 = load_row(a.rows[2 * p + 1], ix);
      col[p][0] = _mm256_unpacklo_epi16(x0, x1);
      col[p][1] = _mm256_unpackhi_epi16(x0, x1);
    }
  };
  __m256i win[K][P][2];
  ptrdiff_t ix = a.input_x;
  for (int kx = 0; kx < K - kStep; ++kx) load_column(ix + kx, win[kx]);
  int8_t* out = a.output + block;
  for (size_t o = 0; o < a.output_width; o += kPixels, ix += kStep, out += kPixels * a.pixel_stride) {
    for (int s = 0; s < kStep; ++s) load_column(ix + K - kStep + s, win[K - kStep + s]);
    // Two accumulator chains per half shorten the multiply-add latency chain.
    __m256i acc[2][2] = {{bias_lo, bias_hi}, {_mm256_setzero_si256(), _mm256_setzero_si256()}};
    for (int kx = 0; kx < K; ++kx) {
      for (int p = 0; p < P; ++p) {
        const int chain = (kx * P + p) & 1;
        acc[chain][0] = Ops::madd(acc[chain][0], win[kx][p][0], wt[kx][p][0]);
        acc[chain][1] = Ops::madd(acc[chain][1], win[kx][p][1], wt[kx][p][1]);
      }
    }
    for (int kx = 0; kx < K - kStep; ++kx) {
      for (int p = 0; p < P; ++p) {
        win[kx][p][0] = win[kx + kStep][p][0];
        win[kx][p][1] = win[kx + kStep][p][1];
      }
    }
    const __m256i sum_lo = _mm256_add_epi32(acc[0][0], acc[1][0]);
    const __m256i sum_hi = _mm256_add_epi32(acc[0][1], acc[1][1]);
    // Low 128-bit lanes hold channels 0-3 and 4-7, high lanes 8-11 and 12-15
    // (with two pixels: the second pixel's channels 0-3 and 4-7).
    const __m256i low = _mm256_permute2x128_si256(sum_lo, sum_hi, 0x20);
    const __m256i high = _mm256_permute2x128_si256(sum_lo, sum_hi, 0x31);
#if defined(__AVX512F__) && defined(__AVX512BW__)
    // Blocks of 8 or fewer channels too: one 512-bit rescale of 16 lanes
    // costs less than the 256-bit one of 8 (no 64-bit arithmetic shift there).
    {
      const __m128i bytes = wide(low, high);
      if (n == 16 || (kTwoPixels && o + 1 < a.output_width)) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out), bytes);
      } else if (kTwoPixels || n == 8) {
        _mm_storel_epi64(reinterpret_cast<__m128i*>(out), bytes);
      } else {
        alignas(16) int8_t tmp[16];
        _mm_store_si128(reinterpret_cast<__m128i*>(tmp), bytes);
        std::memcpy(out, tmp, n);
      }
      continue;
    }
#endif
    const __m128i bytes_low = requantize(low, rq_low, range);
    if (kTwoPixels) {
      if (o + 1 < a.output_width) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out),
                         _mm_unpacklo_epi64(bytes_low, requantize(high, rq_high, range)));
      } else {
        _mm_storel_epi64(reinterpret_cast<__m128i*>(out), bytes_low);
      }
    } else if (n == 16) {
      const __m128i bytes_high = requantize(high, rq_high, range);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_unpacklo_epi64(bytes_low, bytes_high));
    } else if (n == 8) {
      _mm_storel_epi64(reinterpret_cast<__m128i*>(out), bytes_low);
    } else {
      alignas(16) int8_t tmp[16];
      _mm_storel_epi64(reinterpret_cast<__m128i*>(tmp), bytes_low);
      if (n > 8) _mm_storel_epi64(reinterpret_cast<__m128i*>(tmp + 8), requantize(high, rq_high, range));
      std::memcpy(out, tmp, n);
    }
  }
}

// Whether an 8-channel stride-1 row runs two pixels per 16-lane block.
inline bool two_pixel_rows(const Qs8DwconvRowArgs& a, int stride) {
  return stride == 1 && a.channels == 8 && a.pixel_stride == 8 && a.input_stride == 8 &&
         a.depth_multiplier == 1;
}

}  // namespace
}  // namespace dwconv
}  // namespace avx2
}  // namespace lowbit
