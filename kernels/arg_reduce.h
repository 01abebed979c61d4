// ARG_MAX / ARG_MIN kernels (kernels/reference/arg_reduce.h). The SIMD
// variants take int8 and uint8 over the innermost axis (a segmentation
// model's class scores per pixel, DeepLab's 513x513x21) and hand every other
// case to the reference.
#pragma once

#include "kernels/isa.h"
#include "kernels/reference/arg_reduce.h"

namespace lowbit {

// x86-64 (kernels/x86/arg_reduce_<isa>.cpp): one pixel's channels per
// 32-byte vector (AVX-512: 64 bytes, tails by masked loads).
void arg_reduce__avx512(const ref::ArgReduceParams& p, const void* input, void* output,
                        size_t outer_begin, size_t outer_end);
void arg_reduce__avx2(const ref::ArgReduceParams& p, const void* input, void* output,
                      size_t outer_begin, size_t outer_end);

// ARM (kernels/arm/arg_reduce_neon.h): 16 channels per vector.
void arg_reduce__neon(const ref::ArgReduceParams& p, const void* input, void* output,
                      size_t outer_begin, size_t outer_end);
void arg_reduce__armv7neon(const ref::ArgReduceParams& p, const void* input, void* output,
                           size_t outer_begin, size_t outer_end);

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/arg_reduce_config.cpp).
KernelFamily<ref::ArgReduceFn> arg_reduce_variants();

}  // namespace lowbit
