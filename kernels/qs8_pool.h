// SIMD variants of AVERAGE_POOL_2D and MAX_POOL_2D with the signature and
// results of kernels/reference/qs8_pool2d.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/isa.h"
#include "kernels/reference/qs8_pool2d.h"

namespace lowbit {

// x86-64 (kernels/x86/):
// Channels in steps of 32 (max) or 16 (average, int32 sums), the last few
// channels of a pixel through the same arithmetic one at a time.
ref::Pool2dKernel<int8_t> qs8_average_pool2d__avx2, qs8_max_pool2d__avx2;
ref::Pool2dKernel<uint8_t> qu8_average_pool2d__avx2, qu8_max_pool2d__avx2;

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/qs8_pool_config.cpp).
KernelFamily<ref::Qs8Pool2dFn> qs8_average_pool2d_variants();
KernelFamily<ref::Qu8Pool2dFn> qu8_average_pool2d_variants();
KernelFamily<ref::Qs8Pool2dFn> qs8_max_pool2d_variants();
KernelFamily<ref::Qu8Pool2dFn> qu8_max_pool2d_variants();

}  // namespace lowbit
