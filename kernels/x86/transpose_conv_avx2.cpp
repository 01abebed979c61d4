// TRANSPOSE_CONV with AVX2: the GEMM (kernels/transpose_conv_tile.h),
// 6 pixels x 16 columns per tile, pmaddwd on int16 channel pairs; and the
// gather, eight output channels at a time, requantized as the GEMM
// microkernels do (kernels/x86/qs8_requant_avx2.h).
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/reference/transpose_conv_gather.h"
#include "kernels/transpose_conv.h"
#include "kernels/transpose_conv_tile.h"
#include "kernels/x86/qs8_requant_avx2.h"

namespace lowbit {
namespace {

struct Avx2 {
  using V = __m256i;
  static constexpr size_t kLanes = 8;
  static V zero() { return _mm256_setzero_si256(); }
  static V load_pairs(const int16_t* w) {
    return _mm256_loadu_si256(reinterpret_cast<const V*>(w));
  }
  static V broadcast(int32_t x) { return _mm256_set1_epi32(x); }
  static V madd_add(V acc, V x, V w) { return _mm256_add_epi32(acc, _mm256_madd_epi16(x, w)); }
  // Lanes below `count` set: the mask of maskload / maskstore.
  static V first(size_t count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(int32_t(count)),
                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static V load_first(const int32_t* p, size_t count) {
    return _mm256_maskload_epi32(reinterpret_cast<const int*>(p), first(count));
  }
  static void store_first(int32_t* p, V v, size_t count) {
    _mm256_maskstore_epi32(reinterpret_cast<int*>(p), first(count), v);
  }
};

// Eight values already clamped to T's range, as bytes in the low 64 bits.
inline __m128i narrow(__m256i v, int8_t*) { return avx2::narrow_to_int8(v); }
inline __m128i narrow(__m256i v, uint8_t*) {
  const __m256i p16 = _mm256_packs_epi32(v, v);
  const __m256i p8 = _mm256_packus_epi16(p16, p16);
  return _mm_unpacklo_epi32(_mm256_castsi256_si128(p8), _mm256_extracti128_si256(p8, 1));
}

template <typename T>
void output_rows(const ref::TransposeConvParams& p, const int32_t* columns, const int32_t* bias,
                 T* output, size_t row_begin, size_t row_end) {
  tconv::for_each_output_run<8>(p, columns, bias, output, row_begin, row_end,
                                [&](const tconv::TransposeConvChannelBlock& block, size_t j,
                                    size_t lanes, auto&& tap_columns, T* out) {
    const __m256i mask = Avx2::first(lanes);
    __m256i acc = _mm256_setzero_si256();
    // Whole vectors load plainly; the last, partial one masked so it never
    // reads past the columns.
    tap_columns([&](const int32_t* column) {
      acc = _mm256_add_epi32(
          acc, lanes == 8 ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(column))
                          : _mm256_maskload_epi32(column, mask));
    });
    auto terms = [&](const int32_t* values) {
      return _mm256_load_si256(reinterpret_cast<const __m256i*>(values + j));
    };
    acc = _mm256_add_epi32(acc, terms(block.bias));
    __m256i v = avx2::requant(acc, p.profile, terms(block.multiplier), terms(block.shift),
                              _mm256_load_ps(block.scale + j));
    v = avx2::offset_and_clamp(v, p.output_zero_point, p.act_min, p.act_max);
    alignas(16) T bytes[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(bytes), narrow(v, bytes));
    std::memcpy(out, bytes, lanes);
  });
}

}  // namespace

LOWBIT_DEFINE_TRANSPOSE_CONV_GEMM(avx2, Avx2, 6)

LOWBIT_DEFINE_TRANSPOSE_CONV_OUTPUT(avx2, output_rows)

}  // namespace lowbit
