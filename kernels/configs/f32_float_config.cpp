// lowbit's own float32 variants (kernels/f32_float.h): depthwise,
// element-wise, pooling and MEAN with AVX-512, AVX2, NEON and armv7 NEON rows
// (bit-exact but LOGISTIC/SOFTMAX), the others the reference only so far;
// SIMD rows go before it, best first.
#include "kernels/f32_float.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_REFERENCE_FAMILY(ref::F32ConvFn, f32_conv2d)
LOWBIT_KERNEL_FAMILY(ref::F32ConvFn, f32_dwconv2d, AVX512, AVX2, NEON, ARMV7NEON)
// The unpacked GEMM only serves the reference kernel set: every SIMD set
// runs FULLY_CONNECTED through the packed f32_igemm rows.
LOWBIT_REFERENCE_FAMILY(ref::F32GemmFn, f32_gemm)
// Element-wise, pooling and MEAN: one row per ISA from shared loops
// (kernels/f32_elementwise_simd.h).
#define LOWBIT_F32_ELEMENTWISE_FAMILY(Fn, family) \
  LOWBIT_KERNEL_FAMILY(Fn, family, AVX512, AVX2, NEON, ARMV7NEON)
LOWBIT_F32_ELEMENTWISE_FAMILY(ref::F32PoolFn, f32_avgpool2d)
LOWBIT_F32_ELEMENTWISE_FAMILY(ref::F32PoolFn, f32_maxpool2d)
LOWBIT_F32_ELEMENTWISE_FAMILY(ref::F32MeanFn, f32_mean)
LOWBIT_F32_ELEMENTWISE_FAMILY(ref::F32BinaryFn, f32_add)
LOWBIT_F32_ELEMENTWISE_FAMILY(ref::F32BinaryFn, f32_sub)
LOWBIT_F32_ELEMENTWISE_FAMILY(ref::F32BinaryFn, f32_mul)
LOWBIT_F32_ELEMENTWISE_FAMILY(ref::F32UnaryFn, f32_clamp)
LOWBIT_F32_ELEMENTWISE_FAMILY(ref::F32UnaryFn, f32_logistic)
LOWBIT_F32_ELEMENTWISE_FAMILY(ref::F32UnaryFn, f32_hardswish)
LOWBIT_F32_ELEMENTWISE_FAMILY(ref::F32SoftmaxFn, f32_softmax)

}  // namespace lowbit
