// aarch64's RESIZE_BILINEAR (kernels/arm/resize_neon.h): int8, uint8 and,
// with IEEE subnormals, float32.
#include "kernels/arm/resize_neon.h"

LOWBIT_DEFINE_RESIZE_BILINEAR_NEON(neon)

namespace lowbit {

void f32_resize_bilinear__neon(const ref::ResizeParams& p, const float* input, float* output,
                               size_t row_begin, size_t row_end) {
  resize_neon::bilinear_float(p, input, output, row_begin, row_end, 0.0f);
}

}  // namespace lowbit
