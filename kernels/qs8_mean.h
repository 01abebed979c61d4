// SIMD variants of MEAN with the signature and results of
// kernels/reference/qs8_mean.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/qs8_mean.h"

namespace lowbit {

#if defined(__x86_64__)
// Eight consecutive outputs at a time when the innermost kept dimension is
// contiguous in the input (the NHWC spatial mean); the rest goes through the
// reference.
void qs8_mean__avx2(const ref::MeanQuantParams& p, const int8_t* input, int8_t* output,
                    size_t begin, size_t end);
#endif

}  // namespace lowbit
