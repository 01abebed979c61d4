// Resampling kernels (kernels/reference/resize.h): RESIZE_BILINEAR per dtype
// and RESIZE_NEAREST_NEIGHBOR for any byte-sized or 4-byte element.
#pragma once

#include "kernels/isa.h"
#include "kernels/reference/resize.h"

namespace lowbit {

// x86-64 (kernels/x86/resize_avx2.cpp): 8 channels at a time, the last few of
// a pixel through the scalar formula.
void qs8_resize_bilinear__avx2(const ref::ResizeParams& p, const int8_t* input, int8_t* output,
                               size_t row_begin, size_t row_end);
void qu8_resize_bilinear__avx2(const ref::ResizeParams& p, const uint8_t* input,
                               uint8_t* output, size_t row_begin, size_t row_end);
void f32_resize_bilinear__avx2(const ref::ResizeParams& p, const float* input, float* output,
                               size_t row_begin, size_t row_end);

// ARM (kernels/arm/resize_neon.h): 4 channels at a time, the last few of a
// pixel through the reference's formula; 32-bit ARM has no float32 row (its
// NEON flushes subnormals).
void qs8_resize_bilinear__neon(const ref::ResizeParams& p, const int8_t* input, int8_t* output,
                               size_t row_begin, size_t row_end);
void qu8_resize_bilinear__neon(const ref::ResizeParams& p, const uint8_t* input,
                               uint8_t* output, size_t row_begin, size_t row_end);
void f32_resize_bilinear__neon(const ref::ResizeParams& p, const float* input, float* output,
                               size_t row_begin, size_t row_end);
void qs8_resize_bilinear__armv7neon(const ref::ResizeParams& p, const int8_t* input,
                                    int8_t* output, size_t row_begin, size_t row_end);
void qu8_resize_bilinear__armv7neon(const ref::ResizeParams& p, const uint8_t* input,
                                    uint8_t* output, size_t row_begin, size_t row_end);

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/resize_config.cpp).
KernelFamily<ref::ResizeBilinearF32Fn> f32_resize_bilinear_variants();
KernelFamily<ref::ResizeBilinearU8Fn> qu8_resize_bilinear_variants();
KernelFamily<ref::ResizeBilinearS8Fn> qs8_resize_bilinear_variants();
KernelFamily<ref::ResizeNearestFn> copy_resize_nearest_variants();

}  // namespace lowbit
