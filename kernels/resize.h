// Resampling kernels (kernels/reference/resize.h): RESIZE_BILINEAR per dtype
// and RESIZE_NEAREST_NEIGHBOR for any byte-sized or 4-byte element.
#pragma once

#include "kernels/isa.h"
#include "kernels/reference/resize.h"

namespace lowbit {

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/resize_config.cpp).
KernelFamily<ref::ResizeBilinearF32Fn> f32_resize_bilinear_variants();
KernelFamily<ref::ResizeBilinearU8Fn> qu8_resize_bilinear_variants();
KernelFamily<ref::ResizeBilinearS8Fn> qs8_resize_bilinear_variants();
KernelFamily<ref::ResizeNearestFn> copy_resize_nearest_variants();

}  // namespace lowbit
