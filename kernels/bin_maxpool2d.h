// Binary max-pooling microkernels (BMAXPOOL2D): the SIMD variants of
// kernels/reference/bin_maxpool2d.h, same signature and bits.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/isa.h"
#include "kernels/reference/bin_maxpool2d.h"

namespace lowbit {

// x86-64 (kernels/x86/):
void bin_maxpool2d__avx2(const ref::BinMaxPool2DParams& p, const uint32_t* input,
                         uint32_t* output, size_t pixel_begin, size_t pixel_end);
void bin_maxpool2d__avx512(const ref::BinMaxPool2DParams& p, const uint32_t* input,
                           uint32_t* output, size_t pixel_begin, size_t pixel_end);
// aarch64 (kernels/arm/):
void bin_maxpool2d__neon(const ref::BinMaxPool2DParams& p, const uint32_t* input,
                         uint32_t* output, size_t pixel_begin, size_t pixel_end);
// 32-bit ARM (kernels/arm/*_armv7neon.cpp):
void bin_maxpool2d__armv7neon(const ref::BinMaxPool2DParams& p, const uint32_t* input,
                              uint32_t* output, size_t pixel_begin, size_t pixel_end);

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/bin_maxpool2d_config.cpp).
KernelFamily<ref::BinMaxPool2DFn> bin_maxpool2d_variants();

}  // namespace lowbit
