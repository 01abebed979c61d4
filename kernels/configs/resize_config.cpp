// The resampling variants (kernels/resize.h) this build has: each SIMD row
// only where its ISA's files are compiled (LOWBIT_HAVE_<ISA>). Best first; the
// reference last.
#include "kernels/resize.h"

namespace lowbit {
namespace {

constexpr KernelVariant<ref::ResizeBilinearF32Fn> kF32Bilinear[] = {
#if defined(LOWBIT_HAVE_AVX2)
    {"f32_resize_bilinear__avx2", "avx2", kCpuAVX2, f32_resize_bilinear__avx2},
#endif
    {"f32_resize_bilinear__reference", "reference", 0, ref::f32_resize_bilinear__reference},
};
constexpr KernelVariant<ref::ResizeBilinearU8Fn> kQu8Bilinear[] = {
#if defined(LOWBIT_HAVE_AVX2)
    {"qu8_resize_bilinear__avx2", "avx2", kCpuAVX2, qu8_resize_bilinear__avx2},
#endif
    {"qu8_resize_bilinear__reference", "reference", 0, ref::qu8_resize_bilinear__reference},
};
constexpr KernelVariant<ref::ResizeBilinearS8Fn> kQs8Bilinear[] = {
#if defined(LOWBIT_HAVE_AVX2)
    {"qs8_resize_bilinear__avx2", "avx2", kCpuAVX2, qs8_resize_bilinear__avx2},
#endif
    {"qs8_resize_bilinear__reference", "reference", 0, ref::qs8_resize_bilinear__reference},
};
constexpr KernelVariant<ref::ResizeNearestFn> kNearest[] = {
    {"copy_resize_nearest__reference", "reference", 0, ref::copy_resize_nearest__reference},
};

}  // namespace

KernelFamily<ref::ResizeBilinearF32Fn> f32_resize_bilinear_variants() {
  return kernel_family(kF32Bilinear);
}
KernelFamily<ref::ResizeBilinearU8Fn> qu8_resize_bilinear_variants() {
  return kernel_family(kQu8Bilinear);
}
KernelFamily<ref::ResizeBilinearS8Fn> qs8_resize_bilinear_variants() {
  return kernel_family(kQs8Bilinear);
}
KernelFamily<ref::ResizeNearestFn> copy_resize_nearest_variants() {
  return kernel_family(kNearest);
}

}  // namespace lowbit
