#include "kernels/reference/f32_dot4.h"

#include "kernels/reference/svdf.h"

namespace lowbit {
namespace ref {

void f32_dot4__reference(size_t rows, size_t cols, const float* a, const float* b,
                         size_t b_stride, float* out) {
  for (size_t r = 0; r < rows; ++r) {
    out[r] = dot_f32_4lanes(a + r * cols, b + r * b_stride, static_cast<int>(cols));
  }
}

}  // namespace ref
}  // namespace lowbit
