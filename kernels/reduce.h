// REDUCE_MAX / REDUCE_MIN / plain SUM / plain MEAN kernels
// (kernels/reference/reduce.h). The SIMD variants take REDUCE_MAX and
// REDUCE_MIN of int8 and uint8 (exact in any order) over the innermost axis
// or across contiguous outputs (kernels/reference/reduce_simd.h) and hand
// every other case to the reference.
#pragma once

#include "kernels/isa.h"
#include "kernels/reference/reduce.h"

namespace lowbit {

// x86-64 (kernels/x86/reduce_<isa>.cpp): 32 bytes per vector (AVX-512: 64).
void reduce__avx512(const ref::ReduceParams& p, const void* input, void* output, size_t begin,
                    size_t end);
void reduce__avx2(const ref::ReduceParams& p, const void* input, void* output, size_t begin,
                  size_t end);

// ARM (kernels/arm/reduce_neon.h): 16 bytes per vector.
void reduce__neon(const ref::ReduceParams& p, const void* input, void* output, size_t begin,
                  size_t end);
void reduce__armv7neon(const ref::ReduceParams& p, const void* input, void* output, size_t begin,
                       size_t end);

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/reduce_config.cpp).
KernelFamily<ref::ReduceFn> reduce_variants();

}  // namespace lowbit
