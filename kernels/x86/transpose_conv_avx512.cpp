// TRANSPOSE_CONV's GEMM with AVX-512 (kernels/x86/transpose_conv_tile.h):
// 8 pixels x 32 columns per tile, vpmaddwd (AVX512BW) on int16 channel pairs.
#include <immintrin.h>

#include "kernels/transpose_conv.h"
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

}  // namespace

LOWBIT_DEFINE_TRANSPOSE_CONV_GEMM(avx512, Avx512, 8)

}  // namespace lowbit
