// f32_dwconv2d (kernels/reference/f32_conv.h) in aarch64 NEON for depth
// multiplier 1: four channels at a time through the shared loop
// (kernels/f32_dwconv_taps.h), the reference's bits.
#include "kernels/arm/f32_dwconv_lanes_neon.h"
#include "kernels/f32_dwconv_taps.h"
#include "kernels/f32_float.h"

namespace lowbit {

void f32_dwconv2d__neon(const ref::F32ConvParams& p, const float* input, const float* weights,
                        const float* bias, float* output) {
  f32_dwconv2d_in_lanes<F32DwconvNeonLanes>(p, input, weights, bias, output);
}

}  // namespace lowbit
