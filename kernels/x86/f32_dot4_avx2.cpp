// The float dot products in LiteRT's order (kernels/f32_dot4.h) on x86-64,
// in SSE registers (the loop: kernels/f32_dot4_loop.h).
#include <immintrin.h>

#include "kernels/f32_dot4.h"
#include "kernels/f32_dot4_loop.h"

namespace lowbit {
namespace {

struct SseLanes {
  using Reg = __m128;
  static Reg zero() { return _mm_setzero_ps(); }
  static Reg mul_add(Reg sum, const float* a, const float* b) {
    return _mm_add_ps(sum, _mm_mul_ps(_mm_loadu_ps(a), _mm_loadu_ps(b)));
  }
  static void store(float* out, Reg lanes) { _mm_store_ps(out, lanes); }
};

}  // namespace

void f32_dot4__avx2(size_t rows, size_t cols, const float* a, const float* b, size_t b_stride,
                    float* out) {
  f32_dot4_loop::rows<SseLanes>(rows, cols, a, b, b_stride, out);
}

}  // namespace lowbit
