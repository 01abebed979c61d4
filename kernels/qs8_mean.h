// SIMD variants of MEAN with the signature and results of
// kernels/reference/qs8_mean.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/isa.h"
#include "kernels/reference/qs8_mean.h"

namespace lowbit {

// x86-64 (kernels/x86/):
// Eight consecutive outputs at a time when the innermost kept dimension is
// contiguous in the input (the NHWC spatial mean), byte sums of 32 at a time
// when the innermost reduced one is; the rest goes through the reference.
// SUM runs the uint8 kernel.
ref::UnaryRangeKernel<ref::MeanQuantParams, int8_t> qs8_mean__avx2;
ref::UnaryRangeKernel<ref::MeanQuantParams, uint8_t> qu8_mean__avx2;

// ARM (kernels/arm/qs8_mean_neon.h): uint8 only so far, the same two layouts.
ref::UnaryRangeKernel<ref::MeanQuantParams, uint8_t> qu8_mean__neon;
ref::UnaryRangeKernel<ref::MeanQuantParams, uint8_t> qu8_mean__armv7neon;

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/qs8_mean_config.cpp).
KernelFamily<ref::Qs8MeanFn> qs8_mean_variants();
KernelFamily<ref::Qu8MeanFn> qu8_mean_variants();
KernelFamily<ref::Qs16MeanFn> qs16_mean_variants();  // the reference only, so far

}  // namespace lowbit
