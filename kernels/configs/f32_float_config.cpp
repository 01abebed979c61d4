// lowbit's own float32 variants (kernels/f32_float.h): the GEMM with AVX2 FMA
// and aarch64 NEON rows, depthwise with AVX2 and aarch64 NEON rows (bit-exact),
// the others the reference only so far; SIMD rows go before it, best first.
#include "kernels/f32_float.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_REFERENCE_FAMILY(ref::F32ConvFn, f32_conv2d)
LOWBIT_KERNEL_FAMILY(ref::F32ConvFn, f32_dwconv2d, AVX512, AVX2, NEON, ARMV7NEON)
LOWBIT_KERNEL_FAMILY(ref::F32GemmFn, f32_gemm, AVX2, NEON)
LOWBIT_REFERENCE_FAMILY(ref::F32PoolFn, f32_avgpool2d)
LOWBIT_REFERENCE_FAMILY(ref::F32PoolFn, f32_maxpool2d)
LOWBIT_REFERENCE_FAMILY(ref::F32MeanFn, f32_mean)
LOWBIT_REFERENCE_FAMILY(ref::F32BinaryFn, f32_add)
LOWBIT_REFERENCE_FAMILY(ref::F32BinaryFn, f32_sub)
LOWBIT_REFERENCE_FAMILY(ref::F32BinaryFn, f32_mul)
LOWBIT_REFERENCE_FAMILY(ref::F32UnaryFn, f32_clamp)
LOWBIT_REFERENCE_FAMILY(ref::F32UnaryFn, f32_logistic)
LOWBIT_REFERENCE_FAMILY(ref::F32UnaryFn, f32_hardswish)
LOWBIT_REFERENCE_FAMILY(ref::F32SoftmaxFn, f32_softmax)

}  // namespace lowbit
