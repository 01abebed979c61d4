// Float dot products in LiteRT's summation order (ref::dot_f32_4lanes: four
// running sums over elements i mod 4, added up in lane order, then the rest
// one by one), row after row: the float and hybrid SVDF's products and the
// float RNN's. Any SIMD variant keeps exactly this order (four lanes, a
// multiply then an add, never fused), so its results are the same bits.
#pragma once

#include <cstddef>

namespace lowbit {
namespace ref {

// out[r] = dot_f32_4lanes(a + r * cols, b + r * b_stride, cols) for r < rows:
// b_stride 0 multiplies a matrix by one vector, b_stride cols pairs the rows
// of two matrices.
using F32Dot4Fn = void (*)(size_t rows, size_t cols, const float* a, const float* b,
                           size_t b_stride, float* out);

void f32_dot4__reference(size_t rows, size_t cols, const float* a, const float* b,
                         size_t b_stride, float* out);

}  // namespace ref
}  // namespace lowbit
