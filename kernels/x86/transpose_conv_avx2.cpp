// TRANSPOSE_CONV's GEMM with AVX2 (kernels/x86/transpose_conv_tile.h):
// 6 pixels x 16 columns per tile, pmaddwd on int16 channel pairs.
#include <immintrin.h>

#include "kernels/transpose_conv.h"
#include "kernels/x86/transpose_conv_tile.h"

namespace lowbit {
namespace {

struct Avx2 {
  using V = __m256i;
  static constexpr size_t kLanes = 8;
  static V zero() { return _mm256_setzero_si256(); }
  static V load_pairs(const int16_t* w) { return _mm256_loadu_si256(reinterpret_cast<const V*>(w)); }
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

}  // namespace

LOWBIT_DEFINE_TRANSPOSE_CONV_GEMM(avx2, Avx2, 6)

}  // namespace lowbit
