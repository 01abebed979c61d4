// REDUCE_MAX / REDUCE_MIN of int8 and uint8 with AVX2, 32 bytes per vector
// (kernels/reference/reduce_simd.h). Other dtypes and kinds are the
// reference's.
#include "kernels/reduce.h"
#include "kernels/reference/reduce_simd.h"
#include "kernels/x86/arg_reduce_avx2.h"

namespace lowbit {
namespace {

// ARG_MAX's key operations (splat, max, broadcast_max) and plain loads.
struct Avx2Bytes : Avx2Keys {
  static Vec load(const uint8_t* x) { return _mm256_loadu_si256(reinterpret_cast<const Vec*>(x)); }
  static void store(uint8_t* y, Vec v) { _mm256_storeu_si256(reinterpret_cast<Vec*>(y), v); }
  static Vec keys(Vec v, Vec flip) { return _mm256_xor_si256(v, flip); }
  static int8_t largest(Vec v) {
    return static_cast<int8_t>(_mm_cvtsi128_si32(_mm256_castsi256_si128(broadcast_max(v))));
  }
};

}  // namespace

void reduce__avx2(const ref::ReduceParams& p, const void* input, void* output, size_t begin,
                  size_t end) {
  ref::reduce_simd<Avx2Bytes>(p, input, output, begin, end);
}

}  // namespace lowbit
