// REDUCE_MAX / REDUCE_MIN of int8 and uint8 with AVX-512 (BW), 64 bytes per
// vector (kernels/reference/reduce_simd.h). Other dtypes and kinds are the
// reference's.
#include <immintrin.h>

#include "kernels/reduce.h"
#include "kernels/reference/reduce_simd.h"

namespace lowbit {
namespace {

struct Avx512Bytes {
  using Vec = __m512i;
  static constexpr size_t kLanes = 64;

  static Vec splat(uint8_t byte) { return _mm512_set1_epi8(static_cast<char>(byte)); }
  static Vec load(const uint8_t* x) { return _mm512_loadu_si512(x); }
  static void store(uint8_t* y, Vec v) { _mm512_storeu_si512(y, v); }
  static Vec keys(Vec v, Vec flip) { return _mm512_xor_si512(v, flip); }
  static Vec max(Vec a, Vec b) { return _mm512_max_epi8(a, b); }
  static int8_t largest(Vec v) {
    // Signed bytes widened to int32 lanes keep their order.
    const __m256i half = _mm256_max_epi8(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
    const __m128i quarter = _mm_max_epi8(_mm256_castsi256_si128(half), _mm256_extracti128_si256(half, 1));
    return static_cast<int8_t>(_mm512_reduce_max_epi32(_mm512_cvtepi8_epi32(quarter)));
  }
};

}  // namespace

void reduce__avx512(const ref::ReduceParams& p, const void* input, void* output, size_t begin,
                    size_t end) {
  ref::reduce_simd<Avx512Bytes>(p, input, output, begin, end);
}

}  // namespace lowbit
