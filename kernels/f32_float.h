// lowbit's own float32 kernel families (kernels/reference/f32_conv.h,
// f32_pool.h, f32_elementwise.h): the portable reference rows so far, in the
// table shape the int8 families use so SIMD rows can join them.
#pragma once

#include "kernels/isa.h"
#include "kernels/reference/f32_conv.h"
#include "kernels/reference/f32_elementwise.h"
#include "kernels/reference/f32_pool.h"
#include "kernels/f32_elementwise_simd.h"  // their SIMD rows

namespace lowbit {

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/f32_float_config.cpp).
KernelFamily<ref::F32ConvFn> f32_conv2d_variants();
KernelFamily<ref::F32ConvFn> f32_dwconv2d_variants();
KernelFamily<ref::F32GemmFn> f32_gemm_variants();
KernelFamily<ref::F32PoolFn> f32_avgpool2d_variants();
KernelFamily<ref::F32PoolFn> f32_maxpool2d_variants();
KernelFamily<ref::F32MeanFn> f32_mean_variants();
KernelFamily<ref::F32BinaryFn> f32_add_variants();
KernelFamily<ref::F32BinaryFn> f32_sub_variants();
KernelFamily<ref::F32BinaryFn> f32_mul_variants();
KernelFamily<ref::F32UnaryFn> f32_clamp_variants();
KernelFamily<ref::F32UnaryFn> f32_logistic_variants();
KernelFamily<ref::F32UnaryFn> f32_hardswish_variants();
KernelFamily<ref::F32SoftmaxFn> f32_softmax_variants();

// x86-64 (kernels/x86/f32_dwconv_avx2.cpp): eight channels at a time, the
// reference's bits.
ref::F32ConvSignature f32_dwconv2d__avx2;
// aarch64 (kernels/arm/f32_dwconv_neon.cpp): four channels at a time, the
// reference's bits.
ref::F32ConvSignature f32_dwconv2d__neon;
// x86-64 (kernels/x86/f32_dwconv_avx512.cpp): sixteen channels at a time, the
// last under a mask; armv7 (kernels/arm/f32_dwconv_armv7neon.cpp): four, the
// reference's bits but for subnormals (flushed). The packed float GEMM for
// CONV_2D and FULLY_CONNECTED is its own family: kernels/f32_igemm.h.
ref::F32ConvSignature f32_dwconv2d__avx512;
ref::F32ConvSignature f32_dwconv2d__armv7neon;

}  // namespace lowbit
