// The int8 and uint8 MEAN variants (kernels/qs8_mean.h) this build has: each
// SIMD row only where its ISA's files are compiled (LOWBIT_HAVE_<ISA>). Best
// first; the reference last.
#include "kernels/qs8_mean.h"

namespace lowbit {
namespace {

constexpr KernelVariant<ref::Qs8MeanFn> kQs8Mean[] = {
#if defined(LOWBIT_HAVE_AVX2)
    {"qs8_mean__avx2", "avx2", kCpuAVX2, qs8_mean__avx2},
#endif
    {"qs8_mean__reference", "reference", 0, ref::qs8_mean__reference},
};
constexpr KernelVariant<ref::Qu8MeanFn> kQu8Mean[] = {
    {"qu8_mean__reference", "reference", 0, ref::qu8_mean__reference},
};

}  // namespace

KernelFamily<ref::Qs8MeanFn> qs8_mean_variants() { return kernel_family(kQs8Mean); }
KernelFamily<ref::Qu8MeanFn> qu8_mean_variants() { return kernel_family(kQu8Mean); }

}  // namespace lowbit
