// SIMD variants of the integer requantization kernels (QUANTIZE between
// integer types) with the signatures and results of
// kernels/reference/qs8_quantize.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/qs8_quantize.h"

namespace lowbit {

#if defined(__x86_64__)
void qs8_requantize__avx2(const ref::RequantizeParams& params, size_t n, const int8_t* input,
                          int8_t* output);
void qu8_qs8_requantize__avx2(const ref::RequantizeParams& params, size_t n,
                              const uint8_t* input, int8_t* output);
void qs8_qu8_requantize__avx2(const ref::RequantizeParams& params, size_t n, const int8_t* input,
                              uint8_t* output);
#endif

}  // namespace lowbit
