// Bitpacking and binary max-pooling microkernels: the SIMD variants of
// kernels/reference/bin_pack.h and bin_maxpool2d.h, same signatures and bits.
// Listed best first; the last entry of each table is the reference kernel.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/isa.h"
#include "kernels/reference/bin_maxpool2d.h"
#include "kernels/reference/bin_pack.h"

namespace lowbit {

#if defined(__x86_64__) || defined(__i386__)
void bin_pack_f32__avx2(const float* input, size_t channels, uint32_t* output, size_t row_begin,
                        size_t row_end);
void bin_pack_s8__avx2(const int8_t* input, size_t channels, int32_t zero_point, uint32_t* output,
                       size_t row_begin, size_t row_end);
void bin_maxpool2d__avx2(const ref::BinMaxPool2DParams& p, const uint32_t* input,
                         uint32_t* output, size_t pixel_begin, size_t pixel_end);
void bin_pack_f32__avx512(const float* input, size_t channels, uint32_t* output, size_t row_begin,
                          size_t row_end);
void bin_pack_s8__avx512(const int8_t* input, size_t channels, int32_t zero_point,
                         uint32_t* output, size_t row_begin, size_t row_end);
void bin_maxpool2d__avx512(const ref::BinMaxPool2DParams& p, const uint32_t* input,
                           uint32_t* output, size_t pixel_begin, size_t pixel_end);
#endif
#if defined(__aarch64__) || defined(__arm__)
void bin_pack_f32__neon(const float* input, size_t channels, uint32_t* output, size_t row_begin,
                        size_t row_end);
void bin_pack_s8__neon(const int8_t* input, size_t channels, int32_t zero_point, uint32_t* output,
                       size_t row_begin, size_t row_end);
void bin_maxpool2d__neon(const ref::BinMaxPool2DParams& p, const uint32_t* input,
                         uint32_t* output, size_t pixel_begin, size_t pixel_end);
#endif

const KernelVariant<ref::BinPackF32Fn>* bin_pack_f32_variants(size_t* count);
const KernelVariant<ref::BinPackS8Fn>* bin_pack_s8_variants(size_t* count);
const KernelVariant<ref::BinMaxPool2DFn>* bin_maxpool2d_variants(size_t* count);

}  // namespace lowbit
