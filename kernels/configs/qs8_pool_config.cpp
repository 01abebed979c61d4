// The int8 and uint8 AVERAGE_POOL_2D and MAX_POOL_2D variants
// (kernels/qs8_pool.h) this build has: each SIMD row only where its ISA's
// files are compiled (LOWBIT_HAVE_<ISA>). Best first; the reference last.
#include "kernels/qs8_pool.h"

namespace lowbit {
namespace {

constexpr KernelVariant<ref::Qs8Pool2dFn> kQs8AveragePool2d[] = {
#if defined(LOWBIT_HAVE_AVX2)
    {"qs8_average_pool2d__avx2", "avx2", kCpuAVX2, qs8_average_pool2d__avx2},
#endif
    {"qs8_average_pool2d__reference", "reference", 0, ref::qs8_average_pool2d__reference},
};
constexpr KernelVariant<ref::Qu8Pool2dFn> kQu8AveragePool2d[] = {
#if defined(LOWBIT_HAVE_AVX2)
    {"qu8_average_pool2d__avx2", "avx2", kCpuAVX2, qu8_average_pool2d__avx2},
#endif
    {"qu8_average_pool2d__reference", "reference", 0, ref::qu8_average_pool2d__reference},
};
constexpr KernelVariant<ref::Qs8Pool2dFn> kQs8MaxPool2d[] = {
#if defined(LOWBIT_HAVE_AVX2)
    {"qs8_max_pool2d__avx2", "avx2", kCpuAVX2, qs8_max_pool2d__avx2},
#endif
    {"qs8_max_pool2d__reference", "reference", 0, ref::qs8_max_pool2d__reference},
};
constexpr KernelVariant<ref::Qu8Pool2dFn> kQu8MaxPool2d[] = {
#if defined(LOWBIT_HAVE_AVX2)
    {"qu8_max_pool2d__avx2", "avx2", kCpuAVX2, qu8_max_pool2d__avx2},
#endif
    {"qu8_max_pool2d__reference", "reference", 0, ref::qu8_max_pool2d__reference},
};

}  // namespace

KernelFamily<ref::Qs8Pool2dFn> qs8_average_pool2d_variants() {
  return kernel_family(kQs8AveragePool2d);
}
KernelFamily<ref::Qu8Pool2dFn> qu8_average_pool2d_variants() {
  return kernel_family(kQu8AveragePool2d);
}
KernelFamily<ref::Qs8Pool2dFn> qs8_max_pool2d_variants() { return kernel_family(kQs8MaxPool2d); }
KernelFamily<ref::Qu8Pool2dFn> qu8_max_pool2d_variants() { return kernel_family(kQu8MaxPool2d); }

}  // namespace lowbit
