// The SIMD rows of the float element-wise, pooling and MEAN families
// (kernels/f32_float.h): one set of entry points per ISA tag, all from the
// shared loops (kernels/f32_elementwise_loops.h, kernels/f32_pool_loops.h)
// over the tag's lane type: kernels/x86/f32_{elementwise,pool}_{avx2,avx512}.cpp,
// kernels/arm/f32_{elementwise,pool}_{neon,armv7neon}.cpp.
#pragma once

#include "kernels/reference/f32_elementwise.h"
#include "kernels/reference/f32_pool.h"

#define LOWBIT_DECLARE_F32_ELEMENTWISE_ROWS(isa)                                    \
  ref::F32BinarySignature f32_add__##isa, f32_sub__##isa, f32_mul__##isa;           \
  ref::F32UnarySignature f32_clamp__##isa, f32_logistic__##isa, f32_hardswish__##isa; \
  ref::F32SoftmaxSignature f32_softmax__##isa;                                      \
  ref::F32PoolSignature f32_avgpool2d__##isa, f32_maxpool2d__##isa;                 \
  ref::F32MeanSignature f32_mean__##isa;

namespace lowbit {

LOWBIT_DECLARE_F32_ELEMENTWISE_ROWS(avx512)
LOWBIT_DECLARE_F32_ELEMENTWISE_ROWS(avx2)
LOWBIT_DECLARE_F32_ELEMENTWISE_ROWS(neon)
LOWBIT_DECLARE_F32_ELEMENTWISE_ROWS(armv7neon)

}  // namespace lowbit
