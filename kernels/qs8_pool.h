// SIMD variants of AVERAGE_POOL_2D and MAX_POOL_2D with the signature and
// results of kernels/reference/qs8_pool2d.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/qs8_pool2d.h"

namespace lowbit {

#if defined(__x86_64__)
// Channels in steps of 32 (max) or 16 (average, int32 sums), the last few
// channels of a pixel through the same arithmetic one at a time.
void qs8_average_pool2d__avx2(const ref::PoolParams& p, const int8_t* input, int8_t* output,
                              size_t row_begin, size_t row_end);
void qu8_average_pool2d__avx2(const ref::PoolParams& p, const uint8_t* input, uint8_t* output,
                              size_t row_begin, size_t row_end);
void qs8_max_pool2d__avx2(const ref::PoolParams& p, const int8_t* input, int8_t* output,
                          size_t row_begin, size_t row_end);
void qu8_max_pool2d__avx2(const ref::PoolParams& p, const uint8_t* input, uint8_t* output,
                          size_t row_begin, size_t row_end);
#endif

}  // namespace lowbit
