// f32_dwconv2d (kernels/reference/f32_conv.h) in armv7 NEON for depth
// multiplier 1: the aarch64 row's loop and lanes (kernels/arm/
// f32_dwconv_lanes_neon.h); armv7 NEON flushes subnormals, so values that meet
// one can differ from the reference's (VFP) bits; all others match.
#include "kernels/arm/f32_dwconv_lanes_neon.h"
#include "kernels/f32_dwconv_taps.h"
#include "kernels/f32_float.h"

namespace lowbit {

void f32_dwconv2d__armv7neon(const ref::F32ConvParams& p, const float* input,
                             const float* weights, const float* bias, float* output) {
  f32_dwconv2d_in_lanes<F32DwconvNeonLanes>(p, input, weights, bias, output);
}

}  // namespace lowbit
