// TRANSPOSE_CONV with AVX-512: the GEMM (kernels/transpose_conv_tile.h),
// 8 pixels x 32 columns per tile, vpmaddwd (AVX512BW) on int16 channel pairs;
// and the gather, sixteen output channels at a time, requantized as the GEMM
// microkernels do (kernels/x86/qs8_requant_avx512.h).
#include <immintrin.h>

#include <algorithm>

#include "kernels/reference/transpose_conv_gather.h"
#include "kernels/transpose_conv.h"
#include "kernels/transpose_conv_tile.h"
#include "kernels/x86/qs8_requant_avx512.h"

namespace lowbit {
namespace {

struct Avx512 {
  using V = __m512i;
  static constexpr size_t kLanes = 16;
  static V zero() { return _mm512_setzero_si512(); }
  static V load_pairs(const int16_t* w) { return _mm512_loadu_si512(w); }
  static V broadcast(int32_t x) { return _mm512_set1_epi32(x); }
  static V madd_add(V acc, V x, V w) { return _mm512_add_epi32(acc, _mm512_madd_epi16(x, w)); }
  static __mmask16 first(size_t count) { return __mmask16((1u << count) - 1); }
  static V load_first(const int32_t* p, size_t count) {
    return _mm512_maskz_loadu_epi32(first(count), p);
  }
  static void store_first(int32_t* p, V v, size_t count) {
    _mm512_mask_storeu_epi32(p, first(count), v);
  }
};

// The requantization's profile is a template argument, as in the GEMM
// microkernels' BlockRequantizer; its folded clamp holds for any int8 or
// uint8 zero point.
template <RequantProfile kProfile, typename T>
void output_rows(const ref::TransposeConvParams& p, const int32_t* columns, const int32_t* bias,
                 T* output, size_t row_begin, size_t row_end) {
  tconv::for_each_output_run<16>(p, columns, bias, output, row_begin, row_end,
                                 [&](const tconv::TransposeConvChannelBlock& block, size_t j,
                                     size_t lanes, auto&& tap_columns, T* out) {
    const __mmask16 mask = Avx512::first(lanes);
    __m512i acc = _mm512_load_si512(block.bias + j);
    tap_columns([&](const int32_t* column) {
      acc = _mm512_add_epi32(acc, _mm512_maskz_loadu_epi32(mask, column));
    });
    // p.profile is kProfile.
    const avx512::BlockRequantizer<kProfile> requantize(block.gemm_params(p), j);
    // Values already in T's range: truncating to bytes is exact.
    _mm_mask_storeu_epi8(out, mask, _mm512_cvtepi32_epi8(requantize(acc)));
  });
}

template <typename T>
void output_rows_for_profile(const ref::TransposeConvParams& p, const int32_t* columns,
                             const int32_t* bias, T* output, size_t row_begin, size_t row_end) {
  switch (p.profile) {
    case RequantProfile::kSingleRounding:
      return output_rows<RequantProfile::kSingleRounding>(p, columns, bias, output, row_begin,
                                                 row_end);
    case RequantProfile::kXnnpackFp32:
      return output_rows<RequantProfile::kXnnpackFp32>(p, columns, bias, output, row_begin,
                                                 row_end);
    case RequantProfile::kTfliteOptimized:
      return output_rows<RequantProfile::kTfliteOptimized>(p, columns, bias, output, row_begin,
                                                 row_end);
    case RequantProfile::kTfliteReference:
    default:
      return output_rows<RequantProfile::kTfliteReference>(p, columns, bias, output, row_begin,
                                                 row_end);
  }
}

}  // namespace

LOWBIT_DEFINE_TRANSPOSE_CONV_GEMM(avx512, Avx512, 8)

LOWBIT_DEFINE_TRANSPOSE_CONV_OUTPUT(avx512, output_rows_for_profile)

}  // namespace lowbit
