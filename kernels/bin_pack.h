// Bitpacking microkernels (BITPACK: float or int8 -> bits) and unpacking
// (BIT_UNPACK: bits -> float or int8): the SIMD variants of
// kernels/reference/bin_pack.h, same signatures and bits.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/isa.h"
#include "kernels/reference/bin_pack.h"

namespace lowbit {

// x86-64 (kernels/x86/):
void bin_pack_f32__avx2(const float* input, size_t channels, uint32_t* output, size_t row_begin,
                        size_t row_end);
void bin_pack_qs8__avx2(const int8_t* input, size_t channels, int32_t zero_point, uint32_t* output,
                        size_t row_begin, size_t row_end);
void bin_pack_f32__avx512(const float* input, size_t channels, uint32_t* output, size_t row_begin,
                          size_t row_end);
void bin_pack_qs8__avx512(const int8_t* input, size_t channels, int32_t zero_point,
                          uint32_t* output, size_t row_begin, size_t row_end);
// aarch64 (kernels/arm/):
void bin_pack_f32__neon(const float* input, size_t channels, uint32_t* output, size_t row_begin,
                        size_t row_end);
void bin_pack_qs8__neon(const int8_t* input, size_t channels, int32_t zero_point, uint32_t* output,
                        size_t row_begin, size_t row_end);
// 32-bit ARM (kernels/arm/*_armv7neon.cpp):
void bin_pack_f32__armv7neon(const float* input, size_t channels, uint32_t* output,
                             size_t row_begin, size_t row_end);
void bin_pack_qs8__armv7neon(const int8_t* input, size_t channels, int32_t zero_point,
                             uint32_t* output, size_t row_begin, size_t row_end);

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/bin_pack_config.cpp, bin_unpack_config.cpp).
KernelFamily<ref::BinPackF32Fn> bin_pack_f32_variants();
KernelFamily<ref::BinPackQs8Fn> bin_pack_qs8_variants();
KernelFamily<ref::BinUnpackF32Fn> bin_unpack_f32_variants();
KernelFamily<ref::BinUnpackQs8Fn> bin_unpack_qs8_variants();

}  // namespace lowbit
