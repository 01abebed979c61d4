// TRANSPOSE_CONV with AVX-512: the GEMM (kernels/x86/transpose_conv_tile.h),
// 8 pixels x 32 columns per tile, vpmaddwd (AVX512BW) on int16 channel pairs;
// and the gather, sixteen output channels at a time, requantized as the GEMM
// microkernels do (kernels/x86/qs8_requant_avx512.h).
#include <immintrin.h>

#include <algorithm>

#include "kernels/reference/transpose_conv_gather.h"
#include "kernels/transpose_conv.h"
#include "kernels/x86/qs8_requant_avx512.h"
#include "kernels/x86/transpose_conv_tile.h"

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
  const size_t n = p.columns();
  using Block = x86::TransposeConvChannelBlock;
  x86::for_each_channel_block(p, bias, [&](const Block& block, int32_t oc0, int32_t count) {
    Qs8GemmParams q;
    q.profile = kProfile, q.output_zero_point = p.output_zero_point;
    q.output_min = p.act_min, q.output_max = p.act_max;
    q.multiplier = block.multiplier, q.shift = block.shift, q.scale = block.scale;
    ref::gather_rows(p, output, row_begin, row_end, [&](auto&& taps, T* out) {
      for (int32_t j = 0; j < count; j += 16) {
        const __mmask16 mask = Avx512::first(size_t(std::min(16, count - j)));
        __m512i acc = _mm512_load_si512(block.bias + j);
        taps([&](size_t pixel, int32_t ky, int32_t kx) {
          const int32_t* column =
              columns + pixel * n + (size_t(ky) * p.kernel_w + kx) * p.output_c + oc0 + j;
          acc = _mm512_add_epi32(acc, _mm512_maskz_loadu_epi32(mask, column));
        });
        const avx512::BlockRequantizer<kProfile> requantize(q, size_t(j));
        // Values already in T's range: truncating to bytes is exact.
        _mm_mask_storeu_epi8(out + oc0 + j, mask, _mm512_cvtepi32_epi8(requantize(acc)));
      }
    });
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
